"""Relabelling every stored posting with the current classifier, in one transaction.

Used after a classifier change when the raw archive is not at hand: the postings table holds
every field the classifier reads, so labels can be rebuilt from it alone. A dry run relabels
inside the same transaction, lets the caller read the marts as they would then be, and rolls
back, so a rules change shows what it moves before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from pipeline.labels import label_postings
from pipeline.models import Posting, Salary
from warehouse.db import Connection
from warehouse.load import LabelChanges, replace_labels
from warehouse.materialize import refresh_stored
from warehouse.queries import postings_for_labelling

T = TypeVar("T")


def relabel_all(con: Connection) -> LabelChanges:
    """Replace every posting's labels, all or nothing; returns what moved (per label, old ->
    new pairs)."""
    changes, _ = _relabel(con, None)
    return changes


def relabel_dry_run(con: Connection, inspect: Callable[[Connection], T]) -> tuple[LabelChanges, T]:
    """What relabelling would move, and `inspect(con)` read with the new labels in place;
    then everything is rolled back, so the warehouse is left as it was."""
    changes, seen = _relabel(con, inspect)
    assert seen is not None
    return changes, seen[0]


def _relabel(
    con: Connection, inspect: Callable[[Connection], T] | None
) -> tuple[LabelChanges, tuple[T] | None]:
    """Postings stream through their own cursor: a statement run on the writing connection
    would replace the result being streamed. With `inspect`, it reads the relabelled
    warehouse inside the transaction, which is then rolled back instead of committed."""
    reader = con.cursor()
    changes = LabelChanges()
    seen: tuple[T] | None = None
    con.execute("BEGIN TRANSACTION")
    try:
        for frame in postings_for_labelling(reader):
            rows = []
            for r in frame.itertuples(index=False):
                salary = None
                if r.salary_source is not None:
                    salary = Salary(
                        _num(r.salary_min),
                        _num(r.salary_max),
                        r.salary_currency,
                        r.salary_period,
                        r.salary_source,
                        r.salary_text,
                    )
                posting = Posting(
                    source=r.source,
                    source_id=r.source_id,
                    company=r.company,
                    title=r.title,
                    description=r.description,
                    locations=list(r.locations),
                    workplace_type=r.workplace_type,
                    salary=salary,
                    employment_type=r.employment_type,
                    board=r.board,
                )
                rows += label_postings([posting], r.configured_industry, r.last_seen.date())
            replace_labels(con, rows, changes)
        refresh_stored(con)
        if inspect is None:
            con.execute("COMMIT")
        else:
            seen = (inspect(con),)
            con.execute("ROLLBACK")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        reader.close()
    return changes, seen


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
