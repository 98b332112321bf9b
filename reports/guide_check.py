"""The guide check: every claim in `claims.toml`, tested against one week of postings.

Each claim kind has one evaluator. All of them state n, an estimate, a 95% interval and a
verdict under the same rules: below `min_n` the verdict is `insufficient data`; an interval
inside the claimed range supports it, one clear of the range contradicts it, and one that
straddles an edge is `inconclusive`. Postings mostly state base pay while the guide's tables
are total compensation, so every salary row says which basis the guide used.

Shares the classifier's label error bears on (the remote share, a role's rank among AI roles)
are judged on the corrected estimate (`reports/correction.py`), whose interval carries that
error; the raw share and its verdict stay beside it and `flipped` says when the two disagree.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from reports.correction import (
    ARRANGEMENTS,
    POOLS,
    Confusions,
    Corrected,
    corrected_share,
    load_confusions,
    role_shares,
)
from reports.stats import (
    CONTRADICTED,
    INCONCLUSIVE,
    INSUFFICIENT,
    SUPPORTED,
    bootstrap_median,
    bootstrap_ratio_of_medians,
    range_verdict,
    wilson,
)
from warehouse import queries


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """One tested claim (or one cell of a claim's table). The strings are the figures as the
    report prints them; `unit` (`usd`, `share` or `change`, a signed fraction) with `value`,
    `low`, `high` and the guide's `guide_low`/`guide_high` are the same figures as numbers,
    for the CSV and for anyone computing with them."""

    claim_id: str
    title: str
    guide: str
    basis: str
    n: int
    estimate: str
    interval: str
    survey: str
    verdict: str
    note: str = ""
    unit: str = ""
    value: float | None = None
    low: float | None = None
    high: float | None = None
    guide_low: float | None = None
    guide_high: float | None = None
    raw_estimate: str = ""
    raw_interval: str = ""
    raw_verdict: str = ""
    raw_value: float | None = None
    raw_low: float | None = None
    raw_high: float | None = None
    correction: str = ""
    flipped: bool = False
    survey_n: int = 0
    survey_interval: str = ""
    survey_verdict: str = ""
    survey_value: float | None = None
    survey_low: float | None = None
    survey_high: float | None = None
    witnesses_disagree: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the evaluators read: this week's open postings, recent weekly counts, the survey,
    and the classifier's measured label error (None: shares are judged raw)."""

    postings: pd.DataFrame
    weekly_new: pd.DataFrame
    survey: pd.DataFrame | None
    min_n: int
    confidence: float
    confusions: Confusions | None = None


def load_claims() -> dict[str, Any]:
    text = resources.files("reports").joinpath("claims.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def evidence_for(
    con: duckdb.DuckDBPyConnection, week: queries.Week, claims: dict[str, Any]
) -> Evidence:
    """The week's evidence from the warehouse, with the label-error matrices measured for the
    classifier that made its labels (or the latest measured, marked as such)."""
    made = queries.provenance(con, week)
    return Evidence(
        queries.week_jobs(con, week),
        queries.weekly_new(con, week),
        queries.survey_salaries(con),
        claims["min_n"],
        claims["confidence"],
        load_confusions(str(made["classifier_versions"])),
    )


def check(evidence: Evidence, claims: dict[str, Any] | None = None) -> list[ClaimResult]:
    spec = claims or load_claims()
    results: list[ClaimResult] = []
    for claim in spec["claims"]:
        results.extend(EVALUATORS[claim["kind"]](claim, evidence))
    return results


def usd(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"${value / 1000:,.0f}K"


def pct(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.0%}"


def signed(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:+.0%}"


def span(low: float, high: float, fmt: Callable[[float], str]) -> str:
    """A range people read at a glance: `32%–72%`, and `-54% to +90%` when a sign would make
    a dash ambiguous."""
    a, b = fmt(low), fmt(high)
    return f"{a} to {b}" if "-" in a + b or "+" in a + b else f"{a}–{b}"


def _insufficient(
    claim: dict[str, Any], guide: str, basis: str, n: int, note: str, **figures: Any
) -> list[ClaimResult]:
    """A claim this week's postings are too few to test; n and the threshold are stated."""
    return [
        ClaimResult(
            claim["id"],
            claim["title"],
            guide,
            basis,
            n,
            "n/a",
            "",
            "",
            INSUFFICIENT,
            note,
            **figures,
        )
    ]


def _population(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if name == "ai":
        return frame[frame["is_ai"]]
    return frame[frame["role"] == name]


def _midpoints(frame: pd.DataFrame) -> pd.Series:
    mids = (frame["salary_usd_min"] + frame["salary_usd_max"]) / 2
    return mids.dropna()


def salary_cells(claim: dict[str, Any], ev: Evidence) -> list[ClaimResult]:
    """Each cell's postings median against the guide's range, with the survey beside it as a
    second witness (its own n, interval and verdict); `witnesses_disagree` when both reach a
    verdict and one supports what the other contradicts, or their intervals do not overlap."""
    out = []
    for cell in claim["cells"]:
        rows = ev.postings[ev.postings["role"] == cell["role"]]
        label = cell["role"]
        if "seniority" in cell:
            rows = rows[rows["seniority"] == cell["seniority"]]
            label += f" · {cell['seniority']}"
        if cell.get("metro") == "remote":
            rows = rows[rows["work_arrangement"] == "remote"]
            label += " · remote"
        elif "metro" in cell:
            rows = rows[rows["metro"] == cell["metro"]]
            label += f" · {cell['metro']}"
        mids = _midpoints(rows)
        guide = span(cell["low"], cell["high"], usd)
        witness, survey_interval = _survey_witness(ev, cell)
        median = float(np.median(mids)) if len(mids) else None
        n = len(mids)
        named = replace(
            witness,
            claim_id=f"{claim['id']} {label}",
            title=claim["title"],
            guide=guide,
            basis=claim["basis"],
            n=n,
            unit="usd",
            value=median,
            guide_low=cell["low"],
            guide_high=cell["high"],
        )
        if median is None or n < ev.min_n:
            out.append(
                replace(
                    named,
                    estimate=usd(median) if median is not None else "n/a",
                    verdict=INSUFFICIENT,
                    note=f"needs n ≥ {ev.min_n}",
                )
            )
            continue
        low, high = bootstrap_median(mids.to_numpy(), ev.confidence)
        with_range = rows.dropna(subset=["salary_usd_min", "salary_usd_max"])
        overlap = (
            (with_range["salary_usd_max"] >= cell["low"])
            & (with_range["salary_usd_min"] <= cell["high"])
        ).mean()
        verdict = range_verdict(low, high, cell["low"], cell["high"])
        disagree = _disagree(witness, survey_interval, verdict, (low, high))
        out.append(
            replace(
                named,
                estimate=f"median {usd(median)}",
                interval=span(low, high, usd),
                low=low,
                high=high,
                verdict=verdict,
                note=f"{pct(overlap)} of ranges overlap the guide's"
                + ("; guide is total comp, postings base pay" if claim["basis"] == "total" else "")
                + ("; survey and postings disagree" if disagree else ""),
                witnesses_disagree=disagree,
            )
        )
    return out


SURVEY_MIN_N = 5


def _survey_witness(
    ev: Evidence, cell: dict[str, Any]
) -> tuple[ClaimResult, tuple[float, float] | None]:
    """A result holding only the survey's side of a cell (the caller fills the postings'):
    median, n, bootstrap interval and verdict against the guide's range, and the interval.
    The survey has no metro, so metro cells have no second witness."""
    empty = ClaimResult("", "", "", "", 0, "", "", "", "")
    survey = ev.survey
    if survey is None or survey.empty or "metro" in cell:
        return empty, None
    rows = survey[survey["role"] == cell["role"]]
    if "seniority" in cell:
        rows = rows[rows["seniority"] == cell["seniority"]]
    values = rows["salary_in_usd"].dropna().to_numpy(dtype=float)
    if len(values) < SURVEY_MIN_N:
        return replace(empty, survey_n=len(values)), None
    low, high = bootstrap_median(values, ev.confidence)
    result = replace(
        empty,
        survey=f"median {usd(float(np.median(values)))} (n={len(values)})",
        survey_n=len(values),
        survey_interval=span(low, high, usd),
        survey_verdict=range_verdict(low, high, cell["low"], cell["high"]),
        survey_value=float(np.median(values)),
        survey_low=low,
        survey_high=high,
    )
    return result, (low, high)


def _disagree(
    witness: ClaimResult,
    interval: tuple[float, float] | None,
    verdict: str,
    own: tuple[float, float],
) -> bool:
    """One witness supports what the other contradicts, or their intervals are disjoint."""
    if interval is None:
        return False
    opposed = {witness.survey_verdict, verdict} == {SUPPORTED, CONTRADICTED}
    return opposed or interval[1] < own[0] or own[1] < interval[0]


def share(claim: dict[str, Any], ev: Evidence) -> list[ClaimResult]:
    """A share against the guide's range. A claim naming a `basis_field` is tested twice: over
    every known value, inferred ones included (as labour-market trackers count), and over the
    values a posting or its board stated (`stated` bases), so a reader sees what inference adds.
    Only the first is corrected for label error (`UNCORRECTED_STATED` says why).
    """
    rows = _population(ev.postings, claim["population"])
    field = claim["field"]
    wanted = set(claim.get("values") or [claim["value"]])
    if field == "skills":
        hits = rows[field].map(
            lambda skills: bool(wanted & set(skills if skills is not None else []))
        )
        unknown = 0
    else:
        values = rows[field]
        known = values.notna() & (values != "unknown")
        unknown = int((~known).sum())
        if claim.get("exclude_unknown"):
            rows, values = rows[known], values[known]
        hits = values.isin(wanted)
    note = f"{unknown} unknown excluded" if claim.get("exclude_unknown") else ""
    correctable = (
        field == "work_arrangement" and wanted <= set(ARRANGEMENTS) and claim.get("exclude_unknown")
    )
    labelled = rows[field] if correctable else None
    basis_field = claim.get("basis_field")
    if basis_field is None:
        return [_share_result(claim, claim["id"], hits, note, ev, labelled)]
    bases = rows[basis_field]
    inferred = int((bases == "inferred").sum())
    stated = bases.isin(claim["stated"])
    return [
        _share_result(
            claim, claim["id"], hits, f"{note}; {inferred} inferred included", ev, labelled
        ),
        _share_result(
            claim,
            f"{claim['id']} · stated or structured",
            hits[stated],
            f"{note}; {inferred} inferred and {int((~stated).sum()) - inferred} without a basis "
            "excluded"
            + ("" if labelled is None or ev.confusions is None else f"; {UNCORRECTED_STATED}"),
            ev,
        ),
    ]


def _share_result(
    claim: dict[str, Any],
    claim_id: str,
    hits: pd.Series,
    note: str,
    ev: Evidence,
    labelled: pd.Series | None = None,
) -> ClaimResult:
    """The share's result; with `labelled` (the arrangement each counted posting was given)
    and a measured matrix, judged on the share corrected for label error."""
    n, k = len(hits), int(hits.sum())
    guide = span(claim["low"], claim["high"], pct)
    figures = {
        "unit": "share",
        "value": k / n if n else None,
        "guide_low": claim["low"],
        "guide_high": claim["high"],
    }
    if n < ev.min_n:
        estimate = pct(k / n) if n else "n/a"
        return ClaimResult(
            claim_id,
            claim["title"],
            guide,
            "share",
            n,
            estimate,
            "",
            "",
            INSUFFICIENT,
            note,
            **figures,
        )
    low, high = wilson(k, n, ev.confidence)
    raw = ClaimResult(
        claim_id,
        claim["title"],
        guide,
        "share",
        n,
        pct(k / n),
        span(low, high, pct),
        "",
        range_verdict(low, high, claim["low"], claim["high"]),
        note,
        low=low,
        high=high,
        **figures,
    )
    if labelled is None or ev.confusions is None or "work_arrangement" not in ev.confusions.fields:
        return raw
    wanted = set(claim.get("values") or [claim["value"]])
    fixed = corrected_share(
        labelled.value_counts().to_dict(),
        ev.confusions.fields["work_arrangement"],
        wanted,
        among=set(ARRANGEMENTS),
        confidence=ev.confidence,
    )
    verdict = range_verdict(fixed.low, fixed.high, claim["low"], claim["high"])
    return _judged_corrected(raw, fixed, pct(fixed.estimate), verdict, ev.confusions)


UNCORRECTED_STATED = "not corrected: the label error is measured over every arrangement"
"""Why the stated-only share stays raw: the matrix is every labelled item's, and a stated
arrangement errs far less than an inferred one, so it would correct errors these labels do not
make."""

RAW_KEPT = ("estimate", "interval", "verdict", "value", "low", "high")
"""The raw result's fields a corrected one keeps beside its own, as `raw_<name>`."""


def _judged_corrected(
    raw: ClaimResult, fixed: Corrected, estimate: str, verdict: str, confusions: Confusions
) -> ClaimResult:
    """`raw` re-judged on the corrected share, the raw figures and verdict kept beside it."""
    return replace(
        raw,
        estimate=estimate,
        interval=span(fixed.low, fixed.high, pct),
        value=fixed.estimate,
        low=fixed.low,
        high=fixed.high,
        verdict=verdict,
        **{f"raw_{name}": getattr(raw, name) for name in RAW_KEPT},
        correction=confusions.note(),
        flipped=verdict != raw.verdict,
    )


def _rank_verdict(own: tuple[float, float], rival: tuple[float, float]) -> str:
    """'X is #1' from two intervals: clear above the rival, clear below it, or overlapping."""
    if own[0] > rival[1]:
        return SUPPORTED
    if rival[0] > own[1]:
        return CONTRADICTED
    return INCONCLUSIVE


def top_value(claim: dict[str, Any], ev: Evidence) -> list[ClaimResult]:
    """'X is #1': X's share interval against the strongest rival's."""
    rows = _population(ev.postings, claim["population"])
    field = claim.get("field", "role")
    target = claim.get("value") or claim["role"]
    values = rows[field].dropna()
    values = values[values != "unknown"]
    n = len(values)
    guide = f"{target} is #1"
    if n < ev.min_n:
        return _insufficient(claim, guide, "share", n, f"needs n ≥ {ev.min_n}", unit="share")
    counts = values.value_counts()
    own_k = int(counts.get(target, 0))
    own = wilson(own_k, n, ev.confidence)
    rivals = counts.drop(target, errors="ignore")
    verdict, note = SUPPORTED, ""
    if not rivals.empty:
        rival, rival_k = rivals.index[0], int(rivals.iloc[0])
        verdict = _rank_verdict(own, wilson(rival_k, n, ev.confidence))
        note = f"next: {rival} {pct(rival_k / n)}"
    rank = list(counts.index).index(target) + 1 if own_k else "-"
    raw = ClaimResult(
        claim["id"],
        claim["title"],
        guide,
        "share",
        n,
        f"{pct(own_k / n)} (rank {rank})",
        span(own[0], own[1], pct),
        "",
        verdict,
        note,
        unit="share",
        value=own_k / n,
        low=own[0],
        high=own[1],
    )
    if field != "role" or claim["population"] != "ai" or ev.confusions is None:
        return [raw]
    if "role" not in ev.confusions.fields:
        return [raw]
    return [_corrected_top_role(raw, target, ev, ev.confusions)]


def _corrected_top_role(
    raw: ClaimResult, target: str, ev: Evidence, confusions: Confusions
) -> ClaimResult:
    """The role's corrected share among AI roles against its corrected rivals. Every posting's
    role is counted, not only the AI ones: an AI job labelled a software role is part of the
    true AI population the correction recovers. A pool of rare roles bounds each member's
    share, so clearing the pool's interval beats them all, while only a role of its own can
    be shown to beat the claimed one."""
    shares = role_shares(ev.postings["role"].value_counts().to_dict(), confusions, among_ai=True)
    if target not in shares:
        return replace(raw, note=f"{raw.note}; too few labelled {target} items to correct")
    own = shares[target]
    rivals = {r: s for r, s in shares.items() if r != target}
    roles = {r: s for r, s in rivals.items() if r not in POOLS}
    rank = 1 + sum(s.estimate > own.estimate for s in roles.values())
    verdict, note = SUPPORTED, raw.note
    if rivals:
        verdict = INCONCLUSIVE
        if own.low > max(s.high for s in rivals.values()):
            verdict = SUPPORTED
        elif any(s.low > own.high for s in roles.values()):
            verdict = CONTRADICTED
    if roles:
        rival = max(roles, key=lambda r: roles[r].estimate)
        note = f"{raw.note}; corrected next: {rival} {pct(roles[rival].estimate)}"
    fixed = replace(raw, note=note)
    return _judged_corrected(fixed, own, f"{pct(own.estimate)} (rank {rank})", verdict, confusions)


def _rate_ratio(recent: int, prior: int, confidence: float) -> tuple[float, float, float]:
    """Growth recent/prior - 1 with an interval from the conditional binomial of the counts."""
    total = recent + prior
    if total == 0 or prior == 0:
        return (math.nan, math.nan, math.nan)
    low, high = wilson(recent, total, confidence)

    def to_growth(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) - 1

    return (recent / prior - 1, to_growth(low), to_growth(high))


def _windows(ev: Evidence, weeks: int) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    ordered = sorted(ev.weekly_new["week"].unique())
    if len(ordered) < 2 * weeks:
        return None
    recent, prior = ordered[-weeks:], ordered[-2 * weeks : -weeks]
    data = ev.weekly_new
    return data[data["week"].isin(recent)], data[data["week"].isin(prior)]


def fastest_growing(claim: dict[str, Any], ev: Evidence) -> list[ClaimResult]:
    weeks = claim["weeks"]
    windows = _windows(ev, weeks)
    guide = f"{claim['role']} grows fastest"
    if windows is None:
        return _insufficient(
            claim, guide, "growth", 0, f"needs {2 * weeks} weeks of history", unit="change"
        )
    recent, prior = (w[w["is_ai"]].groupby("role")["new_postings"].sum() for w in windows)
    roles = sorted(set(recent.index) | set(prior.index))
    growth = {
        r: _rate_ratio(int(recent.get(r, 0)), int(prior.get(r, 0)), ev.confidence) for r in roles
    }
    own_n = int(recent.get(claim["role"], 0) + prior.get(claim["role"], 0))
    if own_n < ev.min_n:
        return _insufficient(
            claim,
            guide,
            "growth",
            own_n,
            f"{claim['role']} has {own_n} new postings in 2×{weeks} weeks",
            unit="change",
        )
    eligible = {
        r: g
        for r, g in growth.items()
        if not math.isnan(g[0]) and recent.get(r, 0) + prior.get(r, 0) >= ev.min_n
    }
    leader = max(eligible, key=lambda r: eligible[r][0])
    own = growth[claim["role"]]
    if leader == claim["role"]:
        runner = max((g[0] for r, g in eligible.items() if r != leader), default=-math.inf)
        verdict = SUPPORTED if own[1] > runner else INCONCLUSIVE
    else:
        verdict = CONTRADICTED if eligible[leader][1] > own[2] else INCONCLUSIVE
    return [
        ClaimResult(
            claim["id"],
            claim["title"],
            guide,
            "growth",
            own_n,
            signed(own[0]),
            span(own[1], own[2], signed),
            "",
            verdict,
            f"fastest: {leader} {signed(eligible[leader][0])} ({weeks}w over {weeks}w)",
            unit="change",
            value=own[0],
            low=own[1],
            high=own[2],
        )
    ]


def growth_compare(claim: dict[str, Any], ev: Evidence) -> list[ClaimResult]:
    weeks = claim["weeks"]
    windows = _windows(ev, weeks)
    guide = f"{claim['faster']} grows faster than {claim['slower']}"
    if windows is None:
        return _insufficient(
            claim, guide, "growth", 0, f"needs {2 * weeks} weeks of history", unit="change"
        )
    recent, prior = (w[w["is_ai"]].groupby(claim["field"])["new_postings"].sum() for w in windows)
    fast = (int(recent.get(claim["faster"], 0)), int(prior.get(claim["faster"], 0)))
    slow = (int(recent.get(claim["slower"], 0)), int(prior.get(claim["slower"], 0)))
    n = sum(fast) + sum(slow)
    if min(sum(fast), sum(slow)) < ev.min_n:
        return _insufficient(
            claim,
            guide,
            "growth",
            n,
            f"{claim['faster']} n={sum(fast)}, {claim['slower']} n={sum(slow)}",
            unit="change",
        )
    gf, gs = _rate_ratio(*fast, ev.confidence), _rate_ratio(*slow, ev.confidence)
    if gf[1] > gs[2]:
        verdict = SUPPORTED
    elif gs[1] > gf[2]:
        verdict = CONTRADICTED
    else:
        verdict = INCONCLUSIVE
    return [
        ClaimResult(
            claim["id"],
            claim["title"],
            guide,
            "growth",
            n,
            f"{claim['faster']} {signed(gf[0])} vs {claim['slower']} {signed(gs[0])}",
            f"{span(gf[1], gf[2], signed)} vs {span(gs[1], gs[2], signed)}",
            "",
            verdict,
            f"new postings, {weeks}w over {weeks}w",
            unit="change",
            value=gf[0],
            low=gf[1],
            high=gf[2],
        )
    ]


def salary_premium(claim: dict[str, Any], ev: Evidence) -> list[ClaimResult]:
    levels = ev.postings[ev.postings["seniority"].isin(["mid", "senior"])]
    ml = _midpoints(levels[levels["role"] == claim["role"]])
    base = _midpoints(levels[levels["role"] == claim["baseline"]])
    guide = span(claim["low"], claim["high"], signed)
    figures = {"unit": "change", "guide_low": claim["low"], "guide_high": claim["high"]}
    n = len(ml) + len(base)
    if min(len(ml), len(base)) < ev.min_n:
        return _insufficient(
            claim,
            guide,
            "base",
            n,
            f"{claim['role']} n={len(ml)}, {claim['baseline']} n={len(base)}",
            **figures,
        )
    estimate = float(np.median(ml) / np.median(base) - 1)
    low, high = bootstrap_ratio_of_medians(ml.to_numpy(), base.to_numpy(), ev.confidence)
    return [
        ClaimResult(
            claim["id"],
            claim["title"],
            guide,
            "base",
            n,
            signed(estimate),
            span(low, high, signed),
            "",
            range_verdict(low, high, claim["low"], claim["high"]),
            "mid and senior postings pooled; medians of annualised midpoints",
            value=estimate,
            low=low,
            high=high,
            **figures,
        )
    ]


EVALUATORS: dict[str, Callable[[dict[str, Any], Evidence], list[ClaimResult]]] = {
    "salary_cells": salary_cells,
    "share": share,
    "top_role": top_value,
    "top_value": top_value,
    "fastest_growing": fastest_growing,
    "growth_compare": growth_compare,
    "salary_premium": salary_premium,
}
