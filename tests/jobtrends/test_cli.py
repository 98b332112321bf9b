"""The CLI is a thin layer: commands resolve settings, talk to the API, and are documented."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from jobtrends.cli import main
from tests.support import ROOT
from warehouse.db import open_warehouse

README = ROOT / "README.md"


def command_names(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            names += command_names(command, full + " ")
        else:
            names.append(full)
    return names


def test_every_command_is_documented_in_the_readme() -> None:
    text = README.read_text()
    missing = [n for n in command_names(main) if f"jobtrends {n}" not in text]
    assert missing == []


def test_where_prints_resolved_locations(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["where"])
    assert result.exit_code == 0
    assert f"warehouse: {data_dir / 'warehouse.duckdb'}" in result.output


def test_sql_runs_read_only_queries(data_dir: Path) -> None:
    open_warehouse(data_dir / "warehouse.duckdb").close()
    result = CliRunner().invoke(main, ["sql", "select count(*) as n from postings"])
    assert result.exit_code == 0 and "n" in result.output and "0" in result.output
    denied = CliRunner().invoke(main, ["sql", "delete from postings"])
    assert denied.exit_code != 0
