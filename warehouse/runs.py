"""Questions the engine asks of the run history in `runs`."""

from __future__ import annotations

from datetime import date

from warehouse.db import Connection


def cut_short_fetches(con: Connection, failure_prefix: str) -> set[tuple[str, str, date]]:
    """Board nights whose latest fetching run failed mid-fetch, so their pages are partial.

    A fetch cut short is recorded with an error starting `failure_prefix`. Reparse runs are
    left out: they never fetch, so they cannot say whether a fetch finished.
    """
    rows = con.execute(
        """
        SELECT source, board, as_of FROM runs
        WHERE NOT starts_with(run_id, 'reparse-')
        QUALIFY row_number() OVER (PARTITION BY source, board, as_of ORDER BY finished_at DESC)
                = 1
            AND status = 'failed' AND starts_with(coalesce(error, ''), ?)
        """,
        [failure_prefix],
    ).fetchall()
    return {(source, board, as_of) for source, board, as_of in rows}
