"""The typed records a board passes between the engine's steps, and the run's summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pipeline.labels import LabelRow
from pipeline.models import Board, ParseError, Posting, RawPage
from pipeline.sources.base import Source
from warehouse.load import BoardLoad, PageRecord

FETCH_FAILED = "fetch: "
"""Prefix of a failure that stopped a board mid-fetch: its archived pages are incomplete."""
NOT_REACHED = "not reached: "
"""Prefix of a board the night's time budget ran out before: not a failure of the board."""


@dataclass(frozen=True, slots=True)
class PlannedBoard:
    """A board tonight reads; `previous` is its last loaded attempt (night, fetch id), which
    a live fetch may ask the server "changed since?" about."""

    source: Source
    board: Board
    previous: tuple[date, str] | None = None


@dataclass(slots=True)
class BoardOutcome:
    """One board's night so far: its archived pages, then its load or why it has none.

    `retriable` carries the HTTP client's verdict on the error that stopped the fetch, so an
    orchestrator can fetch again later without deciding anything itself. `fetch_id` is the
    archive attempt the pages were filed under: every fetch is a new one.
    """

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
    retriable: bool = False
    fetch_id: str = ""

    @classmethod
    def unfetched(
        cls, item: PlannedBoard, night: date, run_id: str, mode: str, error: str
    ) -> BoardOutcome:
        """A board with no pages and why: recorded as failed, never as an empty board."""
        return cls(
            run_id, mode, item.source.name, item.board.token, night, datetime.now(UTC), error=error
        )


@dataclass(slots=True)
class ParsedBoard:
    """What `ingest.parse.parse_board` makes of one board's pages; a pure function of them
    and the code."""

    postings: list[Posting] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    failure: str | None = None
    parse_seconds: float = 0.0
    classify_seconds: float = 0.0
    label_keys: dict[str, str] = field(default_factory=dict)
    """Each posting's `ingest.key.label_key`; `labels` may omit the ones stored already."""


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
    labelled: int = 0
    labels_reused: int = 0
    """Postings labelled by the load, and postings that kept their stored label (the
    classifier input unchanged): `warehouse.load.LoadCounts`."""


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
                    "labelled": 0,
                    "labels_reused": 0,
                    "failed": 0,
                    "failures": [],
                },
            )
            row["boards"] += 1
            for name in ("fetched", "new", "updated", "closed", "labelled", "labels_reused"):
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
