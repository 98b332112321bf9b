"""Replaying the archive: unchanged fetches are not parsed again, and worker processes load
exactly what parsing in-process loads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses

from config import load_settings
from flows.nightly import replay_sample
from ingest import replay
from ingest.plan import sample_nights
from sample.recorded import sample_manifest
from tests.integrity import snapshot
from tests.support import count_parses
from warehouse.db import open_warehouse
from warehouse.load import BoardLoad, record_unchanged

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def loaded_night(data_dir: Path) -> Path:
    """One sample night loaded by the real nightly flow; the warehouse file."""
    replay_sample(nights=[sample_nights()[0]])
    return data_dir / "warehouse.duckdb"


def test_an_unchanged_night_is_replayed_without_parsing(
    loaded_night: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(loaded_night)
    parsed = count_parses(monkeypatch, replay)

    with responses.RequestsMock(assert_all_requests_are_fired=False):
        [run] = replay.reparse(load_settings(None), sample_nights()[0])

    assert parsed == []
    assert snapshot(loaded_night) == before
    assert len(run.boards) == len(sample_manifest()["boards"])
    assert {b.status for b in run.boards} == {"success"}
    con = open_warehouse(loaded_night)
    try:
        flow_counts, replay_counts = (
            sorted(
                con.execute(
                    "SELECT source, board, fetched, parse_errors, load_digest FROM runs "
                    f"WHERE {where}"
                ).fetchall()
            )
            for where in ("NOT starts_with(run_id, 'reparse-')", "starts_with(run_id, 'reparse-')")
        )
    finally:
        con.close()
    assert replay_counts == flow_counts


def test_a_load_recorded_without_a_parse_key_is_parsed_again(
    loaded_night: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = open_warehouse(loaded_night)
    con.execute("UPDATE runs SET parse_key = NULL")
    con.close()
    before = snapshot(loaded_night)
    parsed = count_parses(monkeypatch, replay)

    with responses.RequestsMock(assert_all_requests_are_fired=False):
        replay.reparse(load_settings(None), sample_nights()[0])

    assert len(parsed) == len(sample_manifest()["boards"])
    assert snapshot(loaded_night) == before


def test_worker_processes_load_what_one_process_loads(data_dir: Path, tmp_path: Path) -> None:
    nights = sample_nights()[:2]
    replay_sample(nights=nights)
    settings = load_settings(None)
    db = settings.db_path
    db.unlink()
    replay.reparse(settings, nights[0], nights[-1], workers=0)
    in_process = snapshot(db)
    db.unlink()

    replay.reparse(settings, nights[0], nights[-1], workers=2)

    assert snapshot(db) == in_process


def test_a_changed_parse_key_is_refused_not_recorded(loaded_night: Path) -> None:
    con = open_warehouse(loaded_night)
    try:
        source, board, as_of, fetch_id = con.execute(
            "SELECT source, board, as_of, fetch_id FROM raw_payloads LIMIT 1"
        ).fetchone()
        runs = con.execute("SELECT count(*) FROM runs").fetchone()
        stale = BoardLoad(
            run_id="later",
            mode="sample",
            source=source,
            board=board,
            as_of=as_of,
            fetch_id=fetch_id,
            started_at=datetime.now(UTC),
            pages=[],
            postings=[],
            labels=[],
            parse_key="not the key that was loaded",
        )
        with pytest.raises(ValueError, match="parse key changed"):
            record_unchanged(con, [stale])
        assert con.execute("SELECT count(*) FROM runs").fetchone() == runs
    finally:
        con.close()
