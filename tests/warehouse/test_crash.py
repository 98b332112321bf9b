"""SIGKILL a loading process at random moments, rerun the load, and audit the warehouse.

Each round starts a child that replays sample nights into a DuckDB file and kills it after a
random delay (anywhere from migration to the last commit), then reruns the same load to the
end. The file must open, hold no orphans, and equal a warehouse loaded once without a crash,
row for row. `JOBTRENDS_CRASH_ROUNDS` (default 2) sets the rounds; the seed is printed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
from pathlib import Path

import pytest

from tests.integrity import loader, problems, snapshot
from tests.tally import TALLY

pytestmark = pytest.mark.crash

NIGHTS = 2
ROUNDS = int(os.environ.get("JOBTRENDS_CRASH_ROUNDS", "2"))
SEED = int(os.environ.get("JOBTRENDS_CRASH_SEED", str(random.SystemRandom().randrange(10**6))))


def load(db: Path, archive: Path) -> None:
    proc = loader(db, archive, NIGHTS)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.splitlines()[-1] == "done"


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    root = tmp_path_factory.mktemp("clean")
    load(root / "warehouse.duckdb", root / "raw")
    return snapshot(root / "warehouse.duckdb")


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_killed_load_reruns_to_the_same_warehouse(
    clean: dict[str, list[tuple]], tmp_path: Path, round_: int
) -> None:
    rng = random.Random(SEED + round_)
    delay = rng.uniform(0.0, 4.0)
    print(f"crash seed {SEED + round_}: SIGKILL {delay:.2f}s after the child opened the file")
    db, archive = tmp_path / "warehouse.duckdb", tmp_path / "raw"
    proc = loader(db, archive, NIGHTS)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "opened"
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.communicate()
    TALLY["crash points tried"] += 1
    if proc.returncode == -signal.SIGKILL:
        TALLY["crash points that killed a load"] += 1

    load(db, archive)

    assert problems(db) == []
    after = snapshot(db)
    lost = sum(len(set(map(repr, rows)) - set(map(repr, after[t]))) for t, rows in clean.items())
    TALLY["rows lost after crashes"] += lost
    assert after == clean
