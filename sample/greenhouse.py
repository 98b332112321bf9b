"""Greenhouse board payloads for the fictional market, in the job board API's real shape."""

from __future__ import annotations

import html
from datetime import date, timedelta, timezone
from typing import Any

from pipeline.snapshot import snapshot_key
from pipeline.sources.greenhouse import Greenhouse
from sample.text import description_html
from sample.world import Company, Job

EASTERN = timezone(timedelta(hours=-4))
BOARD_URL = "https://job-boards.greenhouse.io"


def location_name(job: Job) -> str:
    place = job.places[0]
    if job.workplace == "remote":
        return "Remote - United States" if job.key % 2 else "Remote (US)"
    if job.workplace == "hybrid":
        return f"Hybrid - {place.label}"
    return "; ".join(p.label for p in job.places)


def job_json(job: Job, night: date, *, with_pay_in_text: bool) -> dict[str, Any]:
    company = job.company
    show_text = job.salary_shown == "text" or (
        with_pay_in_text and job.salary_shown == "structured"
    )
    content = description_html(job, night, show_pay=show_text)
    metadata = None
    if company.token == "northwindai":
        metadata = [
            {
                "id": 4012,
                "name": "Location Type",
                "value_type": "single_select",
                "value": {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On-site"}[
                    job.workplace
                ],
            }
        ]
    return {
        "absolute_url": f"{BOARD_URL}/{company.token}/jobs/{4000000 + job.key}",
        "data_compliance": [
            {
                "type": "gdpr",
                "requires_consent": False,
                "requires_processing_consent": False,
                "requires_retention_consent": False,
                "retention_period": None,
            }
        ],
        "internal_job_id": 2000000 + job.key,
        "location": {"name": location_name(job)},
        "metadata": metadata,
        "id": 4000000 + job.key,
        "updated_at": job.updated_at(night).replace(tzinfo=EASTERN).isoformat(),
        "requisition_id": f"R{job.key:05d}",
        "title": job.title_on(night),
        "company_name": company.name,
        "first_published": job.published_at().replace(tzinfo=EASTERN).isoformat(),
        "language": "en",
        "content": html.escape(content, quote=True),
        "departments": [
            {
                "id": 100 + len(job.role),
                "name": job.role.replace("_", " ").title(),
                "child_ids": [],
                "parent_id": None,
            }
        ],
        "offices": [
            {"id": 800 + i, "name": p.city, "location": p.label, "child_ids": [], "parent_id": None}
            for i, p in enumerate(job.places)
        ],
    }


def render(company: Company, jobs: list[Job], night: date) -> dict[str, Any]:
    """Every URL a Greenhouse fetch of this board would call that night, with its body."""
    base = Greenhouse.default_base_url
    fetch_pay = dict(company.options).get("fetch_pay", False)
    listing = [job_json(j, night, with_pay_in_text=not fetch_pay) for j in jobs]
    out: dict[str, Any] = {
        snapshot_key(f"{base}/{company.token}/jobs", {"content": "true"}): {
            "jobs": listing,
            "meta": {"total": len(listing)},
        },
    }
    if fetch_pay:
        for job, body in zip(jobs, listing, strict=True):
            salary = job.salary_on(night)
            ranges = []
            if salary and job.salary_shown == "structured":
                low, high, currency, period = salary
                ranges.append(
                    {
                        "min_cents": int(low * 100),
                        "max_cents": int(high * 100),
                        "currency_type": currency,
                        "title": f"{job.places[0].city} pay zone",
                        "blurb": "The range below is the base pay for this role"
                        + (", per hour." if period == "hour" else ", per year."),
                    }
                )
            detail = dict(body, pay_input_ranges=ranges)
            url = f"{base}/{company.token}/jobs/{body['id']}"
            out[snapshot_key(url, {"pay_transparency": "true"})] = detail
    return out
