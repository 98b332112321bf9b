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


def loaded_attempts(con: Connection, night: date) -> dict[tuple[str, str], str]:
    """The archive attempt each board's latest successful load of a night used: what a
    reparse of that night must load again, whatever was fetched after it."""
    rows = con.execute(
        """
        SELECT source, board, fetch_id FROM runs
        WHERE as_of = ? AND status = 'success' AND fetch_id IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY source, board ORDER BY finished_at DESC) = 1
        """,
        [night],
    ).fetchall()
    return {(source, board): fid for source, board, fid in rows}
