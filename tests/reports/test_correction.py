"""The correction for label error recovers a share whose classifier error is known, and the
guide check judges on it, keeping the raw share and saying when the verdict flips."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reports.correction import (
    LISTING,
    POOLED_AI,
    POOLED_OTHER,
    Confusion,
    Confusions,
    ai_share,
    confusion_entry,
    corrected_share,
    fill_thin_rows,
    load_confusions,
    pairs_to_confusion,
    pooled,
    remote_share,
    role_shares,
    write_confusions,
)
from reports.guide_check import UNCORRECTED_STATED, check
from tests.reports.test_guide_check import evidence, postings

ARRANGEMENTS = ("hybrid", "onsite", "remote")
RATES = np.array([[0.80, 0.15, 0.05], [0.10, 0.85, 0.05], [0.05, 0.20, 0.75]])
"""A known confusion: rows true hybrid, onsite, remote; columns the label given."""
TRUE = np.array([0.1, 0.3, 0.6])


def known_world(labelled_per_class: int = 400, postings_n: int = 3000, seed: int = 7):
    """Labelled items drawn from RATES, and a week's label counts drawn from TRUE·RATES."""
    rng = np.random.default_rng(seed)
    counts = np.stack([rng.multinomial(labelled_per_class, row) for row in RATES])
    observed = rng.multinomial(postings_n, TRUE @ RATES)
    confusion = Confusion("work_arrangement", ARRANGEMENTS, counts)
    return confusion, dict(zip(ARRANGEMENTS, observed.tolist(), strict=True))


def test_known_confusion_matrix_recovers_the_true_share_within_its_interval() -> None:
    confusion, counts = known_world()
    share = corrected_share(counts, confusion, {"remote"})
    assert share.low <= TRUE[2] <= share.high
    assert not share.raw_low <= TRUE[2] <= share.raw_high
    assert abs(share.estimate - TRUE[2]) < abs(share.raw - TRUE[2])
    onsite = corrected_share(counts, confusion, {"onsite"})
    assert onsite.low <= TRUE[1] <= onsite.high
    assert not onsite.raw_low <= TRUE[1] <= onsite.raw_high


def test_corrected_interval_is_wider_than_the_raw_one_with_few_labels() -> None:
    few, counts = known_world(labelled_per_class=25)
    many, _ = known_world(labelled_per_class=2000)
    thin = corrected_share(counts, few, {"remote"})
    thick = corrected_share(counts, many, {"remote"})
    assert thin.high - thin.low > thick.high - thick.low > 0
    assert thin.high - thin.low > thin.raw_high - thin.raw_low


def test_two_way_share_is_rogan_gladen() -> None:
    matrix = Confusion("is_ai", ("ai", "not_ai"), np.array([[80, 20], [5, 95]]))
    confusions = Confusions("v", "test", {"is_ai": matrix}, True)
    se, sp, q = 0.8, 0.95, 300 / 1000
    share = ai_share(300, 1000, confusions)
    assert share.estimate == pytest.approx((q + sp - 1) / (se + sp - 1))
    assert share.raw == q


def test_impossible_observation_is_clipped_and_renormalised() -> None:
    matrix = Confusion("is_ai", ("ai", "not_ai"), np.array([[90, 10], [20, 80]]))
    below_false_positives = corrected_share({"ai": 5, "not_ai": 95}, matrix, {"ai"})
    assert below_false_positives.estimate == 0.0
    assert 0.0 <= below_false_positives.low <= below_false_positives.high <= 1.0


def test_no_postings_gives_no_estimate() -> None:
    confusion, _ = known_world()
    share = corrected_share({}, confusion, {"remote"})
    assert share.n == 0 and np.isnan(share.estimate)


def test_rare_roles_are_pooled_and_unseen_labels_join_their_pool() -> None:
    pairs = [("ml_engineer", "ml_engineer")] * 6 + [("software_engineer", "software_engineer")] * 6
    pairs += [("prompt_engineer", "ml_engineer"), ("data_engineer", "software_engineer")]
    matrix = pooled(pairs_to_confusion("role", pairs))
    assert matrix.classes == ("ml_engineer", "software_engineer", POOLED_AI, POOLED_OTHER)
    assert matrix.counts[2].tolist() == [1, 0, 0, 0]
    confusions = Confusions("v", "test", {"role": pairs_to_confusion("role", pairs)}, True)
    shares = role_shares(
        {"ml_engineer": 30, "rl_engineer": 10, "software_engineer": 60}, confusions, True
    )
    assert set(shares) == {"ml_engineer", POOLED_AI}
    assert shares["ml_engineer"].n == 40
    assert shares["ml_engineer"].raw == pytest.approx(0.75)


def test_confusion_file_is_keyed_by_classifier_version(tmp_path: Path) -> None:
    path = tmp_path / "confusion.json"
    old = confusion_entry({"work_arrangement": [("remote", "remote")]}, "old labels")
    new = confusion_entry({"work_arrangement": [("remote", "onsite")]}, "new labels")
    write_confusions(path, "v1", old)
    write_confusions(path, "v2", new | {"measured": "2999-01-01"})
    assert set(json.loads(path.read_text())) == {"v1", "v2"}
    exact = load_confusions("v1", path)
    assert exact is not None and exact.exact and exact.measured_on == "old labels"
    fallback = load_confusions("v3", path)
    assert fallback is not None and not fallback.exact and fallback.classifier_version == "v2"
    assert "v2" in fallback.note()
    assert load_confusions("v1", tmp_path / "missing.json") is None


def test_bundled_matrices_cover_every_corrected_field() -> None:
    confusions = load_confusions("any")
    assert confusions is not None
    assert {"is_ai", "role", "work_arrangement"} <= set(confusions.fields)
    assert all(m.n > 0 for m in confusions.fields.values())


def test_guide_check_judges_the_corrected_share_and_says_when_it_flips() -> None:
    remote_mislabelled = Confusion(
        "work_arrangement", ARRANGEMENTS, np.array([[100, 0, 0], [0, 70, 30], [0, 0, 100]])
    )
    confusions = Confusions("v", "test", {"work_arrangement": remote_mislabelled}, True)
    frame = postings(n=2000, work_arrangement=["remote"] * 800 + ["onsite"] * 1200)
    raw = next(r for r in check(evidence(frame)) if r.claim_id == "G4")
    assert raw.verdict == "supported" and not raw.flipped and raw.raw_estimate == ""
    fixed = next(r for r in check(evidence(frame, confusions=confusions)) if r.claim_id == "G4")
    assert fixed.raw_estimate == "40%" and fixed.raw_verdict == "supported"
    assert fixed.estimate == "14%" and fixed.verdict == "contradicted"
    assert fixed.flipped and fixed.correction == "measured on test"
    expected = remote_share({"remote": 800, "onsite": 1200}, confusions)
    assert fixed.interval == f"{expected.low:.0%}–{expected.high:.0%}"


def test_thin_classes_borrow_written_items_and_thick_ones_keep_their_own() -> None:
    real = [("software_engineer", "software_engineer")] * 5 + [("rl_engineer", "ml_engineer")]
    written = [("software_engineer", "other"), ("rl_engineer", "rl_engineer")] * 3
    pairs = fill_thin_rows(real, written)
    assert pairs.count(("software_engineer", "other")) == 0
    assert pairs.count(("rl_engineer", "rl_engineer")) == 3
    assert pairs[: len(real)] == real


def test_an_empty_pool_is_no_figure() -> None:
    pairs = [("ml_engineer", "ml_engineer")] * 5 + [("software_engineer", "software_engineer")] * 5
    confusions = Confusions("v", "test", {"role": pairs_to_confusion("role", pairs)}, True)
    shares = role_shares({"ml_engineer": 30, "software_engineer": 60}, confusions, True)
    assert set(shares) == {"ml_engineer"}
    every = role_shares({"ml_engineer": 30, "software_engineer": 60}, confusions)
    assert set(every) == {"ml_engineer", "software_engineer"}


def test_a_view_has_its_own_matrices_and_only_entries_with_it_serve_it(tmp_path: Path) -> None:
    path = tmp_path / "confusion.json"
    whole = {"work_arrangement": [("hybrid", "hybrid")]}
    listing = {"work_arrangement": [("hybrid", "onsite")]}
    write_confusions(path, "v1", confusion_entry(whole, "whole"))
    write_confusions(path, "v2", confusion_entry(whole, "whole", {LISTING: (listing, "listed")}))
    seen = load_confusions("v2", path, view=LISTING)
    assert seen is not None and seen.exact and seen.measured_on == "listed"
    assert seen.fields["work_arrangement"].counts.tolist() == [[0, 1], [0, 0]]
    older = load_confusions("v1", path, view=LISTING)
    assert older is not None and not older.exact and older.classifier_version == "v2"
    assert load_confusions("v2", path).measured_on == "whole"
    write_confusions(path, "v2", confusion_entry(whole, "whole"))
    assert load_confusions("v2", path, view=LISTING) is None


def test_the_stated_only_remote_share_stays_raw_and_says_why() -> None:
    remote_mislabelled = Confusion(
        "work_arrangement", ARRANGEMENTS, np.array([[100, 0, 0], [0, 70, 30], [0, 0, 100]])
    )
    confusions = Confusions("v", "test", {"work_arrangement": remote_mislabelled}, True)
    frame = postings(n=2000, work_arrangement=["remote"] * 800 + ["onsite"] * 1200)
    results = {r.claim_id: r for r in check(evidence(frame, confusions=confusions))}
    stated = results["G4 · stated or structured"]
    assert stated.estimate == "40%" and stated.raw_estimate == "" and not stated.flipped
    assert UNCORRECTED_STATED in stated.note
    assert results["G4"].raw_estimate == "40%"
