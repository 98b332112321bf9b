"""Replay: archived board fetches parsed and loaded again, the path `jobtrends reparse`, the
backfill flow and the benchmark share.

Parsing and classifying are pure and CPU-bound, so they run in worker processes (threads
would share one core under the GIL), while this process does every load, because DuckDB has
one writer. Fetches stream through a window of a few per worker, and loads go in batches of
at most `LOAD_BATCH_POSTINGS` postings, so memory follows the window and one batch, not the
size of the night. Before a fetch is parsed its skip key (`ingest.key`) is compared with the
key its board's latest successful load of the night recorded: equal keys mean the load would
change nothing, so the fetch is recorded from that load (`record_unchanged`) with nothing
parsed. That is what makes replaying an unchanged night cheap.

A fetch that is parsed goes to its worker with its board's stored label keys (workers cannot
open the warehouse this process holds), so only the postings whose classifier input changed
are labelled (`ingest.label`). Those keys are read when the night's fetches are planned,
while earlier nights may still be queued for loading; just before a batch loads, the keys it
relied on are checked against the warehouse, and the few that moved meanwhile are labelled
here (`ingest.label.confirm_labels`, which every load runs).
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from itertools import groupby
from pathlib import Path
from time import perf_counter

from config import Settings
from ingest.archive import ARCHIVE_FAILED, ArchivedFetch, archived_fetches, read_pages
from ingest.group import group
from ingest.key import skip_key
from ingest.load import LOAD_BATCH_POSTINGS, finish, load_outcomes
from ingest.parse import parse_board
from ingest.plan import plan
from ingest.records import FETCH_FAILED, BoardOutcome, BoardSummary, PlannedBoard, RunSummary
from warehouse.archive import ArchiveError, RawArchive
from warehouse.db import Connection, open_for_load
from warehouse.load import (
    BoardLoad,
    parse_keys,
    record_unchanged,
    stored_label_keys,
)
from warehouse.runlock import run_lock
from warehouse.runs import cut_short_fetches, loaded_attempts

WINDOW_PER_WORKER = 4
"""Fetches handed to each worker ahead of the loads: enough to keep it busy while this
process loads a batch, few enough that parsed boards never pile up in memory."""


def default_workers() -> int:
    """One parsing process per core this process may run on."""
    return len(os.sched_getaffinity(0))


@dataclass(slots=True)
class Stages:
    """Seconds spent in each stage, summed over fetches (across processes when in workers)."""

    read: float = 0.0
    parse: float = 0.0
    classify: float = 0.0
    load: float = 0.0

    def add(self, other: Stages) -> None:
        self.read += other.read
        self.parse += other.parse
        self.classify += other.classify
        self.load += other.load

    def shares(self) -> dict[str, float]:
        total = self.read + self.parse + self.classify + self.load
        return {k: (v / total if total else 0.0) for k, v in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class KeyedFetch:
    """An archived fetch with its skip key, computed from its manifest alone."""

    fetch: ArchivedFetch
    complete: bool
    key: str

    @property
    def night(self) -> date:
        return self.fetch.night


@dataclass(slots=True)
class Prepared:
    """A fetch ready to load: parsed, or (`unchanged`) carried over from its last load."""

    outcome: BoardOutcome
    unchanged: bool
    stages: Stages


@dataclass(slots=True)
class ReplayResult:
    runs: list[RunSummary] = field(default_factory=list)
    postings: int = 0
    pages: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    stages: Stages = field(default_factory=Stages)

    @property
    def rate(self) -> float:
        """Postings per wall-clock second, unchanged fetches' postings included."""
        return self.postings / self.seconds if self.seconds else 0.0


def replay(
    con: Connection,
    archive_root: Path,
    boards: Mapping[tuple[str, str], PlannedBoard],
    *,
    run_prefix: str,
    mode: str,
    since: date | None = None,
    until: date | None = None,
    workers: int = 0,
    batch_postings: int = LOAD_BATCH_POSTINGS,
    progress: Callable[[date, int, int], None] | None = None,
) -> ReplayResult:
    """Parse and load every archived fetch between two nights, oldest night first.

    `boards` gives each (source, token) its configured board; an unknown one is replayed
    under its token with no options. `workers=0` parses in this process. Each night's runs
    are recorded under `{run_prefix}-{night}`; canonical jobs are regrouped at the end.
    `progress(night, boards, postings)` hears of each loaded batch.
    """
    archive = RawArchive(archive_root)
    out = ReplayResult()
    runs: dict[date, RunSummary] = {}
    pending: list[Prepared] = []
    size = 0
    start = perf_counter()

    def flush() -> None:
        nonlocal size
        if not pending:
            return
        t0 = perf_counter()
        night = pending[0].outcome.night
        run = runs.setdefault(night, RunSummary(f"{run_prefix}-{night.isoformat()}", night, mode))
        loaded = _load(con, pending, batch_postings)
        run.boards.extend(loaded)
        out.stages.load += perf_counter() - t0
        if progress is not None:
            progress(night, len(loaded), sum(b.fetched for b in loaded))
        pending.clear()
        size = 0

    fetches = _fetches(con, archive, boards, since, until)
    for prepared in _prepared(str(archive_root), fetches, run_prefix, mode, workers):
        if pending and pending[0].outcome.night != prepared.outcome.night:
            flush()
        pending.append(prepared)
        out.stages.add(prepared.stages)
        out.pages += len(prepared.outcome.pages)
        out.unchanged += prepared.unchanged
        size += _size(prepared)
        if size >= batch_postings:
            flush()
    flush()
    t0 = perf_counter()
    group(con)
    out.stages.load += perf_counter() - t0
    out.seconds = perf_counter() - start
    out.runs = list(runs.values())
    out.postings = sum(b.fetched for run in out.runs for b in run.boards)
    return out


def _fetches(
    con: Connection,
    archive: RawArchive,
    boards: Mapping[tuple[str, str], PlannedBoard],
    since: date | None,
    until: date | None,
) -> Iterator[tuple[KeyedFetch, bool, dict[str, str]]]:
    """The attempt to replay of each board night, with its skip key, whether its board's last
    load of the night had the same key, and (for a fetch to parse) its board's stored label
    keys.

    Keys come from the fetch manifests alone, so an unchanged fetch's bodies are never read.
    """
    cut_short = cut_short_fetches(con, FETCH_FAILED)
    for night, attempts in groupby(archived_fetches(archive, dict(boards), since, until), _night):
        keys = parse_keys(con, night)
        keyed = []
        for fetch in choose_attempts(list(attempts), loaded_attempts(con, night)):
            board = fetch.item.board
            complete = fetch.complete
            if complete is None:
                complete = (board.source, board.token, night) not in cut_short
            key = skip_key(fetch.item.source, board, fetch.pages, complete=complete)
            keyed.append((KeyedFetch(fetch, complete, key), keys.get(_board(fetch)) == key))
        known = stored_label_keys(con, [_board(k.fetch) for k, same in keyed if not same])
        for k, same in keyed:
            yield k, same, known.get(_board(k.fetch), {})


def _board(fetch: ArchivedFetch) -> tuple[str, str]:
    return fetch.item.board.source, fetch.item.board.token


def _night(fetch: ArchivedFetch) -> date:
    return fetch.night


def choose_attempts(
    attempts: Sequence[ArchivedFetch], loaded: Mapping[tuple[str, str], str]
) -> list[ArchivedFetch]:
    """One attempt per board of a night, in archive order: the one its latest successful load
    used, so a reparse rebuilds exactly what the live loads did (a failed refetch or a later
    retry never stands in for it); for a board night never loaded, its latest complete
    attempt, else its latest (which loads what it has and closes nothing)."""
    by_board: dict[tuple[str, str], list[ArchivedFetch]] = {}
    for fetch in attempts:
        by_board.setdefault((fetch.item.board.source, fetch.item.board.token), []).append(fetch)
    chosen = []
    for key, tries in by_board.items():
        used = [f for f in tries if f.fetch_id == loaded.get(key)]
        finished = [f for f in tries if f.complete is not False]
        chosen.append((used or finished or tries)[-1])
    order = {id(f): i for i, f in enumerate(attempts)}
    return sorted(chosen, key=lambda f: order[id(f)])


def prepare(
    root: str, keyed: KeyedFetch, run_id: str, mode: str, known: dict[str, str] | None = None
) -> Prepared:
    """Read, parse and label one fetch: everything but the load; `known`: its board's stored
    label keys. Top-level, so a worker process can run it."""
    t0 = perf_counter()
    outcome = _outcome(keyed, run_id, mode)
    try:
        pages = read_pages(RawArchive(root), keyed.fetch)
    except ArchiveError as exc:
        outcome.error = f"{ARCHIVE_FAILED}{type(exc).__name__}: {exc}"
        return Prepared(outcome, False, Stages(read=perf_counter() - t0))
    stages = Stages(read=perf_counter() - t0)
    item = keyed.fetch.item
    parsed = parse_board(item.source, item.board, pages, known)
    stages.parse, stages.classify = parsed.parse_seconds, parsed.classify_seconds
    finish(outcome, item, parsed, complete=keyed.complete)
    return Prepared(outcome, False, stages)


def _carried(root: str, keyed: KeyedFetch, run_id: str, mode: str) -> Prepared:
    """An unchanged fetch: its pages and key, no postings; `record_unchanged` loads it."""
    outcome = _outcome(keyed, run_id, mode)
    outcome.load = BoardLoad(
        run_id=run_id,
        mode=mode,
        source=outcome.source,
        board=outcome.board,
        as_of=keyed.night,
        fetch_id=keyed.fetch.fetch_id,
        started_at=outcome.started_at,
        pages=outcome.pages,
        postings=[],
        labels=[],
        parse_key=keyed.key,
    )
    return Prepared(outcome, True, Stages())


def _outcome(keyed: KeyedFetch, run_id: str, mode: str) -> BoardOutcome:
    board = keyed.fetch.item.board
    outcome = BoardOutcome(run_id, mode, board.source, board.token, keyed.night, datetime.now(UTC))
    outcome.pages = list(keyed.fetch.pages)
    outcome.fetch_id = keyed.fetch.fetch_id
    return outcome


def _prepared(
    root: str,
    fetches: Iterator[tuple[KeyedFetch, bool, dict[str, str]]],
    run_prefix: str,
    mode: str,
    workers: int,
) -> Iterator[Prepared]:
    """Prepared fetches in archive order; parsing runs up to a window ahead in workers."""

    def run_id(fetch: KeyedFetch) -> str:
        return f"{run_prefix}-{fetch.night.isoformat()}"

    if workers == 0:
        for fetch, same, known in fetches:
            if same:
                yield _carried(root, fetch, run_id(fetch), mode)
            else:
                yield prepare(root, fetch, run_id(fetch), mode, known)
        return
    context = multiprocessing.get_context("spawn")
    window: deque[Future[Prepared] | Prepared] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for fetch, same, known in fetches:
            if same:
                window.append(_carried(root, fetch, run_id(fetch), mode))
            else:
                window.append(pool.submit(prepare, root, fetch, run_id(fetch), mode, known))
            while len(window) > workers * WINDOW_PER_WORKER:
                yield _settle(window.popleft())
        while window:
            yield _settle(window.popleft())


def _settle(item: Future[Prepared] | Prepared) -> Prepared:
    return item.result() if isinstance(item, Future) else item


def _size(prepared: Prepared) -> int:
    load = prepared.outcome.load
    return len(load.postings) if load is not None else 0


def _load(con: Connection, batch: Sequence[Prepared], batch_postings: int) -> list[BoardSummary]:
    """Load one night's batch: carried fetches as run rows, the rest through the merge."""
    carried = [p.outcome for p in batch if p.unchanged]
    parsed = [p.outcome for p in batch if not p.unchanged]
    summaries: dict[int, BoardSummary] = {}
    if carried:
        counts = record_unchanged(con, [o.load for o in carried if o.load is not None])
        for outcome, c in zip(carried, counts, strict=True):
            summaries[id(outcome)] = BoardSummary(
                outcome.source,
                outcome.board,
                "success",
                len(outcome.pages),
                c.fetched,
                parse_errors=c.parse_errors,
            )
    for outcome, summary in zip(parsed, load_outcomes(con, parsed, batch_postings), strict=True):
        summaries[id(outcome)] = summary
    return [summaries[id(p.outcome)] for p in batch]


def reparse(
    settings: Settings,
    since: date | None = None,
    until: date | None = None,
    *,
    workers: int = 0,
) -> list[RunSummary]:
    """Parse and load every archived board fetch between two nights again, oldest first.

    No network: pages come from the raw archive, boards from the config (or the sample) and
    an unknown board by its token. A fetch whose last run stopped mid-fetch loads what it has
    but closes nothing. A fetch whose skip key matches its board's last load of that night is
    not parsed again. `workers` parsing processes (0: this one). One `RunSummary` per night,
    each under its own run id.

    Holds the run lock like a nightly run, so it never loads a fetch another run is still
    writing; with the lock taken it stops at once with `RunLocked` naming the holder.
    """
    known = {(p.board.source, p.board.token): p for p in plan(settings)}
    with run_lock(settings.db_path):
        con = open_for_load(settings.db_path, settings.orchestration.lock_wait_seconds)
        try:
            return replay(
                con,
                settings.archive_dir,
                known,
                run_prefix=f"reparse-{uuid.uuid4().hex[:8]}",
                mode=settings.mode,
                since=since,
                until=until,
                workers=workers,
            ).runs
        finally:
            con.close()
