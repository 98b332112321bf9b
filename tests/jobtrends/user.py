"""Running `jobtrends` as a user does: a separate process, its exit code and its stderr.

`PREFECT_API_URL` points at a closed loopback port, so a command that should not touch
Prefect and does would fail instead of quietly starting a throwaway server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from config import load_settings
from ingest.night import ingest_night
from ingest.plan import sample_nights

TIME_LIMIT = 120
NO_PREFECT = "http://127.0.0.1:9/api"


@dataclass(frozen=True, slots=True)
class Ran:
    code: int
    out: str
    err: str


def jobtrends(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Ran:
    """`python -m jobtrends ARGS` with the given environment on top of this one's."""
    merged = {**os.environ, "PREFECT_API_URL": NO_PREFECT, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "jobtrends", *args],
        capture_output=True,
        text=True,
        env=merged,
        cwd=cwd,
        timeout=TIME_LIMIT,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def clean_failure(ran: Ran, code: int) -> str:
    """Assert the command failed with `code` in at most two stderr lines and no traceback;
    return the stderr for the caller's own checks."""
    assert ran.code == code, (ran.code, ran.err)
    assert "Traceback" not in ran.err, ran.err
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, ran.err
    return ran.err


def sample_warehouse(root: Path) -> Path:
    """A data dir holding the sample's last night, loaded without Prefect."""
    ingest_night(load_settings(mode="sample", data_dir=root), sample_nights()[-1])
    return root
