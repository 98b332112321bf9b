"""The guide check: every claim in `claims.toml`, tested against one week of postings.

Each claim kind has one evaluator. All of them state n, an estimate, a 95% interval and a
verdict under the same rules: below `min_n` the verdict is `insufficient data`; an interval
inside the claimed range supports it, one clear of the range contradicts it, and one that
straddles an edge is `inconclusive`. Postings mostly state base pay while the guide's tables
are total compensation, so every salary row says which basis the guide used.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

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


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the evaluators read: this week's open postings, recent weekly counts, the survey."""

    postings: pd.DataFrame
    weekly_new: pd.DataFrame
    survey: pd.DataFrame | None
    min_n: int
    confidence: float


def load_claims() -> dict[str, Any]:
    text = resources.files("reports").joinpath("claims.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


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
        figures = {"unit": "usd", "guide_low": cell["low"], "guide_high": cell["high"]}
        median = float(np.median(mids)) if len(mids) else None
        survey = _survey_median(ev.survey, cell)
        n = len(mids)
        if n < ev.min_n:
            out.append(
                ClaimResult(
                    f"{claim['id']} {label}",
                    claim["title"],
                    guide,
                    claim["basis"],
                    n,
                    usd(median) if n else "n/a",
                    "",
                    survey,
                    INSUFFICIENT,
                    f"needs n ≥ {ev.min_n}",
                    value=median,
                    **figures,
                )
            )
            continue
        low, high = bootstrap_median(mids.to_numpy(), ev.confidence)
        with_range = rows.dropna(subset=["salary_usd_min", "salary_usd_max"])
        overlap = (
            (with_range["salary_usd_max"] >= cell["low"])
            & (with_range["salary_usd_min"] <= cell["high"])
        ).mean()
        out.append(
            ClaimResult(
                f"{claim['id']} {label}",
                claim["title"],
                guide,
                claim["basis"],
                n,
                f"median {usd(median)}",
                span(low, high, usd),
                survey,
                range_verdict(low, high, cell["low"], cell["high"]),
                f"{pct(overlap)} of ranges overlap the guide's"
                + ("; guide is total comp, postings base pay" if claim["basis"] == "total" else ""),
                value=median,
                low=low,
                high=high,
                **figures,
            )
        )
    return out


def _survey_median(survey: pd.DataFrame | None, cell: dict[str, Any]) -> str:
    if survey is None or survey.empty or "metro" in cell:
        return ""
    rows = survey[survey["role"] == cell["role"]]
    if "seniority" in cell:
        rows = rows[rows["seniority"] == cell["seniority"]]
    if len(rows) < 5:
        return ""
    return f"median {usd(float(rows['salary_in_usd'].median()))} (n={len(rows)})"


def share(claim: dict[str, Any], ev: Evidence) -> list[ClaimResult]:
    """A share against the guide's range. A claim naming a `basis_field` is tested twice: over
    every known value, inferred ones included (as labour-market trackers count), and over the
    values a posting or its board stated (`stated` bases), so a reader sees what inference adds.
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
    basis_field = claim.get("basis_field")
    if basis_field is None:
        return [_share_result(claim, claim["id"], hits, note, ev)]
    bases = rows[basis_field]
    inferred = int((bases == "inferred").sum())
    stated = bases.isin(claim["stated"])
    return [
        _share_result(claim, claim["id"], hits, f"{note}; {inferred} inferred included", ev),
        _share_result(
            claim,
            f"{claim['id']} · stated or structured",
            hits[stated],
            f"{note}; {inferred} inferred and {int((~stated).sum()) - inferred} without a basis "
            "excluded",
            ev,
        ),
    ]


def _share_result(
    claim: dict[str, Any], claim_id: str, hits: pd.Series, note: str, ev: Evidence
) -> ClaimResult:
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
    return ClaimResult(
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
        rival_iv = wilson(rival_k, n, ev.confidence)
        if own[0] > rival_iv[1]:
            verdict = SUPPORTED
        elif rival_iv[0] > own[1]:
            verdict = CONTRADICTED
        else:
            verdict = INCONCLUSIVE
        note = f"next: {rival} {pct(rival_k / n)}"
    rank = list(counts.index).index(target) + 1 if own_k else "-"
    return [
        ClaimResult(
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
    ]


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
