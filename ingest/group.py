"""Group: after a run's loads, regroup cross-posted postings into canonical jobs.

It runs once per run, not per board, because a posting's duplicates may arrive from any
source in any order; the grouping itself is set-based SQL in `warehouse.canonical`.
"""

from __future__ import annotations

from warehouse.canonical import refresh_canonical
from warehouse.db import Connection


def group(con: Connection) -> None:
    refresh_canonical(con)
