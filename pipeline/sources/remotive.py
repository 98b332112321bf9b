"""Remotive: `GET https://remotive.com/api/remote-jobs[?category=&search=]`.

One response holds every current job matching the filter (jobs appear 24 h late), so a job
that disappears from it has been taken down: `closes_missing = True`, which is why the
board options offer only `category` and `search` and not the API's `limit` (a truncated
list would close jobs that are still open). Quirks:

- the API asks for at most a few calls a day and blocks above 2 a minute: one request per
  board, 60 s apart;
- `salary` is free text ("$40,000 - $50,000", "competitive", "€50k"): it is kept verbatim
  in `Salary.text` with `source="text"` and no numbers, for the classifier to read;
- `candidate_required_location` is a free-text geo restriction ("Worldwide", "USA only");
- `publication_date` carries no zone (taken as UTC); all jobs are remote;
- the terms require a link back and credit, so `url` is kept on every posting.
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

FILTERS = ("category", "search")
EMPLOYMENT = {
    "full_time": "full_time",
    "part_time": "part_time",
    "contract": "contract",
    "freelance": "contract",
    "internship": "internship",
}


@register
class Remotive(Source):
    name = "remotive"
    default_base_url = "https://remotive.com/api/remote-jobs"
    api_hosts = ("remotive.com", "remotive.io")
    default_min_interval = 60.0
    default_max_concurrency = 1

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        params = {k: str(board.options[k]) for k in FILTERS if board.options.get(k)}
        yield PageFetcher(self.name, client, board, fetch_id).get(self.base_url, params or None)

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        for page in pages:
            data = decode_json(page)
            if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
                raise MalformedPayload(f"{page.url}: expected an object with a 'jobs' array")
            collect(
                result, self.name, board, page.sha256, data["jobs"], _posting, board, page.sha256
            )
        return result


def _posting(job: dict[str, Any], board: Board, payload_id: str) -> Posting:
    job_id = job["id"]
    title = job.get("title")
    company = job.get("company_name")
    if isinstance(job_id, bool) or not isinstance(job_id, int | str) or not str(job_id).strip():
        raise ValueError("job without an id")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("job without a title")
    if not isinstance(company, str) or not company.strip():
        raise ValueError("job without a company_name")
    region = job.get("candidate_required_location")
    pay = job.get("salary")
    return Posting(
        source="remotive",
        source_id=str(job_id),
        company=company.strip(),
        title=title.strip(),
        description=html_to_text(job.get("description")),
        locations=[region.strip()] if isinstance(region, str) and region.strip() else [],
        workplace_type="remote",
        salary=Salary(None, None, None, None, "text", pay.strip())
        if isinstance(pay, str) and pay.strip()
        else None,
        posted_at=parse_iso(job.get("publication_date")),
        url=job.get("url"),
        employment_type=EMPLOYMENT.get(str(job.get("job_type") or "")),
        department=job.get("category") or None,
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "tags": [t for t in job.get("tags") or [] if isinstance(t, str)],
                "job_type_raw": job.get("job_type"),
                "candidate_required_location": region,
            }
        ),
    )
