"""Lifecycle as a function of observations: loading nights in any order gives the same tables.

Issue 15 finding 6: loading a night older than the last loaded one (what the flow itself
advises after `WarehouseLocked`) reopened postings a later night had closed and closed them
again on the wrong date; one night dated a year ahead froze every later closure. Now
`first_seen`, `last_seen`, `closed_at` and versions derive from the nights' complete,
successful listings, so a Hypothesis property loads a shuffled order of nights and compares
every data table with the sorted order's.

`JOBTRENDS_ORDER_EXAMPLES` sets the examples (default 8; `make reliability` runs 200).
"""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, date, datetime, timedelta
from functools import cache

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.labels import LabelRow, label_postings
from pipeline.models import Posting
from tests.support import board_load, posting, table_contents
from tests.tally import TALLY
from warehouse.db import connect, migrate, open_warehouse
from warehouse.load import BoardLoad, FutureNight, load_board, load_boards, postings_frame

pytestmark = pytest.mark.fuzz

FIRST = date(2026, 9, 1)
STARTED = datetime(2026, 9, 1, tzinfo=UTC)
BOARDS = {"acme": True, "beta": True, "hn-like": False}
"""Board and whether its listings are complete (close what they miss)."""
IDS = [f"p{i}" for i in range(14)]
TABLES = ("postings", "posting_labels", "posting_observations", "posting_versions")
ORDER = settings(
    max_examples=int(os.environ.get("JOBTRENDS_ORDER_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def _labelled(board: str, source_id: str, variant: int) -> tuple[Posting, LabelRow]:
    """A posting and its label row, built once: labelling in every example would make the
    property spend its time in the classifier."""
    item = posting(
        f"{board}-{source_id}",
        ("Machine Learning Engineer", "Senior ML Engineer", "Data Scientist")[variant],
        board=board,
        salary=(100_000 + 10_000 * variant, 150_000) if variant else None,
    )
    return item, label_postings([item])[0]


def _board_load(items: list[tuple[Posting, LabelRow]], night: date, board: str) -> BoardLoad:
    load = board_load([], night, board=board, closes_missing=BOARDS[board])
    load.postings = [dataclasses.replace(p) for p, _ in items]
    load.labels = [dataclasses.replace(r) for _, r in items]
    return load


@st.composite
def histories(draw: st.DrawFn) -> dict[date, list[BoardLoad]]:
    """Up to seven nights of up to three boards; each board lists any subset of its
    postings (often all, sometimes almost none, which is a suspect drop), contents vary."""
    offsets = draw(st.lists(st.integers(0, 9), min_size=2, max_size=7, unique=True))
    nights: dict[date, list[BoardLoad]] = {}
    for offset in sorted(offsets):
        night = FIRST + timedelta(days=offset)
        loads = []
        for board in BOARDS:
            if draw(st.integers(0, 4)) == 0:
                continue
            kind = draw(st.sampled_from(["all", "most", "few", "any"]))
            ids = {
                "all": IDS,
                "most": IDS[: draw(st.integers(9, 13))],
                "few": IDS[: draw(st.integers(0, 3))],
                "any": draw(st.lists(st.sampled_from(IDS), unique=True)),
            }[kind]
            items = [_labelled(board, i, draw(st.integers(0, 2))) for i in ids]
            loads.append(_board_load(items, night, board))
        nights[night] = loads
    return nights


def _load(con: duckdb.DuckDBPyConnection, loads: list[BoardLoad]) -> None:
    if loads:
        load_boards(con, loads)


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    found = {t: table_contents(con, t) for t in TABLES}
    found["board_listings"] = table_contents(con, "board_listings")
    return found


@ORDER
@given(nights=histories(), data=st.data())
def test_loading_nights_in_any_order_gives_the_same_tables(
    nights: dict[date, list[BoardLoad]], data: st.DataObject
) -> None:
    TALLY["lifecycle orders tried"] += 1
    shuffled = data.draw(st.permutations(sorted(nights)))
    in_order = open_warehouse(":memory:")
    any_order = open_warehouse(":memory:")
    try:
        for night in sorted(nights):
            _load(in_order, nights[night])
        for night in shuffled:
            _load(any_order, nights[night])
        assert _tables(any_order) == _tables(in_order)
    finally:
        in_order.close()
        any_order.close()


N1, N2, N3 = FIRST, FIRST + timedelta(days=1), FIRST + timedelta(days=2)


def _state(con: duckdb.DuckDBPyConnection, source_id: str) -> tuple:
    return con.execute(
        "SELECT first_seen, last_seen, closed_at FROM postings WHERE source_id = ?", [source_id]
    ).fetchone()


def test_an_older_night_loaded_late_does_not_reopen_a_closed_posting() -> None:
    """The reproduction from the issue: N1 and N3 loaded, then N2 (`reparse --since`)."""
    con = open_warehouse(":memory:")
    load_board(con, board_load([posting("a"), posting("b")], N1))
    load_board(con, board_load([posting("a")], N3))
    assert _state(con, "b") == (N1, N1, N3)
    load_board(con, board_load([posting("a"), posting("b")], N2))
    assert _state(con, "b") == (N1, N2, N3)
    load_board(con, board_load([posting("a")], N3 + timedelta(days=1)))
    assert _state(con, "b") == (N1, N2, N3)


def test_a_night_after_tomorrow_is_refused_and_later_nights_still_close() -> None:
    """A night a year ahead would be every posting's newest sighting; it is refused with
    nothing written, and the real nights after it close what they no longer list."""
    con = open_warehouse(":memory:")
    load_board(con, board_load([posting("a"), posting("b")], N1))
    before = {t: table_contents(con, t) for t in (*TABLES, "runs", "board_listings")}
    with pytest.raises(FutureNight, match="after tomorrow"):
        load_board(con, board_load([posting("a")], datetime.now(UTC).date() + timedelta(days=365)))
    assert {t: table_contents(con, t) for t in (*TABLES, "runs", "board_listings")} == before
    load_board(con, board_load([posting("a")], N2))
    assert _state(con, "b") == (N1, N1, N2)


def test_a_second_load_of_a_night_adds_to_it_and_erases_nothing() -> None:
    """Sightings accumulate: a rerun of a night that returns nothing (an API hiccup) keeps
    what the night's first load saw, and a rerun listing more adds it."""
    con = open_warehouse(":memory:")
    board = [posting(str(i)) for i in range(20)]
    load_board(con, board_load(board, N1))
    before = {t: table_contents(con, t) for t in TABLES}
    load_board(con, board_load([], N1, run_id="run-2"))
    assert {t: table_contents(con, t) for t in TABLES} == before
    load_board(con, board_load([*board, posting("late")], N1, run_id="run-3"))
    assert con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone() == (21,)
    load_board(con, board_load(board, N2))
    assert _state(con, "late") == (N1, N1, N2)


def test_a_file_loaded_before_listings_were_recorded_migrates_its_history(tmp_path) -> None:
    """Migration 0007 turns each board night's latest successful run into a listing (closing
    unless it warned), tags sightings with their board and runs with their fetch, so the
    first load after the upgrade derives closing from the old nights too."""
    db = tmp_path / "w.duckdb"
    con = connect(db)
    migrate(con, target=5)
    legacy = [
        ("greenhouse", "acme", N1, None),
        ("greenhouse", "acme", N2, None),
        ("greenhouse", "beta", N2, "suspect fetch: 0 postings returned while 40 were open"),
        ("hn", "whoishiring", N2, None),
    ]
    for i, (source, board, night, warning) in enumerate(legacy):
        con.execute(
            "INSERT INTO runs (run_id, source, board, as_of, mode, status, started_at,"
            " finished_at, fetched, warning) VALUES (?, ?, ?, ?, 'live', 'success', ?, ?, 2, ?)",
            [f"run-{night}", source, board, night, STARTED, STARTED, warning],
        )
        con.execute(
            "INSERT INTO raw_payloads VALUES (?, 0, ?, ?, ?, 'https://x', 200,"
            " 'application/json', ?, 1, ?, 'objects/x')",
            [f"{i:032x}", source, board, night, "e" * 64, STARTED],
        )
    old = posting("b")
    con.register("old_postings", postings_frame([old]))
    con.execute(
        "INSERT INTO postings SELECT *, ?::DATE, ?::DATE, ?::DATE FROM old_postings", [N1, N1, N2]
    )
    con.execute(
        "INSERT INTO posting_observations VALUES ('greenhouse', 'b', ?, ?)",
        [N1, old.content_hash()],
    )
    con.close()
    con = open_warehouse(db)
    assert con.execute(
        "SELECT board, night, can_close, closing, fetch_id FROM board_listings"
        " ORDER BY board, night"
    ).fetchall() == [
        ("acme", N1, True, True, f"{0:032x}"),
        ("acme", N2, True, True, f"{1:032x}"),
        ("beta", N2, True, False, f"{2:032x}"),
        ("whoishiring", N2, False, False, f"{3:032x}"),
    ]
    assert con.execute("SELECT DISTINCT board FROM posting_observations").fetchall() == [("acme",)]
    runs = con.execute("SELECT fetch_id FROM runs ORDER BY run_id, board").fetchall()
    assert [r[0] for r in runs] == [f"{i:032x}" for i in range(4)]
    load_board(con, board_load([posting("a"), posting("c")], N3))
    load_board(con, board_load([posting("a")], N3 + timedelta(days=1)))
    assert _state(con, "b") == (N1, N1, N2)
    assert _state(con, "c") == (N3, N3, N3 + timedelta(days=1))
