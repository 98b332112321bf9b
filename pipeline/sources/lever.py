"""Lever postings API: `GET /v0/postings/{site}?mode=json&skip=&limit=`.

The response is a bare array with no total, so paging continues until a short page. The
company name is not in the payload (it comes from config). `createdAt` is epoch milliseconds,
there is no `updatedAt` (changes are detected by content hash downstream), and live
responses spell on-site both `on-site` and `onsite`. EU sites use `api.eu.lever.co`, set
through the board's `base_url` option.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from pipeline.html import html_to_text
from pipeline.http import HttpClient
from pipeline.models import Board, ParseResult, Posting, RawPage, Salary
from pipeline.sources.base import (
    MalformedPayload,
    PageFetcher,
    Source,
    collect,
    compact,
    decode_json,
    register,
)
from pipeline.timeparse import from_epoch

PAGE_SIZE = 100
MAX_PAGES = 200
WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite", "onsite": "onsite"}
INTERVALS = {
    "per-year-salary": "year",
    "per-month-salary": "month",
    "per-week-salary": "week",
    "per-day-wage": "day",
    "per-hour-wage": "hour",
}


@register
class Lever(Source):
    name = "lever"
    default_base_url = "https://api.lever.co/v0/postings"
    default_min_interval = 1.0
    default_max_concurrency = 1
    api_hosts = ("api.lever.co", "api.eu.lever.co")

    def hosts(self, board: Board) -> list[str]:
        """An EU board's `base_url` option points at another host, which needs the limit too."""
        base = str(board.options.get("base_url") or self.base_url)
        return list(dict.fromkeys([urlsplit(base).hostname or "", *self.api_hosts]))

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        pages = PageFetcher(self.name, client, board, fetch_id)
        base = str(board.options.get("base_url") or self.base_url).rstrip("/")
        limit = int(board.options.get("page_size", PAGE_SIZE))
        for n in range(MAX_PAGES):
            page = pages.get(
                f"{base}/{board.token}", {"mode": "json", "skip": n * limit, "limit": limit}
            )
            yield page
            if len(_postings(page)) < limit:
                return
        raise MalformedPayload(
            f"{board.token}: still full pages after {MAX_PAGES}; paging is not ending"
        )

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        seen: set[str] = set()
        for page in pages:
            collect(
                result,
                self.name,
                board,
                page.sha256,
                _postings(page),
                _posting,
                board,
                page.sha256,
                seen=seen,
            )
        return result


def _postings(page: RawPage) -> list[Any]:
    data = decode_json(page)
    if not isinstance(data, list):
        raise MalformedPayload(f"{page.url}: expected a JSON array of postings")
    return data


def _posting(item: dict[str, Any], board: Board, payload_id: str) -> Posting:
    posting_id = item["id"]
    title = item.get("text")
    if not isinstance(posting_id, str) or not posting_id.strip():
        raise ValueError("posting without an id")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("posting without a title")
    categories = item.get("categories") if isinstance(item.get("categories"), dict) else {}
    locations = [
        loc for loc in categories.get("allLocations") or [] if isinstance(loc, str) and loc
    ]
    if categories.get("location") and categories["location"] not in locations:
        locations.insert(0, categories["location"])
    description = html_to_text(item.get("description")) or str(item.get("descriptionPlain") or "")
    for block in item.get("lists") or []:
        if isinstance(block, dict):
            description += f"\n\n{block.get('text', '')}\n{html_to_text(block.get('content'))}"
    if item.get("additional"):
        description += "\n\n" + html_to_text(item["additional"])
    workplace = str(item.get("workplaceType") or "").strip().lower()
    return Posting(
        source="lever",
        source_id=posting_id,
        company=board.company,
        title=title.strip(),
        description=description.strip(),
        locations=locations,
        workplace_type=WORKPLACE.get(workplace),
        salary=_salary(item.get("salaryRange")),
        posted_at=from_epoch(item.get("createdAt"), millis=True),
        updated_at=None,
        url=item.get("hostedUrl"),
        employment_type=categories.get("commitment"),
        department=categories.get("department") or categories.get("team"),
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "country": item.get("country"),
                "team": categories.get("team"),
                "level": categories.get("level"),
                "workplace_type_raw": item.get("workplaceType"),
                "salary_description": item.get("salaryDescriptionPlain"),
            }
        ),
    )


def _salary(value: Any) -> Salary | None:
    if not isinstance(value, dict):
        return None
    low, high = value.get("min"), value.get("max")
    if not isinstance(low, int | float) and not isinstance(high, int | float):
        return None
    low = low if isinstance(low, int | float) else high
    high = high if isinstance(high, int | float) else low
    return Salary(
        float(low),
        float(high),
        value.get("currency"),
        INTERVALS.get(str(value.get("interval"))),
        "structured",
    )
