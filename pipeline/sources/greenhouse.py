"""Greenhouse job board API: `GET /v1/boards/{token}/jobs?content=true`.

The whole board comes in one response (no paging). `content` is HTML entity-escaped inside
the JSON string. There is no workplace field: a "Location Type"/"Workplace Type" custom
metadata field is used when a board has one, otherwise the classifier reads the location
text. Pay appears only on the single-job call (`pay_input_ranges`, in cents), which costs
one request per job, so it is off unless the board's options enable `fetch_pay`.
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
from pipeline.timeparse import parse_iso

WORKPLACE_METADATA = ("location type", "workplace type", "remote status", "work arrangement")
WORKPLACE_VALUES = {
    "remote": "remote",
    "hybrid": "hybrid",
    "on-site": "onsite",
    "onsite": "onsite",
    "in office": "onsite",
    "in-office": "onsite",
    "office": "onsite",
}


@register
class Greenhouse(Source):
    name = "greenhouse"
    default_base_url = "https://boards-api.greenhouse.io/v1/boards"
    default_min_interval = 0.5
    default_max_concurrency = 2
    api_hosts = ("boards-api.greenhouse.io", "boards-api.eu.greenhouse.io")

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        pages = PageFetcher(self.name, client, board, fetch_id)
        listing = pages.get(f"{self.base_url}/{board.token}/jobs", {"content": "true"})
        yield listing
        if not (board.options.get("fetch_pay") or self.settings.options.get("fetch_pay")):
            return
        for job in _jobs(listing):
            if isinstance(job, dict) and isinstance(job.get("id"), int):
                yield pages.get(
                    f"{self.base_url}/{board.token}/jobs/{job['id']}",
                    {"pay_transparency": "true"},
                )

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        listing, details = pages[0], pages[1:]
        pay: dict[int, list[dict[str, Any]]] = {}
        for page in details:
            detail = decode_json(page)
            if isinstance(detail, dict) and isinstance(detail.get("id"), int):
                pay[detail["id"]] = [
                    r for r in detail.get("pay_input_ranges") or [] if isinstance(r, dict)
                ]
        collect(
            result,
            self.name,
            board,
            listing.sha256,
            _jobs(listing),
            _posting,
            board,
            listing.sha256,
            pay,
        )
        return result


def _jobs(listing: RawPage) -> list[Any]:
    data = decode_json(listing)
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise MalformedPayload(f"{listing.url}: expected an object with a 'jobs' array")
    return data["jobs"]


def _posting(
    job: dict[str, Any], board: Board, payload_id: str, pay: dict[int, list[dict[str, Any]]]
) -> Posting:
    job_id = job["id"]
    if not isinstance(job_id, int | str) or not str(job_id).strip():
        raise ValueError("job without an id")
    title = job.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("job without a title")
    location = (job.get("location") or {}).get("name") or ""
    offices = [o for o in job.get("offices") or [] if isinstance(o, dict)]
    locations = [location] if location else []
    for office in offices:
        place = office.get("location") or office.get("name")
        if place and place not in locations:
            locations.append(place)
    metadata = {
        str(m.get("name", "")).strip(): m.get("value")
        for m in job.get("metadata") or []
        if isinstance(m, dict)
    }
    ranges = pay.get(job_id, [])
    return Posting(
        source="greenhouse",
        source_id=str(job_id),
        company=job.get("company_name") or board.company,
        title=title.strip(),
        description=html_to_text(job.get("content"), unescape_first=True),
        locations=locations,
        workplace_type=_workplace(metadata),
        salary=_salary(ranges),
        posted_at=parse_iso(job.get("first_published")) or parse_iso(job.get("updated_at")),
        updated_at=parse_iso(job.get("updated_at")),
        url=job.get("absolute_url"),
        department=", ".join(
            d["name"] for d in job.get("departments") or [] if isinstance(d, dict) and d.get("name")
        )
        or None,
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "internal_job_id": job.get("internal_job_id"),
                "requisition_id": job.get("requisition_id"),
                "metadata": metadata or None,
                "language": job.get("language"),
                "pay_input_ranges": ranges or None,
            }
        ),
    )


def _workplace(metadata: dict[str, Any]) -> str | None:
    for key, value in metadata.items():
        if key.lower() in WORKPLACE_METADATA and isinstance(value, str):
            found = WORKPLACE_VALUES.get(value.strip().lower())
            if found:
                return found
    return None


def _salary(ranges: list[dict[str, Any]]) -> Salary | None:
    """The first pay zone, in whole currency units; every zone stays in `extras`."""
    for r in ranges:
        low, high = r.get("min_cents"), r.get("max_cents")
        if isinstance(low, int | float) and isinstance(high, int | float):
            blurb = str(r.get("blurb") or "").lower()
            period = "hour" if "hour" in blurb else "year"
            return Salary(low / 100, high / 100, r.get("currency_type"), period, "structured")
    return None
