"""Backfill and reparse rebuild the warehouse and reports from the raw archive alone."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import responses
from click.testing import CliRunner

from config import load_settings
from flows.backfill import backfill, iso_week
from ingest import replay
from ingest.fetch import make_client
from ingest.load import load_all
from ingest.night import fetch_board
from ingest.plan import plan, sample_nights
from ingest.records import FETCH_FAILED, PlannedBoard
from jobtrends.cli import main
from pipeline.http import RetriableHttpError
from pipeline.models import RawPage
from pipeline.sources.base import Source
from sample.recorded import sample_manifest
from tests.support import snapshot
from warehouse.archive import RawArchive

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_backfill_rebuilds_warehouse_and_reports_without_network(replayed) -> None:
    nights = sample_nights()[:2]
    db, original = replayed(nights)
    db.unlink()

    with responses.RequestsMock(assert_all_requests_are_fired=False):
        reports = backfill(nights[0], nights[-1])

    assert snapshot(db) == original
    assert sorted(Path(r).parent.name for r in reports) == sorted({iso_week(n) for n in nights})
    assert all("Sample data" in Path(r).read_text() for r in reports)


def test_reparse_command_loads_archived_nights(replayed) -> None:
    night = sample_nights()[0]
    db, original = replayed([night])
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


def _cut_short_after_one_page(source: Source) -> Source:
    """The source, but its fetch dies after the first page, as a dropped connection would:
    the attempt is archived incomplete."""
    real = source.fetch

    def fetch(client: Any, board: Any, fetch_id: str) -> Iterator[RawPage]:
        yield next(iter(real(client, board, fetch_id)))
        raise RetriableHttpError("https://boards-api.greenhouse.io", "HTTP 503", 503)

    cut = copy.copy(source)
    cut.fetch = fetch  # type: ignore[method-assign]
    return cut


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
        if night == second and last_error.startswith(FETCH_FAILED):
            item = PlannedBoard(_cut_short_after_one_page(item.source), item.board)
        outcome = fetch_board(item, client, archive, night, f"run-{night}", "live")
        if night == second:
            assert outcome.load is None or not last_error.startswith(FETCH_FAILED)
            outcome.load, outcome.error = None, outcome.error or last_error
        load_all(settings.db_path, [outcome])

    (run,) = replay.reparse(settings, second, second)

    assert [b.status for b in run.boards] == ["success"]
    assert run.boards[0].closed == closed
