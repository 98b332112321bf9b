"""Backfill and reparse rebuild the warehouse and reports from the raw archive alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses
from click.testing import CliRunner
from test_flows import snapshot

from flows.backfill import backfill, iso_week
from flows.nightly import replay_sample
from jobtrends.cli import main
from jobtrends.ingest import sample_nights

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_backfill_rebuilds_warehouse_and_reports_without_network(data_dir: Path) -> None:
    nights = sample_nights()[:2]
    replay_sample(nights=nights)
    db = data_dir / "warehouse.duckdb"
    original = snapshot(db)
    db.unlink()

    with responses.RequestsMock(assert_all_requests_are_fired=False):
        reports = backfill(nights[0], nights[-1])

    assert snapshot(db) == original
    assert sorted(Path(r).parent.name for r in reports) == sorted({iso_week(n) for n in nights})
    assert all("Sample data" in Path(r).read_text() for r in reports)


def test_reparse_command_loads_archived_nights(data_dir: Path) -> None:
    night = sample_nights()[0]
    replay_sample(nights=[night])
    db = data_dir / "warehouse.duckdb"
    original = snapshot(db)
    db.unlink()

    with responses.RequestsMock(assert_all_requests_are_fired=False):
        result = CliRunner().invoke(main, ["reparse", "--since", night.isoformat()])

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{night}: 9 boards")
    assert snapshot(db) == original
