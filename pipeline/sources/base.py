"""The small interface every job board sits behind, and the registry that names them.

A source does two things and nothing else: `fetch` walks a board's endpoints through the
shared `HttpClient` and yields every response untouched (so the caller can archive it before
anyone parses it), and `parse` turns the archived pages of one board fetch into `Posting`
records. `parse` is pure, which is what makes `jobtrends reparse` possible: it runs on pages
read back from the archive exactly as on pages that just arrived.

The one load rule that differs between sources sits on the class: `closes_missing`, whether a
complete listing is the whole board, so that a posting absent from it has closed. The engine
hands it to the loader with each board (`BoardLoad.closes_missing`), and it is part of the
skip key. Every source is merged on `(source, source_id)`, which the warehouse schema fixes.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pipeline.http import HttpClient, HttpError, Response
from pipeline.models import Board, ParseError, ParseResult, Posting, RawPage
from pipeline.surrogates import scrub_surrogates
from pipeline.validate import posting_type_problem

SKIPPED_CONTENT_TYPE = "application/x-jobtrends-skipped+json"


class SourceError(Exception):
    """A board fetch that must be recorded as failed, with a reason a person can act on."""


class MalformedPayload(SourceError):
    """The board answered, but not with the shape its API documents."""


class UnknownBoard(SourceError):
    """The API answered 200 with nothing in it where an unknown board looks the same.

    Some APIs (SmartRecruiters, Workable) do not 404 an unknown company; treating that as an
    empty board would silently turn a typo in the config into "no jobs", so it fails instead.
    """


@dataclass(frozen=True, slots=True)
class SourceSettings:
    base_url: str
    min_interval: float
    max_concurrency: int
    options: dict[str, Any]


class Source(ABC):
    name: ClassVar[str]
    default_base_url: ClassVar[str]
    default_min_interval: ClassVar[float] = 1.0
    default_max_concurrency: ClassVar[int] = 2
    closes_missing: ClassVar[bool] = True
    """A complete board listing means a posting absent from it has closed."""
    api_hosts: ClassVar[tuple[str, ...]] = ()
    """Other hosts the API documents (an EU endpoint, an old domain that redirects): the
    client follows redirects only to these and the configured host, and rate-limits them."""

    def __init__(self, settings: SourceSettings | None = None) -> None:
        self.settings = settings or SourceSettings(
            base_url=self.default_base_url,
            min_interval=self.default_min_interval,
            max_concurrency=self.default_max_concurrency,
            options={},
        )

    @property
    def base_url(self) -> str:
        return self.settings.base_url.rstrip("/")

    def hosts(self, board: Board) -> list[str]:
        """The hosts a fetch of `board` calls, each to be given this source's rate limit."""
        host = urlsplit(self.base_url).hostname
        return list(dict.fromkeys(([host] if host else []) + list(self.api_hosts)))

    @abstractmethod
    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        """Yield every response of one board fetch, in order, before it is parsed."""

    @abstractmethod
    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        """Turn the pages of one board fetch into postings; pure, no I/O."""


REGISTRY: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    REGISTRY[cls.name] = cls
    return cls


def get_source(name: str, settings: SourceSettings | None = None) -> Source:
    try:
        return REGISTRY[name](settings)
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown source {name!r}; known: {known}") from None


def to_page(source: str, board: Board, fetch_id: str, seq: int, resp: Response) -> RawPage:
    return RawPage(
        source=source,
        board=board.token,
        url=resp.url,
        status=resp.status,
        content_type=resp.content_type,
        body=resp.body,
        fetched_at=resp.received_at,
        fetch_id=fetch_id,
        seq=seq,
        etag=resp.etag,
        last_modified=resp.last_modified,
    )


def decode_json(page: RawPage) -> Any:
    """Decode a page's JSON body, turning every way it can be broken into one named error."""
    try:
        data = json.loads(page.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        snippet = page.body[:80].decode("utf-8", "replace")
        raise MalformedPayload(f"{page.url}: not JSON ({exc}); starts {snippet!r}") from exc
    except RecursionError as exc:
        raise MalformedPayload(f"{page.url}: JSON nested too deeply to decode") from exc
    return scrub_surrogates(data) if SURROGATE_ESCAPE.search(page.body) else data


SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class PageFetcher:
    """Numbers and converts responses so adapters only say which URLs to call."""

    def __init__(self, source: str, client: HttpClient, board: Board, fetch_id: str) -> None:
        self.source = source
        self.client = client
        self.board = board
        self.fetch_id = fetch_id
        self.seq = 0

    def get(
        self,
        url: str,
        params: dict[str, str | int] | None = None,
        may_follow: Callable[[str], bool] | None = None,
    ) -> RawPage:
        resp = self.client.get(url, params=params, may_follow=may_follow)
        page = to_page(self.source, self.board, self.fetch_id, self.seq, resp)
        self.seq += 1
        return page

    def skipped(self, url: str, reason: str) -> RawPage:
        """A placeholder for a URL deliberately not requested, so the skip is archived too.

        Status 0 and `SKIPPED_CONTENT_TYPE` mark it; the body is `{"url", "reason"}`.
        """
        page = RawPage(
            source=self.source,
            board=self.board.token,
            url=url,
            status=0,
            content_type=SKIPPED_CONTENT_TYPE,
            body=json.dumps({"url": url, "reason": reason}, sort_keys=True).encode(),
            fetched_at=self.client.now(),
            fetch_id=self.fetch_id,
            seq=self.seq,
        )
        self.seq += 1
        return page


def guard(parse_one: Callable[..., Any], record: Any, *args: Any) -> tuple[Any, str | None]:
    """Run a per-record parser, turning a bad record into a reason instead of a crash.

    Any exception counts, not a list of expected ones: a value nobody foresaw (an integer
    with 400 digits overflowing a float, say) must cost one record, never the board. The
    result is also type-checked, because a parser that copies a payload value through
    unchanged (`company_name: 42`) would otherwise hand the classifier a number.
    """
    if not isinstance(record, dict):
        return None, f"record is {type(record).__name__}, not an object"
    try:
        parsed = parse_one(record, *args)
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"
    for posting in parsed if isinstance(parsed, list) else [parsed]:
        problem = posting_type_problem(posting)
        if problem is not None:
            return None, f"TypeError: {problem}"
    return parsed, None


def compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so `extras` only holds what the board actually said."""
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


def collect(
    result: ParseResult,
    source: str,
    board: Board,
    payload_id: str,
    records: Iterable[Any],
    parse_one: Callable[..., Posting],
    *args: Any,
    ref_key: str = "id",
    seen: set[str] | None = None,
) -> None:
    """Parse records one by one into `result`; a bad one becomes a `ParseError` with its id.

    `seen` drops a posting whose id an earlier page already produced (paging overlaps when a
    board changes mid-fetch).
    """
    for record in records:
        posting, reason = guard(parse_one, record, *args)
        if posting is None:
            ref = str(record.get(ref_key, "")) if isinstance(record, dict) else ""
            result.errors.append(ParseError(source, board.token, payload_id, reason or "", ref))
        elif seen is None or posting.source_id not in seen:
            if seen is not None:
                seen.add(posting.source_id)
            result.postings.append(posting)


__all__ = [
    "REGISTRY",
    "SKIPPED_CONTENT_TYPE",
    "HttpError",
    "MalformedPayload",
    "PageFetcher",
    "Source",
    "SourceError",
    "SourceSettings",
    "UnknownBoard",
    "collect",
    "compact",
    "decode_json",
    "get_source",
    "guard",
    "register",
]
