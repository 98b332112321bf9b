"""Fetch attempts end to end: live nights, refetches and reparse over a real socket.

Issue 15 findings 1-3 and 5 on the engine side. Each fetch is its own archive attempt, runs
say which attempt each load used, and `reparse` loads exactly those again, so a failed
refetch of a loaded night, then a retry that returns fewer pages, cannot change what a
reparse rebuilds. A damaged archive object fails that board's reparse only, with its reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config import Settings, load_settings
from ingest.night import ingest_night
from ingest.plan import NightRefused, check_night
from ingest.replay import reparse
from sample.recorded import sample_night
from tests.faultserver import Fault, FaultServer, live_config
from tests.faultserver import sample_boards as _sample_boards
from warehouse.archive import RawArchive
from warehouse.db import open_warehouse
from warehouse.runlock import RunLocked, run_lock

pytestmark = pytest.mark.faults

N1, N2 = date(2026, 11, 8), date(2026, 11, 15)
SOURCES = ["greenhouse", "smartrecruiters"]
BOARDS = _sample_boards()
TABLES = (
    "postings",
    "posting_labels",
    "posting_observations",
    "posting_versions",
    "parse_errors",
    "board_listings",
    "raw_payloads",
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[FaultServer, Settings]]:
    with FaultServer(N1) as server:
        config = tmp_path / "sources.toml"
        config.write_text(live_config(server, SOURCES))
        yield server, load_settings(config, data_dir=tmp_path / "data")


def _night(server: FaultServer, settings: Settings, night: date) -> dict[str, str]:
    server.recorded = sample_night(night)
    summary = ingest_night(settings, night)
    return {b.source: b.status for b in summary.boards}


def _tables(settings: Settings) -> dict[str, list[tuple]]:
    con = open_warehouse(settings.db_path)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()


def _list_path() -> str:
    return f"/smartrecruiters/{BOARDS['smartrecruiters']['token']}/postings?"


def _shorter_listing(server: FaultServer) -> bytes:
    """The night's SmartRecruiters listing without its last posting: one detail page fewer."""
    _, _, body = server.normal(_list_path() + "limit=100&offset=0")
    doc = json.loads(body)
    doc["content"] = doc["content"][:-1]
    doc["totalFound"] = len(doc["content"])
    return json.dumps(doc).encode()


def test_reparse_rebuilds_what_the_live_loads_used(
    world: tuple[FaultServer, Settings],
) -> None:
    """Live nights, then a failed refetch of the last, then a retry with fewer pages: the
    archive keeps every attempt, and reparse gives back the live tables row for row."""
    server, settings = world
    assert _night(server, settings, N1) == {"greenhouse": "success", "smartrecruiters": "success"}
    assert _night(server, settings, N2) == {"greenhouse": "success", "smartrecruiters": "success"}
    server.fault(
        f"/smartrecruiters/{BOARDS['smartrecruiters']['token']}/postings/",
        Fault("unavailable", status=503),
    )
    assert _night(server, settings, N2)["smartrecruiters"] == "failed"
    server.reset()
    server.fault(_list_path(), Fault("body", body=_shorter_listing(server)))
    assert _night(server, settings, N2)["smartrecruiters"] == "success"
    server.reset()
    archive = RawArchive(settings.archive_dir)
    attempts = [fid for night, fid in archive.fetches() if night == N2]
    assert len(attempts) == 3 * len(SOURCES)
    con = open_warehouse(settings.db_path)
    tries = con.execute(
        "SELECT status, pages FROM runs WHERE source = 'smartrecruiters' AND as_of = ?"
        " ORDER BY finished_at",
        [N2],
    ).fetchall()
    con.close()
    (ok, full), (failed, partial), (retried, fewer) = tries
    assert (ok, failed, retried) == ("success", "failed", "success")
    assert 0 < partial < full and fewer == full - 1
    live = _tables(settings)
    runs = reparse(settings, N1, N2)
    assert [b.status for run in runs for b in run.boards] == ["success"] * 4
    assert _tables(settings) == live


def test_a_damaged_object_fails_that_boards_reparse_only(
    world: tuple[FaultServer, Settings], tmp_path: Path
) -> None:
    server, settings = world
    _night(server, settings, N2)
    archive = RawArchive(settings.archive_dir)
    con = open_warehouse(settings.db_path)
    (sha,) = con.execute(
        "SELECT sha256 FROM raw_payloads WHERE source = 'smartrecruiters' AND seq = 1"
    ).fetchone()
    con.close()
    archive.body_path(sha).unlink()
    fresh = replace(settings, db_path=tmp_path / "fresh.duckdb")
    (run,) = reparse(fresh, N2, N2)
    status = {b.source: (b.status, b.error) for b in run.boards}
    assert status["greenhouse"] == ("success", None)
    assert status["smartrecruiters"][0] == "failed"
    assert (
        f"archive: MissingObject: archive object {sha} is missing" in status["smartrecruiters"][1]
    )
    con = open_warehouse(fresh.db_path)
    assert con.execute(
        "SELECT status, error FROM runs WHERE source = 'smartrecruiters'"
    ).fetchone() == ("failed", status["smartrecruiters"][1])
    assert con.execute(
        "SELECT count(*) FROM postings WHERE source = 'smartrecruiters'"
    ).fetchone() == (0,)
    assert (
        con.execute("SELECT count(*) FROM postings WHERE source = 'greenhouse'").fetchone()[0] > 0
    )
    con.close()
    report = archive.verify()
    assert list(report.missing) == [sha]


def test_nights_a_run_must_not_file_under_are_refused(
    world: tuple[FaultServer, Settings],
) -> None:
    """Finding 1 and 6: a past night in live mode only with --force; after tomorrow never."""
    _, live = world
    today = datetime.now(ZoneInfo(live.timezone)).date()
    check_night(live, today)
    check_night(live, today + timedelta(days=1))
    with pytest.raises(NightRefused, match=r"in the past.*--force"):
        check_night(live, today - timedelta(days=1))
    check_night(live, today - timedelta(days=1), force=True)
    with pytest.raises(NightRefused, match="after tomorrow"):
        check_night(live, today + timedelta(days=2), force=True)
    check_night(replace(live, mode="sample"), date(2026, 9, 13))


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from jobtrends.cli import _entry; _entry()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_the_cli_refuses_a_past_live_night_in_one_line(tmp_path: Path) -> None:
    done = _cli(
        "nightly",
        "--mode",
        "live",
        "--night",
        "2020-01-01",
        env={"JOBTRENDS_DATA_DIR": str(tmp_path)},
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: night 2020-01-01 is in the past: a live run fetches today's boards and would"
        " file them under 2020-01-01; pass --force to record them as a new attempt of that night"
    ]
    assert not (tmp_path / "raw").exists()


def test_archive_verify_reports_damage_and_exits_non_zero(
    world: tuple[FaultServer, Settings],
) -> None:
    server, settings = world
    _night(server, settings, N2)
    env = {
        "JOBTRENDS_DATA_DIR": str(settings.data_dir),
        "JOBTRENDS_CONFIG": str(settings.config_path),
    }
    ok = _cli("archive", "verify", env=env)
    assert ok.returncode == 0 and ok.stdout.strip().endswith(": ok"), ok.stderr
    archive = RawArchive(settings.archive_dir)
    night, fid = next(archive.fetches())
    sha = archive.manifest(night, fid)[0]["sha256"]
    archive.body_path(sha).write_bytes(b"\x1f\x8b torn")
    bad = _cli("archive", "verify", env=env)
    assert bad.returncode == 1
    assert f"corrupt object {sha} (archive object {sha} is not valid gzip" in bad.stdout
    assert bad.stdout.strip().endswith("1 problems")


def test_reparse_and_backfill_take_the_run_lock(world: tuple[FaultServer, Settings]) -> None:
    """Finding 7: run during a nightly, reparse would load an in-progress fetch."""
    server, settings = world
    _night(server, settings, N2)
    with run_lock(settings.db_path), pytest.raises(RunLocked, match="another ingest"):
        reparse(settings, N2, N2)
    env = {
        "JOBTRENDS_DATA_DIR": str(settings.data_dir),
        "JOBTRENDS_CONFIG": str(settings.config_path),
    }
    with run_lock(settings.db_path):
        done = _cli("reparse", "--since", N2.isoformat(), env=env)
    assert done.returncode == 75
    assert done.stderr.startswith("Error: another ingest (pid ") and "Traceback" not in done.stderr
