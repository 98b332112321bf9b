"""The weekly report: what the market posted in one ISO week, and whether the guide holds.

`build_report` asks `warehouse.queries` one question per section, each a select on one mart, so
every count in the report is the count a user's own `select` on that mart returns. Renderers
turn that one model into Markdown, a self-contained HTML page and one CSV per table, so the
three formats can never disagree; they only format (percentages, thousands) and escape every
value that came from a posting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import duckdb
import pandas as pd

from reports import charts, display
from reports.correction import Confusions, week_table
from reports.guide_check import ClaimResult, check, evidence_for, load_claims
from reports.markdown import cell, table
from reports.safe import csv_cell, visible
from reports.stats import CONTRADICTED, INCONCLUSIVE, INSUFFICIENT, SUPPORTED, UNTESTABLE
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
LABELLED = ("metro", "seniority", "degree", "label", "population", "figure")


@dataclass(slots=True)
class Table:
    """One table as the query returned it, and how its columns are shown: `percent` columns
    hold fractions, `change` columns signed fractions (NULL: nothing to compare with, `new`),
    `money` columns USD amounts shown to the nearest thousand; other numeric columns are
    counts. `frame` is what the CSV writes, `shown()` what people read."""

    name: str
    frame: pd.DataFrame
    percent: tuple[str, ...] = ()
    change: tuple[str, ...] = ()
    money: tuple[str, ...] = ()

    def numeric(self) -> list[bool]:
        """Which columns hold numbers: the ones the renderers right-align."""
        formatted = {*self.percent, *self.change, *self.money}
        return [
            column in formatted
            or (
                pd.api.types.is_numeric_dtype(self.frame[column])
                and not pd.api.types.is_bool_dtype(self.frame[column])
            )
            for column in self.frame.columns
        ]

    def shown(self) -> pd.DataFrame:
        """The table as Markdown and HTML print it: readable headers, role names, `$79K`,
        `31%`, integer counts; the query's values stay in `frame`."""
        out = pd.DataFrame(index=self.frame.index)
        for column, numeric in zip(self.frame.columns, self.numeric(), strict=True):
            out[display.label(column)] = self.frame[column].map(self._formatter(column, numeric))
        return out

    def _formatter(self, column: str, numeric: bool) -> Callable[[object], str]:
        if column in self.percent:
            return display.share
        if column in self.change:
            return display.change
        if column in self.money:
            return display.money
        if column == "role":
            return display.role
        if numeric:
            return display.count
        if column in LABELLED:
            return lambda v: "" if display.missing(v) else display.label(str(v))
        return lambda v: "" if display.missing(v) else str(v)

    def data(self) -> pd.DataFrame:
        """The table as its CSV holds it: the query's values, whole numbers as integers, and
        text cells that a spreadsheet cannot run as formulas."""
        out = self.frame.copy()
        for column in out.columns:
            values = out[column]
            if (
                pd.api.types.is_float_dtype(values)
                and column not in {*self.percent, *self.change}
                and values.dropna().mod(1).eq(0).all()
            ):
                out[column] = values.round().astype("Int64")
        return out.map(csv_cell)


@dataclass(frozen=True, slots=True)
class Check:
    """One scorecard row: a claim's words, what the guide says, what this week's data says and
    the verdict with one line on why, all as display text (escaped by the renderers)."""

    claim_id: str
    claim: str
    quote: str
    guide: str
    data: str
    verdict: str
    why: str


@dataclass(slots=True)
class Section:
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


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
        f"Open postings: {display.count(top['open_jobs'])} · new: "
        f"{display.count(top['new_jobs'])} · closed: {display.count(top['closed_jobs'])} "
        f"({display.count(top['nights'])} nightly run(s) this week)",
        f"AI-role share: {display.share(top['ai_share'])} · salary disclosed: "
        f"{display.share(top['disclosure_rate'])}",
    ]
    claims = load_claims()
    evidence = evidence_for(con, found, claims)
    confusions = evidence.confusions
    report.pins = _pins(queries.provenance(con, found), confusions)
    report.sections = [
        _scorecard(check(evidence, claims), claims),
        _demand(con, found),
        _salaries(con, found, claims),
        _metros(con, found),
        _arrangements(con, found),
        _requirements(con, found),
        _industries(con, found),
        _companies(con, found),
        _quality(con, found),
        *([_corrected(con, found, top, confusions)] if confusions else []),
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
        "The classifier's confusion on hand-labelled postings "
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
    by_cell = bands.frame.set_index(["role", "seniority"])
    rows = [
        {
            "label": f"{display.role(c['role'])} · {c['seniority']}",
            "n": int(by_cell.at[key, "n"]) if key in by_cell.index else 0,
            **{
                column: by_cell.at[key, column] if key in by_cell.index else float("nan")
                for column in MONEY
            },
            "guide_low": c["low"],
            "guide_high": c["high"],
        }
        for claim in claims["claims"]
        if claim["id"] == "G1"
        for c in claim["cells"]
        for key in [(c["role"], c["seniority"])]
    ]
    return Section(
        "Salary bands by role and seniority",
        "Annualised USD midpoints of stated pay ranges (base pay as posted). The chart sets "
        "them against the guide's ranges, which are total compensation; n is the number of "
        "postings that state pay.",
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
        "how often a label could not be decided, and the boards whose status changed.",
        [
            Table("sources", queries.source_health(con, found)),
            Table("unknown_rates", queries.unknown_rates(con, found), percent=("share",)),
            Table("board_status_changes", queries.board_status_changes(con, found)),
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


TESTED = (SUPPORTED, CONTRADICTED, INCONCLUSIVE)
RANKED = frozenset({"top_role", "top_value", "fastest_growing", "growth_compare"})
WHY_RANGE = {
    SUPPORTED: "the 95% interval lies inside the guide's figure",
    CONTRADICTED: "the 95% interval lies clear of the guide's figure",
    INCONCLUSIVE: "the 95% interval straddles an edge of the guide's figure",
}
WHY_RANK = {
    SUPPORTED: "its 95% interval is clear of the nearest rival's",
    CONTRADICTED: "a rival's 95% interval is clear above its own",
    INCONCLUSIVE: "its 95% interval overlaps the nearest rival's",
}
BADGES = {
    SUPPORTED: ("🟢", "supported"),
    CONTRADICTED: ("🔴", "contradicted"),
    INCONCLUSIVE: ("🟡", "inconclusive"),
    INSUFFICIENT: ("⚪", "insufficient"),
    UNTESTABLE: ("⚪", "insufficient"),
}


def _check(result: ClaimResult, claim: dict, min_n: int) -> Check:
    """A result as the scorecard prints it: claim words, data with n, and why in one line."""
    _, _, part = result.claim_id.partition(" ")
    words = claim["title"] + (f" ({display.label(part.lstrip('· '))})" if part else "")
    estimate = display.label(result.estimate)
    if result.unit == "usd" and not estimate.startswith("median"):
        estimate = f"median {estimate}"
    if result.n == 0:
        data = "not measured (n\u00a0=\u00a00)" if result.unit == "change" else "no postings"
    elif result.value is None or pd.isna(result.value):
        data = f"n\u00a0=\u00a0{result.n}"
    elif result.interval:
        data = f"{estimate}, 95% interval {result.interval} (n\u00a0=\u00a0{result.n})"
    else:
        data = f"{estimate} (n\u00a0=\u00a0{result.n})"
    if result.raw_estimate:
        data += f"; raw {display.label(result.raw_estimate)}"
        data += f", 95% interval {result.raw_interval}" if result.raw_interval else ""
    if result.survey:
        data += f"; survey {result.survey}"
        if result.survey_interval:
            data += f", 95% interval {result.survey_interval}, {result.survey_verdict}"
    note = display.label(result.note)
    if result.verdict in TESTED:
        why = (WHY_RANK if claim["kind"] in RANKED else WHY_RANGE)[result.verdict]
        why += f"; {note}" if note else ""
    elif note.startswith("needs"):
        why = note
    else:
        why = f"needs n ≥ {min_n}" + (f"; {note}" if note else "")
    if result.flipped:
        why += f"; corrected for label error (raw verdict: {result.raw_verdict})"
    return Check(
        result.claim_id.split()[0],
        words,
        claim.get("quote", ""),
        display.label(result.guide)
        + ("" if result.basis in ("share", "growth") else f" ({result.basis} pay)"),
        data,
        result.verdict,
        why,
    )


def _scorecard(results: list[ClaimResult], claims: dict) -> Section:
    by_id = {claim["id"]: claim for claim in claims["claims"]}
    frame = pd.DataFrame(
        [
            {
                "claim": r.claim_id,
                "title": r.title,
                "basis": r.basis,
                "unit": r.unit,
                "guide_low": r.guide_low,
                "guide_high": r.guide_high,
                "n": r.n,
                "estimate": r.value,
                "low": r.low,
                "high": r.high,
                "verdict": r.verdict,
                "raw_estimate": r.raw_value,
                "raw_low": r.raw_low,
                "raw_high": r.raw_high,
                "raw_verdict": r.raw_verdict,
                "flipped": r.flipped,
                "survey_n": r.survey_n,
                "survey_median": r.survey_value,
                "survey_low": r.survey_low,
                "survey_high": r.survey_high,
                "survey_verdict": r.survey_verdict,
                "witnesses_disagree": r.witnesses_disagree,
                "note": r.note,
            }
            for r in results
        ]
    )
    flips = [r.claim_id for r in results if r.flipped]
    disputed = [r.claim_id for r in results if r.witnesses_disagree]
    return Section(
        "Does the guide hold?",
        f"Each claim of the careers guide (claims v{claims['version']}) against this week's "
        "postings, with a 95% interval. An interval inside the guide's range supports the "
        "claim, one clear of it contradicts it and one across an edge is inconclusive; below "
        f"n = {claims['min_n']} a claim is not tested. The guide's salary tables are total "
        "compensation, while postings state base pay. Shares the classifier's label error "
        "bears on are judged corrected for it, the raw share and verdict beside them; "
        + (
            f"the verdict flips under correction for {', '.join(flips)}. "
            if flips
            else "no verdict flips under correction. "
        )
        + "Salary cells show the aijobs.net survey as a second witness (its own n, interval "
        "and verdict); "
        + (
            f"the two witnesses disagree on {', '.join(disputed)}."
            if disputed
            else "the witnesses disagree on no cell."
        ),
        [Table("guide_check", frame)],
        checks=[_check(r, by_id[r.claim_id.split()[0]], claims["min_n"]) for r in results],
    )


def _tally(checks: list[Check]) -> list[tuple[str, int]]:
    """Verdict counts in reading order, the untested ones last."""
    counts: dict[str, int] = {}
    for c in checks:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    return [(v, counts[v]) for v in BADGES if v in counts]


def _tested(checks: list[Check]) -> tuple[list[Check], list[Check]]:
    tested = [c for c in checks if c.verdict in TESTED]
    return tested, [c for c in checks if c.verdict not in TESTED]


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _markdown_scorecard(section: Section) -> list[str]:
    tested, untested = _tested(section.checks)
    tally = " · ".join(f"{BADGES[v][0]} {n} {v}" for v, n in _tally(section.checks))
    lines = [f"**Verdicts:** {tally}", ""]
    head = ["Claim", "The guide says", "This week's postings", "Verdict", "Why"]
    if tested:
        lines += [_md_row(head), "|" + "|".join("---" for _ in head) + "|"]
        lines += [
            _md_row(
                [
                    f"**{cell(c.claim_id)}** {cell(c.claim)}"
                    + (f"<br>_“{cell(c.quote)}”_" if c.quote else ""),
                    cell(c.guide),
                    cell(c.data),
                    f"{BADGES[c.verdict][0]} **{cell(c.verdict)}**",
                    cell(c.why),
                ]
            )
            for c in tested
        ]
    else:
        lines.append("_No claim had enough postings to test this week._")
    if untested:
        rest = [h for h in head if h != "Verdict"]
        lines += [
            "",
            f"<details><summary>{len(untested)} checks with too little data to test</summary>",
            "",
            _md_row(rest),
            "|" + "|".join("---" for _ in rest) + "|",
            *(
                _md_row(
                    [
                        f"**{cell(c.claim_id)}** {cell(c.claim)}",
                        cell(c.guide),
                        cell(c.data),
                        cell(c.why),
                    ]
                )
                for c in untested
            ),
            "",
            "</details>",
        ]
    return [*lines, ""]


def _pinned(report: Report) -> str:
    return " · ".join(f"{name.replace('_', ' ')} {value}" for name, value in report.pins.items())


def render_markdown(report: Report) -> str:
    lines = [f"# {cell(report.title)}", ""]
    if report.banner:
        lines += [f"> **{cell(report.banner)}**", ""]
    lines += [f"- {cell(h)}" for h in report.headline] + [""]
    if report.pins:
        lines += [f"_Pinned: {cell(_pinned(report))}_", ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        if section.checks:
            lines += _markdown_scorecard(section)
            continue
        for shown in section.tables:
            if len(section.tables) > 1:
                lines += [f"**{display.label(shown.name)}**", ""]
            lines += [table(shown.shown(), numeric=shown.numeric())]
    lines += [f"_Generated {report.generated_at:%Y-%m-%d %H:%M} UTC by jobtrends._", ""]
    return "\n".join(lines)


def html_table(head: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    """A table of already-escaped cells in its own scrolling box (a wide table scrolls, the
    page does not), numeric columns right-aligned."""
    kinds = [' class="num"' if n else "" for n in numeric]

    def line(tag: str, cells: list[str]) -> str:
        pairs = zip(kinds, cells, strict=True)
        return "<tr>" + "".join(f"<{tag}{k}>{c}</{tag}>" for k, c in pairs) + "</tr>"

    body = "".join(line("td", r) for r in rows)
    return (
        f'<div class="scroll"><table><thead>{line("th", head)}</thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _html_table(shown: Table) -> str:
    frame = shown.shown()
    if frame.empty:
        return "<p><em>No rows.</em></p>"
    return html_table(
        [escape(str(c)) for c in frame.columns],
        [[escape(visible(str(v))) for v in row] for row in frame.itertuples(index=False)],
        shown.numeric(),
    )


def _html_check(c: Check, with_verdict: bool) -> str:
    quote = f"<q>{escape(visible(c.quote))}</q>" if c.quote and with_verdict else ""
    cells = [
        ("Claim", f"<strong>{escape(c.claim_id)}</strong> {escape(visible(c.claim))}{quote}"),
        ("The guide says", escape(visible(c.guide))),
        ("This week's postings", escape(visible(c.data))),
    ]
    if with_verdict:
        cells.append(
            ("Verdict", f'<span class="badge {BADGES[c.verdict][1]}">{escape(c.verdict)}</span>')
        )
    cells.append(("Why", escape(visible(c.why))))
    row = "".join(f'<td data-label="{escape(k)}">{v}</td>' for k, v in cells)
    return f'<tr class="{BADGES[c.verdict][1]}-row">{row}</tr>'


def _html_scorecard(section: Section) -> str:
    tested, untested = _tested(section.checks)
    tally = " ".join(
        f'<span class="badge {BADGES[v][1]}">{n} {escape(v)}</span>'
        for v, n in _tally(section.checks)
    )
    head = ["Claim", "The guide says", "This week's postings", "Verdict", "Why"]
    parts = [f'<p class="tally">{tally}</p>']
    if tested:
        parts.append(
            '<table class="scorecard"><thead><tr>'
            + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>"
            + "".join(_html_check(c, True) for c in tested)
            + "</tbody></table>"
        )
    else:
        parts.append("<p><em>No claim had enough postings to test this week.</em></p>")
    if untested:
        parts.append(
            f"<details><summary>{len(untested)} checks with too little data to test</summary>"
            '<table class="scorecard"><thead><tr>'
            + "".join(f"<th>{h}</th>" for h in head if h != "Verdict")
            + "</tr></thead><tbody>"
            + "".join(_html_check(c, False) for c in untested)
            + "</tbody></table></details>"
        )
    return "".join(parts)


HTML_STYLE = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:0 auto;
padding:1em;color:#212529;line-height:1.45;overflow-wrap:break-word}
h1{font-size:1.6em;line-height:1.2}
h2{border-bottom:2px solid #e9ecef;padding-bottom:.2em;margin-top:2em}
.banner{background:#fff3bf;padding:.6em 1em;border-radius:4px}
.scroll{overflow-x:auto;max-width:100%;margin:.5em 0 1.5em}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #dee2e6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}
td a{white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:1em 0;max-width:100%;overflow-x:auto}
figure svg{max-width:100%;height:auto}
figcaption{color:#868e96;font-size:12px}
.multiples{display:flex;flex-wrap:wrap}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-weight:600;font-size:12px;
white-space:nowrap;margin:0 .3em .3em 0}
.supported{background:#d3f9d8;color:#1b5e20}.contradicted{background:#ffe3e3;color:#a51111}
.inconclusive{background:#fff3bf;color:#8a5300}.insufficient{background:#e9ecef;color:#495057}
table.scorecard{width:100%;font-size:14px;margin:.5em 0 1em}
table.scorecard td:first-child{width:30%}
table.scorecard q{display:block;color:#6c757d;font-size:12px;font-style:italic;margin-top:.2em}
tr.supported-row td:first-child{border-left:4px solid #2b8a3e}
tr.contradicted-row td:first-child{border-left:4px solid #e03131}
tr.inconclusive-row td:first-child{border-left:4px solid #f08c00}
tr.insufficient-row td:first-child{border-left:4px solid #ced4da}
details{margin:.5em 0 1.5em}summary{cursor:pointer;font-weight:600;color:#495057}
@media (max-width:700px){
body{padding:.6em}
figure svg.wide{max-width:none;min-width:600px}
table.scorecard thead{display:none}
table.scorecard,table.scorecard tbody,table.scorecard tr,table.scorecard td{display:block;
width:auto}
table.scorecard tr{border:1px solid #dee2e6;border-radius:6px;margin:0 0 .7em;padding:.3em .6em}
table.scorecard td,table.scorecard td:first-child{border:0;padding:2px 0;width:auto}
table.scorecard td[data-label]::before{content:attr(data-label) ": ";font-weight:600;
color:#495057}
table.scorecard td:first-child::before{content:none}
tr.supported-row{border-left:5px solid #2b8a3e!important}
tr.contradicted-row{border-left:5px solid #e03131!important}
tr.inconclusive-row{border-left:5px solid #f08c00!important}
tr.insufficient-row{border-left:5px solid #ced4da!important}
}
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
        if section.checks:
            parts.append(_html_scorecard(section) + "</section>")
            continue
        parts.extend(f'<figure class="chart">{svg}</figure>' for svg in section.charts if svg)
        for shown in section.tables:
            if len(section.tables) > 1:
                parts.append(f"<h3>{escape(display.label(shown.name))}</h3>")
            parts.append(_html_table(shown))
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
            shown.data().assign(**{k: csv_cell(v) for k, v in report.pins.items()}).to_csv(
                path, index=False
            )
            csvs.append(path)
    return ReportFiles(out, markdown, html, csvs)
