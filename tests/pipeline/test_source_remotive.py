from __future__ import annotations

from typing import Any

import pytest
import responses

from tests.support import run

URL = "https://remotive.com/api/remote-jobs"
JOB: dict[str, Any] = {
    "id": 123,
    "url": "https://remotive.com/remote-jobs/software-dev/ml-engineer-123",
    "title": "ML Engineer",
    "company_name": "Remotive Labs",
    "company_logo": "https://remotive.com/job/123/logo",
    "category": "Software Development",
    "tags": ["python", "pytorch"],
    "job_type": "full_time",
    "publication_date": "2026-09-15T10:23:26",
    "candidate_required_location": "Europe",
    "salary": "€50k - €60k",
    "description": "<p>Ship <b>models</b></p><ul><li>PyTorch</li></ul>",
}


def envelope(jobs: list[Any]) -> dict[str, Any]:
    return {
        "00-warning": "Remotive API Legal Notice",
        "0-legal-notice": "Remotive API Legal Notice",
        "job-count": len(jobs),
        "total-job-count": 1234,
        "jobs": jobs,
    }


@responses.activate
def test_normal_board_keeps_salary_text() -> None:
    responses.get(URL, json=envelope([JOB]))
    [p] = run("remotive", "all", "Remotive").postings
    assert p.company == "Remotive Labs"
    assert p.salary is not None
    assert (p.salary.min, p.salary.currency, p.salary.source, p.salary.text) == (
        None,
        None,
        "text",
        "€50k - €60k",
    )
    assert p.locations == ["Europe"]
    assert p.workplace_type == "remote"
    assert p.employment_type == "full_time"
    assert p.description == "Ship models\n\nPyTorch"
    assert p.posted_at is not None and p.posted_at.isoformat() == "2026-09-15T10:23:26+00:00"


@responses.activate
def test_filters_become_query_parameters() -> None:
    responses.get(URL, json=envelope([]))
    run("remotive", "ml", category="software-dev", search="machine learning")
    assert responses.calls[0].request.params == {
        "category": "software-dev",
        "search": "machine learning",
    }


@responses.activate
def test_missing_optional_fields() -> None:
    responses.get(URL, json=envelope([{"id": 5, "title": "Data Analyst", "company_name": "B"}]))
    [p] = run("remotive", "all").postings
    assert p.salary is None and p.locations == [] and p.employment_type is None


@pytest.mark.live
def test_live_remotive() -> None:
    assert run("remotive", "all", "Remotive", category="software-dev").postings
