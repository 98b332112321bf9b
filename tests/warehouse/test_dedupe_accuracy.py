"""The canonical grouping scored against known duplicates: pairwise precision and recall, over
the postings the warehouse holds, and on the sample against the generator's own groups."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sample.recorded import truth_groups
from sample.truth import truth_groups as generated_groups
from tests.support import board_load, posting, warehouse
from warehouse.dedupe import grouping_accuracy
from warehouse.load import load_board


def test_pairs_found_and_missed_are_counted(tmp_path: Path) -> None:
    con = warehouse(tmp_path)
    titles = ["ML Engineer", "ML Engineer, Search", "Data Analyst", "Recruiter"]
    load_board(
        con, board_load([posting(str(i), t) for i, t in enumerate(titles, 1)], date(2026, 11, 2))
    )
    con.execute("DELETE FROM posting_canonical")
    con.execute(
        "INSERT INTO posting_canonical VALUES ('greenhouse', '1', 'job-a', 'f1', 'self'), "
        "('greenhouse', '2', 'job-a', 'f2', 'similar'), "
        "('greenhouse', '3', 'job-c', 'f3', 'self'), ('greenhouse', '4', 'job-b', 'f4', 'self')"
    )
    truth = [["greenhouse:1", "greenhouse:2", "greenhouse:3", "greenhouse:99"]]
    scored = grouping_accuracy(con, truth)
    assert (scored.true_pairs, scored.found_pairs, scored.hits) == (3, 1, 1)
    assert (scored.known_postings, scored.missing_postings) == (3, 1)
    assert scored.precision == 1.0 and scored.recall == 1 / 3
    assert grouping_accuracy(con, []).known_postings == 0
    con.close()


def test_bundled_truth_is_what_the_generator_makes() -> None:
    groups = truth_groups()
    assert groups == generated_groups()
    assert all(len(group) > 1 for group in groups)
    assert {key.split(":")[0] for group in groups for key in group} >= {"hn", "remoteok"}
