"""`docs/real-market.md`: what a replayed history of real postings says about the guide.

Generated from the warehouse, never written by hand, so every figure can be rebuilt with
`jobtrends import-history` and `jobtrends real-market`. The claims a listing without
descriptions can test are checked over the whole history with the weekly report's own
evaluators (same n, interval and verdict rules); the growth claims compare the last quarter
with the one before (13 weeks over 13), since ten months allow more than the weekly report's
four weeks. Claims that need pay, degrees, skills or an industry are listed as untestable,
with why, rather than checked against data that cannot answer them.

The history's labels are made from a listing (title, company, location), so the shares are
corrected by the classifier's error on that view of the labelled postings (`LISTING`), not
on whole postings: a location naming only a city reads as on-site, and only the listing
matrix knows how often such a job is really hybrid or remote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from reports.correction import LISTING, Confusions, ai_share, load_confusions
from reports.guide_check import ClaimResult, Evidence, check, load_claims
from reports.markdown import table
from reports.stats import wilson
from warehouse import market_history, queries

TESTABLE = ("G4", "G5", "G5b", "G5c", "G8")
GROWTH_WEEKS = 13
UNTESTABLE_FIELDS = {
    "degree": "needs the description's requirements; the listing has none",
    "skills": "needs the description's skills; the listing has none",
    "industry": "needs each board's industry; these boards come without one",
}
UNTESTABLE_KINDS = {
    "salary_cells": "needs pay; the listing endpoint carries none",
    "salary_premium": "needs pay; the listing endpoint carries none",
}


def build(con: duckdb.DuckDBPyConnection, generated_at: datetime | None = None) -> str:
    """The whole document as Markdown."""
    stamp = generated_at or datetime.now(UTC)
    cover = market_history.coverage(con)
    if cover.last_night is None:
        return "# What the real market said\n\nThe warehouse holds no nights yet.\n"
    claims = load_claims()
    last = queries.weeks(con)[-1]
    made = queries.provenance(con, last)
    confusions = load_confusions(str(made["classifier_versions"]), view=LISTING)
    evidence = Evidence(
        postings=market_history.all_jobs(con),
        weekly_new=queries.weekly_new(con, last),
        survey=None,
        min_n=claims["min_n"],
        confidence=claims["confidence"],
        confusions=confusions,
    )
    lines = [
        "# What the real market said",
        "",
        f"_Generated {stamp:%Y-%m-%d %H:%M} UTC by `jobtrends real-market` from the warehouse; "
        "do not edit by hand._",
        "",
        "## What this data is",
        "",
        _what_it_is(cover),
        "",
        "## The guide's claims this data can test",
        "",
        "Each claim over every job the history showed (canonical jobs: a job cross-posted or "
        f"reposted counts once). Below n = {claims['min_n']} a claim is `insufficient data`; "
        "an interval inside the guide's range supports it, one outside contradicts it, one "
        "straddling an edge is `inconclusive`. Growth compares new jobs in the last "
        f"{GROWTH_WEEKS} weeks with the {GROWTH_WEEKS} before. Shares the classifier's label "
        "error bears on (G4, G5) are judged corrected for it (`reports/correction.py`), the raw "
        "estimate and verdict beside them; `flipped` marks a verdict the correction changes. "
        f"Pinned: classifier {made['classifier_versions']}, schema {made['schema_version']}, "
        f"label error {confusions.note() if confusions else 'not measured'}.",
        "",
        table(_claims_frame(_testable(claims, evidence))),
        _g4_note(evidence.postings, confusions),
        "",
        "## Claims this data cannot test",
        "",
        table(_untestable(claims)),
        "## AI-role share of all jobs, by month",
        "",
        "Jobs open at some point in the month; the interval is Wilson's 95%. The corrected "
        "share undoes the classifier's AI-or-not error on listings (Rogan-Gladen), its "
        "interval bootstrapped over the month's jobs and the labelled items. Remote share is "
        "of AI jobs whose arrangement is known, as labelled.",
        "",
        table(_monthly(con, confusions)),
        "## Top companies for AI roles",
        "",
        table(_companies(con)),
        "## How long jobs stay open, by role",
        "",
        "Kaplan-Meier days from a job's first to its last fresh sighting; jobs still open at "
        "the end (or on a board we stopped seeing) are censored, not counted as closed. "
        "Reposts (the same Greenhouse internal id, or the same canonical job again after a "
        "close) are one job. Quantiles are empty where the estimate never falls that far. "
        "Boards were fetched about every third day, so times are accurate to a few days.",
        "",
        table(_time_open(con)),
        "## Duplicate sightings and posting intensity",
        "",
        _intensity(con),
        "## Data quality",
        "",
        _quality(con),
    ]
    return "\n".join(lines) + "\n"


def _what_it_is(cover: market_history.Coverage) -> str:
    return (
        f"- **Whose boards:** {cover.boards} public job boards, the ones one third party's "
        "git scraper chose to save (`jiayuliang1314/tech-jobs-hub`), mostly tech companies "
        "hiring on Greenhouse. Not a sample of the market: the boards are what that scraper "
        "followed.\n"
        f"- **When:** {cover.nights} nights with at least one fresh fetch, "
        f"{cover.first_night} to {cover.last_night}. Each board was refreshed about every "
        "third day; a night whose capture was the previous one again is not counted as a "
        f"fetch. {cover.fetches} board fetches loaded, {cover.failed} refused or failed.\n"
        "- **What a posting holds:** the listing endpoint without descriptions: a title, a "
        "location, ids and dates. No pay, no requirements, no description text.\n"
        "- **Labels:** role, seniority, AI flag, metro and work arrangement come from the "
        "title and the location alone, so a role hidden behind a generic title is missed and "
        "a location naming only a city is taken as on-site.\n"
        f"- **Size:** {cover.jobs} canonical jobs from {cover.postings} postings at "
        f"{cover.companies} companies."
    )


def _testable(claims: dict[str, Any], evidence: Evidence) -> list[ClaimResult]:
    chosen = []
    for claim in claims["claims"]:
        if claim["id"] not in TESTABLE:
            continue
        if "weeks" in claim:
            claim = {**claim, "weeks": GROWTH_WEEKS}
        chosen.append(claim)
    return check(evidence, {**claims, "claims": chosen})


def _claims_frame(results: list[ClaimResult]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "claim": r.claim_id,
                "what the guide says": r.title,
                "guide": r.guide,
                "n": r.n,
                "estimate": r.estimate,
                "95% interval": r.interval,
                "verdict": r.verdict,
                "raw estimate": r.raw_estimate,
                "raw interval": r.raw_interval,
                "raw verdict": r.raw_verdict,
                "flipped": "yes" if r.flipped else "",
                "note": r.note,
            }
            for r in results
        ]
    )


def _g4_note(jobs: pd.DataFrame, confusions: Confusions | None) -> str:
    """Why G4 is shown twice, with how many arrangements were inferred rather than stated, and
    what the listing's measured error says about the inferred on-site ones."""
    ai = jobs[jobs["is_ai"]]
    inferred = int((ai["work_arrangement_basis"] == "inferred").sum())
    text = (
        f"\nG4 is shown twice. The listing has no workplace field, so the arrangement comes "
        f"from the location text: {inferred} of {len(ai)} AI jobs' arrangements are inferred "
        "(a location naming only a city is taken as on-site, which a hybrid job may well be), "
        "the rest are stated by the location ('Remote - US', 'Hybrid'). Over all of them the "
        "remote share is low; over the stated ones alone it is high, because a location says "
        "'remote' far more often than 'on-site'. The true share lies between the two."
    )
    matrix = confusions.fields.get("work_arrangement") if confusions else None
    if matrix is None or "onsite" not in matrix.classes:
        return text
    onsite = matrix.classes.index("onsite")
    misread = [
        f"{int(row[onsite])} of {int(row.sum())} {name}"
        for name, row in zip(matrix.classes, matrix.counts, strict=True)
        if name != "onsite" and row.sum()
    ]
    return (
        f"{text} The first row's corrected estimate places it from what the listing is known "
        f"to get wrong: of the labelled jobs, {' and '.join(misread)} ones read as on-site from "
        "their listing alone."
    )


def _untestable(claims: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for claim in claims["claims"]:
        if claim["id"] in TESTABLE:
            continue
        reason = UNTESTABLE_KINDS.get(claim["kind"]) or UNTESTABLE_FIELDS.get(
            claim.get("field", ""), "not measurable from a listing"
        )
        rows.append({"claim": claim["id"], "what the guide says": claim["title"], "why": reason})
    return pd.DataFrame(rows)


def _monthly(con: duckdb.DuckDBPyConnection, confusions: Confusions | None) -> pd.DataFrame:
    """Each month's AI share as labelled (Wilson interval) and, with a measured matrix,
    corrected for label error (its interval bootstrapped over the month's jobs and the
    labelled items)."""
    months = market_history.monthly_ai_share(con)
    rows = []
    for m in months.itertuples(index=False):
        low, high = wilson(int(m.ai_jobs), int(m.open_jobs))
        known = int(m.ai_known_arrangement)
        row = {
            "month": m.month,
            "jobs open": int(m.open_jobs),
            "AI jobs": int(m.ai_jobs),
            "AI share": f"{m.ai_jobs / m.open_jobs:.1%}" if m.open_jobs else "",
            "95% interval": f"{low:.1%}-{high:.1%}" if m.open_jobs else "",
        }
        if confusions is not None and m.open_jobs:
            fixed = ai_share(int(m.ai_jobs), int(m.open_jobs), confusions)
            row["corrected"] = f"{fixed.estimate:.1%}"
            row["corrected 95% interval"] = f"{fixed.low:.1%}-{fixed.high:.1%}"
        row["AI remote (known)"] = f"{m.ai_remote / known:.0%} of {known}" if known else ""
        rows.append(row)
    return pd.DataFrame(rows)


def _companies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = market_history.top_ai_companies(con)
    return frame.assign(ai_share=frame["ai_share"].map(lambda v: f"{v:.0%}")).rename(
        columns={
            "ai_jobs": "AI jobs",
            "ai_share": "AI share of its jobs",
            "top_ai_role": "top AI role",
        }
    )


def _time_open(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = market_history.time_open(con)
    ai = set(market_history.ai_roles(con))
    rows = frame[
        (frame["seniority"] == "all")
        | (frame["role"].isin(ai) & frame["seniority"].isin(["entry", "mid", "senior"]))
    ].copy()
    rows["AI"] = rows["role"].isin(ai).map({True: "yes", False: ""})
    rows = rows.sort_values(["AI", "role", "seniority"], ascending=[False, True, True])
    for column in ("p25_days", "median_days", "p75_days"):
        rows[column] = rows[column].map(lambda v: "" if pd.isna(v) else int(v))
    return rows[
        ["role", "AI", "seniority", "n", "closed", "censored", "reposts", "p25_days",
         "median_days", "p75_days"]
    ].reset_index(drop=True)  # fmt: skip


def _intensity(con: duckdb.DuckDBPyConnection) -> str:
    """What a grouping rule is checked against here: Greenhouse's own requisition id. Postings
    sharing an `internal_job_id` on one board (one job posted in several locations, or posted
    again after closing) are one job; intensity is sightings per unique job."""
    frame = market_history.posting_intensity(con)
    sightings = int(frame["sightings"].sum()) if not frame.empty else 0
    unique = int(frame["unique_jobs"].sum()) if not frame.empty else 0
    overall = f"{sightings / unique:.3f}" if unique else "n/a"
    shown = frame.assign(intensity=frame["intensity"].map(lambda v: f"{v:.3f}"))
    return "\n".join(
        [
            "A sighting is a posting seen on at least one fresh night of the week; postings that "
            "share a Greenhouse `internal_job_id` on one board (one requisition posted in several "
            "locations, or posted again after closing) or one canonical job are one unique job. "
            "Posting intensity is sightings per unique job, as commercial trackers publish it; "
            "`reposts` are new postings of a job already seen in an earlier week. Summed over "
            f"weeks: {sightings} sightings of {unique} weekly unique jobs, intensity {overall}.",
            "",
            table(shown),
        ]
    )


def _quality(con: duckdb.DuckDBPyConnection) -> str:
    stale = market_history.stale_boards(con)
    refused = market_history.refused_fetches(con)
    suspect = market_history.suspect_fetches(con)
    frozen = int(stale["frozen_open"].sum()) if not stale.empty else 0
    lines = [
        f"- **Boards we stopped seeing:** {len(stale)} boards had no fresh fetch in the last "
        f"{market_history.STALE_DAYS} days of the history (the scraper's fetches of them kept "
        f"failing and it left the old file in place). Their {frozen} jobs are still counted "
        "as open: we do not know they closed, and the time-open estimate censors them.",
        f"- **Fetches that closed nothing:** {len(suspect)} boards had "
        f"{int(suspect['suspect_fetches'].sum()) if not suspect.empty else 0} fresh fetches "
        "listing fewer than half the jobs the warehouse had open for them. The load takes "
        "such a drop for a broken fetch and closes nothing; when a board really shrank, every "
        "later fetch compares with the same inflated open count, so its vanished jobs stay "
        "open to the end (the boards with most such fetches are below).",
        "",
        table(suspect.head(10)),
        "- **Refused or failed board-nights**, by reason:",
        "",
        table(refused),
        f"The {min(10, len(stale))} boards unseen longest:",
        "",
        table(stale.head(10)),
    ]
    return "\n".join(lines)
