"""Bulk, transactional, idempotent loads of one board fetch.

Everything one board produced on one night goes in inside a single transaction: the archive
index, the postings (merged on their primary key), their labels, the records that failed to
parse, the postings that vanished from the board (closed) and the run's row, the night's
observations and any new content version. Either all of it lands or none of it does, so a
failure mid-load leaves the warehouse as it was. Rows travel as pandas DataFrames registered
with DuckDB and merged with set-based `INSERT ... SELECT ... ON CONFLICT`, never row by row.
Loading the same fetch twice changes nothing, and each statement first anti-joins away the
rows the warehouse already holds, so rerunning an unchanged night writes almost nothing.

A fetch that succeeds but returns far fewer postings than the board had open (an API hiccup,
an empty page served with 200) would otherwise close most of the board; such a fetch loads
what it returned, closes nothing, and says so in the run's `warning`.
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
from pipeline.models import ParseError, Posting

SUSPECT_FRACTION = 0.5
"""A fetch returning fewer than this share of the board's open postings closes nothing."""
SUSPECT_MIN_OPEN = 10
"""Boards with fewer open postings than this are small enough that a big drop is plausible."""


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
    suspect_fraction: float = SUSPECT_FRACTION


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
            [load.as_of],
        )
        open_before, new, updated = con.execute(
            """
            SELECT (SELECT count(*) FROM postings
                    WHERE source = ? AND board = ? AND closed_at IS NULL),
                   count(*) FILTER (WHERE p.source IS NULL),
                   count(*) FILTER (WHERE p.source IS NOT NULL AND p.content_hash <> i.content_hash)
            FROM incoming_postings i
            LEFT JOIN postings p USING (source, source_id)
            """,
            [load.source, load.board],
        ).fetchone()
        _upsert_labels(con)
        _upsert_postings(con, load.as_of)
        _record_observations(con, load.as_of)
        closed, warning = 0, None
        if load.closes_missing:
            if open_before >= SUSPECT_MIN_OPEN and len(frame) < load.suspect_fraction * open_before:
                warning = (
                    f"suspect fetch: {len(frame)} postings returned while {open_before} were "
                    f"open (below {load.suspect_fraction:.0%}); nothing closed"
                )
            else:
                closed = _close_missing(con, load)
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
            warning=warning,
        )
        return counts
    finally:
        for name in ("incoming_pages", "incoming_postings", "incoming_labels", "incoming_errors"):
            con.unregister(name)


def _upsert_labels(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite a posting's labels only when its content or the classifier version changed.

    Runs before the postings merge, which is what lets it compare the stored content hash
    with the incoming one.
    """
    con.execute(
        f"""
        INSERT OR REPLACE INTO posting_labels
        SELECT {", ".join("l." + c for c in LabelRow.__slots__)}
        FROM incoming_labels AS l
        WHERE NOT EXISTS (
            SELECT 1
            FROM posting_labels AS e
            JOIN postings AS p USING (source, source_id)
            JOIN incoming_postings AS i USING (source, source_id)
            WHERE e.source = l.source AND e.source_id = l.source_id
              AND e.classifier_version = l.classifier_version
              AND p.content_hash = i.content_hash
        )
        """
    )


def _upsert_postings(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Merge new, changed and re-sighted postings; already-current rows are not touched.

    Content is only overwritten by a sighting at least as recent as the stored one, so
    reloading an old night never rolls a posting back, and a closed posting that is listed
    again reopens.
    """
    newer = "excluded.last_seen >= postings.last_seen"
    assignments = ",\n".join(
        f"{c} = CASE WHEN {newer} THEN excluded.{c} ELSE postings.{c} END"
        for c in MUTABLE_POSTING_COLUMNS
    )
    con.execute(
        f"""
        INSERT INTO postings
        SELECT {", ".join("i." + c for c in POSTING_COLUMNS)}, ?::DATE AS first_seen,
               ?::DATE AS last_seen, NULL AS closed_at
        FROM incoming_postings AS i
        LEFT JOIN postings AS p USING (source, source_id)
        WHERE p.source IS NULL OR p.content_hash <> i.content_hash
           OR p.last_seen < ?::DATE OR p.first_seen > ?::DATE
        ON CONFLICT (source, source_id) DO UPDATE SET
            {assignments},
            first_seen = least(postings.first_seen, excluded.first_seen),
            last_seen = greatest(postings.last_seen, excluded.last_seen),
            closed_at = CASE WHEN {newer} THEN NULL ELSE postings.closed_at END
        """,
        [as_of, as_of, as_of, as_of],
    )


def _record_observations(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """The night's sightings, and a version row for each content not yet known on this night."""
    con.execute(
        """
        INSERT INTO posting_observations
        SELECT i.source, i.source_id, ?::DATE, i.content_hash
        FROM incoming_postings AS i
        WHERE NOT EXISTS (
            SELECT 1 FROM posting_observations AS o
            WHERE o.source = i.source AND o.source_id = i.source_id AND o.night = ?::DATE
              AND o.content_hash = i.content_hash
        )
        ON CONFLICT (source, source_id, night) DO UPDATE SET content_hash = excluded.content_hash
        """,
        [as_of, as_of],
    )
    con.execute(
        """
        INSERT INTO posting_versions
        SELECT i.source, i.source_id, i.content_hash, i.title, md5(i.description), i.locations,
               i.workplace_type, i.salary_min, i.salary_max, i.salary_currency, i.salary_period,
               ?::DATE, ?::DATE
        FROM incoming_postings AS i
        WHERE NOT EXISTS (
            SELECT 1 FROM posting_versions AS v
            WHERE v.source = i.source AND v.source_id = i.source_id
              AND v.content_hash = i.content_hash
              AND ?::DATE BETWEEN v.valid_from AND v.valid_to
        )
        ON CONFLICT (source, source_id, content_hash) DO UPDATE SET
            valid_from = least(posting_versions.valid_from, excluded.valid_from),
            valid_to = greatest(posting_versions.valid_to, excluded.valid_to)
        """,
        [as_of, as_of, as_of],
    )


def _close_missing(con: duckdb.DuckDBPyConnection, load: BoardLoad) -> int:
    """Close the board's open postings this complete listing no longer has."""
    return con.execute(
        """
        UPDATE postings SET closed_at = ?::DATE
        WHERE source = ? AND board = ? AND closed_at IS NULL AND last_seen < ?::DATE
          AND NOT EXISTS (
              SELECT 1 FROM incoming_postings AS i
              WHERE i.source = postings.source AND i.source_id = postings.source_id
          )
        """,
        [load.as_of, load.source, load.board, load.as_of],
    ).fetchone()[0]


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
    warning: str | None = None,
) -> None:
    """One row per run, source and board; a retried run overwrites its own row."""
    c = counts or LoadCounts(0, 0, 0, 0, 0)
    con.execute(
        """
        INSERT OR REPLACE INTO runs (run_id, source, board, as_of, mode, status, started_at,
            finished_at, pages, fetched, new, updated, closed, parse_errors, error, warning)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
            warning,
        ],
    )


def _unique(postings: Sequence[Posting]) -> list[Posting]:
    """A board listing the same id twice keeps the last: ON CONFLICT may touch a row once."""
    by_key = {(p.source, p.source_id): p for p in postings}
    return list(by_key.values())


def vars_of(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}
