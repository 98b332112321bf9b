"""Backfill: parse a range of archived nights again and rebuild their weekly reports.

No network: the raw archive holds every page as received, so a parser or classifier fix can
be applied to history. Loads go through the same idempotent merge as a nightly run, nights
oldest first, so the warehouse ends as if those nights had been ingested with today's code.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from config import Settings, load_settings
from flows.weekly import weekly
from ingest.records import RunSummary
from ingest.replay import reparse


@task(name="reparse-archive", cache_policy=NO_CACHE)
def reparse_task(settings: Settings, since: date, until: date) -> list[RunSummary]:
    return reparse(settings, since, until)


def iso_week(night: date) -> str:
    year, week, _ = night.isocalendar()
    return f"{year}-W{week:02d}"


@flow(name="backfill")
def backfill(since: date, until: date, config_path: str | None = None) -> list[str]:
    """Reparse nights `since`..`until` (inclusive), then write the report of every ISO week
    that had an archived night in the range; returns the report paths."""
    logger = get_run_logger()
    settings = load_settings(config_path)
    runs = reparse_task(settings, since, until)
    for run in runs:
        failed = ", ".join(f"{b.source}/{b.board}: {b.error}" for b in run.failed)
        logger.info(
            "%s: %d boards reparsed, %d postings, %d failed%s",
            run.night,
            len(run.boards),
            sum(b.fetched for b in run.boards),
            len(run.failed),
            f" ({failed})" if failed else "",
        )
    weeks = sorted({iso_week(run.night) for run in runs})
    if not weeks:
        logger.warning("no archived nights between %s and %s", since, until)
    return [weekly(week=week, config_path=config_path) for week in weeks]
