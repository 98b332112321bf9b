"""Typed records that flow through the pipeline.

Every source parser turns its board's payload into `Posting` records; nothing downstream
looks at a source's raw shape again. Fields a single board carries but others do not go into
`extras` (stored as one JSON column) instead of growing the shared model, so adding a board
never changes the warehouse schema.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

WorkplaceType = Literal["remote", "hybrid", "onsite"]
SalaryPeriod = Literal["hour", "day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class Salary:
    """Pay as the posting states it: no currency conversion, no annualisation."""

    min: float | None
    max: float | None
    currency: str | None
    period: SalaryPeriod | None
    source: Literal["structured", "text"] = "structured"
    text: str | None = None


@dataclass(frozen=True, slots=True)
class RawPage:
    """One HTTP response body exactly as received, before any parsing.

    `board` is the configured board token (never a payload value), `fetch_id` groups the
    pages of one board fetch so a parser can see list and detail pages together.
    """

    source: str
    board: str
    url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    fetch_id: str
    seq: int = 0
    sha256: str = field(init=False, repr=False, compare=False)
    etag: str | None = field(default=None, repr=False, compare=False)
    """The response's validators, kept so the next fetch can ask "changed since?"."""
    last_modified: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Hash the body once: parsers read `sha256` per record, and a board listing can be
        megabytes long with a thousand records."""
        object.__setattr__(self, "sha256", hashlib.sha256(self.body).hexdigest())


@dataclass(slots=True)
class Posting:
    """One job posting on one board, in the shape every parser fills."""

    source: str
    source_id: str
    company: str
    title: str
    description: str
    locations: list[str] = field(default_factory=list)
    workplace_type: WorkplaceType | None = None
    salary: Salary | None = None
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    url: str | None = None
    employment_type: str | None = None
    department: str | None = None
    board: str = ""
    raw_payload_id: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    def content_hash(self) -> str:
        """Hash of the fields whose change makes a new version of the posting."""
        salary = self.salary
        parts = [
            self.title,
            self.description,
            "|".join(self.locations),
            self.workplace_type or "",
            ""
            if salary is None
            else f"{salary.min}|{salary.max}|{salary.currency}|{salary.period}",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ParseError:
    """A record a parser could not turn into a posting, kept with its reason."""

    source: str
    board: str
    raw_payload_id: str
    reason: str
    record_ref: str = ""


@dataclass(slots=True)
class ParseResult:
    postings: list[Posting] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Board:
    """A configured board: which company's postings to read from which source."""

    source: str
    token: str
    company: str
    options: dict[str, Any] = field(default_factory=dict)
