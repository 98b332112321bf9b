"""Which labelled items the label-error matrices stand on: real ones first, the written sets
the rules were never tuned on only for classes the real ones leave thin; and the listing view
the replayed history's matrices are measured on."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from reports.correction import MIN_CLASS_LABELS
from tests.support import posting
from tools.eval_realdata import listing_view
from tools.evaluate import BLIND, LABELLED, confusion_pairs, load_labelled, untuned_error_pairs


def test_written_pairs_come_from_the_holdout_and_blind_sets_never_train() -> None:
    rows = load_labelled(LABELLED) + load_labelled(BLIND)
    untuned = Counter(r["expected"]["role"] for r in rows if r["split"] in {"holdout", "blind"})
    pairs = untuned_error_pairs()
    assert Counter(expected for expected, _ in pairs["role"]) == untuned
    assert len(pairs["is_ai"]) == sum(untuned.values())


def test_only_classes_thin_in_the_real_items_take_written_ones() -> None:
    thick = [("other", "other")] * MIN_CLASS_LABELS
    real = {"role": [*thick, ("ml_engineer", "ml_engineer")], "is_ai": [("ai", "ai")]}
    written = {"role": [("other", "software_engineer"), ("ml_engineer", "data_scientist")]}
    pairs = confusion_pairs(real, written)
    assert pairs["role"] == [*real["role"], ("ml_engineer", "data_scientist")]
    assert pairs["is_ai"] == real["is_ai"]


def test_the_listing_view_keeps_what_a_listing_carries() -> None:
    ashby = replace(
        posting("1", source="ashby", locations=("Paris",), salary=(90000, 120000)),
        workplace_type="hybrid",
        employment_type="FullTime",
        extras={"workplace_hint": "structured"},
    )
    listed = listing_view(ashby)
    assert (listed.title, listed.company, listed.locations) == (
        "Machine Learning Engineer",
        "Acme AI",
        ["Paris"],
    )
    assert (listed.description, listed.salary, listed.employment_type) == ("", None, None)
    assert listed.workplace_type is None and listed.extras == {}
    board = replace(ashby, source="greenhouse", extras={"metadata": [1], "language": "en"})
    kept = listing_view(board)
    assert kept.workplace_type == "hybrid" and kept.extras == {"metadata": [1]}
