"""Ashby public job posting API: `GET /posting-api/job-board/{board}?includeCompensation=true`.

The whole board comes in one `{apiVersion, jobs}` envelope (no paging; OpenAI's 838 jobs fit
in one response). Quirks handled here:

- rows with `isListed: false` are unlisted postings and are dropped, not loaded;
- `workplaceType` (OnSite/Remote/Hybrid) decides the arrangement. Older payloads have only
  `isRemote`, a yes/no flag that is true on most Hybrid jobs: it is used only when
  `workplaceType` is absent, marked `extras["workplace_hint"] = "flag"` so the classifier lets
  stated office days make it hybrid; a null flag gives no workplace;
- pay is the component whose `compensationType` is "Salary", never the first one (equity is
  often first), read from `summaryComponents` (spans every pay zone) or else the first tier,
  and only when `shouldDisplayCompensationOnJobPostings` is not false (the employer withheld
  it otherwise);
- interval "2 WEEK" (bi-weekly pay) is halved into a weekly figure, an exact conversion that
  keeps the period vocabulary closed; the raw interval stays in `extras`. "NONE" or an
  unknown interval gives no period;
- `publishedAt` is the last (re)publish time, not the first: first-seen is tracked by the
  warehouse, so it is used as posted_at only for lack of anything better.
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

WORKPLACE = {"onsite": "onsite", "remote": "remote", "hybrid": "hybrid"}
EMPLOYMENT = {
    "FullTime": "full_time",
    "PartTime": "part_time",
    "Intern": "internship",
    "Contract": "contract",
    "Temporary": "temporary",
}
INTERVALS: dict[str, tuple[str, float]] = {
    "1 YEAR": ("year", 1.0),
    "1 MONTH": ("month", 1.0),
    "1 WEEK": ("week", 1.0),
    "2 WEEK": ("week", 0.5),
    "1 DAY": ("day", 1.0),
    "1 HOUR": ("hour", 1.0),
}


@register
class Ashby(Source):
    name = "ashby"
    default_base_url = "https://api.ashbyhq.com/posting-api/job-board"
    default_min_interval = 1.0
    default_max_concurrency = 2

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        pages = PageFetcher(self.name, client, board, fetch_id)
        yield pages.get(f"{self.base_url}/{board.token}", {"includeCompensation": "true"})

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        for page in pages:
            listed = [
                j for j in _jobs(page) if not (isinstance(j, dict) and j.get("isListed") is False)
            ]
            collect(result, self.name, board, page.sha256, listed, _posting, board, page.sha256)
        return result


def _jobs(page: RawPage) -> list[Any]:
    data = decode_json(page)
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise MalformedPayload(f"{page.url}: expected an object with a 'jobs' array")
    return data["jobs"]


def _posting(job: dict[str, Any], board: Board, payload_id: str) -> Posting:
    job_id = job["id"]
    title = job.get("title")
    if not isinstance(job_id, str) or not job_id.strip():
        raise ValueError("job without an id")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("job without a title")
    locations = (
        [job["location"]] if isinstance(job.get("location"), str) and job["location"] else []
    )
    for secondary in job.get("secondaryLocations") or []:
        place = secondary.get("location") if isinstance(secondary, dict) else None
        if isinstance(place, str) and place and place not in locations:
            locations.append(place)
    workplace = WORKPLACE.get(str(job.get("workplaceType") or "").strip().lower())
    hint = None
    if workplace is None and isinstance(job.get("isRemote"), bool):
        workplace, hint = ("remote" if job["isRemote"] else "onsite"), "flag"
    salary, raw_interval = _salary(job)
    description = html_to_text(job.get("descriptionHtml")) or str(job.get("descriptionPlain") or "")
    compensation = job.get("compensation") if isinstance(job.get("compensation"), dict) else {}
    return Posting(
        source="ashby",
        source_id=job_id,
        company=board.company,
        title=title.strip(),
        description=description,
        locations=locations,
        workplace_type=workplace,
        salary=salary,
        posted_at=parse_iso(job.get("publishedAt")),
        url=job.get("jobUrl"),
        employment_type=EMPLOYMENT.get(str(job.get("employmentType"))),
        department=job.get("department") or job.get("team"),
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "team": job.get("team"),
                "is_remote": job.get("isRemote"),
                "workplace_type_raw": job.get("workplaceType"),
                "workplace_hint": hint,
                "employment_type_raw": job.get("employmentType"),
                "salary_interval_raw": raw_interval,
                "compensation_summary": compensation.get("compensationTierSummary"),
                "compensation_tiers": len(compensation.get("compensationTiers") or []) or None,
                "apply_url": job.get("applyUrl"),
            }
        ),
    )


def _salary(job: dict[str, Any]) -> tuple[Salary | None, str | None]:
    """The Salary component, picked by type; `(None, None)` when withheld or absent."""
    if job.get("shouldDisplayCompensationOnJobPostings") is False:
        return None, None
    compensation = job.get("compensation")
    if not isinstance(compensation, dict):
        return None, None
    candidates = list(compensation.get("summaryComponents") or [])
    for tier in compensation.get("compensationTiers") or []:
        if isinstance(tier, dict):
            candidates.extend(tier.get("components") or [])
    for component in candidates:
        if not isinstance(component, dict) or component.get("compensationType") != "Salary":
            continue
        low, high = component.get("minValue"), component.get("maxValue")
        if not isinstance(low, int | float) and not isinstance(high, int | float):
            continue
        low = low if isinstance(low, int | float) else high
        high = high if isinstance(high, int | float) else low
        interval = str(component.get("interval") or "")
        period, factor = INTERVALS.get(interval, (None, 1.0))
        return (
            Salary(
                float(low) * factor,
                float(high) * factor,
                component.get("currencyCode"),
                period,  # type: ignore[arg-type]
                "structured",
                component.get("summary"),
            ),
            interval or None,
        )
    return None, None
