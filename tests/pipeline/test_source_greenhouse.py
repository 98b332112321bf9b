"""Greenhouse adapter against fixtures in the job board API's documented and live shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses

from pipeline.http import NotFound
from pipeline.models import Board
from pipeline.sources.base import MalformedPayload
from pipeline.sources.greenhouse import Greenhouse
from tests.support import fetch_and_parse

BASE = "https://boards-api.greenhouse.io/v1/boards"


def job(job_id: int = 127817, **over: object) -> dict:
    body = {
        "id": job_id,
        "internal_job_id": 144381,
        "title": "Senior Machine Learning Engineer",
        "updated_at": "2026-10-14T10:55:28-04:00",
        "requisition_id": "50",
        "location": {"name": "Hybrid - San Francisco, CA"},
        "absolute_url": f"https://boards.greenhouse.io/acme/jobs/{job_id}",
        "metadata": None,
        "content": "&lt;p&gt;Build &lt;strong&gt;models&lt;/strong&gt; &amp;amp; ship.&lt;/p&gt;"
        "&lt;ul&gt;&lt;li&gt;5+ years&lt;/li&gt;&lt;/ul&gt;",
        "departments": [{"id": 13583, "name": "Research", "parent_id": None, "child_ids": []}],
        "offices": [
            {
                "id": 8787,
                "name": "SF",
                "location": "San Francisco, CA, United States",
                "parent_id": None,
                "child_ids": [],
            }
        ],
        "first_published": "2026-10-07T16:10:24-04:00",
        "company_name": "Acme AI",
        "language": "en",
    }
    body.update(over)
    return body


@responses.activate
def test_parses_a_board_with_entity_escaped_html() -> None:
    responses.get(f"{BASE}/acme/jobs", json={"jobs": [job()], "meta": {"total": 1}})
    pages, result = fetch_and_parse(Greenhouse(), Board("greenhouse", "acme", "Acme"))
    assert len(pages) == 1 and result.errors == []
    (p,) = result.postings
    assert p.source_id == "127817" and p.company == "Acme AI"
    assert p.description == "Build models & ship.\n\n5+ years"
    assert p.locations == ["Hybrid - San Francisco, CA", "San Francisco, CA, United States"]
    assert p.posted_at == datetime(2026, 10, 7, 20, 10, 24, tzinfo=UTC)
    assert p.department == "Research" and p.salary is None and p.workplace_type is None
    assert p.raw_payload_id == pages[0].sha256
    assert "content=true" in responses.calls[0].request.url


@responses.activate
def test_reads_workplace_from_location_type_metadata() -> None:
    meta = [{"id": 1, "name": "Location Type", "value_type": "single_select", "value": "Remote"}]
    responses.get(f"{BASE}/acme/jobs", json={"jobs": [job(metadata=meta)], "meta": {"total": 1}})
    _, result = fetch_and_parse(Greenhouse(), Board("greenhouse", "acme", "Acme"))
    assert result.postings[0].workplace_type == "remote"


@responses.activate
def test_pay_ranges_in_cents_come_from_the_single_job_call_when_enabled() -> None:
    responses.get(f"{BASE}/acme/jobs", json={"jobs": [job(1), job(2)], "meta": {"total": 2}})
    eur = {
        "min_cents": 7100000,
        "max_cents": 8400000,
        "currency_type": "EUR",
        "title": "Berlin",
        "blurb": "Base salary",
    }
    responses.get(f"{BASE}/acme/jobs/1", json=dict(job(1), pay_input_ranges=[eur]))
    responses.get(f"{BASE}/acme/jobs/2", json=dict(job(2), pay_input_ranges=[]))
    board = Board("greenhouse", "acme", "Acme", {"fetch_pay": True})
    pages, result = fetch_and_parse(Greenhouse(), board)
    assert len(pages) == 3
    salaries = {p.source_id: p.salary for p in result.postings}
    assert salaries["1"] is not None
    assert (salaries["1"].min, salaries["1"].max, salaries["1"].currency) == (71000, 84000, "EUR")
    assert salaries["1"].period == "year" and salaries["1"].source == "structured"
    assert salaries["2"] is None
    assert "pay_transparency=true" in responses.calls[1].request.url


@responses.activate
def test_empty_board_is_an_empty_success() -> None:
    responses.get(f"{BASE}/acme/jobs", json={"jobs": [], "meta": {"total": 0}})
    _, result = fetch_and_parse(Greenhouse(), Board("greenhouse", "acme", "Acme"))
    assert result.postings == [] and result.errors == []


@responses.activate
def test_unknown_board_is_not_found() -> None:
    responses.get(f"{BASE}/nope/jobs", status=404, json={"status": 404, "error": "Not found"})
    with pytest.raises(NotFound):
        fetch_and_parse(Greenhouse(), Board("greenhouse", "nope", "Nope"))


@responses.activate
def test_missing_optional_fields_and_a_bad_record_are_kept_apart() -> None:
    bare = {"id": 9, "title": "Data Scientist"}
    responses.get(f"{BASE}/acme/jobs", json={"jobs": [bare, {"id": 10}, "junk"], "meta": {}})
    _, result = fetch_and_parse(Greenhouse(), Board("greenhouse", "acme", "Acme"))
    (p,) = result.postings
    assert (p.title, p.company, p.locations, p.description) == ("Data Scientist", "Acme", [], "")
    assert sorted(e.record_ref for e in result.errors) == ["", "10"]
    assert all(e.reason for e in result.errors)


@responses.activate
def test_a_payload_that_is_not_the_documented_shape_is_malformed() -> None:
    responses.get(f"{BASE}/acme/jobs", json=[{"id": 1}])
    with pytest.raises(MalformedPayload):
        fetch_and_parse(Greenhouse(), Board("greenhouse", "acme", "Acme"))
