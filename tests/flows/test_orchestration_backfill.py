"""Backfill and reparse rebuild the warehouse and reports from the raw archive alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner

from config import load_settings
from flows.backfill import backfill, iso_week
from flows.nightly import replay_sample
from ingest import replay
from ingest.fetch import make_client
from ingest.load import load_all
from ingest.night import fetch_board
from ingest.plan import plan, sample_nights
from jobtrends.cli import main
from sample.recorded import sample_manifest
from tests.support import snapshot
from warehouse.archive import RawArchive

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
    boards = len(sample_manifest()["boards"])
    assert result.output.startswith(f"{night}: {boards} boards")
    assert snapshot(db) == original


def gh_jobs(*ids: int) -> dict:
    return {
        "jobs": [
            {
                "id": i,
                "title": f"ML Engineer {i}",
                "location": {"name": "Remote"},
                "updated_at": "2026-11-01T10:00:00-04:00",
                "absolute_url": f"https://x/{i}",
                "content": "&lt;p&gt;Hi&lt;/p&gt;",
            }
            for i in ids
        ],
        "meta": {"total": len(ids)},
    }


@pytest.mark.parametrize(
    ("last_error", "closed"),
    [("fetch: RetriableHttpError: HTTP 503", 0), ("parse: MalformedPayload: bad", 2)],
    ids=["cut-short-fetch", "complete-fetch"],
)
@responses.activate
def test_reparse_never_closes_postings_from_a_fetch_cut_short(
    data_dir: Path, tmp_path: Path, last_error: str, closed: int
) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(
        'mode = "live"\n[http]\nuser_agent = "t"\nmax_retries = 0\n'
        '[sources.greenhouse]\nmin_interval = 0\nboards = [{ token = "co" }]\n'
    )
    settings = load_settings(config)
    (item,) = plan(settings)
    archive = RawArchive(settings.archive_dir)
    url = "https://boards-api.greenhouse.io/v1/boards/co/jobs"
    first, second = date(2026, 11, 1), date(2026, 11, 2)
    responses.get(url, json=gh_jobs(1, 2, 3))
    responses.get(url, json=gh_jobs(1))
    for night in (first, second):
        client = make_client(settings, night, [item])
        outcome = fetch_board(item, client, archive, night, f"run-{night}", "live")
        if night == second:
            outcome.load, outcome.error = None, last_error
        load_all(settings.db_path, [outcome])

    (run,) = replay.reparse(settings, second, second)

    assert [b.status for b in run.boards] == ["success"]
    assert run.boards[0].closed == closed
