"""Archive: every page filed in the raw archive as it arrives, and archived fetches read back.

Filing comes before parsing, so a parser bug never loses a payload; reading back is what
`replay` parses from, using the fetch manifests alone until a body is actually needed. Each
fetch is its own attempt: its bodies are filed as they arrive and its manifest is written
once when it ends (`close_attempt`), complete or not, so no later fetch of the night can
change what an earlier one archived.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from ingest.records import BoardOutcome, PlannedBoard
from pipeline.models import Board, RawPage
from pipeline.sources import REGISTRY, get_source
from warehouse.archive import ArchiveError, Attempt, RawArchive
from warehouse.load import PageRecord, page_record

ARCHIVE_FAILED = "archive: "
"""Prefix of a failure to file or read back a board's pages (disk full, a damaged object)."""


def file_page(archive: RawArchive, outcome: BoardOutcome, page: RawPage) -> None:
    """Archive one page's body and keep it, and its record, on the outcome."""
    path = archive.store(page)
    outcome.raw_pages.append(page)
    outcome.pages.append(page_record(page, path))


def close_attempt(
    archive: RawArchive,
    outcome: BoardOutcome,
    validators: dict[str, str] | None = None,
    same_as: str | None = None,
) -> None:
    """Write the attempt's manifest: its pages, whether the fetch ran to the end (no error
    so far), and for a conditional fetch its validators and the attempt a 304 repeated. A
    manifest that cannot be written fails the board, since nothing may load pages the archive
    cannot name."""
    complete = outcome.error is None
    try:
        archive.commit(
            outcome.night,
            outcome.fetch_id,
            outcome.source,
            outcome.board,
            outcome.pages,
            complete=complete,
            error=outcome.error,
            validators=validators if complete else None,
            same_as=same_as,
        )
    except ArchiveError as exc:
        outcome.error = outcome.error or f"{ARCHIVE_FAILED}{type(exc).__name__}: {exc}"


def board_config(item: PlannedBoard) -> str:
    """A digest of what decides which requests a board's fetch makes (its options and its
    source's): a 304 to the first request vouches for the rest only if these are unchanged."""
    parts = [item.board.company, item.board.options, sorted(item.source.settings.options.items())]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def validators_of(item: PlannedBoard, outcome: BoardOutcome) -> dict[str, str] | None:
    """What to ask next time whether this fetch changed: only a one-page fetch whose page
    came with `ETag` or `Last-Modified`, since a 304 for the first page of several says
    nothing of the others."""
    if len(outcome.raw_pages) != 1:
        return None
    page = outcome.raw_pages[0]
    found = {"etag": page.etag, "last_modified": page.last_modified}
    if not any(found.values()):
        return None
    return {"url": page.url, "config": board_config(item)} | {k: v for k, v in found.items() if v}


def previous_attempt(archive: RawArchive, item: PlannedBoard) -> Attempt | None:
    """The board's last loaded attempt, if it ran to the end and kept validators for the
    board as configured now; None otherwise (or if its manifest cannot be read)."""
    if item.previous is None:
        return None
    try:
        attempt = archive.attempt(*item.previous)
    except (ArchiveError, ValueError):
        return None
    v = attempt.validators
    if not attempt.complete or not v or v.get("config") != board_config(item):
        return None
    return attempt


def repeat_attempt(
    archive: RawArchive, outcome: BoardOutcome, previous: Attempt, now: datetime
) -> bool:
    """File a 304 as this attempt: the previous attempt's pages, bodies read back (checked
    against their digests) and dated now, under this attempt's id. False if a body cannot be
    read back, and the caller fetches in full instead."""
    try:
        pages = archive.fetch_pages(previous.night, previous.fetch_id)
    except ArchiveError:
        return False
    for page in pages:
        page = replace(page, fetch_id=outcome.fetch_id, fetched_at=now)
        outcome.raw_pages.append(page)
        path = archive.body_path(page.sha256).relative_to(archive.root)
        outcome.pages.append(page_record(page, str(path)))
    return True


@dataclass(frozen=True, slots=True)
class ArchivedFetch:
    """One board fetch attempt as the archive holds it: which board, its pages' records, and
    whether it ran to the end (None: archived before attempts said so)."""

    night: date
    fetch_id: str
    item: PlannedBoard
    pages: list[PageRecord]
    complete: bool | None = None


def archived_fetches(
    archive: RawArchive,
    boards: dict[tuple[str, str], PlannedBoard],
    since: date | None = None,
    until: date | None = None,
) -> Iterator[ArchivedFetch]:
    """Every archived fetch attempt between two nights, oldest first, a night's attempts in
    the order made, read from its manifest only.

    `boards` gives each (source, token) its configured board; an unknown one comes back under
    its token with no options. A manifest that cannot be read is passed over: it names no
    board to fail, and `jobtrends archive verify` reports it.
    """
    for night, fid in archive.fetches(since, until):
        try:
            attempt = archive.attempt(night, fid)
        except ArchiveError:
            continue
        if not attempt.pages or attempt.source not in REGISTRY:
            continue
        source, token = attempt.source, attempt.board
        item = boards.get((source, token)) or PlannedBoard(
            get_source(source), Board(source, token, token)
        )
        records = [_record(archive, fid, e) for e in attempt.pages]
        yield ArchivedFetch(night, fid, item, records, attempt.complete)


def read_pages(archive: RawArchive, fetch: ArchivedFetch) -> list[RawPage]:
    """The fetch's bodies, each checked against its digest (`ArchiveError` if one is not)."""
    return archive.fetch_pages(fetch.night, fetch.fetch_id)


def _record(archive: RawArchive, fid: str, entry: dict[str, Any]) -> PageRecord:
    return PageRecord(
        fid,
        entry["seq"],
        entry["source"],
        entry["board"],
        entry["url"],
        entry["status"],
        entry["content_type"],
        entry["sha256"],
        entry["bytes"],
        datetime.fromisoformat(entry["fetched_at"]),
        str(archive.body_path(entry["sha256"]).relative_to(archive.root)),
    )
