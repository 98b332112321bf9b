"""Two ingests at once: the run lock makes the second wait or stop with a clear message, and
DuckDB's own writer lock keeps two loaders from corrupting one file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integrity import ROOT, loader, problems, snapshot
from warehouse.runlock import RunLocked, lock_path_for, run_lock

HOLDER = """
import sys, time
from warehouse.runlock import run_lock
with run_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


def hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_ingest_is_refused_naming_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    holder = hold_lock(db, 30)
    try:
        with pytest.raises(RunLocked, match=f"pid {holder.pid}"), run_lock(db, wait_seconds=0.3):
            pytest.fail("took a lock another process holds")
    finally:
        holder.kill()
        holder.wait()


def test_a_second_ingest_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    holder = hold_lock(db, 1.0)
    started = time.monotonic()
    with run_lock(db, wait_seconds=20):
        assert holder.wait(timeout=5) == 0
        assert time.monotonic() - started >= 0.5
        assert lock_path_for(db).read_text().strip() == str(os.getpid())


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    holder = hold_lock(db, 60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with run_lock(db, wait_seconds=0):
        pass


def test_the_lock_is_reentrant_across_runs_in_one_process(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    for _ in range(2):
        with run_lock(db):
            pass
    assert lock_path_for(db).read_text() == ""


def test_two_loaders_on_one_file_leave_it_consistent(tmp_path: Path) -> None:
    """While one loader holds the file, an impatient second one gives up with
    WarehouseLocked and a patient third waits its turn; the file ends as one clean load."""
    db, archive = tmp_path / "warehouse.duckdb", tmp_path / "raw"
    first = loader(db, archive, 1, "--hold", "2")
    assert first.stdout is not None and first.stdout.readline().strip() == "opened"
    impatient = loader(db, archive, 1, "--wait", "0.5")
    patient = loader(db, archive, 1, "--wait", "30")
    out, _ = impatient.communicate(timeout=60)
    assert impatient.returncode == 3 and "is locked by another process" in out
    for proc in (first, patient):
        proc.communicate(timeout=60)
        assert proc.returncode == 0

    reference = loader(tmp_path / "reference.duckdb", tmp_path / "reference-raw", 1)
    reference.communicate(timeout=60)
    assert problems(db) == []
    assert snapshot(db) == snapshot(tmp_path / "reference.duckdb")


@pytest.mark.usefixtures("prefect_harness")
def test_the_nightly_flow_refuses_to_run_beside_another_ingest(data_dir: Path) -> None:
    from flows.nightly import nightly
    from ingest.plan import sample_nights

    holder = hold_lock(data_dir / "warehouse.duckdb", 60)
    try:
        state = nightly(night=sample_nights()[0], mode="sample", return_state=True)
    finally:
        holder.kill()
        holder.wait()
    assert state.is_failed()
    with pytest.raises(RunLocked, match=f"pid {holder.pid}"):
        state.result()
    assert not (data_dir / "raw").exists()
