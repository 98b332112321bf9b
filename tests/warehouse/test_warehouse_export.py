"""Parquet export: postings partitioned by week and source, one file per mart, rerunnable."""

from __future__ import annotations

from datetime import date

import duckdb
from click.testing import CliRunner

from ingest.group import group
from jobtrends.cli import main
from tests.support import board_load, posting, warehouse
from warehouse.export import export_parquet
from warehouse.load import load_board


def _loaded(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a"), posting("b", "Data Engineer")], date(2026, 9, 1)))
    load_board(
        con,
        board_load(
            [posting("r1", "Prompt Engineer", source="remotive", board="all")],
            date(2026, 9, 8),
            source="remotive",
            board="all",
        ),
    )
    group(con)
    return con


def test_export_writes_hive_partitions_and_marts(tmp_path):
    con = _loaded(tmp_path)
    out = tmp_path / "export"
    export_parquet(con, out)
    result = export_parquet(con, out)
    assert result.postings == 3
    assert (out / "postings" / "week=2026-W36" / "source=greenhouse").is_dir()
    assert (out / "postings" / "week=2026-W37" / "source=remotive").is_dir()
    rows = duckdb.sql(
        f"SELECT week, source, source_id FROM read_parquet('{out}/postings/**/*.parquet', "
        "hive_partitioning = true) ORDER BY source_id"
    ).fetchall()
    assert rows == [
        ("2026-W36", "greenhouse", "a"),
        ("2026-W36", "greenhouse", "b"),
        ("2026-W37", "remotive", "r1"),
    ]
    assert {"mart_role_demand", "mart_weekly_postings", "canonical_jobs"} <= set(result.marts)
    demand = duckdb.sql(f"SELECT count(*) FROM '{out}/marts/mart_role_demand.parquet'").fetchall()
    assert demand == [(result.marts["mart_role_demand"],)]


def test_cli_export_command(tmp_path, monkeypatch):
    _loaded(tmp_path).close()
    monkeypatch.setenv("JOBTRENDS_DB", str(tmp_path / "warehouse.duckdb"))
    out = tmp_path / "cli-export"
    result = CliRunner().invoke(main, ["export", "--format", "parquet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 postings" in result.output
    assert (out / "marts" / "mart_salary_bands.parquet").exists()
