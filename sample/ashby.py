"""Ashby job board payloads for the fictional market, with the API's quirks left in.

Equity comes before salary in every compensation tier, one unlisted row is always present,
`isRemote` is true on most hybrid jobs (as observed live) and `workplaceType` is sometimes
null, and withheld pay is a `shouldDisplayCompensationOnJobPostings: false` job that still
carries its compensation block.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date
from typing import Any

from pipeline.html import html_to_text
from pipeline.snapshot import snapshot_key
from pipeline.sources.ashby import Ashby
from sample.text import SYMBOL, description_html
from sample.world import Company, Job

WORKPLACE = {"onsite": "OnSite", "remote": "Remote", "hybrid": "Hybrid"}
INTERVAL = {"year": "1 YEAR", "hour": "1 HOUR"}


def job_id(token: str, key: int | str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(f"ashby-{token}-{key}".encode()).digest()[:16]))


def _short(value: float, currency: str) -> str:
    symbol = SYMBOL.get(currency, currency + " ")
    return f"{symbol}{value / 1000:.0f}K" if value >= 1000 else f"{symbol}{value:.0f}"


def _compensation(job: Job, night: date) -> dict[str, Any] | None:
    salary = job.salary_on(night)
    if salary is None:
        return None
    low, high, currency, period = salary
    pay = f"{_short(low, currency)} – {_short(high, currency)}"
    equity = {
        "compensationType": "EquityPercentage",
        "interval": "NONE",
        "currencyCode": None,
        "minValue": 0.05,
        "maxValue": 0.25,
    }
    base = {
        "compensationType": "Salary",
        "interval": INTERVAL[period],
        "currencyCode": currency,
        "minValue": low,
        "maxValue": high,
    }
    return {
        "compensationTierSummary": f"{pay} • 0.05% – 0.25%",
        "scrapeableCompensationSalarySummary": pay.replace("–", "-"),
        "compensationTiers": [
            {
                "id": job_id(job.company.token, f"tier-{job.key}"),
                "title": f"{job.places[0].city} zone",
                "additionalInformation": None,
                "tierSummary": f"{pay} • 0.05% – 0.25%",
                "components": [
                    dict(
                        equity,
                        id=job_id(job.company.token, f"eq-{job.key}"),
                        summary="0.05% – 0.25%",
                    ),
                    dict(base, id=job_id(job.company.token, f"sal-{job.key}"), summary=pay),
                ],
            }
        ],
        "summaryComponents": [equity, base],
    }


def _address(job: Job) -> dict[str, Any]:
    place = job.places[0]
    return {
        "postalAddress": {
            "addressLocality": place.city,
            "addressRegion": place.region,
            "addressCountry": place.country,
        }
    }


def job_json(job: Job, night: date) -> dict[str, Any]:
    token = job.company.token
    jid = job_id(token, job.key)
    description = description_html(job, night, show_pay=job.salary_shown == "text")
    primary = "Remote (US)" if job.workplace == "remote" else job.places[0].label
    secondary = [{"location": p.label, "address": _address(job)} for p in job.places[1:]]
    if job.workplace == "hybrid" and job.key % 4 == 0:
        secondary.append({"location": "Remote (US)", "address": {"postalAddress": {}}})
    return {
        "id": jid,
        "title": job.title_on(night),
        "location": primary,
        "secondaryLocations": secondary,
        "department": job.role.replace("_", " ").title(),
        "team": job.role.replace("_", " ").title(),
        "isListed": True,
        "isRemote": None if job.key % 7 == 0 else job.workplace in ("remote", "hybrid"),
        "workplaceType": None if job.key % 13 == 0 else WORKPLACE[job.workplace],
        "descriptionHtml": description,
        "descriptionPlain": html_to_text(description),
        "publishedAt": job.updated_at(night).replace(tzinfo=UTC).isoformat(timespec="milliseconds"),
        "employmentType": "Intern" if job.seniority == "intern" else "FullTime",
        "address": _address(job),
        "jobUrl": f"https://jobs.ashbyhq.com/{token}/{jid}",
        "applyUrl": f"https://jobs.ashbyhq.com/{token}/{jid}/application",
        "shouldDisplayCompensationOnJobPostings": job.salary_shown == "structured",
        "compensation": _compensation(job, night),
    }


def render(company: Company, jobs: list[Job], night: date) -> dict[str, Any]:
    rows = [job_json(j, night) for j in jobs]
    if rows:
        unlisted = dict(rows[0], id=job_id(company.token, "unlisted"), isListed=False)
        rows.append(dict(unlisted, title="Internal Referral Pipeline (unlisted)"))
    key = snapshot_key(f"{Ashby.default_base_url}/{company.token}", {"includeCompensation": "true"})
    return {key: {"apiVersion": "1", "jobs": rows}}
