"""The weekly report: what the market posted in one ISO week, written as Markdown."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from reports.markdown import table
from warehouse import queries

SAMPLE_BANNER = (
    "> **Sample data.** This report was built from the bundled offline sample: fictional "
    "companies and postings from a seeded generator, not real job-market figures."
)


def build_markdown(con: duckdb.DuckDBPyConnection, week: str | None = None) -> tuple[str, str]:
    """Return (week, markdown); a week without data gets a report that says so."""
    found = queries.find_week(con, week)
    if found is None:
        name = week or "no data"
        return name, f"# Job-market report: {name}\n\nThe warehouse has no data for this week.\n"
    by_role = queries.postings_by(con, found.week, "role")
    by_source = queries.postings_by(con, found.week, "source")
    health = queries.run_health(con, found.start, found.end)
    parts = [f"# Job-market report: {found.week} ({found.start} to {found.end})", ""]
    if found.has_sample_data:
        parts += [SAMPLE_BANNER, ""]
    parts += [
        f"Postings open during the week: **{int(by_role['open'].sum())}**; "
        f"new: **{int(by_role['new'].sum())}**; closed: **{int(by_role['closed'].sum())}** "
        f"(from {found.nights} nightly run(s)).",
        "",
        "## Postings per role",
        "",
        table(by_role),
        "## Postings per source",
        "",
        table(by_source),
        "## Sources and failures",
        "",
        table(health),
        f"_Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by jobtrends._",
        "",
    ]
    return found.week, "\n".join(parts)


def write_report(
    con: duckdb.DuckDBPyConnection, reports_dir: Path, week: str | None = None
) -> Path:
    """Write `<reports_dir>/<week>/report.md` and return its path."""
    name, markdown = build_markdown(con, week)
    out = Path(reports_dir) / _safe_week(name)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.md"
    path.write_text(markdown, encoding="utf-8")
    return path


def _safe_week(name: str) -> str:
    """Directory name from a week label; only `YYYY-Www` passes, anything else is 'no-data'."""
    return name if re.fullmatch(r"\d{4}-W\d{2}", name) else "no-data"
