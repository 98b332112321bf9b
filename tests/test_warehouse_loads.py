"""Loads are idempotent and atomic: a repeat changes nothing, a failure leaves nothing."""

from __future__ import annotations

from datetime import date

import pytest
from warehouse_fixtures import DATA_TABLES, board_load, posting, table_contents, warehouse

from pipeline.models import ParseError
from warehouse import load as load_module
from warehouse.load import load_board

NIGHT = date(2026, 9, 1)


def _fetch(night: date = NIGHT, run_id: str = "run-1"):
    postings = [
        posting("a", salary=(100_000, 150_000)),
        posting("b", "Senior Data Scientist", locations=("Remote (US)",)),
        posting("c", "Recruiter"),
    ]
    errors = [ParseError("greenhouse", "acme", "f" * 64, "missing title", "job 9")]
    return board_load(postings, night, run_id=run_id, errors=errors)


@pytest.mark.parametrize("shortcut", [True, False], ids=["digest-shortcut", "full-merge"])
def test_loading_the_same_fetch_twice_changes_no_table(tmp_path, monkeypatch, shortcut):
    if not shortcut:
        digests = iter(range(1_000))
        monkeypatch.setattr(load_module, "load_digest", lambda load: str(next(digests)))
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
