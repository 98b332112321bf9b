"""The weekly report: what the market posted in one ISO week, and whether the guide holds.

`build_report` asks `warehouse.queries` one question per section, each a select on one mart, so
every count in the report is the count a user's own `select` on that mart returns. Renderers
turn that one model into Markdown, a self-contained HTML page and one CSV per table, so the
three formats can never disagree; they only format (percentages, thousands) and escape every
value that came from a posting.
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
from reports.correction import Confusions, week_table
from reports.guide_check import ClaimResult, check, evidence_for, load_claims
from reports.markdown import cell, table
from reports.safe import csv_cell, visible
from sample.recorded import truth_groups
from warehouse import queries
from warehouse.dedupe import GroupingAccuracy, grouping_accuracy

SAMPLE_BANNER = (
    "Sample data. This report was built from the bundled offline sample: fictional companies "
    "and postings from a seeded generator, not real job-market figures."
)
ARRANGEMENTS = ("remote", "hybrid", "onsite", "unknown")
WEEK = re.compile(r"^\d{4}-W\d{2}$")
MONEY = ("p25", "median", "p75")


@dataclass(slots=True)
class Table:
    """One table as the query returned it, and how its columns are shown: `percent` columns
    hold fractions, `change` columns signed fractions (NULL: nothing to compare with, `new`),
    `money` columns USD amounts shown to the nearest thousand."""

    name: str
    frame: pd.DataFrame
    percent: tuple[str, ...] = ()
    change: tuple[str, ...] = ()
    money: tuple[str, ...] = ()

    def shown(self) -> pd.DataFrame:
        """The table as every format prints it; the query's values stay in `frame`."""
        out = self.frame.copy()
        for column in self.percent:
            out[column] = out[column].map(_pct).astype(object)
        for column in self.change:
            out[column] = out[column].map(_change).astype(object)
        for column in self.money:
            out[column] = out[column].astype(float).round(-3).astype("Int64")
        return out


@dataclass(slots=True)
class Section:
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    week: str
    title: str
    generated_at: datetime
    banner: str = ""
    headline: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    pins: dict[str, str] = field(default_factory=dict)
    """What made the figures (classifier and rules versions, schema, nights), which every
    format states and every CSV carries as columns."""


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
    report = Report(
        found.week,
        f"Job-market report: {found.week} ({found.start} to {found.end})",
        stamp,
        banner=SAMPLE_BANNER if found.has_sample_data else "",
    )
    top = queries.headline(con, found)
    report.headline = [
        f"Open postings: {top['open_jobs']} · new: {top['new_jobs']} · closed: "
        f"{top['closed_jobs']} ({top['nights']} nightly run(s) this week)",
        f"AI-role share: {_pct(top['ai_share'])} · salary disclosed: "
        f"{_pct(top['disclosure_rate'])}",
    ]
    claims = load_claims()
    evidence = evidence_for(con, found, claims)
    confusions = evidence.confusions
    report.pins = _pins(queries.provenance(con, found), confusions)
    report.sections = [
        _demand(con, found),
        _salaries(con, found, claims),
        _metros(con, found),
        _arrangements(con, found),
        _requirements(con, found),
        _industries(con, found),
        _companies(con, found),
        _quality(con, found),
        *([_corrected(con, found, top, confusions)] if confusions else []),
        _guide_check(check(evidence, claims), claims),
    ]
    return report


def _pins(made: dict[str, object], confusions: Confusions | None) -> dict[str, str]:
    """The figures' provenance as text; the classifier version key names every rules data
    file's version (`roles=…;seniority=…`), so it pins the rules as well as the code."""
    return {
        "classifier_version": str(made["classifier_versions"]),
        "schema_version": str(made["schema_version"]),
        "nights_covered": f"{made['nights']} ({made['first_night']} to {made['last_night']}; "
        f"history from {made['history_from']})",
        "label_error": confusions.note() if confusions else "not measured: shares are raw",
    }


def _corrected(
    con: duckdb.DuckDBPyConnection,
    found: queries.Week,
    top: dict[str, object],
    confusions: Confusions,
) -> Section:
    overall = queries.arrangement_overall(con, found).iloc[0]
    roles = queries.role_demand(con, found).set_index("role")["open"]
    rows = week_table(top, overall.to_dict(), roles.to_dict(), confusions)
    return Section(
        "Shares corrected for classifier error",
        "The classifier's confusion on hand-labelled real postings "
        f"({confusions.measured_on}"
        + ("" if confusions.exact else "; measured for another classifier version, see Pinned")
        + "), undone by the inverse of its confusion matrix (Rogan-Gladen "
        "for a two-way share), clipped and renormalised. Corrected intervals bootstrap over "
        "both this week's postings and the labelled items; the raw ones are Wilson intervals "
        "of the labels as given. Roles with too few labelled items are corrected as pools.",
        [
            Table(
                "corrected_shares",
                pd.DataFrame(rows),
                percent=("raw", "raw_low", "raw_high", "corrected", "low", "high"),
            )
        ],
    )


def _pct(value: object) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{float(value):.0%}"


def _change(value: object) -> str:
    return "new" if value is None or pd.isna(value) else f"{float(value):+.0%}"


def _demand(con: duckdb.DuckDBPyConnection, found: queries.Week) -> Section:
    by_role = queries.role_demand(con, found)
    change: tuple[str, ...] = ("wow_change",)
    if by_role["open_last_week"].isna().all():
        by_role, change = by_role.drop(columns=["open_last_week", "wow_change"]), ()
    trend = queries.role_trend(con, found)
    return Section(
        "Role demand",
        "Postings open during the week per role, with new and closed ones and the change in "
        "open postings from the previous week with data.",
        [Table("role_demand", by_role, change=change)],
        [charts.small_multiples(trend, "role", "open", "Open postings per role, last 8 weeks")],
    )


def _salaries(con: duckdb.DuckDBPyConnection, found: queries.Week, claims: dict) -> Section:
    bands = Table(
        "salary_bands", queries.salary_bands(con, found), percent=("disclosure",), money=MONEY
    )
    shown = bands.shown().set_index(["role", "seniority"])
    rows = [
        {
            "label": f"{c['role']} · {c['seniority']}",
            **{
                column: shown.at[(c["role"], c["seniority"]), column]
                if (c["role"], c["seniority"]) in shown.index
                else float("nan")
                for column in MONEY
            },
            "guide_low": c["low"],
            "guide_high": c["high"],
        }
        for claim in claims["claims"]
        if claim["id"] == "G1"
        for c in claim["cells"]
    ]
    return Section(
        "Salary bands by role and seniority",
        "Annualised USD midpoints of stated pay ranges (base pay as posted). The chart sets "
        "them against the guide's ranges, which are total compensation.",
        [bands],
        [charts.salary_ranges(pd.DataFrame(rows), "Postings' pay against the guide's ranges")],
    )


def _metros(con: duckdb.DuckDBPyConnection, found: queries.Week) -> Section:
    frame = queries.salary_by_metro(con, found)
    return Section(
        "Salary by metro",
        "AI-role postings with a parsed metro area.",
        [Table("salary_by_metro", frame, percent=("disclosure",), money=MONEY)],
    )


def _arrangements(con: duckdb.DuckDBPyConnection, found: queries.Week) -> Section:
    overall = queries.arrangement_overall(con, found)
    trend = queries.arrangement_trend(con, found)
    return Section(
        "Remote, hybrid and onsite",
        "Shares are over every posting with a known arrangement, the inferred ones included "
        "(`inferred`: a posting that names a place and nothing else counts as onsite); "
        "`unknown` is in no denominator and counted beside them.",
        [
            Table("arrangement_overall", overall),
            Table(
                "arrangement_by_role",
                queries.arrangement_by_role(con, found),
                percent=("remote_share",),
            ),
            Table("arrangement_trend", trend),
        ],
        [
            charts.stacked_shares(overall, "population", ARRANGEMENTS, "Work arrangement"),
            charts.stacked_shares(
                trend, "week", ARRANGEMENTS, "AI postings by arrangement, per week"
            ),
        ],
    )


def _requirements(con: duckdb.DuckDBPyConnection, found: queries.Week) -> Section:
    top = queries.skills(con, found)
    return Section(
        "Degrees and skills",
        "Among AI-role postings open this week. Degree shares leave postings whose degree is "
        "`unknown` out of the denominator.",
        [
            Table("degrees", queries.degrees(con, found), percent=("share",)),
            Table("skills", top, percent=("share",)),
        ],
        [charts.bars(top, "skill", "postings", "Most-mentioned skills")],
    )


def _industries(con: duckdb.DuckDBPyConnection, found: queries.Week) -> Section:
    mix = queries.industries(con, found)
    return Section(
        "Industry mix",
        "AI-role postings by the hiring company's industry.",
        [Table("industries", mix, percent=("share",))],
        [charts.bars(mix, "industry", "postings", "Industries")],
    )


def _companies(con: duckdb.DuckDBPyConnection, found: queries.Week) -> Section:
    return Section("Top hiring companies", "", [Table("companies", queries.companies(con, found))])


def _quality(con: duckdb.DuckDBPyConnection, found: queries.Week) -> Section:
    section = Section(
        "Data quality and source coverage",
        "Runs per source this week, failures with their latest reason, parse errors, "
        "and how often a label could not be decided.",
        [
            Table("sources", queries.source_health(con, found)),
            Table("unknown_rates", queries.unknown_rates(con, found), percent=("share",)),
        ],
    )
    scored = grouping_accuracy(con, truth_groups()) if found.has_sample_data else None
    if scored is not None and scored.known_postings:
        section.intro += (
            " On the sample, the canonical grouping is scored against the generator's known "
            "duplicates (every posting of one job, cross-posts and monthly HN repeats), over "
            "pairs of postings in the whole warehouse."
        )
        section.tables.append(Table("dedup_accuracy", _dedup_frame(scored), percent=("value",)))
    return section


def _dedup_frame(scored: GroupingAccuracy) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"measure": "precision", "value": scored.precision, "pairs": scored.found_pairs},
            {"measure": "recall", "value": scored.recall, "pairs": scored.true_pairs},
        ]
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
                "survey interval": r.survey_interval,
                "survey verdict": r.survey_verdict,
                "verdict": r.verdict,
                "raw postings": r.raw_estimate,
                "raw interval": r.raw_interval,
                "raw verdict": r.raw_verdict,
                "flipped": "yes" if r.flipped else "",
                "note": r.note,
            }
            for r in results
        ]
    )
    flips = [r.claim_id for r in results if r.flipped]
    disputed = [r.claim_id for r in results if r.witnesses_disagree]
    tally = frame["verdict"].value_counts().to_dict() if not frame.empty else {}
    summary = ", ".join(f"{v}: {k}" for k, v in sorted(tally.items()))
    return Section(
        "Guide check",
        f"Each claim of the guide (claims v{claims['version']}) against this week's postings. "
        f"Below n = {claims['min_n']} a claim is `insufficient data`; an interval inside the "
        "guide's range supports it, one outside contradicts it, one straddling an edge is "
        "`inconclusive`. The guide's salary tables are total compensation, postings state base "
        "pay (column `basis`). Shares the classifier's label error bears on are judged "
        "corrected for it, the raw share and verdict beside them; "
        + (
            f"the verdict flips under correction for {', '.join(flips)}. "
            if flips
            else "no verdict flips under correction. "
        )
        + "Salary cells show the aijobs.net survey as a second witness (its own n, interval "
        "and verdict); "
        + (
            f"the two witnesses disagree on {', '.join(disputed)}. "
            if disputed
            else "the witnesses disagree on no cell. "
        )
        + f"Verdicts: {summary}.",
        [Table("guide_check", frame)],
    )


def _pinned(report: Report) -> str:
    return " · ".join(f"{name.replace('_', ' ')} {value}" for name, value in report.pins.items())


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    if report.banner:
        lines += [f"> **{report.banner}**", ""]
    lines += [f"- {h}" for h in report.headline] + [""]
    if report.pins:
        lines += [f"_Pinned: {cell(_pinned(report))}_", ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        for shown in section.tables:
            if len(section.tables) > 1:
                lines += [f"**{shown.name.replace('_', ' ')}**", ""]
            lines += [table(shown.shown())]
    lines += [f"_Generated {report.generated_at:%Y-%m-%d %H:%M} UTC by jobtrends._", ""]
    return "\n".join(lines)


def _html_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p><em>No rows.</em></p>"
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{'' if pd.isna(v) is True else escape(visible(str(v)))}</td>" for v in row)
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


def html_head(title: str) -> list[str]:
    """The opening of a self-contained page: no scripts, no external fetches (the CSP)."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{escape(title)}</title><style>{HTML_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]


def render_html(report: Report) -> str:
    parts = html_head(report.title)
    if report.banner:
        parts.append(f'<p class="banner"><strong>{escape(report.banner)}</strong></p>')
    parts.append("<ul>" + "".join(f"<li>{escape(h)}</li>" for h in report.headline) + "</ul>")
    if report.pins:
        parts.append(f'<p class="pins"><em>Pinned: {escape(_pinned(report))}</em></p>')
    for section in report.sections:
        parts.append(f"<section><h2>{escape(section.title)}</h2>")
        if section.intro:
            parts.append(f"<p>{escape(section.intro)}</p>")
        parts.extend(f'<figure class="chart">{svg}</figure>' for svg in section.charts if svg)
        for shown in section.tables:
            if len(section.tables) > 1:
                parts.append(f"<h3>{escape(shown.name.replace('_', ' '))}</h3>")
            parts.append(_html_table(shown.shown()))
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
        for shown in section.tables:
            path = out / f"{shown.name}.csv"
            shown.shown().assign(**report.pins).map(csv_cell).to_csv(path, index=False)
            csvs.append(path)
    return ReportFiles(out, markdown, html, csvs)
