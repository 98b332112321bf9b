"""Bulk, transactional, idempotent loads of one board fetch.

Everything one board produced on one night goes in inside a single transaction: the archive
index, the postings (merged on their primary key), their labels, the records that failed to
parse, the postings that vanished from the board (closed) and the run's row. Either all of it
lands or none of it does, so a failure mid-load leaves the warehouse as it was. Rows travel as
pandas DataFrames registered with DuckDB and merged with set-based `INSERT ... SELECT ... ON
CONFLICT`, never row by row. Loading the same fetch twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pandas as pd

from pipeline.labels import LabelRow
from pipeline.models import ParseError, Posting, RawPage


@dataclass(frozen=True, slots=True)
class PageRecord:
    fetch_id: str
    seq: int
    source: str
    board: str
    url: str
    status: int
    content_type: str
    sha256: str
    bytes: int
    fetched_at: datetime
    archive_path: str


def page_record(page: RawPage, archive_path: str) -> PageRecord:
    return PageRecord(
        page.fetch_id,
        page.seq,
        page.source,
        page.board,
        page.url,
        page.status,
        page.content_type,
        page.sha256,
        len(page.body),
        page.fetched_at,
        archive_path,
    )


@dataclass(slots=True)
class BoardLoad:
    """What one successful board fetch hands to the warehouse."""

    run_id: str
    mode: str
    source: str
    board: str
    as_of: date
    fetch_id: str
    started_at: datetime
    pages: list[PageRecord]
    postings: list[Posting]
    labels: list[LabelRow]
    errors: list[ParseError] = field(default_factory=list)
    closes_missing: bool = True


@dataclass(frozen=True, slots=True)
class LoadCounts:
    fetched: int
    new: int
    updated: int
    closed: int
    parse_errors: int


POSTING_COLUMNS = (
    "source",
    "source_id",
    "board",
    "company",
    "title",
    "description",
    "locations",
    "workplace_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_source",
    "salary_text",
    "employment_type",
    "department",
    "posted_at",
    "updated_at",
    "url",
    "raw_payload_id",
    "extras",
    "content_hash",
)
MUTABLE_POSTING_COLUMNS = tuple(c for c in POSTING_COLUMNS if c not in ("source", "source_id"))


def postings_frame(postings: Sequence[Posting]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for p in postings:
        s = p.salary
        rows.append(
            {
                "source": p.source,
                "source_id": p.source_id,
                "board": p.board,
                "company": p.company,
                "title": p.title,
                "description": p.description,
                "locations": list(p.locations),
                "workplace_type": p.workplace_type,
                "salary_min": s.min if s else None,
                "salary_max": s.max if s else None,
                "salary_currency": s.currency if s else None,
                "salary_period": s.period if s else None,
                "salary_source": s.source if s else None,
                "salary_text": s.text if s else None,
                "employment_type": p.employment_type,
                "department": p.department,
                "posted_at": p.posted_at,
                "updated_at": p.updated_at,
                "url": p.url,
                "raw_payload_id": p.raw_payload_id,
                "extras": json.dumps(p.extras, sort_keys=True, default=str) if p.extras else None,
                "content_hash": p.content_hash(),
            }
        )
    frame = pd.DataFrame(rows, columns=list(POSTING_COLUMNS))
    for column in ("posted_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("salary_min", "salary_max"):
        frame[column] = frame[column].astype("float64")
    return frame


def load_board(con: duckdb.DuckDBPyConnection, load: BoardLoad) -> LoadCounts:
    """Merge one board fetch into the warehouse in one transaction."""
    frame = postings_frame(_unique(load.postings))
    pages = pd.DataFrame([vars_of(p) for p in load.pages], columns=list(PageRecord.__slots__))
    labels = pd.DataFrame([vars_of(r) for r in load.labels], columns=list(LabelRow.__slots__))
    errors = pd.DataFrame(
        [
            (load.fetch_id, e.source, e.board, load.as_of, e.raw_payload_id, e.record_ref, e.reason)
            for e in load.errors
        ],
        columns=["fetch_id", "source", "board", "as_of", "sha256", "record_ref", "reason"],
    ).drop_duplicates(subset=["fetch_id", "sha256", "record_ref", "reason"])
    con.execute("BEGIN TRANSACTION")
    try:
        counts = _merge(con, load, frame, pages, labels, errors)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return counts


def _merge(
    con: duckdb.DuckDBPyConnection,
    load: BoardLoad,
    frame: pd.DataFrame,
    pages: pd.DataFrame,
    labels: pd.DataFrame,
    errors: pd.DataFrame,
) -> LoadCounts:
    con.register("incoming_pages", pages)
    con.register("incoming_postings", frame)
    con.register("incoming_labels", labels)
    con.register("incoming_errors", errors)
    try:
        _upsert_pages(con, load.as_of)
        new, updated = con.execute(
            """
            SELECT count(*) FILTER (WHERE p.source IS NULL),
                   count(*) FILTER (WHERE p.source IS NOT NULL AND p.content_hash <> i.content_hash)
            FROM incoming_postings i
            LEFT JOIN postings p USING (source, source_id)
            """
        ).fetchone()
        newer = "excluded.last_seen >= postings.last_seen"
        assignments = ",\n".join(
            f"{c} = CASE WHEN {newer} THEN excluded.{c} ELSE postings.{c} END"
            for c in MUTABLE_POSTING_COLUMNS
        )
        con.execute(
            f"""
            INSERT INTO postings
            SELECT {", ".join(POSTING_COLUMNS)}, ?::DATE AS first_seen, ?::DATE AS last_seen,
                   NULL AS closed_at
            FROM incoming_postings
            ON CONFLICT (source, source_id) DO UPDATE SET
                {assignments},
                first_seen = least(postings.first_seen, excluded.first_seen),
                last_seen = greatest(postings.last_seen, excluded.last_seen),
                closed_at = CASE WHEN {newer} THEN NULL ELSE postings.closed_at END
            """,
            [load.as_of, load.as_of],
        )
        closed = 0
        if load.closes_missing:
            closed = con.execute(
                """
                UPDATE postings SET closed_at = ?::DATE
                WHERE source = ? AND board = ? AND closed_at IS NULL AND last_seen < ?::DATE
                  AND source_id NOT IN (SELECT source_id FROM incoming_postings)
                """,
                [load.as_of, load.source, load.board, load.as_of],
            ).fetchone()[0]
        con.execute(
            f"""
            INSERT OR REPLACE INTO posting_labels
            SELECT {", ".join(LabelRow.__slots__)} FROM incoming_labels
            """
        )
        con.execute("INSERT OR IGNORE INTO parse_errors SELECT * FROM incoming_errors")
        counts = LoadCounts(
            fetched=len(frame), new=new, updated=updated, closed=closed, parse_errors=len(errors)
        )
        record_run(
            con,
            load.run_id,
            load.source,
            load.board,
            load.as_of,
            load.mode,
            "success",
            load.started_at,
            pages=len(pages),
            counts=counts,
        )
        return counts
    finally:
        for name in ("incoming_pages", "incoming_postings", "incoming_labels", "incoming_errors"):
            con.unregister(name)


def _upsert_pages(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Index archived pages; a rerun with identical bodies keeps the first fetch's row."""
    con.execute(
        """
        INSERT INTO raw_payloads
        SELECT fetch_id, seq, source, board, ?::DATE, url, status, content_type, sha256,
               bytes, fetched_at, archive_path
        FROM incoming_pages
        ON CONFLICT (fetch_id, seq) DO UPDATE SET
            url = excluded.url, status = excluded.status,
            content_type = excluded.content_type, sha256 = excluded.sha256,
            bytes = excluded.bytes, fetched_at = excluded.fetched_at,
            archive_path = excluded.archive_path
        WHERE raw_payloads.sha256 <> excluded.sha256
        """,
        [as_of],
    )


def record_failed_fetch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    mode: str,
    source: str,
    board: str,
    as_of: date,
    started_at: datetime,
    pages: Sequence[PageRecord],
    error: str | None,
) -> None:
    """A failed board keeps what it received (indexed for reparse) and its reason; no postings."""
    frame = pd.DataFrame([vars_of(p) for p in pages], columns=list(PageRecord.__slots__))
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("incoming_pages", frame)
        _upsert_pages(con, as_of)
        record_run(
            con,
            run_id,
            source,
            board,
            as_of,
            mode,
            "failed",
            started_at,
            pages=len(pages),
            error=error,
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming_pages")


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    board: str,
    as_of: date,
    mode: str,
    status: str,
    started_at: datetime,
    *,
    pages: int = 0,
    counts: LoadCounts | None = None,
    error: str | None = None,
) -> None:
    """One row per run, source and board; a retried run overwrites its own row."""
    c = counts or LoadCounts(0, 0, 0, 0, 0)
    con.execute(
        """
        INSERT OR REPLACE INTO runs
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            run_id,
            source,
            board,
            as_of,
            mode,
            status,
            started_at,
            datetime.now(UTC),
            pages,
            c.fetched,
            c.new,
            c.updated,
            c.closed,
            c.parse_errors,
            error,
        ],
    )


def _unique(postings: Sequence[Posting]) -> list[Posting]:
    """A board listing the same id twice keeps the last: ON CONFLICT may touch a row once."""
    by_key = {(p.source, p.source_id): p for p in postings}
    return list(by_key.values())


def vars_of(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def replace_labels(con: duckdb.DuckDBPyConnection, rows: Sequence[LabelRow]) -> int:
    """Swap in new labels for existing postings in one set-based statement."""
    frame = pd.DataFrame([vars_of(r) for r in rows], columns=list(LabelRow.__slots__))
    con.register("incoming_labels", frame)
    try:
        con.execute(
            f"INSERT OR REPLACE INTO posting_labels SELECT {', '.join(LabelRow.__slots__)} "
            "FROM incoming_labels"
        )
    finally:
        con.unregister("incoming_labels")
    return len(frame)
