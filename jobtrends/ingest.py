"""The nightly ingest as plain functions: plan the boards, fetch one, load the results.

The Prefect flows call these as tasks; tests and the CLI can call them directly. A board goes
through three steps that the flows run in different places: `download` (network and archive,
in the flow's process), `parse_board` (pure, so it can run on Dask and be cached by the hash
of its pages) and `load_outcome` (the one DuckDB writer). Whatever goes wrong becomes a failed
`BoardOutcome` with its reason, so one board's trouble cannot stop the others, and a failed
board loads nothing at all. `download` may instead raise a retriable `HttpError` when asked
to, so that the orchestrator, not this module, decides how often to try again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import requests

import pipeline.labels
from jobtrends.config import Settings
from pipeline.http import HostPolicy, HttpClient, HttpError
from pipeline.labels import LabelRow, label_each
from pipeline.models import Board, ParseError, Posting, RawPage
from pipeline.snapshot import SnapshotAdapter, sample_manifest, sample_night
from pipeline.sources import get_source
from pipeline.sources.base import Source, SourceError
from warehouse.archive import RawArchive
from warehouse.canonical import refresh_canonical
from warehouse.db import connect, create_views, migrate, open_warehouse
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
LOAD_BATCH_POSTINGS = 5_000
"""Most postings one load transaction takes before the next begins (see `load_outcomes`)."""
FETCH_FAILED = "fetch: "
"""Prefix of a failure that stopped a board mid-fetch: its archived pages are incomplete."""


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
    raw_pages: list[RawPage] = field(default_factory=list)


@dataclass(slots=True)
class ParsedBoard:
    """What `parse_board` makes of one board's pages; a pure function of them and the code."""

    postings: list[Posting] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    failure: str | None = None
    parse_seconds: float = 0.0
    classify_seconds: float = 0.0


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

    def by_source(self) -> list[dict[str, Any]]:
        """Totals per source, with each failed board and its reason."""
        totals: dict[str, dict[str, Any]] = {}
        for b in self.boards:
            row = totals.setdefault(
                b.source,
                {
                    "source": b.source,
                    "boards": 0,
                    "fetched": 0,
                    "new": 0,
                    "updated": 0,
                    "closed": 0,
                    "failed": 0,
                    "failures": [],
                },
            )
            row["boards"] += 1
            for name in ("fetched", "new", "updated", "closed"):
                row[name] += getattr(b, name)
            if b.status == "failed":
                row["failed"] += 1
                row["failures"].append(f"{b.board}: {b.error}")
        return [totals[name] for name in sorted(totals)]

    def to_json(self) -> dict[str, Any]:
        """The summary a webhook receives: per source and per board."""
        return {
            "run_id": self.run_id,
            "night": self.night.isoformat(),
            "mode": self.mode,
            "failed": len(self.failed),
            "boards": len(self.boards),
            "sources": self.by_source(),
            "board_results": [asdict(b) for b in self.boards],
        }


def fetch_id(source: str, board: str, night: date) -> str:
    """One fetch per board and night, so a rerun of the night replaces, not duplicates."""
    return hashlib.sha256(f"{source}\x1f{board}\x1f{night.isoformat()}".encode()).hexdigest()[:32]


def sample_nights() -> list[date]:
    return sorted(date.fromisoformat(n) for n in sample_manifest()["nights"])


def default_night(settings: Settings) -> date:
    """Today in the configured timezone, so a 02:00 run files under the night it ran in;
    in sample mode the sample's last night."""
    if settings.mode == "sample":
        return sample_nights()[-1]
    return datetime.now(ZoneInfo(settings.timezone)).date()


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
    outcome = download(item, client, archive, night, run_id, mode)
    return finish(outcome, item, parse_board(item.source, item.board, outcome.raw_pages))


def download(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
    *,
    raise_retriable: bool = False,
) -> BoardOutcome:
    """Fetch one board and archive every page as it arrives.

    Errors become the outcome's reason, except a retriable `HttpError` when `raise_retriable`
    is set: then it propagates so a task retry can fetch the board again later (pages already
    archived stay, being content-addressed).
    """
    source, board = item.source, item.board
    outcome = BoardOutcome(run_id, mode, source.name, board.token, night, datetime.now(UTC))
    try:
        for page in source.fetch(client, board, fetch_id(source.name, board.token, night)):
            path = archive.put(page, night)
            outcome.raw_pages.append(page)
            outcome.pages.append(page_record(page, path))
    except HttpError as exc:
        if raise_retriable and exc.retriable:
            raise
        outcome.error = f"{FETCH_FAILED}{type(exc).__name__}: {exc}"
    except SourceError as exc:
        outcome.error = f"{FETCH_FAILED}{type(exc).__name__}: {exc}"
    except Exception as exc:  # an adapter bug must not take the night down; the reason is kept
        outcome.error = f"{FETCH_FAILED}unexpected {type(exc).__name__}: {exc}"
    return outcome


def failed_outcome(
    item: PlannedBoard, night: date, run_id: str, mode: str, reason: str
) -> BoardOutcome:
    """A board whose fetch never returned (timed out, crashed): recorded, never empty."""
    return BoardOutcome(
        run_id,
        mode,
        item.source.name,
        item.board.token,
        night,
        datetime.now(UTC),
        error=f"{FETCH_FAILED}{reason}",
    )


def parse_board(source: Source, board: Board, pages: Sequence[RawPage]) -> ParsedBoard:
    """Parse and label one board's pages; pure and picklable both ways, so it can run on a
    Dask worker and be cached under `parse_cache_key`. Never raises."""
    if not pages:
        return ParsedBoard(failure="no pages to parse")
    try:
        started = perf_counter()
        result = source.parse(pages, board)
        parsed = perf_counter()
        labelled = label_each(
            result.postings, board.options.get("industry"), pages[0].fetched_at.date()
        )
    except SourceError as exc:
        return ParsedBoard(failure=f"parse: {type(exc).__name__}: {exc}")
    except Exception as exc:  # a parser bug must not take the night down; the reason is kept
        return ParsedBoard(failure=f"parse: unexpected {type(exc).__name__}: {exc}")
    return ParsedBoard(
        labelled.postings,
        labelled.labels,
        [*result.errors, *labelled.errors],
        parse_seconds=parsed - started,
        classify_seconds=perf_counter() - parsed,
    )


def parse_cache_key(
    source: Source, board: Board, pages: Sequence[RawPage] | Sequence[PageRecord]
) -> str:
    """Same pages, same board config, same parser and classifier code: same result.

    Page bodies enter by their SHA-256 (with URL, status and type, which parsers may read),
    so a retried or re-run night whose payloads did not change skips parsing entirely.
    """
    h = hashlib.sha256()
    for part in (
        source.name,
        json.dumps([board.source, board.token, board.company, board.options], default=str),
        json.dumps(sorted(source.settings.options.items()), default=str),
        code_version(type(source).__module__),
    ):
        h.update(part.encode())
        h.update(b"\x1f")
    for page in pages:
        h.update(
            f"{page.seq}|{page.url}|{page.status}|{page.content_type}|{page.sha256}\n".encode()
        )
    return h.hexdigest()


def load_key(
    source: Source,
    board: Board,
    pages: Sequence[RawPage] | Sequence[PageRecord],
    *,
    complete: bool = True,
) -> str:
    """`parse_cache_key` plus whether the fetch was complete, which decides closing: equal
    keys for one board and night mean equal loads, so the second can be skipped unparsed."""
    key = parse_cache_key(source, board, pages)
    return key if complete else f"{key}:partial"


@cache
def code_version(parser_module: str) -> str:
    """A hash of the parser's and the labeller's source, so editing either invalidates the
    parse cache without anyone remembering to bump a version."""
    h = hashlib.sha256()
    for module in (sys.modules[parser_module], pipeline.labels):
        h.update(inspect.getsource(module).encode())
    h.update(str(getattr(pipeline.labels, "CLASSIFIER_VERSION", "")).encode())
    return h.hexdigest()[:16]


def finish(
    outcome: BoardOutcome, item: PlannedBoard, parsed: ParsedBoard, *, complete: bool = True
) -> BoardOutcome:
    """Attach the parse to a downloaded board as its `BoardLoad`, or record why not; either
    way drop the page bodies, which are archived and no longer needed in memory.

    Postings absent from the board close only when the fetch was `complete`: a board listing
    cut short must never close the postings it did not reach.
    """
    outcome.raw_pages = []
    if outcome.error is not None:
        return outcome
    if parsed.failure is not None:
        outcome.error = parsed.failure
        return outcome
    outcome.load = BoardLoad(
        run_id=outcome.run_id,
        mode=outcome.mode,
        source=outcome.source,
        board=outcome.board,
        as_of=outcome.night,
        fetch_id=fetch_id(outcome.source, outcome.board, outcome.night),
        started_at=outcome.started_at,
        pages=outcome.pages,
        postings=parsed.postings,
        labels=parsed.labels,
        errors=parsed.errors,
        closes_missing=item.source.closes_missing and complete,
        suspect_fraction=item.source.settings.options.get("suspect_fraction"),
        parse_key=load_key(item.source, item.board, outcome.pages, complete=complete),
    )
    return outcome


def open_for_load(db_path: str | Path, lock_wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """`open_warehouse` with the flow's own patience: a short wait for another writer's lock
    here, and task retries with a delay above it, so each wait shows in the run's history."""
    con = connect(db_path, wait_seconds=lock_wait_seconds)
    try:
        migrate(con)
        create_views(con)
    except BaseException:
        con.close()
        raise
    return con


def load_all(
    db_path: str | Path, outcomes: Sequence[BoardOutcome], lock_wait_seconds: float = 30.0
) -> list[BoardSummary]:
    """Load every board through one connection (one transaction per source), then regroup
    cross-posted postings into canonical jobs."""
    con = open_for_load(db_path, lock_wait_seconds)
    try:
        summaries = load_outcomes(con, outcomes)
        refresh_canonical(con)
        return summaries
    finally:
        con.close()


def notify(webhook_url: str, summary: RunSummary, timeout: float = 10.0) -> None:
    """POST the run summary as JSON; raises `requests.RequestException` if it cannot."""
    resp = requests.post(webhook_url, json=summary.to_json(), timeout=timeout)
    resp.raise_for_status()


def reparse(
    settings: Settings,
    since: date | None = None,
    until: date | None = None,
    *,
    workers: int = 0,
) -> list[RunSummary]:
    """Parse and load every archived board fetch between two nights again, oldest first.

    No network: pages come from the raw archive, boards from the config (or the sample) and
    an unknown board by its token. A fetch whose last run stopped mid-fetch loads what it has
    but closes nothing. A fetch whose pages, board and code match its board's last load of
    that night is not parsed again. `workers` parsing processes (0: this one). One
    `RunSummary` per night, each under its own run id.
    """
    from jobtrends.replay import replay

    known = {(p.board.source, p.board.token): p for p in plan(settings)}
    con = open_warehouse(settings.db_path)
    try:
        return replay(
            con,
            settings.archive_dir,
            known,
            run_prefix=f"reparse-{uuid.uuid4().hex[:8]}",
            mode=settings.mode,
            since=since,
            until=until,
            workers=workers,
        ).runs
    finally:
        con.close()


def cut_short_fetches(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, date]]:
    """Board nights whose latest fetching run failed mid-fetch, so their pages are partial.

    Reparse runs are left out: they never fetch, so they cannot say whether a fetch finished.
    """
    rows = con.execute(
        """
        SELECT source, board, as_of FROM runs
        WHERE NOT starts_with(run_id, 'reparse-')
        QUALIFY row_number() OVER (PARTITION BY source, board, as_of ORDER BY finished_at DESC)
                = 1
            AND status = 'failed' AND starts_with(coalesce(error, ''), ?)
        """,
        [FETCH_FAILED],
    ).fetchall()
    return {(source, board, as_of) for source, board, as_of in rows}


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
    con: duckdb.DuckDBPyConnection,
    outcomes: Sequence[BoardOutcome],
    batch_postings: int = LOAD_BATCH_POSTINGS,
) -> list[BoardSummary]:
    """Load a run's fetches in batches of one source's boards, and record the failed ones.

    A batch goes in as one transaction, so each statement's fixed cost (a join against the
    whole postings table) is paid per batch, not per board; it closes once it holds
    `batch_postings` postings, so a source of a thousand boards does not become one
    transaction holding all of them in memory. If a batch fails to load, its boards are
    retried one at a time, so one board's bad data cannot keep its siblings out.
    """
    summaries: dict[int, BoardSummary] = {}
    by_source: dict[str, list[list[int]]] = {}
    for i, outcome in enumerate(outcomes):
        if outcome.load is None:
            summaries[i] = load_outcome(con, outcome)
            continue
        batches = by_source.setdefault(outcome.source, [[]])
        if sum(len(outcomes[j].load.postings) for j in batches[-1]) >= batch_postings:
            batches.append([])
        batches[-1].append(i)
    for indexes in (batch for batches in by_source.values() for batch in batches):
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
