from __future__ import annotations

from typing import Any

import pytest
import responses

from pipeline.sources.base import UnknownBoard
from tests.support import run

URL = "https://apply.workable.com/api/v1/widget/accounts/groove"

JOB: dict[str, Any] = {
    "title": "Machine Learning Engineer",
    "shortcode": "GROOV006",
    "code": "UK/1/MLE",
    "employment_type": "Full-time",
    "telecommuting": False,
    "department": "Engineering",
    "url": "https://apply.workable.com/j/GROOV006",
    "shortlink": "https://apply.workable.com/j/GROOV006",
    "application_url": "https://apply.workable.com/j/GROOV006/apply",
    "published_on": "2026-09-07",
    "created_at": "2026-09-05",
    "country": "United Kingdom",
    "city": "London",
    "state": "England",
    "education": "",
    "experience": "Mid-Senior level",
    "function": "Engineering",
    "industry": "Computer Software",
    "locations": [
        {
            "country": "United Kingdom",
            "countryCode": "GB",
            "city": "London",
            "region": "England",
            "hidden": False,
        }
    ],
    "description": "<p>Build <strong>models</strong> &amp; ship them.</p>",
}


def serve(jobs: list[Any], name: str | None = "Groove Tech") -> None:
    body: dict[str, Any] = {"jobs": jobs, "description": "<p>We groove.</p>"}
    if name is not None:
        body["name"] = name
    responses.get(URL, json=body)


@responses.activate
def test_normal_board() -> None:
    remote = dict(JOB, shortcode="GROOV007", telecommuting=True, employment_type="Contract")
    serve([JOB, remote])
    onsite_or_hybrid, remote_job = run("workable", "groove", "Config Name").postings
    assert onsite_or_hybrid.company == "Groove Tech"
    assert onsite_or_hybrid.workplace_type is None
    assert remote_job.workplace_type == "remote"
    assert remote_job.extras["workplace_hint"] == "flag"
    assert "workplace_hint" not in onsite_or_hybrid.extras
    assert remote_job.employment_type == "contract"
    assert onsite_or_hybrid.locations == ["London, England, United Kingdom"]
    assert onsite_or_hybrid.description == "Build models & ship them."
    assert onsite_or_hybrid.posted_at is not None
    assert onsite_or_hybrid.posted_at.isoformat() == "2026-09-07T00:00:00+00:00"
    assert onsite_or_hybrid.salary is None
    assert onsite_or_hybrid.extras["country_codes"] == ["GB"]
    assert responses.calls[0].request.params == {"details": "true"}


@responses.activate
def test_missing_optional_fields_fall_back() -> None:
    serve([{"title": "Data Scientist", "shortcode": "X1", "city": "Berlin", "country": "Germany"}])
    [p] = run("workable", "groove").postings
    assert p.locations == ["Berlin, Germany"]
    assert p.posted_at is None
    assert p.employment_type is None
    assert p.description == ""


@responses.activate
def test_unknown_board_as_empty_200_without_name() -> None:
    serve([], name=None)
    with pytest.raises(UnknownBoard):
        run("workable", "groove")


@pytest.mark.live
def test_live_workable() -> None:
    result = run("workable", "huggingface", "Hugging Face")
    assert result.postings
