"""One night without an orchestrator: the steps in order, in this process; and how a
running night is asked to stop.

The nightly flow runs the same steps as Prefect tasks (retries, parallel fetches, a parse
cache); this is the plain sequence, for tests, tools and anyone embedding the engine.

Each parse is handed its board's stored label keys (`ingest.label.StoredLabelKeys`: one
query per chunk of planned boards, read as the chunk's first fetch ends), so only the
postings whose classifier input changed since their label was stored are classified; every
load confirms the keys it relied on first (`ingest.label.confirm_labels`).

A night stops early in two ways: its time budget runs out (boards not started are "not
reached" and read first next night), or someone sends SIGINT/SIGTERM (`stoppable`). A
stopped night does not wait for fetches in flight, which can hang on a slow server for
minutes: it records every board that did not finish as failed with the signal as its
reason, loads what did finish and releases the run lock, all within seconds.
"""

from __future__ import annotations

import signal
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from datetime import date
from types import FrameType

from config import Settings
from ingest.boards import record_night
from ingest.fetch import download, failed_outcome, make_client
from ingest.label import StoredLabelKeys
from ingest.load import finish, load_stream
from ingest.parse import parse_board
from ingest.plan import plan
from ingest.records import FETCH_FAILED, BoardOutcome, BoardSummary, PlannedBoard, RunSummary
from pipeline.http import HttpClient
from warehouse.archive import RawArchive

WINDOW_PER_WORKER = 8
"""Boards per fetch worker that may be fetched but not yet loaded (see `fetch_all`)."""

INTERRUPTED = f"{FETCH_FAILED}interrupted by "
"""Prefix of a board a signal stopped before its fetch finished: not the board's fault."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Set once a signal asks the running night to stop; read by the fetch loop and tasks.

    An event rather than an exception: a `KeyboardInterrupt` raised wherever the main thread
    happens to be (inside Prefect's engine, a lock, a log call) cannot be relied on to leave
    the run recorded, while checking a flag between boards always can. `armed` says a
    caller (the CLI's nightly) asked for this; a flow served by a Prefect runner is not, and
    keeps the runner's own SIGTERM handling, which is how the runner cancels a run.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal_name = ""
        self.armed = False
        self.abandoned = False
        """A night stopped (by a signal or its budget) with fetches still in flight."""

    def request(self, signal_name: str) -> None:
        self.signal_name = signal_name
        self._event.set()

    def clear(self) -> None:
        self.signal_name = ""
        self.abandoned = False
        self._event.clear()

    def is_set(self) -> bool:
        return self._event.is_set()

    def reason(self) -> str:
        return f"{INTERRUPTED}{self.signal_name} before this board's fetch finished"

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """The first signal asks for a stop; a second interrupts at once, for a person who
        will not wait even seconds."""
        if self.is_set():
            raise KeyboardInterrupt
        self.request(signal.Signals(signum).name)


STOP = StopRequest()


@contextmanager
def _handling() -> Iterator[None]:
    previous = {sig: signal.signal(sig, STOP.handle) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def stoppable() -> Iterator[StopRequest]:
    """Within, SIGINT or SIGTERM asks the night to stop (`STOP`) instead of killing the
    process. Main thread only."""
    STOP.clear()
    STOP.armed = True
    try:
        with _handling():
            yield STOP
    finally:
        STOP.armed = False


@contextmanager
def rearmed() -> Iterator[None]:
    """Inside a flow, the stop request's handlers again if a `stoppable` caller armed them.

    Prefect's flow engine installs its own SIGTERM handler when a flow starts (it raises
    into the flow and marks the run crashed, losing the night's results); the flow body
    puts the stop request's back for as long as it runs.
    """
    if not STOP.armed or threading.current_thread() is not threading.main_thread():
        yield
        return
    with _handling():
        yield


def not_interrupted(summaries: list[BoardSummary]) -> list[BoardSummary]:
    """The boards whose result says something about the board: what the registry's health
    may learn from (a signal's failure says nothing about the board)."""
    return [s for s in summaries if not (s.error or "").startswith(INTERRUPTED)]


def interrupted(item: PlannedBoard, night: date, run_id: str, mode: str) -> BoardOutcome:
    """A board the stop request left unfinished: recorded as failed with the signal."""
    return BoardOutcome.unfetched(item, night, run_id, mode, STOP.reason())


def fetch_board(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
    keys: StoredLabelKeys | None = None,
) -> BoardOutcome:
    """Fetch, archive every page as it arrives, then parse and label; never raises. With
    `keys`, only the postings whose label key moved since their label was stored are
    classified."""
    outcome = download(item, client, archive, night, run_id, mode)
    known = keys.take(item.board.source, item.board.token) if keys is not None else None
    return finish(outcome, item, parse_board(item.source, item.board, outcome.raw_pages, known))


def label_keys_of(settings: Settings, planned: Sequence[PlannedBoard]) -> StoredLabelKeys:
    """The planned boards' stored label keys, read a chunk of boards at a time as their
    fetches end (`ingest.label.StoredLabelKeys`)."""
    return StoredLabelKeys(
        settings.db_path,
        [(item.board.source, item.board.token) for item in planned],
        wait_seconds=settings.orchestration.lock_wait_seconds,
    )


def ingest_night(settings: Settings, night: date, run_id: str | None = None) -> RunSummary:
    """Plan, fetch, parse, load and group one night, one board after another; a live night
    also updates the board registry's health."""
    run_id = run_id or str(uuid.uuid4())
    planned = plan(settings)
    client = make_client(settings, night, planned)
    archive = RawArchive(settings.archive_dir)
    keys = label_keys_of(settings, planned)
    outcomes = (
        interrupted(item, night, run_id, settings.mode)
        if STOP.is_set()
        else fetch_board(item, client, archive, night, run_id, settings.mode, keys)
        for item in planned
    )
    summaries = load_stream(settings.db_path, outcomes)
    if settings.mode == "live":
        record_night(settings.db_path, night, not_interrupted(summaries))
    return RunSummary(run_id, night, settings.mode, summaries)


def stream_night(
    settings: Settings, night: date, planned: Sequence[PlannedBoard], run_id: str
) -> list[BoardSummary]:
    """Fetch on one pool per source and load each board as it arrives, in batches; the
    summaries in the order planned. Memory is bounded by the batches and the fetch window,
    whatever the number of boards."""
    client = make_client(settings, night, planned)
    archive = RawArchive(settings.archive_dir)
    keys = label_keys_of(settings, planned)

    def one(item: PlannedBoard) -> BoardOutcome:
        return fetch_board(item, client, archive, night, run_id, settings.mode, keys)

    def failed(item: PlannedBoard, exc: BaseException) -> BoardOutcome:
        return failed_outcome(item, night, run_id, settings.mode, f"{type(exc).__name__}: {exc}")

    arrived: list[int] = []

    def outcomes() -> Iterator[BoardOutcome]:
        for i, outcome in fetch_all(planned, one, failed):
            arrived.append(i)
            yield outcome

    summaries = load_stream(settings.db_path, outcomes())
    by_plan = dict(zip(arrived, summaries, strict=True))
    return [by_plan[i] for i in range(len(planned))]


def fetch_all(
    planned: Sequence[PlannedBoard],
    fetch_one: Callable[[PlannedBoard], BoardOutcome],
    failed: Callable[[PlannedBoard, BaseException], BoardOutcome],
) -> Iterator[tuple[int, BoardOutcome]]:
    """Each board's outcome with its place in `planned`, as fetches end, on one thread pool
    per source sized to its `max_concurrency` (the flow's layout, so sources run side by side
    and a host's limits are its own).

    A source has at most `WINDOW_PER_WORKER` boards per worker fetched but not yet taken:
    while the caller loads, fetching runs ahead only that far, so a night of thousands of
    boards never holds more than a window of them.
    """
    queues: dict[str, deque[int]] = {}
    for i, item in enumerate(planned):
        queues.setdefault(item.source.name, deque()).append(i)
    with ExitStack() as stack:
        pools: dict[str, ThreadPoolExecutor] = {}
        windows: dict[str, int] = {}
        for name, indexes in queues.items():
            cap = max(1, planned[indexes[0]].source.settings.max_concurrency)
            pools[name] = stack.enter_context(ThreadPoolExecutor(cap))
            windows[name] = cap * WINDOW_PER_WORKER
        pending: dict[Future[BoardOutcome], tuple[int, str]] = {}
        counts = dict.fromkeys(queues, 0)

        def top_up(name: str) -> None:
            while queues[name] and counts[name] < windows[name]:
                i = queues[name].popleft()
                pending[pools[name].submit(fetch_one, planned[i])] = (i, name)
                counts[name] += 1

        for name in queues:
            top_up(name)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                i, name = pending.pop(future)
                counts[name] -= 1
                top_up(name)
                exc = future.exception()
                yield i, failed(planned[i], exc) if exc is not None else future.result()
