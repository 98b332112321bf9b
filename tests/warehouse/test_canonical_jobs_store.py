"""The stored canonical jobs and week rows equal their definitions after every night, in any
night order, after a relabel and after a definition change, while a night rebuilds only the
jobs it touched and adds only the weeks that appeared."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import duckdb

from ingest.group import group
from tests.support import board_load, posting, remoteok_cross_post, table_contents, warehouse
from warehouse.db import open_warehouse
from warehouse.load import load_board
from warehouse.materialize import Refreshed, refresh_stored
from warehouse.relabel import relabel_all

TEXT = (
    "You will train retrieval and ranking models in PyTorch, own evaluation pipelines, ship "
    "features to production with Kubernetes and mentor engineers on experimentation."
)
NIGHTS = {
    date(2026, 9, 1): {
        ("greenhouse", "acme"): [
            posting("1", description=TEXT),
            posting("2", "Data Analyst", description="Dashboards in SQL for finance."),
            posting("3", "Research Scientist", description="Publish on alignment."),
        ],
    },
    date(2026, 9, 8): {
        ("greenhouse", "acme"): [
            posting("1", description=TEXT, salary=(150_000, 190_000)),
            posting("3", "Research Scientist", description="Publish on alignment."),
        ],
        ("remoteok", "all"): [remoteok_cross_post("r1", TEXT)],
    },
    date(2026, 9, 15): {
        ("greenhouse", "acme"): [
            posting("3", "Staff Research Scientist", description="Publish on alignment."),
            posting("4", "Prompt Engineer", description="Write evals for assistants."),
        ],
    },
}


STORED = {"canonical_jobs": "canonical_jobs_computed", "int_week_jobs": "int_week_jobs_computed"}


def _differences(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Per stored view: its rows missing from its definition and the other way round,
    duplicates counted."""
    return {
        stored: con.execute(
            f"SELECT (SELECT count(*) FROM (FROM {stored} EXCEPT ALL FROM {computed})),"
            f" (SELECT count(*) FROM (FROM {computed} EXCEPT ALL FROM {stored}))"
        ).fetchone()
        for stored, computed in STORED.items()
    }


def _agree(con: duckdb.DuckDBPyConnection) -> bool:
    return all(d == (0, 0) for d in _differences(con).values())


def _load(con: duckdb.DuckDBPyConnection, night: date) -> None:
    for (source, board), items in NIGHTS[night].items():
        load_board(con, board_load(items, night, source=source, board=board, run_id=f"run-{night}"))
    group(con)


def test_the_stored_jobs_equal_the_definition_after_every_night(tmp_path: Path) -> None:
    con = warehouse(tmp_path)
    try:
        for night in NIGHTS:
            _load(con, night)
            assert _agree(con)
        assert con.execute("SELECT count(*) FROM canonical_jobs").fetchone()[0] >= 3
    finally:
        con.close()


def test_any_night_order_stores_the_same_jobs(tmp_path: Path) -> None:
    stored = []
    for i, order in enumerate(itertools.permutations(NIGHTS)):
        con = warehouse(tmp_path / str(i))
        try:
            for night in order:
                _load(con, night)
            stored.append([table_contents(con, view) for view in STORED])
        finally:
            con.close()
    assert all(rows == stored[0] for rows in stored)


def test_a_night_rebuilds_only_the_jobs_it_touched(tmp_path: Path) -> None:
    con = warehouse(tmp_path)
    try:
        _load(con, date(2026, 9, 1))
        assert refresh_stored(con) == Refreshed(0, 0, 0)
        con.execute("UPDATE posting_labels SET seniority = 'senior' WHERE source_id = '2'")
        assert refresh_stored(con) == Refreshed(1, 0, 0)
        assert _agree(con)
        _load(con, date(2026, 9, 8))
        assert _agree(con)
        assert con.execute("SELECT count(DISTINCT week) FROM int_week_jobs").fetchone()[0] == 2
        con.execute("DELETE FROM runs WHERE as_of = DATE '2026-09-08'")
        assert refresh_stored(con).weeks_removed == 1
        assert _agree(con)
    finally:
        con.close()


def test_a_relabel_moves_the_stored_jobs_with_the_labels(tmp_path: Path) -> None:
    con = warehouse(tmp_path)
    try:
        _load(con, date(2026, 9, 1))
        con.execute("UPDATE posting_labels SET role = 'data_analyst', is_ai = false")
        group(con)
        relabel_all(con)
        assert _agree(con)
        roles = {r for (r,) in con.execute("SELECT role FROM canonical_jobs").fetchall()}
        assert roles != {"data_analyst"}
    finally:
        con.close()


def test_a_changed_definition_rebuilds_the_stored_jobs_whole(tmp_path: Path) -> None:
    """A stored copy made by another definition (here: one left with wrong rows and an old
    signature) is dropped and rebuilt when the warehouse is next opened for writing."""
    db = tmp_path / "warehouse.duckdb"
    con = open_warehouse(db)
    try:
        _load(con, date(2026, 9, 1))
        con.execute("UPDATE canonical_job_rows SET title = 'stale'")
        con.execute("UPDATE materialized_state SET signature = 'older'")
    finally:
        con.close()
    con = open_warehouse(db)
    try:
        assert _agree(con)
        assert refresh_stored(con) == Refreshed(0, 0, 0)
    finally:
        con.close()
