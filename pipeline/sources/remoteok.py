"""RemoteOK: `GET https://remoteok.com/api`, a bare array of the ~100 most recent jobs.

Element 0 is the API's legal notice (`{"last_updated", "legal"}`), not a job: every element
without an `id` and a `position` is skipped as such, not reported as an error. Quirks:

- every job is remote by construction;
- `salary_min`/`salary_max` are annual USD, and 0 means *unknown* (most postings), so a 0
  side becomes None and a posting with neither side has no salary;
- `epoch` (seconds) is preferred over `date`;
- only the most recent jobs are returned, so a posting missing from tonight's list has
  usually just scrolled off, not closed: `closes_missing = False`.

The terms ask for a link back to RemoteOK; `url` is kept on every posting for that.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

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
from pipeline.timeparse import from_epoch, parse_iso


@register
class RemoteOK(Source):
    name = "remoteok"
    default_base_url = "https://remoteok.com/api"
    default_min_interval = 10.0
    default_max_concurrency = 1
    closes_missing = False

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        yield PageFetcher(self.name, client, board, fetch_id).get(self.base_url)

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        seen: set[str] = set()
        for page in pages:
            data = decode_json(page)
            if not isinstance(data, list):
                raise MalformedPayload(f"{page.url}: expected a JSON array")
            jobs = [item for item in data if not _is_notice(item)]
            collect(
                result, self.name, board, page.sha256, jobs, _posting, board, page.sha256, seen=seen
            )
        return result


def _is_notice(item: Any) -> bool:
    return isinstance(item, dict) and not (item.get("id") or item.get("position"))


def _posting(item: dict[str, Any], board: Board, payload_id: str) -> Posting:
    job_id = item["id"]
    title = item.get("position")
    if not isinstance(job_id, str | int) or not str(job_id).strip():
        raise ValueError("job without an id")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("job without a position")
    company = item.get("company")
    if not isinstance(company, str) or not company.strip():
        raise ValueError("job without a company")
    location = item.get("location")
    return Posting(
        source="remoteok",
        source_id=str(job_id),
        company=company.strip(),
        title=title.strip(),
        description=html_to_text(item.get("description")),
        locations=[location.strip()] if isinstance(location, str) and location.strip() else [],
        workplace_type="remote",
        salary=_salary(item.get("salary_min"), item.get("salary_max")),
        posted_at=from_epoch(item.get("epoch"), millis=False) or parse_iso(item.get("date")),
        url=item.get("url"),
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "slug": item.get("slug"),
                "tags": [t for t in item.get("tags") or [] if isinstance(t, str)],
                "apply_url": item.get("apply_url"),
            }
        ),
    )


def _salary(low: Any, high: Any) -> Salary | None:
    def known(value: Any) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return None
        return float(value)

    low, high = known(low), known(high)
    if low is None and high is None:
        return None
    return Salary(low, high, "USD", "year", "structured")
