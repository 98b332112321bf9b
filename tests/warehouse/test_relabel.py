"""A reclassify dry run says which labels, weekly figures and verdicts a rules change moves,
and leaves the warehouse exactly as it was."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from jobtrends import api
from jobtrends.cli import main
from tests.support import DATA_TABLES, board_load, posting, snapshot
from warehouse.db import open_warehouse
from warehouse.load import load_board
from warehouse.materialize import refresh_stored

NIGHT = date(2026, 11, 11)


def stale_labels(db: Path, n: int = 2) -> None:
    """`n` ML postings whose stored labels an older rule set made: all data analysts."""
    con = open_warehouse(db)
    try:
        load_board(con, board_load([posting(str(i)) for i in range(1, n + 1)], NIGHT))
        con.execute("UPDATE posting_labels SET role = 'data_analyst', is_ai = false")
        refresh_stored(con)
    finally:
        con.close()


def test_dry_run_reports_figure_and_label_moves_and_writes_nothing(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    db = data_dir / "w.duckdb"
    stale_labels(db, n=25)
    before = snapshot(db, (*DATA_TABLES, "posting_labels"))
    changes, figures, _ = api.reclassify_dry_run(db)
    assert snapshot(db, (*DATA_TABLES, "posting_labels")) == before
    assert changes.relabelled == 25
    assert changes.moves[("role", "data_analyst", "ml_engineer")] == 25
    moved = {row.figure: (row.before, row.after) for row in figures.figures.itertuples()}
    assert moved["AI jobs"] == (0.0, 25.0)
    assert moved["AI-role share"] == (0.0, 1.0)
    old, new = moved["open data_analyst"]
    assert old == 25.0 and math.isnan(new)
    assert figures.week == "2026-W46"
    flipped = figures.verdicts.set_index("claim")
    assert flipped.at["G5", "before"] == "insufficient data"
    assert flipped.at["G5", "after"] != "insufficient data"


def test_dry_run_command_prints_the_changes(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    db = data_dir / "w.duckdb"
    stale_labels(db)
    result = CliRunner().invoke(main, ["reclassify", "--db", str(db), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written; would relabel 2 postings" in result.output
    assert "  role: 2 rows: data_analyst -> ml_engineer (2)" in result.output
    assert "2026-W46 AI-role share: 0.0% -> 100.0%" in result.output
    assert "2026-W46 open data_analyst: 2 -> none" in result.output
    assert "guide-check verdicts that would change in 2026-W46: 0" in result.output
    again = CliRunner().invoke(main, ["reclassify", "--db", str(db), "--dry-run"])
    assert sorted(again.output.splitlines()) == sorted(result.output.splitlines())
