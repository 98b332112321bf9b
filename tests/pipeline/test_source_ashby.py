from __future__ import annotations

import copy
from typing import Any

import pytest
import responses

from tests.support import run

URL = "https://api.ashbyhq.com/posting-api/job-board/acme"

JOB: dict[str, Any] = {
    "id": "8fb1615c-0000-4000-8000-000000000001",
    "title": "Machine Learning Engineer",
    "location": "San Francisco",
    "secondaryLocations": [
        {
            "location": "Remote (US)",
            "address": {"postalAddress": {"addressCountry": "USA"}},
        }
    ],
    "department": "Engineering",
    "team": "Applied AI",
    "isListed": True,
    "isRemote": True,
    "workplaceType": "Hybrid",
    "descriptionHtml": "<p>Join our <b>team</b></p><ul><li>PyTorch</li></ul>",
    "descriptionPlain": "Join our team",
    "publishedAt": "2026-09-01T16:21:55.393+00:00",
    "employmentType": "FullTime",
    "address": {"postalAddress": {"addressLocality": "San Francisco", "addressCountry": "USA"}},
    "jobUrl": "https://jobs.ashbyhq.com/acme/8fb1615c",
    "applyUrl": "https://jobs.ashbyhq.com/acme/8fb1615c/application",
    "shouldDisplayCompensationOnJobPostings": True,
    "compensation": {
        "compensationTierSummary": "$181K – $227K • 0.5% – 1.75%",
        "scrapeableCompensationSalarySummary": "$181K - $227K",
        "compensationTiers": [
            {
                "id": "t1",
                "title": "Zone A",
                "components": [
                    {
                        "id": "c1",
                        "summary": "0.5% – 1.75%",
                        "compensationType": "EquityPercentage",
                        "interval": "NONE",
                        "currencyCode": None,
                        "minValue": 0.5,
                        "maxValue": 1.75,
                    },
                    {
                        "id": "c2",
                        "summary": "$181K – $227K",
                        "compensationType": "Salary",
                        "interval": "1 YEAR",
                        "currencyCode": "USD",
                        "minValue": 181000,
                        "maxValue": 227000,
                    },
                ],
            }
        ],
        "summaryComponents": [
            {
                "compensationType": "EquityPercentage",
                "interval": "NONE",
                "currencyCode": None,
                "minValue": 0.5,
                "maxValue": 1.75,
            },
            {
                "compensationType": "Salary",
                "interval": "1 YEAR",
                "currencyCode": "USD",
                "minValue": 181000,
                "maxValue": 227000,
            },
        ],
    },
}


def job(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(JOB)
    out.update(changes)
    return out


def serve(jobs: list[Any]) -> None:
    responses.get(URL, json={"apiVersion": "1", "jobs": jobs})


@responses.activate
def test_normal_board_picks_salary_by_type_and_drops_unlisted() -> None:
    serve([job(), job(id="hidden", isListed=False)])
    result = run("ashby", "acme", "Acme AI")
    assert result.errors == []
    [p] = result.postings
    assert p.company == "Acme AI"
    assert p.workplace_type == "hybrid"
    assert p.extras["is_remote"] is True
    assert "workplace_hint" not in p.extras
    assert p.locations == ["San Francisco", "Remote (US)"]
    assert p.salary is not None
    assert (p.salary.min, p.salary.max, p.salary.currency, p.salary.period) == (
        181000.0,
        227000.0,
        "USD",
        "year",
    )
    assert p.salary.source == "structured"
    assert p.employment_type == "full_time"
    assert p.description == "Join our team\n\nPyTorch"
    assert p.posted_at is not None and p.posted_at.year == 2026
    assert responses.calls[0].request.params == {"includeCompensation": "true"}


@responses.activate
def test_withheld_compensation_and_missing_optional_fields() -> None:
    bare = {"id": "j2", "title": "Data Scientist"}
    serve([job(shouldDisplayCompensationOnJobPostings=False), bare])
    withheld, minimal = run("ashby", "acme").postings
    assert withheld.salary is None
    assert minimal.salary is None
    assert minimal.locations == []
    assert minimal.workplace_type is None
    assert "workplace_hint" not in minimal.extras
    assert minimal.posted_at is None
    assert minimal.description == ""


@responses.activate
def test_non_usd_and_biweekly_and_tier_fallback() -> None:
    tier_only = job(id="eur")
    tier_only["compensation"]["summaryComponents"] = []
    tier_only["compensation"]["compensationTiers"][0]["components"][1].update(
        currencyCode="EUR", minValue=70000, maxValue=90000
    )
    biweekly = job(id="bw")
    biweekly["compensation"]["summaryComponents"][1].update(interval="2 WEEK", minValue=4000)
    serve([tier_only, biweekly])
    eur, bw = run("ashby", "acme").postings
    assert eur.salary is not None and (eur.salary.currency, eur.salary.min) == ("EUR", 70000.0)
    assert bw.salary is not None and (bw.salary.period, bw.salary.min) == ("week", 2000.0)
    assert bw.extras["salary_interval_raw"] == "2 WEEK"


@pytest.mark.live
def test_live_openai() -> None:
    from pipeline.models import Board
    from pipeline.sources import get_source
    from tests.support import fetch_pages

    board = Board("ashby", "openai", "OpenAI")
    result = get_source("ashby").parse(fetch_pages("ashby", board), board)
    assert result.postings


@responses.activate
def test_legacy_is_remote_flag_is_used_only_without_workplace_type() -> None:
    """Older boards have only `isRemote`: it gives the workplace, marked as a yes/no flag so
    the classifier can let stated office days make it hybrid."""
    serve(
        [
            {"id": "a", "title": "Engineer", "isRemote": True},
            {"id": "b", "title": "Engineer", "isRemote": False},
            {"id": "c", "title": "Engineer", "isRemote": None},
        ]
    )
    remote, office, unknown = run("ashby", "acme").postings
    assert (remote.workplace_type, remote.extras["workplace_hint"]) == ("remote", "flag")
    assert (office.workplace_type, office.extras["workplace_hint"]) == ("onsite", "flag")
    assert unknown.workplace_type is None and "workplace_hint" not in unknown.extras
