"""Warehouse integrity checks shared by the crash and concurrency tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import support
from warehouse.db import open_warehouse

ROOT = support.ROOT
DATA_TABLES = (
    "postings",
    "posting_labels",
    "posting_observations",
    "posting_versions",
    "posting_canonical",
    "raw_payloads",
    "parse_errors",
)
CHILD_TABLES = ("posting_labels", "posting_observations", "posting_versions", "posting_canonical")


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table a crash could leave half-written."""
    return support.snapshot(db, DATA_TABLES)


def problems(db: Path) -> list[str]:
    """What is wrong with the file: orphans, runs without their rows, rows without a run."""
    con = open_warehouse(db)
    found: list[str] = []
    try:
        for table in CHILD_TABLES:
            orphans = con.execute(
                f"SELECT count(*) FROM {table} c WHERE NOT EXISTS (SELECT 1 FROM postings p"
                " WHERE p.source = c.source AND p.source_id = c.source_id)"
            ).fetchone()[0]
            if orphans:
                found.append(f"{orphans} {table} rows without a posting")
        bad_status = con.execute(
            "SELECT count(*) FROM runs WHERE status NOT IN ('success', 'failed')"
        ).fetchone()[0]
        if bad_status:
            found.append(f"{bad_status} runs with an unknown status")
        unrun = con.execute(
            "SELECT count(*) FROM postings p WHERE NOT EXISTS (SELECT 1 FROM runs r"
            " WHERE r.source = p.source AND r.board = p.board AND r.status = 'success'"
            " AND r.as_of = p.last_seen)"
        ).fetchone()[0]
        if unrun:
            found.append(f"{unrun} postings last seen on a night with no successful run")
        unindexed = con.execute(
            "SELECT count(*) FROM runs r WHERE status = 'success' AND pages > 0 AND NOT EXISTS"
            " (SELECT 1 FROM raw_payloads w WHERE w.source = r.source AND w.board = r.board"
            " AND w.as_of = r.as_of)"
        ).fetchone()[0]
        if unindexed:
            found.append(f"{unindexed} successful runs whose pages are not indexed")
    finally:
        con.close()
    return found


def loader(db: Path, archive: Path, nights: int, *extra: str) -> subprocess.Popen[str]:
    """Start tests/loadchild.py in its own process (so it can be killed without us)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.loadchild", str(db), str(archive), str(nights), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**_env(), "PYTHONPATH": str(ROOT)},
    )


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("JOBTRENDS_")}
