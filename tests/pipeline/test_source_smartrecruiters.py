from __future__ import annotations

import json
import re
from typing import Any

import pytest
import responses
from responses import matchers

from pipeline.sources.base import UnknownBoard
from tests.support import run

BASE = "https://api.smartrecruiters.com/v1/companies/Acme/postings"


def item(n: int, **changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(900000 + n),
        "uuid": f"uuid-{n}",
        "name": f"ML Engineer {n}",
        "refNumber": f"REF{n}",
        "company": {"identifier": "Acme", "name": "Acme Inc"},
        "releasedDate": "2026-09-19T19:36:42.346Z",
        "location": {
            "city": "Berlin",
            "region": "BE",
            "country": "de",
            "remote": False,
            "hybrid": True,
            "fullLocation": "Berlin, BE, Germany",
        },
        "industry": {"id": "internet", "label": "Internet"},
        "department": {"id": "1", "label": "Engineering"},
        "function": {"id": "engineering", "label": "Engineering"},
        "typeOfEmployment": {"label": "Full-time"},
        "experienceLevel": {"id": "mid_senior_level", "label": "Mid-Senior Level"},
        "customField": [],
        "ref": f"{BASE}/{900000 + n}",
    }
    out.update(changes)
    return out


def detail(n: int) -> dict[str, Any]:
    return dict(
        item(n),
        postingUrl=f"https://jobs.smartrecruiters.com/Acme/{900000 + n}",
        applyUrl=f"https://jobs.smartrecruiters.com/Acme/{900000 + n}?apply",
        jobAd={
            "sections": {
                "companyDescription": {"title": "Company", "text": "<p>We build AI.</p>"},
                "jobDescription": {"title": "The job", "text": "<ul><li>Train models</li></ul>"},
                "qualifications": {"title": "You", "text": "<p>PyTorch &amp; Python</p>"},
            }
        },
    )


def serve_list(items: list[Any], offset: int = 0, total: int | None = None) -> None:
    body = {
        "limit": 100,
        "offset": offset,
        "totalFound": len(items) if total is None else total,
        "content": items,
    }
    responses.get(
        BASE,
        json=body,
        match=[matchers.query_param_matcher({"limit": "100", "offset": str(offset)})],
    )


def serve_detail(n: int, status: int = 200) -> None:
    responses.get(f"{BASE}/{900000 + n}", json=detail(n), status=status)


@responses.activate
def test_normal_board_with_detail_calls() -> None:
    serve_list([item(1), item(2, location={"city": "Austin", "remote": True})])
    serve_detail(1)
    serve_detail(2)
    first, second = run("smartrecruiters", "Acme", "Acme").postings
    assert first.company == "Acme Inc"
    assert first.workplace_type == "hybrid"
    assert first.locations == ["Berlin, BE, Germany"]
    assert (
        first.description
        == "Company\nWe build AI.\n\nThe job\nTrain models\n\nYou\nPyTorch & Python"
    )
    assert first.employment_type == "full_time"
    assert first.url == "https://jobs.smartrecruiters.com/Acme/900001"
    assert second.workplace_type == "remote"
    assert second.locations == ["Austin"]


@responses.activate
def test_paging_by_offset_until_total_found() -> None:
    serve_list([item(n) for n in range(100)], offset=0, total=150)
    serve_list([item(n) for n in range(100, 150)], offset=100, total=150)
    responses.add_callback(
        responses.GET,
        re.compile(rf"{BASE}/\d+"),
        callback=lambda req: (200, {}, json.dumps(detail(int(req.url.rsplit("/", 1)[1]) - 900000))),
    )
    result = run("smartrecruiters", "Acme")
    assert len(result.postings) == 150
    list_calls = [c for c in responses.calls if c.request.url.split("?")[0] == BASE]
    assert len(list_calls) == 2


@responses.activate
def test_unknown_company_is_an_error_not_an_empty_board() -> None:
    serve_list([], total=0)
    with pytest.raises(UnknownBoard):
        run("smartrecruiters", "Acme")


@responses.activate
def test_empty_board_allowed_by_option() -> None:
    serve_list([], total=0)
    assert run("smartrecruiters", "Acme", allow_empty=True).postings == []


@responses.activate
def test_detail_gone_and_missing_optional_fields() -> None:
    serve_list([item(1), {"id": "77", "name": "Data Analyst"}])
    serve_detail(1, status=404)
    responses.get(f"{BASE}/77", json={"id": "77", "name": "Data Analyst"})
    gone, bare = run("smartrecruiters", "Acme", "Config Co").postings
    assert gone.description == "" and gone.extras["detail_missing"] is True
    assert bare.company == "Config Co"
    assert bare.locations == [] and bare.workplace_type is None and bare.posted_at is None


@responses.activate
def test_malformed_record_is_quarantined() -> None:
    serve_list([item(1), item(2, name=None), "junk"])
    serve_detail(1)
    serve_detail(2)
    result = run("smartrecruiters", "Acme")
    assert len(result.postings) == 1
    assert [(e.reason, e.record_ref) for e in result.errors] == [
        ("ValueError: posting without a name", "900002"),
        ("record is str, not an object", ""),
    ]


@pytest.mark.live
def test_live_smartrecruiters() -> None:
    assert run("smartrecruiters", "Visa", "Visa").postings
