"""The nightly ingest flow: fetch every board in parallel, load them one at a time.

Fetch, archive, parse and label run as concurrent tasks (one per board); loading is a single
serial step because DuckDB has one writer. A board that fails is recorded in `runs` with its
reason and the others still load; the run then ends in a state named for the failures.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.states import Completed

from jobtrends import ingest
from jobtrends.config import load_settings
from pipeline.http import HttpClient
from warehouse.archive import RawArchive
from warehouse.canonical import refresh_canonical
from warehouse.db import open_warehouse


@task(
    name="fetch-board",
    cache_policy=NO_CACHE,
    task_run_name="fetch {item.board.source}/{item.board.token}",
)
def fetch_board_task(
    item: ingest.PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
) -> ingest.BoardOutcome:
    return ingest.fetch_board(item, client, archive, night, run_id, mode)


@task(name="load-boards", cache_policy=NO_CACHE)
def load_boards_task(
    db_path: str, outcomes: list[ingest.BoardOutcome]
) -> list[ingest.BoardSummary]:
    con = open_warehouse(db_path)
    try:
        summaries = ingest.load_outcomes(con, outcomes)
        refresh_canonical(con)
        return summaries
    finally:
        con.close()


@flow(name="nightly-ingest", log_prints=False)
def nightly(
    night: date | None = None,
    mode: str | None = None,
    sources: list[str] | None = None,
    companies: list[str] | None = None,
    dry_run: bool = False,
    config_path: str | None = None,
):
    """Ingest one night. `night` defaults to today in the configured timezone (sample mode:
    the sample's last night); `dry_run` fetches and parses but loads nothing."""
    logger = get_run_logger()
    settings = load_settings(config_path, mode=mode)
    if night is None:
        night = (
            ingest.sample_nights()[-1]
            if settings.mode == "sample"
            else datetime.now(ZoneInfo(settings.timezone)).date()
        )
    ctx = FlowRunContext.get()
    run_id = str(ctx.flow_run.id) if ctx and ctx.flow_run else str(uuid.uuid4())
    planned = ingest.plan(settings, sources, companies)
    client = ingest.make_client(settings, night, planned)
    archive = RawArchive(settings.archive_dir)
    futures = [
        fetch_board_task.submit(item, client, archive, night, run_id, settings.mode)
        for item in planned
    ]
    outcomes = [f.result() for f in futures]
    if dry_run:
        summaries = [
            ingest.BoardSummary(
                o.source,
                o.board,
                "failed" if o.error else "dry-run",
                len(o.pages),
                len(o.load.postings) if o.load else 0,
                error=o.error,
            )
            for o in outcomes
        ]
    else:
        summaries = load_boards_task(str(settings.db_path), outcomes)
    summary = ingest.RunSummary(run_id, night, settings.mode, summaries)
    _publish(summary)
    for board in summary.failed:
        logger.error("%s/%s failed: %s", board.source, board.board, board.error)
    logger.info(
        "night %s (%s): %d boards, %d postings fetched, %d new, %d closed, %d failed",
        night,
        settings.mode,
        len(summaries),
        sum(b.fetched for b in summaries),
        sum(b.new for b in summaries),
        sum(b.closed for b in summaries),
        len(summary.failed),
    )
    if summary.failed:
        names = ", ".join(f"{b.source}/{b.board}" for b in summary.failed)
        return Completed(
            name="Partially failed",
            message=f"{len(summary.failed)} of {len(summaries)} boards failed: {names}",
            data=summary,
        )
    return summary


def _publish(summary: ingest.RunSummary) -> None:
    create_table_artifact(
        key="nightly-ingest-summary",
        table=[
            {
                "source": b.source,
                "board": b.board,
                "status": b.status,
                "pages": b.pages,
                "fetched": b.fetched,
                "new": b.new,
                "updated": b.updated,
                "closed": b.closed,
                "parse_errors": b.parse_errors,
                "error": b.error or "",
            }
            for b in summary.boards
        ],
        description=f"Nightly ingest for {summary.night} ({summary.mode}), run {summary.run_id}",
    )


@flow(name="sample-replay")
def replay_sample(
    nights: Sequence[date] | None = None, config_path: str | None = None
) -> list[ingest.RunSummary]:
    """Run the nightly flow for each sample night in order, as if on those nights."""
    results = []
    for night in nights or ingest.sample_nights():
        state = nightly(night=night, mode="sample", config_path=config_path, return_state=True)
        results.append(state.result())
    return results
