"""Intervals and verdicts: how sure a weekly figure is, and what it says about a claim.

Shares get a Wilson score interval (sound at small n and near 0 or 1, unlike the normal
approximation); medians get a seeded percentile bootstrap, so the same warehouse always
renders the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
INCONCLUSIVE = "inconclusive"
INSUFFICIENT = "insufficient data"
UNTESTABLE = "not testable"


def z_for(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    if n <= 0:
        return (float("nan"), float("nan"))
    z = z_for(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def bootstrap_median(
    values: Sequence[float], confidence: float = 0.95, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    draws = rng.choice(data, size=(resamples, data.size), replace=True)
    medians = np.median(draws, axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(medians, [tail, 100 - tail])
    return (float(low), float(high))


def bootstrap_ratio_of_medians(
    a: Sequence[float],
    b: Sequence[float],
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Interval for median(a) / median(b) - 1, the premium of group a over group b."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if xa.size == 0 or xb.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    ma = np.median(rng.choice(xa, size=(resamples, xa.size)), axis=1)
    mb = np.median(rng.choice(xb, size=(resamples, xb.size)), axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(ma / mb - 1, [tail, 100 - tail])
    return (float(low), float(high))


def range_verdict(ci_low: float, ci_high: float, low: float, high: float) -> str:
    """Against a claimed range: inside it, clear of it, or straddling an edge."""
    if np.isnan(ci_low) or np.isnan(ci_high):
        return INSUFFICIENT
    if low <= ci_low and ci_high <= high:
        return SUPPORTED
    if ci_high < low or ci_low > high:
        return CONTRADICTED
    return INCONCLUSIVE
