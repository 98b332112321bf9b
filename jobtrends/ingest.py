"""The nightly ingest as plain functions: plan the boards, fetch one, load the results.

The Prefect flows call these as tasks; tests and the CLI can call them directly. A board
fetch never raises: whatever goes wrong becomes a failed `BoardOutcome` with its reason, so
one board's trouble cannot stop the others, and a failed board loads nothing at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import duckdb

from jobtrends.config import Settings
from pipeline.http import HostPolicy, HttpClient, HttpError
from pipeline.labels import label_postings
from pipeline.models import Board, RawPage
from pipeline.snapshot import SnapshotAdapter, sample_manifest, sample_night
from pipeline.sources import get_source
from pipeline.sources.base import Source, SourceError
from warehouse.archive import RawArchive
from warehouse.load import (
    BoardLoad,
    LoadCounts,
    PageRecord,
    load_board,
    load_boards,
    page_record,
    record_failed_fetch,
)

SAMPLE_FETCH_HOUR = time(2, 0)


@dataclass(frozen=True, slots=True)
class PlannedBoard:
    source: Source
    board: Board


@dataclass(slots=True)
class BoardOutcome:
    run_id: str
    mode: str
    source: str
    board: str
    night: date
    started_at: datetime
    pages: list[PageRecord] = field(default_factory=list)
    load: BoardLoad | None = None
    error: str | None = None


@dataclass(slots=True)
class BoardSummary:
    source: str
    board: str
    status: str
    pages: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0
    parse_errors: int = 0
    error: str | None = None


@dataclass(slots=True)
class RunSummary:
    run_id: str
    night: date
    mode: str
    boards: list[BoardSummary] = field(default_factory=list)

    @property
    def failed(self) -> list[BoardSummary]:
        return [b for b in self.boards if b.status == "failed"]


def fetch_id(source: str, board: str, night: date) -> str:
    """One fetch per board and night, so a rerun of the night replaces, not duplicates."""
    return hashlib.sha256(f"{source}\x1f{board}\x1f{night.isoformat()}".encode()).hexdigest()[:32]


def sample_nights() -> list[date]:
    return sorted(date.fromisoformat(n) for n in sample_manifest()["nights"])


def plan(
    settings: Settings,
    sources: Sequence[str] | None = None,
    companies: Sequence[str] | None = None,
) -> list[PlannedBoard]:
    """The boards this run reads: the sample's own boards, or the configured live ones."""
    wanted_sources = set(sources) if sources else None
    wanted_companies = {c.lower() for c in companies} if companies else None
    planned: list[PlannedBoard] = []
    if settings.mode == "sample":
        boards = [
            (
                Board(
                    b["source"],
                    b["token"],
                    b["company"],
                    {**b["options"], "industry": b["industry"]},
                ),
                None,
            )
            for b in sample_manifest()["boards"]
        ]
    else:
        boards = [
            (board, cfg.settings)
            for cfg in settings.sources.values()
            if cfg.enabled
            for board in cfg.boards
        ]
    for board, source_settings in boards:
        if wanted_sources is not None and board.source not in wanted_sources:
            continue
        if wanted_companies is not None and not (
            {board.token.lower(), board.company.lower()} & wanted_companies
        ):
            continue
        planned.append(PlannedBoard(get_source(board.source, source_settings), board))
    return planned


def make_client(settings: Settings, night: date, planned: Sequence[PlannedBoard]) -> HttpClient:
    """The shared client; in sample mode its transport is the recorded night."""
    if settings.mode == "sample":
        client = HttpClient(
            settings.http,
            now=lambda: datetime.combine(night, SAMPLE_FETCH_HOUR, tzinfo=UTC),
        )
        adapter = SnapshotAdapter(sample_night(night))
        client.session.mount("https://", adapter)
        client.session.mount("http://", adapter)
        return client
    client = HttpClient(settings.http)
    for item in planned:
        policy = HostPolicy(item.source.settings.min_interval, item.source.settings.max_concurrency)
        for host in item.source.hosts(item.board):
            client.set_host_policy(host, policy)
    return client


def fetch_board(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
) -> BoardOutcome:
    """Fetch, archive every page as it arrives, then parse and label; never raises."""
    source, board = item.source, item.board
    outcome = BoardOutcome(run_id, mode, source.name, board.token, night, datetime.now(UTC))
    fid = fetch_id(source.name, board.token, night)
    pages: list[RawPage] = []
    try:
        for page in source.fetch(client, board, fid):
            path = archive.put(page, night)
            pages.append(page)
            outcome.pages.append(page_record(page, path))
        result = source.parse(pages, board)
    except (HttpError, SourceError) as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
        return outcome
    except Exception as exc:  # a parser bug must not take the night down; the reason is kept
        outcome.error = f"unexpected {type(exc).__name__}: {exc}"
        return outcome
    outcome.load = BoardLoad(
        run_id=run_id,
        mode=mode,
        source=source.name,
        board=board.token,
        as_of=night,
        fetch_id=fid,
        started_at=outcome.started_at,
        pages=outcome.pages,
        postings=result.postings,
        labels=label_postings(result.postings, board.options.get("industry"), night),
        errors=result.errors,
        closes_missing=source.closes_missing,
        suspect_fraction=source.settings.options.get("suspect_fraction"),
    )
    return outcome


def load_outcome(con: duckdb.DuckDBPyConnection, outcome: BoardOutcome) -> BoardSummary:
    """Load a successful fetch in one transaction, or record why the board failed."""
    load = outcome.load
    if load is not None:
        try:
            counts = load_board(con, load)
        except duckdb.Error as exc:
            outcome.error = f"load failed, nothing kept: {type(exc).__name__}: {exc}"
        else:
            return _summary(outcome, "success", len(load.pages), counts)
    record_failed_fetch(
        con,
        outcome.run_id,
        outcome.mode,
        outcome.source,
        outcome.board,
        outcome.night,
        outcome.started_at,
        outcome.pages,
        outcome.error,
    )
    return _summary(outcome, "failed", len(outcome.pages), None)


def load_outcomes(
    con: duckdb.DuckDBPyConnection, outcomes: Sequence[BoardOutcome]
) -> list[BoardSummary]:
    """Load a run's fetches one transaction per source, and record the failed ones.

    A source's boards go in as one batch, so the fixed cost of each statement is paid per
    source, not per board. If a batch fails to load, its boards are retried one at a time, so
    one board's bad data cannot keep its siblings out.
    """
    summaries: dict[int, BoardSummary] = {}
    by_source: dict[str, list[int]] = {}
    for i, outcome in enumerate(outcomes):
        if outcome.load is None:
            summaries[i] = load_outcome(con, outcome)
        else:
            by_source.setdefault(outcome.source, []).append(i)
    for indexes in by_source.values():
        batch = [outcomes[i] for i in indexes]
        try:
            counts = load_boards(con, [o.load for o in batch if o.load is not None])
        except duckdb.Error:
            for i, outcome in zip(indexes, batch, strict=True):
                summaries[i] = load_outcome(con, outcome)
        else:
            for i, outcome, c in zip(indexes, batch, counts, strict=True):
                pages = len(outcome.load.pages) if outcome.load else 0
                summaries[i] = _summary(outcome, "success", pages, c)
    return [summaries[i] for i in range(len(outcomes))]


def _summary(
    outcome: BoardOutcome, status: str, pages: int, counts: LoadCounts | None
) -> BoardSummary:
    c = counts or LoadCounts(0, 0, 0, 0, 0)
    return BoardSummary(
        outcome.source,
        outcome.board,
        status,
        pages,
        c.fetched,
        c.new,
        c.updated,
        c.closed,
        c.parse_errors,
        outcome.error,
    )
