"""The RemoteOK feed for the fictional market: cross-posted remote jobs behind a legal notice.

Only jobs marked `also_on` RemoteOK appear, so each one duplicates a posting on its
employer's own board. Pay is shown only when the employer's is annual USD (RemoteOK's unit);
otherwise both fields are 0, the API's "unknown".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from pipeline.snapshot import snapshot_key
from pipeline.sources.remoteok import RemoteOK
from sample.text import description_html
from sample.world import Job

MOST_RECENT = 100
LEGAL = (
    "API Terms of Service: Please link back to the URL on Remote OK and mention Remote OK as "
    "a source, so we get traffic back from your site."
)


def listed(world: list[Job], night: date) -> list[Job]:
    jobs = [j for j in world if "remoteok" in j.also_on and j.open_on(night)]
    return sorted(jobs, key=lambda j: (j.opened, j.key), reverse=True)[:MOST_RECENT]


def job_json(job: Job, night: date) -> dict[str, Any]:
    slug = f"remote-{job.title.lower().replace(' ', '-').replace(',', '')}-{1100000 + job.key}"
    salary = job.salary_on(night)
    pay = (0.0, 0.0)
    if salary and job.salary_shown != "none" and salary[2] == "USD" and salary[3] == "year":
        pay = (salary[0], salary[1])
    posted = job.published_at().replace(tzinfo=UTC)
    return {
        "slug": slug,
        "id": str(1100000 + job.key),
        "epoch": int(posted.timestamp()),
        "date": posted.isoformat(),
        "company": job.company.name,
        "company_logo": "",
        "position": job.title_on(night),
        "tags": [s.lower() for s in job.skills],
        "logo": "",
        "description": description_html(job, night, show_pay=False),
        "location": "United States" if job.key % 3 else "Worldwide",
        "salary_min": int(pay[0]),
        "salary_max": int(pay[1]),
        "url": f"https://remoteOK.com/remote-jobs/{slug}",
        "apply_url": f"https://remoteOK.com/l/{1100000 + job.key}",
    }


def render(world: list[Job], night: date) -> dict[str, Any]:
    updated = int(datetime.combine(night, time(1, 0), tzinfo=UTC).timestamp())
    body = [{"last_updated": updated, "legal": LEGAL}]
    body += [job_json(j, night) for j in listed(world, night)]
    return {snapshot_key(RemoteOK.default_base_url): body}
