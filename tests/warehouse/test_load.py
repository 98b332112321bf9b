"""Loads into a real DuckDB file: migrations, idempotent merges, lifecycle, atomicity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.labels import label_postings
from pipeline.models import ParseError, Posting, Salary
from tests.support import fake_page, one_page_load
from warehouse import load as load_module
from warehouse.db import migrate, migrations, open_warehouse
from warehouse.load import BoardLoad, load_board

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
    return one_page_load(
        fake_page("a" * 32, "lever", "acme", T0, size=10, path="objects/ff/ff/x.gz"),
        postings,
        label_postings(postings),
        night,
        run_id=run_id,
        started_at=T0,
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


def test_labels_keep_their_evidence_in_columns(con: duckdb.DuckDBPyConnection) -> None:
    load_board(con, board_load(date(2026, 11, 1), [posting("1", salary=150000)]))
    row = con.execute(
        """
        SELECT work_arrangement, work_arrangement_basis, work_arrangement_evidence,
               seniority_evidence, salary_source, detail
        FROM posting_labels
        """
    ).fetchone()
    labels = label_postings([posting("1", salary=150000)])[0]
    assert row[:5] == (
        labels.work_arrangement,
        labels.work_arrangement_basis,
        labels.work_arrangement_evidence,
        labels.seniority_evidence,
        "structured",
    )
    assert row[3]
    assert "seniority_evidence" not in row[5]
    staged = con.execute("SELECT work_arrangement_basis FROM stg_postings").fetchone()
    assert staged == (labels.work_arrangement_basis,)


def test_migration_0006_copies_evidence_out_of_detail(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        migrate(con, target=5)
        con.execute(
            """
            INSERT INTO posting_labels
                (source, source_id, classifier_version, role, is_ai, seniority,
                 work_arrangement, detail)
            VALUES ('lever', '1', 'v1', 'other', false, 'senior', 'remote',
                    '{"seniority_evidence": "title: senior", "salary_source": "text"}')
            """
        )
        assert migrate(con, target=6) == [6]
        assert con.execute(
            "SELECT seniority_evidence, salary_source, work_arrangement_basis FROM posting_labels"
        ).fetchone() == ("title: senior", "text", None)
    finally:
        con.close()


def test_reclassify_reports_which_labels_move(data_dir: Path) -> None:
    from jobtrends import api

    db = data_dir / "w.duckdb"
    data_dir.mkdir(parents=True, exist_ok=True)
    con = open_warehouse(db)
    try:
        load_board(con, board_load(date(2026, 11, 1), [posting("1"), posting("2")]))
        truth = dict(con.execute("SELECT source_id, role FROM posting_labels").fetchall())
        con.execute(
            "UPDATE posting_labels SET role = 'data_analyst', seniority = 'executive' "
            "WHERE source_id = '1'"
        )
        con.execute("UPDATE posting_labels SET role = 'data_analyst' WHERE source_id = '2'")
    finally:
        con.close()
    changes, _ = api.reclassify(db)
    assert (changes.relabelled, changes.changed, changes.unlabelled_before) == (2, 2, 0)
    assert changes.moves[("role", "data_analyst", truth["1"])] == 2
    expected_seniority = label_postings([posting("1")])[0].seniority
    assert changes.moves[("seniority", "executive", expected_seniority)] == 1
    assert changes.per_label() == {"role": 2, "seniority": 1}
    again, _ = api.reclassify(db)
    assert (again.changed, dict(again.moves)) == (0, {})


def test_reclassify_command_prints_the_moves(data_dir: Path) -> None:
    from click.testing import CliRunner

    from jobtrends.cli import main

    db = data_dir / "w.duckdb"
    data_dir.mkdir(parents=True, exist_ok=True)
    con = open_warehouse(db)
    try:
        load_board(con, board_load(date(2026, 11, 1), [posting("1")]))
        con.execute("UPDATE posting_labels SET work_arrangement = 'remote'")
    finally:
        con.close()
    result = CliRunner().invoke(main, ["reclassify", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "relabelled 1 postings" in result.output
    assert "1 had a label change" in result.output
    assert "  work_arrangement: 1 rows: remote -> " in result.output
