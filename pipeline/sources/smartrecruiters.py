"""SmartRecruiters posting API: a paged list, then one detail call per posting.

List: `GET /v1/companies/{id}/postings?limit=100&offset=N` answers `{limit, offset,
totalFound, content}`; paging runs until `offset` reaches `totalFound` (or a page is empty).
The list carries no description, so each posting costs one more call to
`/v1/companies/{id}/postings/{postingId}` for `jobAd.sections`. Quirks handled here:

- an unknown company id answers 200 with `totalFound: 0`, exactly like an empty board, so a
  board with nothing in it fails as `UnknownBoard` unless its options set `allow_empty`
  (identifiers are case-sensitive, which makes that typo easy);
- a posting closed between the list and its detail call answers 404: it is still loaded
  from the list row (without a description) rather than failing the whole board;
- `location.remote` / `location.hybrid` give the arrangement; both present and false means
  on-site, anything less is unknown;
- documented limits are 10 requests/s and 8 in flight; compensation is rarely published and
  not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pipeline.html import html_to_text
from pipeline.http import HttpClient, NotFound
from pipeline.models import Board, ParseResult, Posting, RawPage
from pipeline.sources.base import (
    MalformedPayload,
    PageFetcher,
    Source,
    UnknownBoard,
    collect,
    compact,
    decode_json,
    register,
)
from pipeline.timeparse import parse_iso

PAGE_SIZE = 100
MAX_PAGES = 100
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")
EMPLOYMENT = {
    "full-time": "full_time",
    "part-time": "part_time",
    "contract": "contract",
    "contractor": "contract",
    "temporary": "temporary",
    "intern": "internship",
    "internship": "internship",
}


@register
class SmartRecruiters(Source):
    name = "smartrecruiters"
    default_base_url = "https://api.smartrecruiters.com/v1/companies"
    default_min_interval = 0.2
    default_max_concurrency = 4

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        pages = PageFetcher(self.name, client, board, fetch_id)
        base = f"{self.base_url}/{board.token}/postings"
        ids: list[str] = []
        for n in range(MAX_PAGES):
            page = pages.get(base, {"limit": PAGE_SIZE, "offset": n * PAGE_SIZE})
            yield page
            listing = _listing(page)
            _check_not_empty(listing, page, board)
            ids.extend(str(p["id"]) for p in listing["content"] if _has_id(p))
            if not listing["content"] or (n + 1) * PAGE_SIZE >= int(listing["totalFound"]):
                break
        else:
            raise MalformedPayload(f"{board.token}: still paging after {MAX_PAGES} pages")
        for posting_id in dict.fromkeys(ids):
            try:
                yield pages.get(f"{base}/{posting_id}")
            except NotFound:
                continue

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        listings: list[tuple[RawPage, dict[str, Any]]] = []
        details: dict[str, dict[str, Any]] = {}
        for page in pages:
            data = decode_json(page)
            if isinstance(data, dict) and "totalFound" in data:
                listings.append((page, _listing(page)))
            elif isinstance(data, dict) and _has_id(data):
                details[str(data["id"])] = data
            else:
                raise MalformedPayload(f"{page.url}: neither a posting list nor a posting")
        if listings:
            _check_not_empty(listings[0][1], listings[0][0], board)
        seen: set[str] = set()
        for page, listing in listings:
            collect(
                result,
                self.name,
                board,
                page.sha256,
                listing["content"],
                _posting,
                board,
                details,
                page.sha256,
                seen=seen,
            )
        return result


def _has_id(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str | int) and bool(item["id"])


def _listing(page: RawPage) -> dict[str, Any]:
    data = decode_json(page)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("content"), list)
        or not isinstance(data.get("totalFound"), int)
    ):
        raise MalformedPayload(f"{page.url}: expected {{totalFound, content[]}}")
    return data


def _check_not_empty(listing: dict[str, Any], page: RawPage, board: Board) -> None:
    if (
        listing["totalFound"] == 0
        and not listing["content"]
        and not board.options.get("allow_empty")
    ):
        raise UnknownBoard(
            f"{page.url}: totalFound 0; unknown (case-sensitive) company id {board.token!r}? "
            "set allow_empty for a board that is really empty"
        )


def _label(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("label"), str):
        return value["label"] or None
    return None


def _posting(
    item: dict[str, Any], board: Board, details: dict[str, dict[str, Any]], payload_id: str
) -> Posting:
    posting_id = str(item["id"])
    title = item.get("name")
    if not posting_id.strip():
        raise ValueError("posting without an id")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("posting without a name")
    detail = details.get(posting_id, {})
    location = item.get("location") if isinstance(item.get("location"), dict) else {}
    company = item.get("company") if isinstance(item.get("company"), dict) else {}
    employment = _label(item.get("typeOfEmployment"))
    return Posting(
        source="smartrecruiters",
        source_id=posting_id,
        company=company.get("name") or board.company,
        title=title.strip(),
        description=_description(detail),
        locations=_locations(location),
        workplace_type=_workplace(location),
        salary=None,
        posted_at=parse_iso(item.get("releasedDate")),
        url=detail.get("postingUrl")
        or f"https://jobs.smartrecruiters.com/{board.token}/{posting_id}",
        employment_type=EMPLOYMENT.get((employment or "").lower()),
        department=_label(item.get("department")) or _label(item.get("function")),
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "ref_number": item.get("refNumber"),
                "uuid": item.get("uuid"),
                "experience_level": _label(item.get("experienceLevel")),
                "industry": _label(item.get("industry")),
                "function": _label(item.get("function")),
                "employment_type_raw": employment,
                "country": location.get("country"),
                "detail_missing": True if not detail else None,
                "apply_url": detail.get("applyUrl"),
            }
        ),
    )


def _description(detail: dict[str, Any]) -> str:
    job_ad = detail.get("jobAd") if isinstance(detail.get("jobAd"), dict) else {}
    sections = job_ad.get("sections") if isinstance(job_ad.get("sections"), dict) else {}
    parts = []
    for key in SECTIONS:
        section = sections.get(key)
        if isinstance(section, dict) and section.get("text"):
            heading = str(section.get("title") or "").strip()
            body = html_to_text(section["text"])
            parts.append(f"{heading}\n{body}" if heading else body)
    return "\n\n".join(parts)


def _locations(location: dict[str, Any]) -> list[str]:
    full = location.get("fullLocation")
    if isinstance(full, str) and full.strip():
        return [full.strip()]
    parts = [location.get(k) for k in ("city", "region", "country")]
    place = ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return [place] if place else []


def _workplace(location: dict[str, Any]) -> str | None:
    if location.get("hybrid") is True:
        return "hybrid"
    if location.get("remote") is True:
        return "remote"
    if location.get("remote") is False and location.get("hybrid") is False:
        return "onsite"
    return None
