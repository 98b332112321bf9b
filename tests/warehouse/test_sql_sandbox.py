"""`jobtrends sql` sees the warehouse and nothing else: no files, COPY, ATTACH or INSTALL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtrends.cli import main
from warehouse.db import open_warehouse


@pytest.fixture
def warehouse_file(data_dir: Path) -> Path:
    path = data_dir / "warehouse.duckdb"
    open_warehouse(path).close()
    return path


def test_tables_and_views_can_be_queried(warehouse_file: Path) -> None:
    result = CliRunner().invoke(main, ["sql", "select count(*) as n from mart_weekly_postings"])
    assert result.exit_code == 0, result.output
    assert "n" in result.output


@pytest.mark.parametrize(
    "query",
    [
        "select * from read_csv('/etc/passwd', sep = ':')",
        "select * from read_text('/etc/hostname')",
        "select * from glob('/etc/*')",
        "copy (select 1) to '{out}'",
        "attach '{out}' as other",
        "install httpfs",
        "set enable_external_access = true",
        "set lock_configuration = false",
    ],
)
def test_escapes_are_refused_in_one_line(warehouse_file: Path, tmp_path: Path, query: str) -> None:
    out = tmp_path / "stolen.duckdb"
    result = CliRunner().invoke(main, ["sql", query.format(out=out)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_writes_are_refused(warehouse_file: Path) -> None:
    result = CliRunner().invoke(main, ["sql", "delete from postings"])
    assert result.exit_code == 1 and "read-only" in result.output


def test_a_missing_warehouse_is_one_line(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["sql", "select 1"])
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert result.output.count("\n") == 1, result.output
