"""The weekly report: what the market posted in one ISO week, and whether the guide holds.

`build_report` reads the warehouse once into a `Report` (sections of tables and charts);
renderers turn that one model into Markdown, a self-contained HTML page and one CSV per
table, so the three formats can never disagree. Counts are over postings open at some point
in the week; every value that came from a posting is escaped by the renderers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb
import pandas as pd

from reports import charts
from reports.guide_check import ClaimResult, Evidence, check, load_claims
from reports.markdown import table
from warehouse import queries

SAMPLE_BANNER = (
    "Sample data. This report was built from the bundled offline sample: fictional companies "
    "and postings from a seeded generator, not real job-market figures."
)
ARRANGEMENTS = ("remote", "hybrid", "onsite", "unknown")
WEEK = re.compile(r"^\d{4}-W\d{2}$")


@dataclass(slots=True)
class Section:
    title: str
    intro: str = ""
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    week: str
    title: str
    generated_at: datetime
    banner: str = ""
    headline: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReportFiles:
    directory: Path
    markdown: Path
    html: Path
    csvs: list[Path]


def build_report(
    con: duckdb.DuckDBPyConnection, week: str | None = None, generated_at: datetime | None = None
) -> Report:
    """The report for `week` (default: the latest week with data); empty weeks say so."""
    stamp = generated_at or datetime.now(UTC)
    found = queries.find_week(con, week)
    if found is None:
        name = week if week and WEEK.match(week) else "no-data"
        return Report(
            name,
            f"Job-market report: {week or 'no data'}",
            stamp,
            headline=["The warehouse has no data for this week."],
        )
    postings = queries.week_postings(con, found)
    report = Report(
        found.week,
        f"Job-market report: {found.week} ({found.start} to {found.end})",
        stamp,
        banner=SAMPLE_BANNER if found.has_sample_data else "",
    )
    start, end = pd.Timestamp(found.start), pd.Timestamp(found.end)
    new = pd.to_datetime(postings["first_seen"]).between(start, end)
    closed = pd.to_datetime(postings["closed_at"]).between(start, end)
    ai = postings[postings["is_ai"]]
    disclosed = postings["salary_usd_min"].notna()
    report.headline = [
        f"Open postings: {len(postings)} · new: {int(new.sum())} · closed: {int(closed.sum())} "
        f"({found.nights} nightly run(s) this week)",
        f"AI-role share: {_pct(len(ai), len(postings))} · salary disclosed: "
        f"{_pct(int(disclosed.sum()), len(postings))}",
    ]
    claims = load_claims()
    evidence = Evidence(
        postings,
        queries.weekly_new(con, found.end),
        queries.survey_salaries(con),
        claims["min_n"],
        claims["confidence"],
    )
    report.sections = [
        _demand(con, postings, new, closed, found),
        _salaries(postings, claims),
        _metros(ai),
        _arrangements(con, postings, found),
        _requirements(ai),
        _industries(ai),
        _companies(postings),
        _quality(con, postings, found),
        _guide_check(check(evidence, claims), claims),
    ]
    return report


def _pct(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "n/a"


def _demand(
    con: duckdb.DuckDBPyConnection,
    postings: pd.DataFrame,
    new: pd.Series,
    closed: pd.Series,
    found: queries.Week,
) -> Section:
    frame = postings.assign(new=new, closed=closed)
    by_role = frame.groupby("role").agg(
        open=("role", "size"), new=("new", "sum"), closed=("closed", "sum")
    )
    trend = queries.role_trend(con, found.start)
    weeks = sorted(trend["week"].unique())
    if len(weeks) >= 2:
        prior = trend[trend["week"] == weeks[-2]].set_index("role")["open"]
        by_role["open_last_week"] = prior.reindex(by_role.index).fillna(0).astype(int)
        by_role["wow_change"] = [
            f"{(o - p) / p:+.0%}" if p else "new"
            for o, p in zip(by_role["open"], by_role["open_last_week"], strict=True)
        ]
    by_role = by_role.sort_values(["open", "new"], ascending=False).reset_index()
    return Section(
        "Role demand",
        "Postings open during the week per role, with new and closed ones and the change in "
        "open postings from the previous week with data.",
        [("role_demand", by_role)],
        [charts.small_multiples(trend, "role", "open", "Open postings per role, last 8 weeks")],
    )


def _bands(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    mids = (frame["salary_usd_min"] + frame["salary_usd_max"]) / 2
    data = frame.assign(mid=mids)
    grouped = data.groupby(keys)
    out = grouped["mid"].agg(
        n="count",
        p25=lambda s: s.quantile(0.25),
        median="median",
        p75=lambda s: s.quantile(0.75),
    )
    out["disclosure"] = (grouped["mid"].count() / grouped.size()).map(lambda v: f"{v:.0%}")
    for column in ("p25", "median", "p75"):
        out[column] = out[column].round(-3).astype("Int64")
    return out.reset_index()


def _salaries(postings: pd.DataFrame, claims: dict) -> Section:
    bands = _bands(postings, ["role", "seniority"])
    guide = {
        (c["role"], c["seniority"]): (c["low"], c["high"])
        for claim in claims["claims"]
        if claim["id"] == "G1"
        for c in claim["cells"]
    }
    rows = []
    for (role, seniority), (low, high) in guide.items():
        match = bands[(bands["role"] == role) & (bands["seniority"] == seniority)]
        has = not match.empty and match["n"].iloc[0] > 0
        rows.append(
            {
                "label": f"{role} · {seniority}",
                "p25": match["p25"].iloc[0] if has else float("nan"),
                "median": match["median"].iloc[0] if has else float("nan"),
                "p75": match["p75"].iloc[0] if has else float("nan"),
                "guide_low": low,
                "guide_high": high,
            }
        )
    return Section(
        "Salary bands by role and seniority",
        "Annualised USD midpoints of stated pay ranges (base pay as posted). The chart sets "
        "them against the guide's ranges, which are total compensation.",
        [("salary_bands", bands[bands["n"] > 0])],
        [charts.salary_ranges(pd.DataFrame(rows), "Postings' pay against the guide's ranges")],
    )


def _metros(ai: pd.DataFrame) -> Section:
    bands = _bands(ai[ai["metro"].notna()], ["metro"]).sort_values("n", ascending=False)
    return Section(
        "Salary by metro",
        "AI-role postings with a parsed metro area.",
        [("salary_by_metro", bands)],
    )


def _arrangements(
    con: duckdb.DuckDBPyConnection, postings: pd.DataFrame, found: queries.Week
) -> Section:
    counts = (
        postings.groupby(["role", "work_arrangement"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(ARRANGEMENTS), fill_value=0)
    )
    known = counts[["remote", "hybrid", "onsite"]].sum(axis=1)
    counts["remote_share"] = [_pct(r, k) for r, k in zip(counts["remote"], known, strict=True)]
    per_role = counts.reset_index().sort_values("remote", ascending=False)
    ai = postings[postings["is_ai"]]
    overall = pd.DataFrame(
        [
            {
                "population": name,
                **{a: int((frame["work_arrangement"] == a).sum()) for a in ARRANGEMENTS},
            }
            for name, frame in (("AI roles", ai), ("all postings", postings))
        ]
    )
    trend = (
        queries.arrangement_trend(con, found.start)
        .pivot_table(index="week", columns="work_arrangement", values="postings", fill_value=0)
        .reset_index()
    )
    return Section(
        "Remote, hybrid and onsite",
        "Shares exclude `unknown` from the denominator; unknown counts are shown beside them.",
        [
            ("arrangement_overall", overall),
            ("arrangement_by_role", per_role),
            ("arrangement_trend", trend),
        ],
        [
            charts.stacked_shares(overall, "population", ARRANGEMENTS, "Work arrangement"),
            charts.stacked_shares(
                trend, "week", ARRANGEMENTS, "AI postings by arrangement, per week"
            ),
        ],
    )


def _requirements(ai: pd.DataFrame) -> Section:
    degrees = ai["degree"].value_counts().rename_axis("degree").reset_index(name="postings")
    degrees["share"] = [_pct(v, len(ai)) for v in degrees["postings"]]
    skills = ai["skills"].explode().dropna()
    top = skills.value_counts().head(15).rename_axis("skill").reset_index(name="postings")
    top["share"] = [_pct(v, len(ai)) for v in top["postings"]]
    return Section(
        "Degrees and skills",
        "Among AI-role postings open this week.",
        [("degrees", degrees), ("skills", top)],
        [charts.bars(top, "skill", "postings", "Most-mentioned skills")],
    )


def _industries(ai: pd.DataFrame) -> Section:
    mix = ai["industry"].value_counts().rename_axis("industry").reset_index(name="postings")
    mix["share"] = [_pct(v, len(ai)) for v in mix["postings"]]
    return Section(
        "Industry mix",
        "AI-role postings by the hiring company's industry.",
        [("industries", mix)],
        [charts.bars(mix, "industry", "postings", "Industries")],
    )


def _companies(postings: pd.DataFrame) -> Section:
    top = (
        postings.groupby("company")
        .agg(open=("company", "size"), ai_roles=("is_ai", "sum"))
        .sort_values(["open", "ai_roles"], ascending=False)
        .head(15)
        .reset_index()
    )
    return Section("Top hiring companies", "", [("companies", top)])


def _quality(
    con: duckdb.DuckDBPyConnection, postings: pd.DataFrame, found: queries.Week
) -> Section:
    health = queries.run_health(con, found.start, found.end)
    n = len(postings)
    unknown = pd.DataFrame(
        [
            {"label": "role is other", "share": _pct(int((postings["role"] == "other").sum()), n)},
            {
                "label": "seniority unknown",
                "share": _pct(int((postings["seniority"] == "unknown").sum()), n),
            },
            {
                "label": "work arrangement unknown",
                "share": _pct(int((postings["work_arrangement"] == "unknown").sum()), n),
            },
            {
                "label": "no usable salary",
                "share": _pct(int(postings["salary_usd_min"].isna().sum()), n),
            },
        ]
    )
    return Section(
        "Data quality and source coverage",
        "Runs per source this week, failures with their latest reason, parse errors, "
        "and how often a label could not be decided.",
        [("sources", health), ("unknown_rates", unknown)],
    )


def _guide_check(results: list[ClaimResult], claims: dict) -> Section:
    frame = pd.DataFrame(
        [
            {
                "claim": r.claim_id,
                "guide": r.guide,
                "basis": r.basis,
                "n": r.n,
                "postings": r.estimate,
                "95% interval": r.interval,
                "survey": r.survey,
                "verdict": r.verdict,
                "note": r.note,
            }
            for r in results
        ]
    )
    tally = frame["verdict"].value_counts().to_dict() if not frame.empty else {}
    summary = ", ".join(f"{v}: {k}" for k, v in sorted(tally.items()))
    return Section(
        "Guide check",
        f"Each claim of the guide (claims v{claims['version']}) against this week's postings. "
        f"Below n = {claims['min_n']} a claim is `insufficient data`; an interval inside the "
        "guide's range supports it, one outside contradicts it, one straddling an edge is "
        "`inconclusive`. The guide's salary tables are total compensation, postings state base "
        f"pay (column `basis`). Verdicts: {summary}.",
        [("guide_check", frame)],
    )


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    if report.banner:
        lines += [f"> **{report.banner}**", ""]
    lines += [f"- {h}" for h in report.headline] + [""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        for name, frame in section.tables:
            if len(section.tables) > 1:
                lines += [f"**{name.replace('_', ' ')}**", ""]
            lines += [table(frame)]
    lines += [f"_Generated {report.generated_at:%Y-%m-%d %H:%M} UTC by jobtrends._", ""]
    return "\n".join(lines)


def _html_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p><em>No rows.</em></p>"
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{'' if pd.isna(v) is True else escape(str(v))}</td>" for v in row)
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


HTML_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;margin:2em auto;
padding:0 1em;color:#212529;line-height:1.45}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}
th,td{border-bottom:1px solid #dee2e6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}.banner{background:#fff3bf;padding:.6em 1em;border-radius:4px}
figure{margin:1em 0}h2{border-bottom:2px solid #e9ecef;padding-bottom:.2em;margin-top:2em}
"""


def render_html(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{escape(report.title)}</title><style>{HTML_STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    if report.banner:
        parts.append(f'<p class="banner"><strong>{escape(report.banner)}</strong></p>')
    parts.append("<ul>" + "".join(f"<li>{escape(h)}</li>" for h in report.headline) + "</ul>")
    for section in report.sections:
        parts.append(f"<section><h2>{escape(section.title)}</h2>")
        if section.intro:
            parts.append(f"<p>{escape(section.intro)}</p>")
        parts.extend(f'<figure class="chart">{svg}</figure>' for svg in section.charts if svg)
        for name, frame in section.tables:
            if len(section.tables) > 1:
                parts.append(f"<h3>{escape(name.replace('_', ' '))}</h3>")
            parts.append(_html_table(frame))
        parts.append("</section>")
    parts.append(
        f"<footer><p>Generated {report.generated_at:%Y-%m-%d %H:%M} UTC by "
        "jobtrends.</p></footer></body></html>"
    )
    return "\n".join(parts)


def write_report(
    con: duckdb.DuckDBPyConnection,
    reports_dir: Path,
    week: str | None = None,
    generated_at: datetime | None = None,
) -> ReportFiles:
    """Write `<reports_dir>/<week>/report.md`, `report.html` and one CSV per table."""
    report = build_report(con, week, generated_at)
    out = Path(reports_dir) / (report.week if WEEK.match(report.week) else "no-data")
    out.mkdir(parents=True, exist_ok=True)
    markdown, html = out / "report.md", out / "report.html"
    markdown.write_text(render_markdown(report), encoding="utf-8")
    html.write_text(render_html(report), encoding="utf-8")
    csvs = []
    for section in report.sections:
        for name, frame in section.tables:
            path = out / f"{name}.csv"
            frame.to_csv(path, index=False)
            csvs.append(path)
    return ReportFiles(out, markdown, html, csvs)
