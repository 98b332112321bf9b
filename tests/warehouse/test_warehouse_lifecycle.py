"""Posting lifecycle: sightings per night, closing, reopening, versions and suspect fetches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ingest.load import load_outcome
from ingest.records import BoardOutcome
from tests.support import board_load, posting, warehouse
from warehouse.load import load_board

N1 = date(2026, 9, 1)
N2 = N1 + timedelta(days=1)
N3 = N1 + timedelta(days=2)


def _state(con, source_id: str) -> tuple:
    return con.execute(
        "SELECT first_seen, last_seen, closed_at FROM postings WHERE source_id = ?", [source_id]
    ).fetchone()


def test_missing_posting_closes_and_reopens_when_it_returns(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a"), posting("b")], N1))
    counts = load_board(con, board_load([posting("a")], N2))
    assert counts.closed == 1
    assert _state(con, "b") == (N1, N1, N2)
    load_board(con, board_load([posting("a"), posting("b")], N3))
    assert _state(con, "b") == (N1, N3, None)
    nights = con.execute(
        "SELECT list(night ORDER BY night) FROM posting_observations WHERE source_id = 'b'"
    ).fetchone()[0]
    assert nights == [N1, N3]


def test_source_without_complete_listings_closes_nothing(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a"), posting("b")], N1, closes_missing=False))
    counts = load_board(con, board_load([posting("a")], N2, closes_missing=False))
    assert counts.closed == 0
    assert _state(con, "b") == (N1, N1, None)


def test_failed_fetch_closes_nothing(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a"), posting("b")], N1))
    outcome = BoardOutcome("run-2", "sample", "greenhouse", "acme", N2, datetime.now(UTC))
    outcome.error = "HttpError: 503"
    summary = load_outcome(con, outcome)
    assert summary.status == "failed"
    assert con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()[0] == 2
    assert con.execute("SELECT status, error FROM runs WHERE run_id = 'run-2'").fetchone() == (
        "failed",
        "HttpError: 503",
    )


def test_suspect_fetch_keeps_the_board_open_and_says_why(tmp_path):
    con = warehouse(tmp_path)
    board = [posting(str(i)) for i in range(20)]
    load_board(con, board_load(board, N1))
    counts = load_board(con, board_load([], N2, run_id="run-2"))
    assert counts.closed == 0
    assert con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()[0] == 20
    warning = con.execute("SELECT warning FROM runs WHERE run_id = 'run-2'").fetchone()[0]
    assert warning.startswith("suspect fetch: 0 postings returned while 20 were open")
    counts = load_board(con, board_load(board[:12], N3, run_id="run-3"))
    assert counts.closed == 8


def test_small_board_may_drop_to_zero(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting(str(i)) for i in range(9)], N1))
    assert load_board(con, board_load([], N2)).closed == 9


def test_content_change_keeps_the_old_version(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a", salary=(100_000, 150_000))], N1))
    load_board(con, board_load([posting("a", salary=(100_000, 150_000))], N2))
    counts = load_board(con, board_load([posting("a", salary=(120_000, 170_000))], N3))
    assert counts.updated == 1
    versions = con.execute(
        "SELECT salary_min, valid_from, valid_to FROM posting_versions ORDER BY valid_from"
    ).fetchall()
    assert versions == [(100_000.0, N1, N2), (120_000.0, N3, N3)]
    assert con.execute("SELECT salary_min FROM postings").fetchone()[0] == 120_000.0


def test_reloading_an_older_night_does_not_roll_content_back(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a", "ML Engineer II")], N2))
    load_board(con, board_load([posting("a", "ML Engineer")], N1))
    assert con.execute("SELECT title, first_seen, last_seen FROM postings").fetchone() == (
        "ML Engineer II",
        N1,
        N2,
    )
    assert con.execute("SELECT count(*) FROM posting_versions").fetchone()[0] == 2


def test_open_on_a_date_and_time_to_fill(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a"), posting("b")], N1))
    load_board(con, board_load([posting("a")], N3))
    open_n2 = con.execute(
        "SELECT count(*) FROM stg_postings WHERE first_seen <= ? "
        "AND (closed_at IS NULL OR closed_at > ?)",
        [N2, N2],
    ).fetchone()[0]
    assert open_n2 == 2
    days = con.execute(
        "SELECT closed_at - first_seen FROM postings WHERE source_id = 'b'"
    ).fetchone()[0]
    assert days == 2


def test_suspect_fraction_is_configurable_per_board(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting(str(i)) for i in range(20)], N1))
    strict = board_load([posting(str(i)) for i in range(14)], N2)
    strict.suspect_fraction = 0.8
    assert load_board(con, strict).closed == 0
    assert load_board(con, board_load([posting(str(i)) for i in range(14)], N3)).closed == 6
