"""The real-data evaluation's arithmetic, and its run over realdata (skipped without it).

Scores themselves are never asserted here: `make eval` measures them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tools.eval_realdata import (
    TARGETS,
    board_token,
    bootstrap,
    macro_f1,
    markdown,
    match_comment,
    match_roles,
    salary_of,
    score_realdata,
    title_similarity,
    weighted_f1,
    wilson,
)


def test_wilson_interval_matches_the_textbook_values() -> None:
    low, high = wilson(8, 10)
    assert math.isclose(low, 0.4902, abs_tol=1e-4)
    assert math.isclose(high, 0.9433, abs_tol=1e-4)
    assert wilson(0, 0) == (0.0, 0.0)
    assert wilson(10, 10)[1] == pytest.approx(1.0)


def test_bootstrap_is_seeded_and_brackets_the_point_value() -> None:
    items = [1.0] * 30 + [0.0] * 10

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs)

    first = bootstrap(items, mean)
    assert first == bootstrap(items, mean)
    assert first[0] <= 0.75 <= first[1]


def test_macro_f1_averages_over_expected_classes_only() -> None:
    pairs = [("a", "a"), ("a", "b"), ("c", "c")]
    assert macro_f1(pairs) == pytest.approx((2 / 3 + 1.0) / 2)
    assert weighted_f1(pairs) == pytest.approx((2 * 2 / 3 + 1.0) / 3)


def test_comment_matching_pairs_titles_first_then_roles() -> None:
    parsed = [("Senior Backend Engineers", "software_engineer"), ("Recruiter", "other")]
    labelled = [
        ("Backend Engineer", "software_engineer"),
        ("Talent Partner", "other"),
        ("ML Engineer", "ml_engineer"),
    ]
    tp, fp, fn, titled = match_comment(parsed, labelled)
    assert (tp, fp, fn, titled) == (2, 0, 1, 1)
    assert match_comment([("ML Engineer", "software_engineer")], [("ML Engineer", "ml_engineer")])[
        :3
    ] == (0, 1, 1)
    assert match_comment([("Acme is hiring", "other")], []) == (0, 1, 0, 0)
    assert title_similarity("Product engineers", "Product Engineer") == 1.0


def test_salary_comparison_is_exact_on_the_stated_figures() -> None:
    stated = {"min": 150000, "max": None, "currency": "USD", "period": "year"}
    assert salary_of(stated) == (150000.0, None, "USD", "year")
    assert salary_of(None) is None


def test_board_token_drops_the_saving_project_prefix() -> None:
    assert board_token("stapply_cohere", "ashby") == "cohere"
    assert board_token("jobos_ashby_etched", "ashby") == "etched"
    assert board_token("techjobshub_full_catawiki", "greenhouse") == "catawiki"


def test_realdata_scores_every_label_and_renders_the_table(shared_data: Path) -> None:
    result = score_realdata(shared_data)
    assert result["boards"] + result["hn"]["comments"] == 100
    assert result["found"] == result["boards"]
    assert set(TARGETS) <= set(result["metrics"])
    for metric in result["metrics"].values():
        assert 0.0 <= metric["low"] <= metric["high"] <= 1.0
    assert not set(result["failures"]) - {f for f in result["failures"] if f.startswith("lists/")}
    hn = result["sources"]["hn"]
    assert hn["comments_with_postings"] + hn["comments_without_postings"] == hn["comments"]
    table = markdown(result)
    assert "| role accuracy |" in table
    assert "| greenhouse |" in table


def test_roles_only_matching_ignores_titles() -> None:
    parsed = [("Acme | Remote | $150k", "software_engineer")]
    labelled = [("Backend Engineer", "software_engineer"), ("Designer", "other")]
    assert match_roles(parsed, labelled) == (1, 0, 1, 0)
    assert match_comment(parsed, labelled)[:3] == (1, 0, 1)
