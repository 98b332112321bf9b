"""Load: turn each parsed board into its `BoardLoad` and merge a run's boards into the warehouse.

The warehouse has one writer, so this step runs in one place; it batches a source's boards
into one transaction each, and a batch that fails is retried board by board, so one board's
bad data cannot keep its siblings out. A board that failed anywhere earlier is recorded with
its reason and loads nothing at all.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.group import group
from ingest.key import skip_key
from ingest.label import confirm_labels, industry_of
from ingest.records import BoardOutcome, BoardSummary, ParsedBoard, PlannedBoard
from warehouse.db import Connection, WarehouseError, open_for_load
from warehouse.load import BoardLoad, LoadCounts, load_board, load_boards, record_failed_fetch

LOAD_BATCH_POSTINGS = 5_000
"""Most postings one load transaction takes before the next begins (see `load_outcomes`)."""
STREAM_BATCH_BOARDS = 200
"""Most boards a streamed load holds before loading them (see `load_stream`)."""


def finish(
    outcome: BoardOutcome, item: PlannedBoard, parsed: ParsedBoard, *, complete: bool = True
) -> BoardOutcome:
    """Attach the parse to a downloaded board as its `BoardLoad`, or record why not; either
    way drop the page bodies, which are archived and no longer needed in memory.

    The source's load rule decides closing: a source whose listing is the whole board closes
    the postings absent from it, but only when the fetch was `complete`, since a listing cut
    short must never close the postings it did not reach.
    """
    outcome.raw_pages = []
    if outcome.error is not None:
        return outcome
    if parsed.failure is not None:
        outcome.error = parsed.failure
        return outcome
    outcome.load = BoardLoad(
        run_id=outcome.run_id,
        mode=outcome.mode,
        source=outcome.source,
        board=outcome.board,
        as_of=outcome.night,
        fetch_id=outcome.fetch_id,
        started_at=outcome.started_at,
        pages=outcome.pages,
        postings=parsed.postings,
        labels=parsed.labels,
        label_keys=parsed.label_keys,
        industry=industry_of(item.board),
        errors=parsed.errors,
        closes_missing=item.source.closes_missing and complete,
        suspect_fraction=item.source.settings.options.get("suspect_fraction"),
        parse_key=skip_key(item.source, item.board, outcome.pages, complete=complete),
    )
    return outcome


def load_all(
    db_path: str | Path, outcomes: Sequence[BoardOutcome], lock_wait_seconds: float = 30.0
) -> list[BoardSummary]:
    """Load every board through one connection (one transaction per source batch), then
    regroup cross-posted postings into canonical jobs."""
    con = open_for_load(db_path, lock_wait_seconds)
    try:
        summaries = load_outcomes(con, outcomes)
        group(con)
        return summaries
    finally:
        con.close()


def load_stream(
    db_path: str | Path,
    outcomes: Iterable[BoardOutcome],
    lock_wait_seconds: float = 30.0,
    batch_boards: int = STREAM_BATCH_BOARDS,
    batch_postings: int = LOAD_BATCH_POSTINGS,
) -> list[BoardSummary]:
    """Load boards as they arrive, a batch at a time, then regroup once; summaries in the
    order the boards came.

    A night of thousands of boards would otherwise hold every board's postings until the
    last fetch ended; here a batch is loaded (and let go) once it holds `batch_boards` boards
    or `batch_postings` postings, so memory follows the batch, not the night. Loads are
    idempotent and order-independent, so loading in arrival order changes nothing. The
    warehouse is opened per batch, so nothing else waits on its lock for the whole night.
    """
    summaries: list[BoardSummary] = []
    batch: list[BoardOutcome] = []
    postings = 0
    for outcome in outcomes:
        batch.append(outcome)
        postings += len(outcome.load.postings) if outcome.load else 0
        if len(batch) >= batch_boards or postings >= batch_postings:
            summaries += _load_batch(db_path, batch, lock_wait_seconds)
            batch, postings = [], 0
    if batch:
        summaries += _load_batch(db_path, batch, lock_wait_seconds)
    con = open_for_load(db_path, lock_wait_seconds)
    try:
        group(con)
    finally:
        con.close()
    return summaries


def _load_batch(
    db_path: str | Path, batch: list[BoardOutcome], lock_wait_seconds: float
) -> list[BoardSummary]:
    con = open_for_load(db_path, lock_wait_seconds)
    try:
        return load_outcomes(con, batch)
    finally:
        con.close()


def load_outcome(con: Connection, outcome: BoardOutcome) -> BoardSummary:
    """Load a successful fetch in one transaction, or record why the board failed."""
    load = outcome.load
    if load is not None:
        try:
            counts = load_board(con, load)
        except WarehouseError as exc:
            outcome.error = load_failure(exc)
        else:
            return summary_of(outcome, "success", len(load.pages), counts)
    record_failed_fetch(
        con,
        outcome.run_id,
        outcome.mode,
        outcome.source,
        outcome.board,
        outcome.night,
        outcome.started_at,
        outcome.pages,
        outcome.error,
        outcome.fetch_id or None,
    )
    return summary_of(outcome, "failed", len(outcome.pages), None)


def load_outcomes(
    con: Connection,
    outcomes: Sequence[BoardOutcome],
    batch_postings: int = LOAD_BATCH_POSTINGS,
) -> list[BoardSummary]:
    """Load a run's fetches in batches of one source's boards, and record the failed ones.

    A batch goes in as one transaction, so each statement's fixed cost (a join against the
    whole postings table) is paid per batch, not per board; it closes once it holds
    `batch_postings` postings, so a source of a thousand boards does not become one
    transaction holding all of them in memory. If a batch fails to load, its boards are
    retried one at a time. Labels the parses left to stored ones are confirmed first
    (`ingest.label.confirm_labels`).
    """
    confirm_labels(con, [o.load for o in outcomes if o.load is not None])
    summaries: dict[int, BoardSummary] = {}
    by_source: dict[str, list[list[int]]] = {}
    for i, outcome in enumerate(outcomes):
        if outcome.load is None:
            summaries[i] = load_outcome(con, outcome)
            continue
        batches = by_source.setdefault(outcome.source, [[]])
        if sum(len(outcomes[j].load.postings) for j in batches[-1]) >= batch_postings:
            batches.append([])
        batches[-1].append(i)
    for indexes in (batch for batches in by_source.values() for batch in batches):
        batch = [outcomes[i] for i in indexes]
        try:
            counts = load_boards(con, [o.load for o in batch if o.load is not None])
        except WarehouseError:
            for i, outcome in zip(indexes, batch, strict=True):
                summaries[i] = load_outcome(con, outcome)
        else:
            for i, outcome, c in zip(indexes, batch, counts, strict=True):
                pages = len(outcome.load.pages) if outcome.load else 0
                summaries[i] = summary_of(outcome, "success", pages, c)
    return [summaries[i] for i in range(len(outcomes))]


def load_failure(exc: BaseException) -> str:
    """Why a load failed, in words: a full disk says so, whatever layer noticed it."""
    text = f"{type(exc).__name__}: {exc}"
    if "No space left on device" in text or (
        isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    ):
        return f"load failed, nothing kept: disk full ({text})"
    return f"load failed, nothing kept: {text}"


def failed_summaries(
    db_path: str | Path, outcomes: Sequence[BoardOutcome], reason: str
) -> list[BoardSummary]:
    """Every board of a run whose load never happened, failed with the load's reason (a
    board that had failed before keeps its own), and written to `runs` if the warehouse still
    takes a write: a damaged or full file may not, and the run is reported all the same."""
    for outcome in outcomes:
        outcome.load = None
        outcome.error = outcome.error or reason
    try:
        con = open_for_load(db_path, 0.0)
    except Exception:
        return [summary_of(o, "failed", len(o.pages), None) for o in outcomes]
    try:
        return [load_outcome(con, o) for o in outcomes]
    except Exception:
        return [summary_of(o, "failed", len(o.pages), None) for o in outcomes]
    finally:
        con.close()


def summary_of(
    outcome: BoardOutcome, status: str, pages: int, counts: LoadCounts | None
) -> BoardSummary:
    c = counts or LoadCounts(0, 0, 0, 0, 0)
    return BoardSummary(
        outcome.source,
        outcome.board,
        status,
        pages,
        *c.columns(),
        outcome.error,
        c.labelled,
        c.labels_reused,
    )
