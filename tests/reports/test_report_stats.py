"""Intervals behave as statistics say they should, and verdicts follow the stated rules."""

from __future__ import annotations

import math

import pytest

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


def test_wilson_matches_a_textbook_value_and_stays_in_bounds() -> None:
    low, high = wilson(40, 100)
    assert low == pytest.approx(0.3094, abs=1e-3) and high == pytest.approx(0.4980, abs=1e-3)
    assert wilson(0, 10)[0] == pytest.approx(0.0) and wilson(10, 10)[1] == pytest.approx(1.0)
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_bootstrap_median_is_seeded_and_brackets_the_median() -> None:
    values = list(range(100, 200))
    assert bootstrap_median(values) == bootstrap_median(values)
    low, high = bootstrap_median(values)
    assert low < 149.5 < high


def test_ratio_of_medians_finds_a_premium() -> None:
    low, high = bootstrap_ratio_of_medians([120.0] * 30, [100.0] * 30)
    assert low == pytest.approx(0.2) and high == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("ci", "verdict"),
    [
        ((0.36, 0.44), SUPPORTED),
        ((0.10, 0.20), CONTRADICTED),
        ((0.30, 0.40), INCONCLUSIVE),
        ((math.nan, math.nan), INSUFFICIENT),
    ],
)
def test_range_verdicts(ci: tuple[float, float], verdict: str) -> None:
    assert range_verdict(*ci, 0.35, 0.45) == verdict
