"""SmartRecruiters payloads for the fictional market: the paged list plus one detail per posting.

The list rows carry no description; each detail adds `jobAd.sections`, as the real API does.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from pipeline.snapshot import snapshot_key
from pipeline.sources.smartrecruiters import PAGE_SIZE, SmartRecruiters
from sample.text import description_html
from sample.world import Company, Job


def posting_id(job: Job) -> str:
    return str(744000000000 + job.key)


def list_row(job: Job, night: date) -> dict[str, Any]:
    company = job.company
    place = job.places[0]
    pid = posting_id(job)
    return {
        "id": pid,
        "uuid": f"{job.key:08d}-5eed-4000-8000-{job.key:012d}",
        "name": job.title_on(night),
        "refNumber": f"REF{job.key:05d}",
        "jobAdId": f"{job.key:08d}-ad00-4000-8000-{job.key:012d}",
        "defaultJobAd": True,
        "company": {"identifier": company.token, "name": company.name},
        "releasedDate": job.updated_at(night)
        .replace(tzinfo=UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "location": {
            "city": place.city,
            "region": place.region,
            "country": place.country.lower(),
            "remote": job.workplace == "remote",
            "hybrid": job.workplace == "hybrid",
            "fullLocation": place.label,
        },
        "industry": {"id": "internet", "label": company.industry},
        "department": {"id": str(100 + len(job.role)), "label": job.role.replace("_", " ").title()},
        "function": {"id": "engineering", "label": "Engineering"},
        "typeOfEmployment": {"label": "Intern" if job.seniority == "intern" else "Full-time"},
        "experienceLevel": {"id": job.seniority, "label": job.seniority.title()},
        "customField": [],
        "ref": f"{SmartRecruiters.default_base_url}/{company.token}/postings/{pid}",
        "creator": {"name": "Talent Team"},
    }


def detail(job: Job, night: date) -> dict[str, Any]:
    pid = posting_id(job)
    token = job.company.token
    return dict(
        list_row(job, night),
        postingUrl=f"https://jobs.smartrecruiters.com/{token}/{pid}",
        applyUrl=f"https://jobs.smartrecruiters.com/{token}/{pid}?oga=true",
        jobAd={
            "sections": {
                "companyDescription": {
                    "title": "Company Description",
                    "text": f"<p>{job.company.name} is hiring.</p>",
                },
                "jobDescription": {
                    "title": "Job Description",
                    "text": description_html(job, night, show_pay=job.salary_shown != "none"),
                },
                "qualifications": {"title": "Qualifications", "text": ""},
                "additionalInformation": {
                    "title": "Additional Information",
                    "text": "<p>All your information will be kept confidential.</p>",
                },
            }
        },
    )


def render(company: Company, jobs: list[Job], night: date) -> dict[str, Any]:
    base = f"{SmartRecruiters.default_base_url}/{company.token}/postings"
    ordered = sorted(jobs, key=lambda j: j.key)
    out: dict[str, Any] = {}
    for n in range(len(ordered) // PAGE_SIZE + 1):
        chunk = ordered[n * PAGE_SIZE : (n + 1) * PAGE_SIZE]
        out[snapshot_key(base, {"limit": PAGE_SIZE, "offset": n * PAGE_SIZE})] = {
            "limit": PAGE_SIZE,
            "offset": n * PAGE_SIZE,
            "totalFound": len(ordered),
            "content": [list_row(j, night) for j in chunk],
        }
    for job in ordered:
        out[snapshot_key(f"{base}/{posting_id(job)}")] = detail(job, night)
    return out
