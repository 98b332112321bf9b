"""Lever postings payloads for the fictional market: a bare array, paged by skip/limit."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date
from typing import Any

from pipeline.html import html_to_text
from pipeline.snapshot import snapshot_key
from pipeline.sources.lever import PAGE_SIZE, Lever
from sample.text import description_html
from sample.world import Company, Job

INTERVAL = {"year": "per-year-salary", "hour": "per-hour-wage"}


def posting_id(job: Job) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(f"lever-{job.key}".encode()).digest()[:16]))


def workplace(job: Job) -> str:
    if job.workplace == "onsite":
        return "on-site" if job.key % 3 else "onsite"
    return job.workplace


def posting_json(job: Job, night: date) -> dict[str, Any]:
    company = job.company
    pid = posting_id(job)
    description = description_html(job, night, show_pay=job.salary_shown == "text")
    item: dict[str, Any] = {
        "additional": "<div>We are an equal opportunity employer.</div>",
        "additionalPlain": "We are an equal opportunity employer.",
        "categories": {
            "commitment": "Intern" if job.seniority == "intern" else "Full-time",
            "department": job.role.replace("_", " ").title(),
            "location": job.places[0].label,
            "team": job.role.replace("_", " ").title(),
            "allLocations": [p.label for p in job.places],
        },
        "createdAt": int(job.published_at().replace(tzinfo=UTC).timestamp() * 1000),
        "descriptionPlain": html_to_text(description),
        "description": description,
        "id": pid,
        "lists": [],
        "text": job.title_on(night),
        "country": job.places[0].country,
        "workplaceType": workplace(job),
        "opening": "",
        "openingPlain": "",
        "descriptionBody": description,
        "descriptionBodyPlain": html_to_text(description),
        "hostedUrl": f"https://jobs.lever.co/{company.token}/{pid}",
        "applyUrl": f"https://jobs.lever.co/{company.token}/{pid}/apply",
    }
    salary = job.salary_on(night)
    if salary and job.salary_shown == "structured":
        low, high, currency, period = salary
        item["salaryRange"] = {
            "currency": currency,
            "interval": INTERVAL[period],
            "min": low,
            "max": high,
        }
    return item


def render(company: Company, jobs: list[Job], night: date) -> dict[str, Any]:
    base = Lever.default_base_url
    limit = int(dict(company.options).get("page_size", PAGE_SIZE))
    items = [
        posting_json(j, night) for j in sorted(jobs, key=lambda j: (j.opened, j.key), reverse=True)
    ]
    out: dict[str, Any] = {}
    for n in range(len(items) // limit + 1):
        params = {"mode": "json", "skip": n * limit, "limit": limit}
        out[snapshot_key(f"{base}/{company.token}", params)] = items[n * limit : (n + 1) * limit]
    return out
