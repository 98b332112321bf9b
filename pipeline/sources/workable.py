"""Workable public widget API: `GET /api/v1/widget/accounts/{subdomain}?details=true`.

One response holds the whole account: the company `name` at the top level and every job
(descriptions only with `details=true`). Quirks handled here:

- Cloudflare rate-limits this host hard (429 / error 1015 after ~20 requests at 0.7 rps), so
  the default spacing is 5 s and one request at a time;
- `telecommuting: true` means remote work is allowed, a yes/no flag marked
  `extras["workplace_hint"] = "flag"` so stated office days still make it hybrid; false does
  not mean on-site (hybrid jobs say false too), so it gives no workplace at all;
- `published_on` and `created_at` are dates without a time (taken as midnight UTC);
- an unknown subdomain answers either 404 or 200 with an empty `jobs` list. A real account
  always carries its `name`, so an empty list *with* a name is an empty board and one
  *without* a name is reported as `UnknownBoard`;
- there is no salary field.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pipeline.html import html_to_text
from pipeline.http import HttpClient
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

EMPLOYMENT = {
    "full-time": "full_time",
    "part-time": "part_time",
    "contract": "contract",
    "temporary": "temporary",
    "internship": "internship",
}


@register
class Workable(Source):
    name = "workable"
    default_base_url = "https://apply.workable.com/api/v1/widget/accounts"
    api_hosts = ("apply.workable.com", "www.workable.com")
    default_min_interval = 5.0
    default_max_concurrency = 1

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        pages = PageFetcher(self.name, client, board, fetch_id)
        page = pages.get(f"{self.base_url}/{board.token}", {"details": "true"})
        yield page
        _account(page)

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        for page in pages:
            account = _account(page)
            company = account.get("name") or board.company
            collect(
                result,
                self.name,
                board,
                page.sha256,
                account["jobs"],
                _posting,
                board,
                company,
                page.sha256,
                ref_key="shortcode",
            )
        return result


def _account(page: RawPage) -> dict[str, Any]:
    data = decode_json(page)
    if not isinstance(data, dict) or not isinstance(data.get("jobs", []), list):
        raise MalformedPayload(f"{page.url}: expected an account object with a 'jobs' array")
    data.setdefault("jobs", [])
    if not data["jobs"] and not data.get("name"):
        raise UnknownBoard(f"{page.url}: no account name and no jobs; unknown subdomain?")
    return data


def _place(parts: Sequence[Any]) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str) and part.strip() and part.strip() not in out:
            out.append(part.strip())
    return ", ".join(out)


def _posting(job: dict[str, Any], board: Board, company: str, payload_id: str) -> Posting:
    shortcode = job["shortcode"]
    title = job.get("title")
    if not isinstance(shortcode, str) or not shortcode.strip():
        raise ValueError("job without a shortcode")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("job without a title")
    locations: list[str] = []
    for loc in job.get("locations") or []:
        if isinstance(loc, dict) and not loc.get("hidden"):
            place = _place([loc.get("city"), loc.get("region"), loc.get("country")])
            if place and place not in locations:
                locations.append(place)
    if not locations:
        place = _place([job.get("city"), job.get("state"), job.get("country")])
        locations = [place] if place else []
    employment = str(job.get("employment_type") or "").strip().lower()
    description = job.get("full_description") or job.get("description")
    return Posting(
        source="workable",
        source_id=shortcode,
        company=company,
        title=title.strip(),
        description=html_to_text(description),
        locations=locations,
        workplace_type="remote" if job.get("telecommuting") is True else None,
        salary=None,
        posted_at=parse_iso(job.get("published_on")) or parse_iso(job.get("created_at")),
        url=job.get("url") or job.get("shortlink"),
        employment_type=EMPLOYMENT.get(employment),
        department=job.get("department") or None,
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "code": job.get("code"),
                "employment_type_raw": job.get("employment_type"),
                "experience": job.get("experience"),
                "function": job.get("function"),
                "industry": job.get("industry"),
                "education": job.get("education"),
                "country_codes": sorted(
                    {
                        loc["countryCode"]
                        for loc in job.get("locations") or []
                        if isinstance(loc, dict) and isinstance(loc.get("countryCode"), str)
                    }
                ),
                "application_url": job.get("application_url"),
                "workplace_hint": "flag" if job.get("telecommuting") is True else None,
            }
        ),
    )
