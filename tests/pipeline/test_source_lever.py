"""Lever adapter against fixtures in the postings API's shape: bare array, skip/limit paging."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from pipeline.http import NotFound
from pipeline.models import Board
from pipeline.sources.lever import Lever
from tests.support import fetch_and_parse

BASE = "https://api.lever.co/v0/postings"


def posting(pid: str, **over: object) -> dict:
    body = {
        "id": pid,
        "text": "Research Engineer",
        "categories": {
            "commitment": "Full Time",
            "department": "Research",
            "location": "London",
            "team": "Pretraining",
            "allLocations": ["London"],
        },
        "country": "GB",
        "createdAt": 1760000000000,
        "workplaceType": "on-site",
        "description": "<div><b>We</b> train models.</div>",
        "descriptionPlain": "We train models.",
        "lists": [{"text": "About you:", "content": "<li>PyTorch</li><li>3+ years</li>"}],
        "additional": "<div>Equal opportunity.</div>",
        "hostedUrl": f"https://jobs.lever.co/acme/{pid}",
        "applyUrl": f"https://jobs.lever.co/acme/{pid}/apply",
    }
    body.update(over)
    return body


def page(skip: int, limit: int, items: list[dict]) -> None:
    responses.get(
        f"{BASE}/acme",
        json=items,
        match=[
            matchers.query_param_matcher({"mode": "json", "skip": str(skip), "limit": str(limit)})
        ],
    )


@responses.activate
def test_pages_until_a_short_page() -> None:
    page(0, 2, [posting("a"), posting("b")])
    page(2, 2, [posting("c")])
    board = Board("lever", "acme", "Acme", {"page_size": 2})
    pages, result = fetch_and_parse(Lever(), board)
    assert len(pages) == 2
    assert [p.source_id for p in result.postings] == ["a", "b", "c"]


@responses.activate
def test_fields_quirks_and_salary_interval() -> None:
    salary = {"currency": "GBP", "interval": "per-year-salary", "min": 90000, "max": 120000}
    page(
        0,
        100,
        [
            posting("a", salaryRange=salary),
            posting("b", workplaceType="onsite"),
            posting("c", workplaceType="unspecified"),
        ],
    )
    _, result = fetch_and_parse(Lever(), Board("lever", "acme", "Acme Labs"))
    a, b, c = result.postings
    assert a.company == "Acme Labs" and a.title == "Research Engineer"
    assert a.posted_at == datetime.fromtimestamp(1760000000, tz=UTC)
    assert (a.salary.min, a.salary.max, a.salary.currency, a.salary.period) == (
        90000,
        120000,
        "GBP",
        "year",
    )
    assert a.workplace_type == b.workplace_type == "onsite" and c.workplace_type is None
    assert "We train models." in a.description and "3+ years" in a.description
    assert "<" not in a.description
    assert a.locations == ["London"] and a.employment_type == "Full Time"


@responses.activate
def test_hourly_wage_and_missing_optionals() -> None:
    wage = {"currency": "USD", "interval": "per-hour-wage", "min": 40, "max": 60}
    page(0, 100, [{"id": "x", "text": "AI Trainer", "salaryRange": wage}])
    _, result = fetch_and_parse(Lever(), Board("lever", "acme", "Acme"))
    (p,) = result.postings
    assert p.salary.period == "hour" and p.locations == [] and p.posted_at is None


@responses.activate
def test_eu_host_from_board_options() -> None:
    responses.get("https://api.eu.lever.co/v0/postings/acme", json=[])
    board = Board("lever", "acme", "Acme", {"base_url": "https://api.eu.lever.co/v0/postings"})
    _, result = fetch_and_parse(Lever(), board)
    assert result.postings == []


@responses.activate
def test_unknown_site_is_not_found() -> None:
    responses.get(f"{BASE}/nope", status=404, json={"ok": False, "error": "Document not found"})
    with pytest.raises(NotFound):
        fetch_and_parse(Lever(), Board("lever", "nope", "Nope"))


@responses.activate
def test_bad_records_are_quarantined_with_a_reason() -> None:
    page(0, 100, [posting("ok"), {"text": "no id"}, 42])
    _, result = fetch_and_parse(Lever(), Board("lever", "acme", "Acme"))
    assert [p.source_id for p in result.postings] == ["ok"]
    assert len(result.errors) == 2 and all(e.reason for e in result.errors)
