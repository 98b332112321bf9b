"""The export replaces only its own output: user files survive, a killed export changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.group import group
from tests.support import ROOT, board_load, posting, warehouse
from warehouse.export import STAGING_PREFIX, export_parquet
from warehouse.load import load_board

CHILD = """
import sys
import time
import duckdb
from warehouse.export import export_parquet

class Slow:
    '''Stalls before the marts, after the postings reached the staging folder.'''
    def __init__(self, con):
        self.con = con
    def execute(self, sql, *args):
        if sql.startswith("COPY mart_"):
            print("staged", flush=True)
            time.sleep(60)
        return self.con.execute(sql, *args)

con = duckdb.connect(sys.argv[1], read_only=True)
export_parquet(Slow(con), sys.argv[2])
"""


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a"), posting("b", "Data Engineer")], date(2026, 9, 1)))
    group(con)
    con.close()
    return tmp_path / "warehouse.duckdb"


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def export(db: Path, out: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        export_parquet(con, out)
    finally:
        con.close()


def test_user_files_in_and_beside_the_export_survive(loaded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    mine = {
        "README.txt": b"mine",
        "postings/notes.md": b"my notes",
        "postings/week=2026-W36/keep.csv": b"1,2",
        "marts/my_chart.png": b"\x89PNG",
        "elsewhere/data.parquet": b"not yours",
    }
    for name, body in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(body)
    export(loaded, out)
    export(loaded, out)
    after = files(out)
    assert {k: after.get(k) for k in mine} == mine
    assert any(k.startswith("postings/week=2026-W36/source=greenhouse/") for k in after)
    assert "marts/mart_role_demand.parquet" in after
    assert not list(out.glob(f"{STAGING_PREFIX}*"))


@pytest.mark.crash
def test_an_export_killed_midway_leaves_the_previous_one(loaded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(loaded, out)
    (out / "postings" / "notes.md").write_text("mine")
    before = files(out)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(loaded), str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "staged"
        staged = next(out.glob(f"{STAGING_PREFIX}*"))
        assert (staged / "postings").is_dir()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert {k: v for k, v in files(out).items() if not k.startswith(STAGING_PREFIX)} == before
    export(loaded, out)
    assert not list(out.glob(f"{STAGING_PREFIX}*"))
    assert (out / "postings" / "notes.md").read_text() == "mine"
    rows = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{out}/postings/**/*.parquet', hive_partitioning = 1)"
    ).fetchall()
    assert rows == [(2,)]
