"""One night without an orchestrator: the steps in order, in this process.

The nightly flow runs the same steps as Prefect tasks (retries, parallel fetches, a parse
cache); this is the plain sequence, for tests, tools and anyone embedding the engine.
"""

from __future__ import annotations

import uuid
from datetime import date

from config import Settings
from ingest.fetch import download, make_client
from ingest.load import finish, load_all
from ingest.parse import parse_board
from ingest.plan import plan
from ingest.records import BoardOutcome, PlannedBoard, RunSummary
from pipeline.http import HttpClient
from warehouse.archive import RawArchive


def fetch_board(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
) -> BoardOutcome:
    """Fetch, archive every page as it arrives, then parse and label; never raises."""
    outcome = download(item, client, archive, night, run_id, mode)
    return finish(outcome, item, parse_board(item.source, item.board, outcome.raw_pages))


def ingest_night(settings: Settings, night: date, run_id: str | None = None) -> RunSummary:
    """Plan, fetch, parse, load and group one night, one board after another."""
    run_id = run_id or str(uuid.uuid4())
    planned = plan(settings)
    client = make_client(settings, night, planned)
    archive = RawArchive(settings.archive_dir)
    outcomes = [
        fetch_board(item, client, archive, night, run_id, settings.mode) for item in planned
    ]
    return RunSummary(run_id, night, settings.mode, load_all(settings.db_path, outcomes))
