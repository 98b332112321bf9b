"""Workable widget payloads for the fictional market: account name on top, dates without time.

Workable has no salary field, so pay that a job shows at all is written into its
description; `telecommuting` is true only for remote jobs.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from pipeline.snapshot import snapshot_key
from pipeline.sources.workable import Workable
from sample.text import description_html
from sample.world import Company, Job

EXPERIENCE = {
    "intern": "Internship",
    "entry": "Entry level",
    "mid": "Mid-Senior level",
    "senior": "Mid-Senior level",
    "executive": "Director",
    "unknown": "",
}


def shortcode(job: Job) -> str:
    return hashlib.sha256(f"workable-{job.key}".encode()).hexdigest()[:10].upper()


def job_json(job: Job, night: date) -> dict[str, Any]:
    place = job.places[0]
    code = shortcode(job)
    url = f"https://apply.workable.com/j/{code}"
    return {
        "title": job.title_on(night),
        "shortcode": code,
        "code": f"{job.company.token[:3].upper()}-{job.key}",
        "employment_type": "Internship" if job.seniority == "intern" else "Full-time",
        "telecommuting": job.workplace == "remote",
        "department": job.role.replace("_", " ").title(),
        "url": url,
        "shortlink": url,
        "application_url": f"{url}/apply",
        "published_on": job.opened.isoformat(),
        "created_at": (job.opened - timedelta(days=2)).isoformat(),
        "country": place.label.split(", ")[-1],
        "city": place.city,
        "state": place.region,
        "education": "",
        "experience": EXPERIENCE[job.seniority],
        "function": "Engineering",
        "industry": job.company.industry,
        "locations": [
            {
                "country": p.label.split(", ")[-1],
                "countryCode": p.country,
                "city": p.city,
                "region": p.region,
                "hidden": False,
            }
            for p in job.places
        ],
        "description": description_html(job, night, show_pay=job.salary_shown != "none"),
    }


def render(company: Company, jobs: list[Job], night: date) -> dict[str, Any]:
    key = snapshot_key(f"{Workable.default_base_url}/{company.token}", {"details": "true"})
    return {
        key: {
            "name": company.name,
            "description": f"<p>{company.name} builds dependable AI for its industry.</p>",
            "jobs": [job_json(j, night) for j in jobs],
        }
    }
