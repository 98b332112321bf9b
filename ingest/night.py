"""One night without an orchestrator: the steps in order, in this process.

The nightly flow runs the same steps as Prefect tasks (retries, parallel fetches, a parse
cache); this is the plain sequence, for tests, tools and anyone embedding the engine.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from datetime import date

from config import Settings
from ingest.boards import record_night
from ingest.fetch import download, failed_outcome, make_client
from ingest.load import finish, load_stream
from ingest.parse import parse_board
from ingest.plan import plan
from ingest.records import BoardOutcome, BoardSummary, PlannedBoard, RunSummary
from pipeline.http import HttpClient
from warehouse.archive import RawArchive

WINDOW_PER_WORKER = 8
"""Boards per fetch worker that may be fetched but not yet loaded (see `fetch_all`)."""


def fetch_board(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
) -> BoardOutcome:
    """Fetch, archive every page as it arrives, then parse and label; never raises."""
    outcome = download(item, client, archive, night, run_id, mode)
    return finish(outcome, item, parse_board(item.source, item.board, outcome.raw_pages))


def ingest_night(settings: Settings, night: date, run_id: str | None = None) -> RunSummary:
    """Plan, fetch, parse, load and group one night, one board after another; a live night
    also updates the board registry's health."""
    run_id = run_id or str(uuid.uuid4())
    planned = plan(settings)
    client = make_client(settings, night, planned)
    archive = RawArchive(settings.archive_dir)
    outcomes = (
        fetch_board(item, client, archive, night, run_id, settings.mode) for item in planned
    )
    summaries = load_stream(settings.db_path, outcomes)
    if settings.mode == "live":
        record_night(settings.db_path, night, summaries)
    return RunSummary(run_id, night, settings.mode, summaries)


def stream_night(
    settings: Settings, night: date, planned: Sequence[PlannedBoard], run_id: str
) -> list[BoardSummary]:
    """Fetch on one pool per source and load each board as it arrives, in batches; the
    summaries in the order planned. Memory is bounded by the batches and the fetch window,
    whatever the number of boards."""
    client = make_client(settings, night, planned)
    archive = RawArchive(settings.archive_dir)

    def one(item: PlannedBoard) -> BoardOutcome:
        return fetch_board(item, client, archive, night, run_id, settings.mode)

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
