"""How well the canonical grouping finds the same job, against groups known to be right.

Scored over pairs of postings: a pair in one known group is a duplicate to find, a pair in one
canonical job is a duplicate found. Precision is the share of found pairs that are true,
recall the share of true pairs found. Only postings the warehouse holds are scored (a posting
never loaded is the parser's miss, not the grouping's). Computed in SQL over the registered
groups and `stg_postings`, so a user's own query on the same data agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from warehouse.db import Connection


@dataclass(frozen=True, slots=True)
class GroupingAccuracy:
    true_pairs: int
    found_pairs: int
    hits: int
    known_postings: int
    """Postings in the known groups that the warehouse holds (0: not the groups' data)."""
    missing_postings: int

    @property
    def precision(self) -> float:
        return self.hits / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.true_pairs if self.true_pairs else 1.0


def grouping_accuracy(con: Connection, groups: Sequence[Sequence[str]]) -> GroupingAccuracy:
    """Pairwise precision and recall of `canonical_job_id` against `groups` of
    `source:source_id` keys."""
    members = pd.DataFrame(
        [(i, key) for i, group in enumerate(groups) for key in group],
        columns=["group_id", "posting_key"],
    )
    con.register("truth_members", members)
    try:
        row = con.execute(
            """
            WITH truth AS (
                SELECT DISTINCT group_id, posting_key FROM truth_members
            ),
            postings AS (
                SELECT source || ':' || source_id AS posting_key, canonical_job_id
                FROM stg_postings
            ),
            present AS (
                SELECT t.group_id, t.posting_key FROM truth AS t JOIN postings USING (posting_key)
            ),
            true_pairs AS (
                SELECT DISTINCT a.posting_key AS a, b.posting_key AS b
                FROM present AS a JOIN present AS b
                  ON a.group_id = b.group_id AND a.posting_key < b.posting_key
            ),
            found_pairs AS (
                SELECT a.posting_key AS a, b.posting_key AS b
                FROM postings AS a JOIN postings AS b
                  ON a.canonical_job_id = b.canonical_job_id AND a.posting_key < b.posting_key
            )
            SELECT
                (SELECT count(*) FROM true_pairs),
                (SELECT count(*) FROM found_pairs),
                (SELECT count(*) FROM true_pairs JOIN found_pairs USING (a, b)),
                (SELECT count(DISTINCT posting_key) FROM present),
                (SELECT count(DISTINCT posting_key) FROM truth)
                    - (SELECT count(DISTINCT posting_key) FROM present)
            """
        ).fetchall()[0]
    finally:
        con.unregister("truth_members")
    return GroupingAccuracy(*(int(v) for v in row))
