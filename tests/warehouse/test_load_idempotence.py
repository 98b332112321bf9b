"""Loads are idempotent and atomic: a repeat changes nothing, a failure leaves nothing."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.load import load_outcomes
from ingest.records import BoardOutcome
from pipeline.models import ParseError
from tests.support import DATA_TABLES, board_load, posting, table_contents, warehouse
from warehouse import load as load_module
from warehouse.load import load_board, load_boards

NIGHT = date(2026, 9, 1)


def _fetch(night: date = NIGHT, run_id: str = "run-1"):
    postings = [
        posting("a", salary=(100_000, 150_000)),
        posting("b", "Senior Data Scientist", locations=("Remote (US)",)),
        posting("c", "Recruiter"),
    ]
    errors = [ParseError("greenhouse", "acme", "f" * 64, "missing title", "job 9")]
    return board_load(postings, night, run_id=run_id, errors=errors)


@pytest.mark.parametrize("shortcut", [True, False], ids=["skip-key-shortcut", "full-merge"])
def test_loading_the_same_fetch_twice_changes_no_table(tmp_path, monkeypatch, shortcut):
    if not shortcut:
        monkeypatch.setattr(load_module, "_unchanged", lambda load, before: False)
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a"), posting("z")], date(2026, 8, 31), run_id="run-0"))
    load_board(con, _fetch())
    before = {t: table_contents(con, t) for t in DATA_TABLES}
    counts = load_board(con, _fetch(run_id="run-2"))
    assert (counts.new, counts.updated, counts.closed) == (0, 0, 0)
    assert {t: table_contents(con, t) for t in DATA_TABLES} == before
    runs = con.execute("SELECT run_id, fetched, closed FROM runs ORDER BY run_id").fetchall()
    assert runs == [("run-0", 2, 0), ("run-1", 3, 1), ("run-2", 3, 0)]


def test_a_load_failing_midway_leaves_no_partial_rows(tmp_path, monkeypatch):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("z")], date(2026, 8, 31)))
    before = {t: table_contents(con, t) for t in (*DATA_TABLES, "runs")}

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_module, "_record_observations", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        load_board(con, _fetch())
    assert {t: table_contents(con, t) for t in (*DATA_TABLES, "runs")} == before
    monkeypatch.undo()
    assert load_board(con, _fetch()).new == 3


def test_duplicate_ids_in_one_listing_keep_the_last(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a", "First"), posting("a", "Second")], NIGHT))
    assert con.execute("SELECT title FROM postings").fetchall() == [("Second",)]


def test_an_unchanged_rerun_builds_no_dataframes(tmp_path, monkeypatch):
    con = warehouse(tmp_path)
    load_board(con, _fetch())

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged rerun must not rebuild its DataFrames")

    monkeypatch.setattr(load_module, "postings_frame", refuse)
    counts = load_board(con, _fetch(run_id="run-2"))
    assert (counts.fetched, counts.new, counts.parse_errors) == (3, 0, 1)


def test_an_older_fetch_of_the_night_is_merged_again_after_a_newer_one(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, _fetch())
    load_board(con, board_load([posting("a", "Renamed")], NIGHT, run_id="run-2"))
    counts = load_board(con, _fetch(run_id="run-3"))
    assert counts.updated == 1
    assert con.execute("SELECT title FROM postings WHERE source_id = 'a'").fetchone() == (
        "Machine Learning Engineer",
    )


def _night(night: date, run_id: str, sizes: dict[str, int], drop: int = 0):
    return [
        board_load(
            [posting(f"{board}-{i}", board=board) for i in range(drop, size)],
            night,
            board=board,
            run_id=run_id,
        )
        for board, size in sizes.items()
    ]


def test_a_batch_of_boards_equals_loading_them_one_by_one(tmp_path):
    one, many = warehouse(tmp_path / "one"), warehouse(tmp_path / "many")
    first = {"a": 12, "b": 3, "c": 20}
    second = {"a": 12, "b": 3, "c": 0}
    for loads in (_night(NIGHT, "r1", first), _night(date(2026, 9, 2), "r2", second, drop=2)):
        by_board = [load_board(one, load) for load in loads]
        assert load_boards(many, loads) == by_board
    for table in DATA_TABLES:
        assert table_contents(one, table) == table_contents(many, table), table
    runs = "SELECT * EXCLUDE (finished_at) FROM runs ORDER BY run_id, board"
    assert one.execute(runs).fetchall() == many.execute(runs).fetchall()
    warnings = dict(many.execute("SELECT board, warning FROM runs WHERE run_id = 'r2'").fetchall())
    assert warnings["c"].startswith("suspect fetch: 0 postings returned while 20 were open")
    assert warnings["a"] is None


def test_a_batch_fails_as_a_whole(tmp_path, monkeypatch):
    con = warehouse(tmp_path)
    load_boards(con, _night(NIGHT, "r1", {"a": 3, "b": 3}))
    before = {t: table_contents(con, t) for t in (*DATA_TABLES, "runs")}

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_module, "_close_missing", explode)
    with pytest.raises(RuntimeError):
        load_boards(con, _night(date(2026, 9, 2), "r2", {"a": 3, "b": 3}, drop=1))
    assert {t: table_contents(con, t) for t in (*DATA_TABLES, "runs")} == before


def test_a_batch_takes_one_night_only(tmp_path):
    con = warehouse(tmp_path)
    loads = _night(NIGHT, "r1", {"a": 1}) + _night(date(2026, 9, 2), "r1", {"b": 1})
    with pytest.raises(ValueError, match="one night"):
        load_boards(con, loads)


def test_load_outcomes_batches_per_source_and_records_failures(tmp_path):
    con = warehouse(tmp_path)
    ok = _night(NIGHT, "r1", {"a": 2, "b": 3})
    outcomes = [
        BoardOutcome("r1", "sample", "greenhouse", "a", NIGHT, ok[0].started_at, load=ok[0]),
        BoardOutcome("r1", "sample", "lever", "x", NIGHT, ok[0].started_at, error="HttpError: 500"),
        BoardOutcome("r1", "sample", "greenhouse", "b", NIGHT, ok[0].started_at, load=ok[1]),
    ]
    summaries = load_outcomes(con, outcomes)
    assert [(s.board, s.status, s.fetched) for s in summaries] == [
        ("a", "success", 2),
        ("x", "failed", 0),
        ("b", "success", 3),
    ]
    assert con.execute("SELECT count(*) FROM postings").fetchone()[0] == 5
