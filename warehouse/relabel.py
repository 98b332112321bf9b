"""Relabelling every stored posting with the current classifier, in one transaction.

Used after a classifier change when the raw archive is not at hand: the postings table holds
every field the classifier reads, so labels can be rebuilt from it alone.
"""

from __future__ import annotations

import pandas as pd

from pipeline.labels import label_postings
from pipeline.models import Posting, Salary
from warehouse.db import Connection
from warehouse.load import LabelChanges, replace_labels
from warehouse.queries import postings_for_labelling


def relabel_all(con: Connection) -> LabelChanges:
    """Replace every posting's labels, all or nothing; returns what moved (per label, old ->
    new pairs). Postings stream through their own cursor: a statement run on the writing
    connection would replace the result being streamed."""
    reader = con.cursor()
    changes = LabelChanges()
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
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        reader.close()
    return changes


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
