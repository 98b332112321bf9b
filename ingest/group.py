"""Group: after a run's loads, group the run's new or changed postings into canonical jobs.

It runs once per run, not per board, because a posting's duplicates may arrive from any
source in any order; the grouping itself is set-based SQL in `warehouse.canonical`, which
compares only what changed since the last grouping against the stored fingerprints and bands.
"""

from __future__ import annotations

from warehouse.canonical import CanonicalStats, refresh_canonical
from warehouse.db import Connection, transaction
from warehouse.materialize import refresh_stored


def group(con: Connection, *, force: bool = False) -> CanonicalStats:
    """Group (everything again when `force` is set), then bring the stored canonical jobs and
    their week rows up to date with the new grouping."""
    stats = refresh_canonical(con, force=force)
    with transaction(con):
        refresh_stored(con)
    return stats
