"""Archive: every page filed in the raw archive as it arrives, and archived fetches read back.

Filing comes before parsing, so a parser bug never loses a payload; reading back is what
`replay` parses from, using the fetch manifests alone until a body is actually needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ingest.records import BoardOutcome, PlannedBoard
from pipeline.models import Board, RawPage
from pipeline.sources import get_source
from warehouse.archive import RawArchive
from warehouse.load import PageRecord, page_record


def file_page(archive: RawArchive, outcome: BoardOutcome, page: RawPage) -> None:
    """Archive one page under the outcome's night and keep it, and its record, on the outcome."""
    path = archive.put(page, outcome.night)
    outcome.raw_pages.append(page)
    outcome.pages.append(page_record(page, path))


@dataclass(frozen=True, slots=True)
class ArchivedFetch:
    """One board fetch as the archive holds it: which board, and its pages' records."""

    night: date
    fetch_id: str
    item: PlannedBoard
    pages: list[PageRecord]


def archived_fetches(
    archive: RawArchive,
    boards: dict[tuple[str, str], PlannedBoard],
    since: date | None = None,
    until: date | None = None,
) -> Iterator[ArchivedFetch]:
    """Every archived fetch between two nights, oldest first, read from its manifest only.

    `boards` gives each (source, token) its configured board; an unknown one comes back under
    its token with no options.
    """
    for night, fid in archive.fetches(since, until):
        entries = archive.manifest(night, fid)
        if not entries:
            continue
        source, token = entries[0]["source"], entries[0]["board"]
        item = boards.get((source, token)) or PlannedBoard(
            get_source(source), Board(source, token, token)
        )
        yield ArchivedFetch(night, fid, item, [_record(archive, fid, e) for e in entries])


def read_pages(archive: RawArchive, fetch: ArchivedFetch) -> list[RawPage]:
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
