from __future__ import annotations

from typing import Any

import pytest
import responses

from pipeline.sources import get_source
from tests.support import run

URL = "https://remoteok.com/api"
NOTICE = {"last_updated": 1791388805, "legal": "API Terms of Service: Please link back ..."}
JOB: dict[str, Any] = {
    "slug": "remote-ml-engineer-acme-1137300",
    "id": "1137300",
    "epoch": 1790000000,
    "date": "2026-09-21T13:33:20+00:00",
    "company": "Acme",
    "company_logo": "",
    "position": "Senior ML Engineer",
    "tags": ["python", "ml"],
    "description": "<p>Train <em>models</em>.</p><br>Apply now",
    "location": "Europe",
    "salary_min": 70000,
    "salary_max": 90000,
    "url": "https://remoteOK.com/remote-jobs/remote-ml-engineer-acme-1137300",
    "apply_url": "https://remoteOK.com/l/1137300",
}


@responses.activate
def test_normal_board_skips_legal_notice() -> None:
    responses.get(URL, json=[NOTICE, JOB])
    result = run("remoteok", "all", "RemoteOK")
    assert result.errors == []
    [p] = result.postings
    assert (p.source_id, p.company, p.title) == ("1137300", "Acme", "Senior ML Engineer")
    assert p.workplace_type == "remote"
    assert p.locations == ["Europe"]
    assert p.description == "Train models.\n\nApply now"
    assert p.salary is not None and (p.salary.min, p.salary.max) == (70000.0, 90000.0)
    assert p.posted_at is not None and p.posted_at.year == 2026
    assert get_source("remoteok").closes_missing is False


@responses.activate
def test_zero_salary_means_unknown_and_optional_fields_missing() -> None:
    bare = {"id": 7, "position": "Data Scientist", "company": "Beta", "salary_min": 0}
    one_sided = dict(JOB, id="8", salary_min=0, salary_max=120000, location=None)
    responses.get(URL, json=[NOTICE, bare, one_sided])
    bare_p, one = run("remoteok", "all").postings
    assert bare_p.salary is None and bare_p.locations == [] and bare_p.posted_at is None
    assert one.salary is not None and (one.salary.min, one.salary.max) == (None, 120000.0)
    assert one.locations == []


@responses.activate
def test_empty_board_is_only_the_notice() -> None:
    responses.get(URL, json=[NOTICE])
    result = run("remoteok", "all")
    assert result.postings == [] and result.errors == []


@pytest.mark.live
def test_live_remoteok() -> None:
    assert run("remoteok", "all", "RemoteOK").postings
