"""Every week's report, and an index page listing them with the trends across weeks.

A replayed history has dozens of weeks; one report per week answers "what happened that
week", and the index answers "how did it move": open and new jobs, the AI share, each AI
role's share of AI jobs, the arrangement shares and entry against senior new AI jobs, one
row per week. Both the Markdown and the HTML index are rendered from the same tables, and
every value is escaped by the shared renderers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb
import pandas as pd

from reports import charts, display
from reports.markdown import table
from reports.safe import visible
from reports.weekly import html_head, html_table, write_report
from warehouse import market_history, queries


@dataclass(frozen=True, slots=True)
class IndexFiles:
    weeks: list[Path]
    markdown: Path
    html: Path


def write_all(
    con: duckdb.DuckDBPyConnection,
    reports_dir: Path,
    generated_at: datetime | None = None,
    on_week: Callable[[str], None] | None = None,
) -> IndexFiles:
    """Write `<reports_dir>/<week>/` for every week with data, then `index.md` and
    `index.html` beside them."""
    stamp = generated_at or datetime.now(UTC)
    written = []
    for week in queries.weeks(con):
        written.append(write_report(con, reports_dir, week.week, stamp).markdown)
        if on_week is not None:
            on_week(week.week)
    trends, roles = trend_tables(con)
    stale = market_history.stale_boards(con)
    out = Path(reports_dir)
    out.mkdir(parents=True, exist_ok=True)
    markdown, html = out / "index.md", out / "index.html"
    markdown.write_text(render_markdown(trends, roles, stale, stamp), encoding="utf-8")
    html.write_text(render_html(con, trends, roles, stale, stamp), encoding="utf-8")
    return IndexFiles(written, markdown, html)


def trend_tables(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-week trends (shares as percentages) and each AI role's share of AI jobs."""
    raw = market_history.weekly_trends(con)
    trends = pd.DataFrame(
        {
            "week": raw["week"],
            "open": raw["open_jobs"],
            "new": raw["new_jobs"],
            "AI open": raw["ai_open"],
            "AI share": raw["ai_share"].map(_pct),
            "AI remote": raw["remote_share"].map(_pct),
            "AI hybrid": raw["hybrid_share"].map(_pct),
            "AI onsite": raw["onsite_share"].map(_pct),
            "AI new entry": raw["ai_new_entry"],
            "AI new senior": raw["ai_new_senior"],
        }
    )
    long = market_history.weekly_ai_roles(con)
    if long.empty:
        return trends, pd.DataFrame({"week": trends["week"]})
    wide = long.pivot_table(index="week", columns="role", values="open_jobs", fill_value=0)
    order = wide.sum().sort_values(ascending=False).index
    shares = wide[order].div(wide.sum(axis=1), axis=0)
    roles = shares.map(_pct).reindex(trends["week"]).fillna("").reset_index()
    return trends, roles.rename(columns={r: display.role(r) for r in order})


def _pct(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.1%}"


def _linked(weeks: pd.Series, html: bool) -> list[str]:
    if html:
        return [f'<a href="{escape(w)}/report.html">{escape(w)}</a>' for w in weeks]
    return [f"[{w}]({w}/report.md)" for w in weeks]


INTRO = (
    "One row per ISO week with data. Counts are canonical jobs open at some point in the "
    "week (a job cross-posted or reposted counts once); new jobs were first seen that week "
    "(in the first week, and when a board first appears, that is everything it had open). "
    "Arrangement shares are of open AI jobs whose arrangement is known."
)
STALE_NOTE = (
    "Boards with no fresh fetch in the last {days} days before the last night: their jobs "
    "are frozen open (we stopped seeing the board), so the trends count them as open."
)


def render_markdown(
    trends: pd.DataFrame, roles: pd.DataFrame, stale: pd.DataFrame, stamp: datetime
) -> str:
    """The index as Markdown; the week column links each week's report (safe: ISO weeks)."""
    lines = ["# Weekly job-market reports", "", INTRO, "", "## Weeks and trends", ""]
    lines.append(_with_links(trends))
    lines += ["## Each AI role's share of open AI jobs", "", _with_links(roles)]
    lines += ["## Boards we stopped seeing", "", STALE_NOTE.format(days=market_history.STALE_DAYS)]
    lines += ["", table(stale, numeric=_numeric(stale))]
    lines += [f"_Generated {stamp:%Y-%m-%d %H:%M} UTC by jobtrends._", ""]
    return "\n".join(lines)


def _numeric(frame: pd.DataFrame) -> list[bool]:
    """Columns of counts or shares, which both renderers right-align."""
    return [
        pd.api.types.is_numeric_dtype(frame[c])
        or (c != "week" and frame[c].astype(str).str.fullmatch(r"[\d.,%+-]*").all())
        for c in frame.columns
    ]


def _with_links(frame: pd.DataFrame) -> str:
    """The table with its week column as links; the rest of the cells escaped as usual."""
    if frame.empty:
        return "_No rows._\n"
    rows = table(frame, numeric=_numeric(frame)).split("\n")
    head, rule, body = rows[0], rows[1], rows[2:]
    linked = _linked(frame["week"], html=False)
    out = [head, rule]
    for link, row in zip(linked, body, strict=False):
        cells = row.split(" | ", 1)
        out.append(f"| {link} | {cells[1]}" if len(cells) == 2 else row)
    return "\n".join(out) + "\n"


def render_html(
    con: duckdb.DuckDBPyConnection,
    trends: pd.DataFrame,
    roles: pd.DataFrame,
    stale: pd.DataFrame,
    stamp: datetime,
) -> str:
    long = market_history.weekly_ai_roles(con)
    chart = charts.small_multiples(
        long.rename(columns={"open_jobs": "open"}), "role", "open", "Open AI jobs per role"
    )
    totals = market_history.weekly_trends(con)
    overall = charts.small_multiples(
        pd.concat(
            [
                totals.assign(series="open jobs", value=totals["open_jobs"]),
                totals.assign(series="new jobs", value=totals["new_jobs"]),
                totals.assign(series="open AI jobs", value=totals["ai_open"]),
            ]
        )[["week", "series", "value"]],
        "series",
        "value",
        "Open and new jobs per week",
    )
    parts = [
        *html_head("Weekly job-market reports"),
        f"<p>{escape(INTRO)}</p>",
        f'<figure class="chart">{overall}</figure>' if overall else "",
        "<h2>Weeks and trends</h2>",
        _html_table(trends),
        "<h2>Each AI role's share of open AI jobs</h2>",
        f'<figure class="chart">{chart}</figure>' if chart else "",
        _html_table(roles),
        "<h2>Boards we stopped seeing</h2>",
        f"<p>{escape(STALE_NOTE.format(days=market_history.STALE_DAYS))}</p>",
        _html_table(stale, link=False),
        f"<footer><p>Generated {stamp:%Y-%m-%d %H:%M} UTC by jobtrends.</p></footer>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _html_table(frame: pd.DataFrame, link: bool = True) -> str:
    if frame.empty:
        return "<p><em>No rows.</em></p>"
    weeks = _linked(frame["week"], html=True) if link and "week" in frame else None
    rows = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = [_html_cell(v) for v in row]
        if weeks is not None:
            cells[0] = weeks[i]
        rows.append(cells)
    return html_table([escape(str(c)) for c in frame.columns], rows, _numeric(frame))


def _html_cell(value: object) -> str:
    if display.missing(value):
        return ""
    return escape(visible(display.count(value) if isinstance(value, float) else str(value)))
