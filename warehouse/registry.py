"""The board registry: which boards exist beyond sources.toml, and how each has answered.

`sources.toml` pins boards and their options; this table holds what was imported or
discovered (thousands of tokens) with its health, so a night can read them all and skip the
dead ones. Every write is set-based: a whole import or a whole night's results goes in as one
registered DataFrame and a few statements in one transaction, never a loop of inserts. A
status change is recorded in `board_status_changes` with the night it happened on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from warehouse.db import Connection, transaction

STATUSES = ("unchecked", "active", "empty", "failing", "gone")
OUTCOMES = ("ok", "not_found", "error", "not_reached")
"""What one attempt at a board can end in: answered (with `postings`, maybe 0), not found
(404, or an API's unknown-board answer), any other failure, or never tried for lack of time."""
RESULT_COLUMNS = ("source", "token", "company", "outcome", "postings", "error", "attempted_at")
IMPORT_COLUMNS = ("source", "token", "company", "industry", "last_seen_answering", "origin")


@dataclass(frozen=True, slots=True)
class ImportCounts:
    added: int
    known: int


@dataclass(frozen=True, slots=True)
class RegisteredBoard:
    source: str
    token: str
    company: str | None
    industry: str | None


def import_boards(con: Connection, boards: pd.DataFrame) -> ImportCounts:
    """Add boards the registry lacks; a known board keeps its health and gains only the
    company, industry or last-seen date it had no value for. Idempotent: importing the same
    file twice adds nothing the second time."""
    frame = _columns(boards, IMPORT_COLUMNS).drop_duplicates(["source", "token"])
    frame["last_seen_answering"] = pd.to_datetime(frame["last_seen_answering"]).dt.date
    with transaction(con, incoming_boards=frame):
        known = con.execute(
            "SELECT count(*) FROM incoming_boards i JOIN board_registry r USING (source, token)"
        ).fetchall()[0][0]
        con.execute(
            """
            INSERT INTO board_registry
                (source, token, company, industry, last_seen_answering, origin)
            SELECT source, token, nullif(company, ''), nullif(industry, ''),
                   last_seen_answering, origin
            FROM incoming_boards
            ON CONFLICT (source, token) DO UPDATE SET
                company = coalesce(board_registry.company, excluded.company),
                industry = coalesce(board_registry.industry, excluded.industry),
                last_seen_answering = greatest(
                    board_registry.last_seen_answering, excluded.last_seen_answering)
            """
        ).fetchall()
    return ImportCounts(added=len(frame) - known, known=known)


def record_results(
    con: Connection, results: pd.DataFrame, night: date, via: str, gone_after: int
) -> int:
    """Apply one night's (or one check's) attempts to the registry; return status changes.

    A board answering is `active`, or `empty` when it listed nothing (an empty board is not a
    failure). A board not found `gone_after` times in a row is `gone`; before that, and on any
    other failure, it is `failing`. A board the night had no time for keeps its status and is
    marked to be read first next night. Boards not yet registered (pins from sources.toml)
    are added with origin `via`, so every board read has a health record.
    """
    frame = _columns(results, RESULT_COLUMNS)
    frame["postings"] = pd.to_numeric(frame["postings"]).astype("Int64")
    frame["attempted_at"] = pd.to_datetime(frame["attempted_at"], utc=True)
    with transaction(con, attempts=frame):
        con.execute(
            """
            INSERT INTO board_registry (source, token, company, origin)
            SELECT DISTINCT source, token, company, $via FROM attempts
            ON CONFLICT (source, token) DO NOTHING
            """,
            {"via": via},
        ).fetchall()
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE next_health AS
            SELECT r.source, r.token, r.status AS old_status, a.outcome, a.postings, a.error,
                   a.attempted_at AS at,
                   CASE a.outcome
                       WHEN 'ok' THEN 0 WHEN 'not_reached' THEN r.consecutive_failures
                       ELSE r.consecutive_failures + 1 END AS failures,
                   CASE a.outcome
                       WHEN 'not_found' THEN r.consecutive_not_found + 1
                       WHEN 'not_reached' THEN r.consecutive_not_found
                       ELSE 0 END AS not_found,
                   CASE
                       WHEN a.outcome = 'ok' AND coalesce(a.postings, 0) > 0 THEN 'active'
                       WHEN a.outcome = 'ok' THEN 'empty'
                       WHEN a.outcome = 'not_found'
                            AND r.consecutive_not_found + 1 >= $gone_after THEN 'gone'
                       WHEN a.outcome IN ('not_found', 'error') THEN 'failing'
                       ELSE r.status END AS new_status
            FROM ({_LATEST_ATTEMPT}) a JOIN board_registry r USING (source, token)
            """,
            {"gone_after": gone_after},
        ).fetchall()
        changed = con.execute(
            """
            INSERT INTO board_status_changes
                (source, token, night, old_status, new_status, reason, via)
            SELECT source, token, $night, old_status, new_status, error, $via
            FROM next_health WHERE new_status <> old_status
            """,
            {"night": night, "via": via},
        ).fetchall()[0][0]
        con.execute(
            """
            UPDATE board_registry r SET
                status = h.new_status,
                consecutive_failures = h.failures,
                consecutive_not_found = h.not_found,
                last_attempt_at = CASE WHEN h.outcome = 'not_reached'
                    THEN r.last_attempt_at ELSE h.at END,
                last_error = CASE h.outcome WHEN 'ok' THEN NULL
                    WHEN 'not_reached' THEN r.last_error ELSE h.error END,
                first_success_at = CASE WHEN h.outcome = 'ok'
                    THEN coalesce(r.first_success_at, h.at) ELSE r.first_success_at END,
                last_success_at = CASE WHEN h.outcome = 'ok' THEN h.at ELSE r.last_success_at END,
                last_seen_answering = CASE WHEN h.outcome = 'ok'
                    THEN greatest(r.last_seen_answering, CAST(h.at AS DATE))
                    ELSE r.last_seen_answering END,
                postings_last_seen = CASE WHEN h.outcome = 'ok'
                    THEN h.postings ELSE r.postings_last_seen END,
                not_reached_on = CASE WHEN h.outcome = 'not_reached' THEN $night ELSE NULL END
            FROM next_health h
            WHERE r.source = h.source AND r.token = h.token
            """,
            {"night": night},
        ).fetchall()
        con.execute("DROP TABLE next_health")
    return int(changed)


_LATEST_ATTEMPT = """
    SELECT * FROM attempts
    QUALIFY row_number() OVER (PARTITION BY source, token ORDER BY attempted_at DESC) = 1
"""
"""A board attempted twice in one batch counts once, by its latest attempt, so applying a
batch does not depend on the order of its rows."""


def to_read(con: Connection, sources: set[str] | None = None) -> list[RegisteredBoard]:
    """Enabled boards that are not gone, the ones last night had no time for first, then the
    longest unread, so a budget that cannot cover every board still reaches each in turn."""
    rows = con.execute(
        """
        SELECT source, token, company, industry FROM board_registry
        WHERE enabled AND status <> 'gone'
        ORDER BY not_reached_on IS NULL, not_reached_on, last_attempt_at NULLS FIRST,
                 source, token
        """
    ).fetchall()
    return [RegisteredBoard(*row) for row in rows if sources is None or row[0] in sources]


def skipped(con: Connection) -> set[tuple[str, str]]:
    """(source, token) of every board a night must not read: disabled or gone."""
    rows = con.execute(
        "SELECT source, token FROM board_registry WHERE NOT enabled OR status = 'gone'"
    ).fetchall()
    return {(s, t) for s, t in rows}


def list_boards(
    con: Connection, source: str | None = None, status: str | None = None
) -> pd.DataFrame:
    """The registry, filtered by source and status, most recently answering first."""
    return con.execute(
        """
        SELECT source, token, company, origin, status, enabled, postings_last_seen,
               last_seen_answering, consecutive_failures, last_error
        FROM board_registry
        WHERE ($source IS NULL OR source = $source) AND ($status IS NULL OR status = $status)
        ORDER BY source, token
        """,
        {"source": source, "status": status},
    ).df()


def counts(con: Connection, source: str | None = None, status: str | None = None) -> pd.DataFrame:
    """Boards per source and status (and how many of them are disabled)."""
    return con.execute(
        """
        SELECT source, status, count(*) AS boards, count(*) FILTER (NOT enabled) AS disabled
        FROM board_registry
        WHERE ($source IS NULL OR source = $source) AND ($status IS NULL OR status = $status)
        GROUP BY ALL ORDER BY source, status
        """,
        {"source": source, "status": status},
    ).df()


def set_enabled(con: Connection, source: str, tokens: list[str], enabled: bool) -> list[str]:
    """Enable or disable registered boards; returns the tokens not in the registry."""
    frame = pd.DataFrame({"token": list(dict.fromkeys(tokens))})
    con.register("wanted_tokens", frame)
    try:
        missing = con.execute(
            """
            SELECT w.token FROM wanted_tokens w
            ANTI JOIN board_registry r ON r.source = $source AND r.token = w.token
            """,
            {"source": source},
        ).fetchall()
        con.execute(
            """
            UPDATE board_registry SET enabled = $enabled
            WHERE source = $source AND token IN (SELECT token FROM wanted_tokens)
            """,
            {"source": source, "enabled": enabled},
        ).fetchall()
    finally:
        con.unregister("wanted_tokens")
    return [row[0] for row in missing]


def last_attempts(con: Connection) -> dict[tuple[str, str], tuple[date, str]]:
    """Each board's most recently loaded fetch attempt (its night and id): the one a
    conditional request asks "changed since?" about, whichever night it was filed under,
    since a 304 describes the server's content now."""
    rows = con.execute(
        """
        SELECT source, board, as_of, fetch_id FROM runs
        WHERE status = 'success' AND fetch_id IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY source, board ORDER BY finished_at DESC) = 1
        """
    ).fetchall()
    return {(source, board): (as_of, fid) for source, board, as_of, fid in rows}


def status_changes(con: Connection, since: date) -> pd.DataFrame:
    """Status changes on or after `since`: what the report's data-quality section lists."""
    return con.execute(
        """
        SELECT night, source, token, old_status, new_status, reason, via
        FROM board_status_changes WHERE night >= $since
        ORDER BY night, source, token
        """,
        {"since": since},
    ).df()


def _columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The frame with exactly `columns`, missing ones as nulls, as plain objects for DuckDB."""
    out = frame.reindex(columns=list(columns)).astype(object)
    return out.where(pd.notna(out), None)
