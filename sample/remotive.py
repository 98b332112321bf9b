"""The Remotive feed for the fictional market: cross-posted remote jobs, pay as free text."""

from __future__ import annotations

from datetime import date
from typing import Any

from pipeline.snapshot import snapshot_key
from pipeline.sources.remotive import Remotive
from sample.text import description_html, money
from sample.world import Job

CATEGORY = {
    "data_scientist": "Data",
    "data_engineer": "Data",
    "data_analyst": "Data",
    "other": "All others",
}


def listed(world: list[Job], night: date) -> list[Job]:
    jobs = [j for j in world if "remotive" in j.also_on and j.open_on(night)]
    return sorted(jobs, key=lambda j: (j.opened, j.key), reverse=True)


def salary_text(job: Job, night: date) -> str:
    salary = job.salary_on(night)
    if not salary or job.salary_shown == "none":
        return ""
    low, high, currency, period = salary
    if period == "hour":
        return f"{money(low, currency)} - {money(high, currency)} /hour"
    if job.key % 2:
        return f"{money(low, currency)} - {money(high, currency)}"
    return f"{money(low / 1000, currency)}k - {money(high / 1000, currency)}k"


def job_json(job: Job, night: date) -> dict[str, Any]:
    jid = 2000000 + job.key
    slug = job.title.lower().replace(" ", "-").replace(",", "")
    return {
        "id": jid,
        "url": f"https://remotive.com/remote-jobs/software-dev/{slug}-{jid}",
        "title": job.title_on(night),
        "company_name": job.company.name,
        "company_logo": f"https://remotive.com/job/{jid}/logo",
        "category": CATEGORY.get(job.role, "Software Development"),
        "tags": [s.lower() for s in job.skills],
        "job_type": "internship" if job.seniority == "intern" else "full_time",
        "publication_date": job.published_at().isoformat(),
        "candidate_required_location": "USA" if job.key % 4 else "USA, Canada",
        "salary": salary_text(job, night),
        "description": description_html(job, night, show_pay=False),
    }


def render(world: list[Job], night: date) -> dict[str, Any]:
    jobs = [job_json(j, night) for j in listed(world, night)]
    return {
        snapshot_key(Remotive.default_base_url): {
            "00-warning": "This API is for personal use only; see the legal notice.",
            "0-legal-notice": "Remotive API Legal Notice",
            "job-count": len(jobs),
            "total-job-count": len(jobs),
            "jobs": jobs,
        }
    }
