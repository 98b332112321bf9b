"""A streamed night: fetching runs at most a window ahead of the load, and loading in batches
as boards arrive gives the same warehouse as loading the night at once."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

from ingest.load import load_all, load_stream
from ingest.night import WINDOW_PER_WORKER, fetch_all
from ingest.records import BoardOutcome, PlannedBoard
from pipeline.models import Board
from pipeline.sources import get_source
from pipeline.sources.base import SourceSettings
from tests.support import snapshot

NIGHT = date(2026, 11, 2)


def planned(n: int, cap: int = 2) -> list[PlannedBoard]:
    source = get_source("greenhouse", SourceSettings("https://x.test/v1/boards", 0.0, cap, {}))
    return [PlannedBoard(source, Board("greenhouse", f"b{i}", f"B{i}")) for i in range(n)]


def unfetched(item: PlannedBoard) -> BoardOutcome:
    return BoardOutcome.unfetched(item, NIGHT, "run", "live", "fetch: offline")


def test_fetching_runs_only_a_window_ahead_of_a_slow_consumer() -> None:
    boards = planned(100)
    lock = threading.Lock()
    started = 0
    taken = 0
    ahead: list[int] = []

    def one(item: PlannedBoard) -> BoardOutcome:
        nonlocal started
        with lock:
            started += 1
            ahead.append(started - taken)
        return unfetched(item)

    seen = []
    for i, outcome in fetch_all(boards, one, lambda item, exc: unfetched(item)):
        with lock:
            taken += 1
        seen.append(i)
        assert outcome.board == boards[i].board.token
        time.sleep(0.001)
    assert sorted(seen) == list(range(100))
    assert max(ahead) <= 2 * WINDOW_PER_WORKER + 1  # the window, and the one handed over


def test_a_crashed_fetch_is_a_failed_board_not_a_stopped_night() -> None:
    def one(item: PlannedBoard) -> BoardOutcome:
        if item.board.token == "b3":
            raise RuntimeError("adapter bug")
        return unfetched(item)

    got = dict(fetch_all(planned(6), one, lambda item, exc: unfetched(item)))
    assert sorted(got) == list(range(6))


def test_batched_loads_give_the_warehouse_one_load_gives(tmp_path: Path) -> None:
    outcomes = [unfetched(item) for item in planned(7)]
    once = load_all(tmp_path / "once.duckdb", outcomes)
    streamed = load_stream(tmp_path / "streamed.duckdb", iter(outcomes), batch_boards=2)
    assert streamed == once
    assert snapshot(tmp_path / "streamed.duckdb") == snapshot(tmp_path / "once.duckdb")
