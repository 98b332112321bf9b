"""A DuckDB file held by another process: a clear error, retries, and an intact file."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from config import load_settings
from flows.nightly import nightly
from ingest import replay
from ingest.plan import sample_nights
from warehouse.db import WarehouseLocked, connect

HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS held AS SELECT 42 AS answer")
print("held", flush=True)
sys.stdin.read()
con.close()
"""


@contextmanager
def held_by_another_process(db: Path) -> Iterator[None]:
    """A user's open DuckDB session, in its own process, writing to `db` until released."""
    db.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_connect_waits_then_names_the_lock(data_dir: Path) -> None:
    db = data_dir / "warehouse.duckdb"
    with held_by_another_process(db), pytest.raises(WarehouseLocked, match="locked by another"):
        connect(db, wait_seconds=0.5)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT answer FROM held").fetchone() == (42,)
    con.close()


@pytest.mark.usefixtures("prefect_harness")
def test_nightly_load_retries_then_fails_with_the_lock_and_reparse_recovers(
    data_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(
        """
mode = "sample"
[http]
user_agent = "jobtrends-test"
[orchestration]
load_retries = 2
retry_delay_seconds = 0
lock_wait_seconds = 0.3
"""
    )
    night = sample_nights()[0]
    db = data_dir / "warehouse.duckdb"
    with held_by_another_process(db):
        state = nightly(night=night, config_path=str(config), return_state=True)

    assert state.is_failed()
    assert "locked by another process" in state.message
    con = duckdb.connect(str(db), read_only=True)
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    con.close()
    assert tables == {"held"}, "a locked run must write nothing"

    runs = replay.reparse(load_settings(str(config)), night, night)
    assert len(runs) == 1 and not runs[0].failed
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM postings").fetchone()[0] > 0
    assert con.execute("SELECT answer FROM held").fetchone() == (42,)
    con.close()
