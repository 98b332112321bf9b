"""Fetch: walk one board's endpoints through the shared client, filing each page as it arrives.

Whatever stops a fetch becomes the outcome's reason, so one board's trouble cannot stop the
others. Whether trying again could help is the HTTP client's verdict (`HttpError.retriable`),
carried on the outcome for the orchestrator to act on; this step never retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from config import Settings
from ingest.archive import (
    close_attempt,
    file_page,
    previous_attempt,
    repeat_attempt,
    validators_of,
)
from ingest.plan import http_settings
from ingest.records import FETCH_FAILED, BoardOutcome, PlannedBoard
from pipeline.http import HostPolicy, HttpClient, HttpError, NotModified, Validators
from pipeline.snapshot import SnapshotAdapter
from pipeline.sources.base import SourceError
from sample.recorded import sample_night
from warehouse.archive import ArchiveError, Attempt, RawArchive, new_attempt_id

SAMPLE_FETCH_HOUR = time(2, 0)


def make_client(settings: Settings, night: date, planned: Sequence[PlannedBoard]) -> HttpClient:
    """The shared client; in sample mode its transport is the recorded night."""
    if settings.mode == "sample":
        client = HttpClient(
            http_settings(settings),
            now=lambda: datetime.combine(night, SAMPLE_FETCH_HOUR, tzinfo=UTC),
        )
        adapter = SnapshotAdapter(sample_night(night))
        client.session.mount("https://", adapter)
        client.session.mount("http://", adapter)
        return client
    client = HttpClient(http_settings(settings))
    for item in planned:
        policy = HostPolicy(item.source.settings.min_interval, item.source.settings.max_concurrency)
        for host in item.source.hosts(item.board):
            client.set_host_policy(host, policy)
        client.allow_hosts(item.source.hosts(item.board))
    return client


def download(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
) -> BoardOutcome:
    """Fetch one board as a new archive attempt, filing every page as it arrives; never raises.

    The attempt's manifest is written when the fetch ends, saying whether it ran to the end,
    so a failed or cut-short fetch is archived beside the night's others, never over them.
    Bodies are content-addressed, so a fetch tried again later stores nothing twice.

    A board whose last loaded attempt kept validators is fetched conditionally: a 304 files
    this attempt as a repeat of that one (same pages, read back from the archive), which
    loads as a complete, unchanged listing. If those pages cannot be read back, the board is
    fetched again in full.
    """
    source, board = item.source, item.board
    outcome = BoardOutcome(run_id, mode, source.name, board.token, night, datetime.now(UTC))
    outcome.fetch_id = new_attempt_id()
    previous = previous_attempt(archive, item)
    same_as = None
    try:
        try:
            _fetch_pages(item, client, archive, outcome, previous and _validators(previous))
        except NotModified:
            if previous is None or outcome.pages:
                raise
            if repeat_attempt(archive, outcome, previous, client.now()):
                same_as = previous.fetch_id
            else:
                _fetch_pages(item, client, archive, outcome, None)
    except HttpError as exc:
        outcome.error = f"{FETCH_FAILED}{type(exc).__name__}: {exc}"
        outcome.retriable = exc.retriable
    except (SourceError, ArchiveError) as exc:
        outcome.error = f"{FETCH_FAILED}{type(exc).__name__}: {exc}"
    except Exception as exc:  # an adapter bug must not take the night down; the reason is kept
        outcome.error = f"{FETCH_FAILED}unexpected {type(exc).__name__}: {exc}"
    validators = previous.validators if same_as and previous else validators_of(item, outcome)
    close_attempt(archive, outcome, validators, same_as)
    return outcome


def _fetch_pages(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    outcome: BoardOutcome,
    validators: Validators | None,
) -> None:
    with client.revalidating(validators):
        for page in item.source.fetch(client, item.board, outcome.fetch_id):
            file_page(archive, outcome, page)


def _validators(attempt: Attempt) -> Validators | None:
    v = attempt.validators or {}
    if not v.get("url"):
        return None
    return Validators(v["url"], v.get("etag"), v.get("last_modified"))


def failed_outcome(
    item: PlannedBoard, night: date, run_id: str, mode: str, reason: str
) -> BoardOutcome:
    """A board whose fetch never returned (timed out, crashed): recorded, never empty."""
    return BoardOutcome.unfetched(item, night, run_id, mode, f"{FETCH_FAILED}{reason}")
