"""Loads into a real DuckDB file: migrations, idempotent merges, lifecycle, atomicity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.labels import label_postings
from pipeline.models import ParseError, Posting, Salary
from warehouse import load as load_module
from warehouse.db import migrate, migrations, open_warehouse
from warehouse.load import BoardLoad, PageRecord, load_board

T0 = datetime(2026, 11, 1, 2, tzinfo=UTC)


def posting(sid: str, title: str = "ML Engineer", salary: float | None = None) -> Posting:
    return Posting(
        source="lever",
        source_id=sid,
        company="Acme",
        title=title,
        description="Build models.",
        locations=["Boston, MA"],
        board="acme",
        raw_payload_id="f" * 64,
        salary=Salary(salary, salary, "USD", "year") if salary else None,
        extras={"team": "ML"},
    )


def board_load(night: date, postings: list[Posting], run_id: str = "run-1") -> BoardLoad:
    page = PageRecord(
        "a" * 32,
        0,
        "lever",
        "acme",
        "https://x",
        200,
        "application/json",
        "f" * 64,
        10,
        T0,
        "objects/ff/ff/x.gz",
    )
    return BoardLoad(
        run_id=run_id,
        mode="sample",
        source="lever",
        board="acme",
        as_of=night,
        fetch_id="a" * 32,
        started_at=T0,
        pages=[page],
        postings=postings,
        labels=label_postings(postings),
        errors=[ParseError("lever", "acme", "f" * 64, "KeyError: 'id'", "7")],
    )


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = open_warehouse(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def table(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)


def test_migrations_apply_once(con: duckdb.DuckDBPyConnection) -> None:
    versions = [v for v, _, _ in migrations()]
    assert con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall() == [
        (v,) for v in versions
    ]
    assert migrate(con) == []


def test_loading_the_same_fetch_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    night = date(2026, 11, 1)
    first = load_board(con, board_load(night, [posting("1"), posting("2", salary=150000)]))
    before = {
        t: table(con, t) for t in ("postings", "posting_labels", "raw_payloads", "parse_errors")
    }
    again = load_board(con, board_load(night, [posting("1"), posting("2", salary=150000)]))
    assert (first.new, again.new, again.updated) == (2, 0, 0)
    assert {t: table(con, t) for t in before} == before


def test_lifecycle_closes_missing_and_reopens_returning(con: duckdb.DuckDBPyConnection) -> None:
    load_board(con, board_load(date(2026, 11, 1), [posting("1"), posting("2")]))
    counts = load_board(
        con, board_load(date(2026, 11, 8), [posting("1", title="Staff ML Engineer")])
    )
    assert (counts.closed, counts.updated) == (1, 1)
    rows = dict(con.execute("SELECT source_id, closed_at FROM postings").fetchall())
    assert rows == {"1": None, "2": date(2026, 11, 8)}
    load_board(con, board_load(date(2026, 11, 15), [posting("1"), posting("2")]))
    rows = con.execute(
        "SELECT source_id, first_seen, last_seen, closed_at, title FROM postings ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("1", date(2026, 11, 1), date(2026, 11, 15), None, "ML Engineer"),
        ("2", date(2026, 11, 1), date(2026, 11, 15), None, "ML Engineer"),
    ]


def test_an_older_night_loaded_late_does_not_overwrite_newer_content(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load_board(con, board_load(date(2026, 11, 8), [posting("1", title="New title")]))
    load_board(con, board_load(date(2026, 11, 1), [posting("1", title="Old title")]))
    assert con.execute("SELECT title, first_seen, last_seen FROM postings").fetchone() == (
        "New title",
        date(2026, 11, 1),
        date(2026, 11, 8),
    )


def test_a_load_failing_midway_leaves_nothing(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise duckdb.Error("disk full")

    monkeypatch.setattr(load_module, "_record_observations", boom)
    with pytest.raises(duckdb.Error):
        load_board(con, board_load(date(2026, 11, 1), [posting("1")]))
    for name in ("postings", "posting_labels", "raw_payloads", "parse_errors", "runs"):
        assert table(con, name) == [], name


def test_a_file_held_by_another_process_is_reported(tmp_path: Path) -> None:
    import subprocess
    import sys

    from warehouse.db import WarehouseLocked, connect

    path = tmp_path / "held.duckdb"
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys,time; c=duckdb.connect({str(path)!r}); "
            "print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLocked, match="locked by another process"):
            connect(path, wait_seconds=0.5)
    finally:
        holder.kill()
        holder.wait()
