from __future__ import annotations

from typing import Any

import pytest
import responses
from responses import matchers

from pipeline.http import NotFound
from pipeline.sources.base import MalformedPayload
from pipeline.sources.hn_comments import parse_comment, parse_pay, split_roles
from tests.support import run

API = "https://hn.algolia.com/api/v1"
STORY = 47219668
SEARCH_QUERY = {"tags": "story,author_whoishiring", "query": "who is hiring", "hitsPerPage": "50"}


def hit(story: int, title: str, when: int) -> dict[str, Any]:
    return {
        "objectID": str(story),
        "title": title,
        "author": "whoishiring",
        "created_at_i": when,
        "created_at": "2026-03-02T16:00:00Z",
        "num_comments": 500,
        "points": 300,
        "_tags": ["story", "author_whoishiring", f"story_{story}", "ask_hn"],
    }


def serve_search(hits: list[dict[str, Any]], page: int = 0, pages: int = 1) -> None:
    query = dict(SEARCH_QUERY, page=str(page)) if page else SEARCH_QUERY
    responses.get(
        f"{API}/search_by_date",
        json={"hits": hits, "nbHits": len(hits), "page": page, "nbPages": pages, "hitsPerPage": 50},
        match=[matchers.query_param_matcher(query)],
    )


def comment(cid: int, text: str | None, author: str | None = "jane", **extra: Any) -> dict:
    return {
        "id": cid,
        "created_at": "2026-03-02T17:00:00Z",
        "created_at_i": 1772470800,
        "type": "comment",
        "author": author,
        "text": text,
        "points": None,
        "parent_id": STORY,
        "story_id": STORY,
        "options": [],
        "children": [],
        **extra,
    }


def thread(children: list[Any], story: int = STORY) -> dict[str, Any]:
    return {
        "id": story,
        "created_at": "2026-03-02T16:00:00Z",
        "created_at_i": 1772467200,
        "type": "story",
        "author": "whoishiring",
        "title": "Ask HN: Who is hiring? (March 2026)",
        "url": None,
        "text": "<p>Please state the location and include REMOTE...</p>",
        "points": 300,
        "parent_id": None,
        "story_id": story,
        "options": [],
        "children": children,
    }


MULTI = (
    "Acme AI (https:&#x2F;&#x2F;acme.ai) | ML Engineer, Research Scientist | "
    "San Francisco, CA | REMOTE (US) | $160K-$200K + equity<p>We train models.</p>"
)
EURO = "Beta GmbH | Data Engineer | Berlin | Hybrid | €70-90k<p>Come build pipelines.</p>"


@responses.activate
def test_thread_splits_roles_and_skips_replies_and_deleted() -> None:
    serve_search(
        [
            hit(STORY, "Ask HN: Who is hiring? (March 2026)", 1772467200),
            hit(111, "Ask HN: Who wants to be hired? (March 2026)", 1772467201),
            hit(110, "Ask HN: Who is hiring? (February 2026)", 1770000000),
        ]
    )
    reply = comment(2, "Is this open to EU?", parent_id=1)
    children = [
        comment(1, MULTI, children=[reply]),
        comment(3, None, author=None),
        comment(4, EURO),
        comment(5, "Great thread, thanks!"),
    ]
    responses.get(f"{API}/items/{STORY}", json=thread(children))
    result = run("hn", "whoishiring", "Hacker News")
    assert result.errors == []
    ml, rs, de = result.postings
    assert [p.source_id for p in result.postings] == ["1-0", "1-1", "4-0"]
    assert (ml.company, ml.title, rs.title) == ("Acme AI", "ML Engineer", "Research Scientist")
    assert ml.workplace_type == "remote" and ml.extras["remote_regions"] == ["US"]
    assert ml.salary is not None and ml.salary.source == "text"
    assert (ml.salary.min, ml.salary.max, ml.salary.currency) == (160000.0, 200000.0, "USD")
    assert ml.description.startswith("Acme AI (https://acme.ai) | ML Engineer")
    assert ml.url == "https://news.ycombinator.com/item?id=1"
    assert de.salary is not None and (de.salary.currency, de.salary.min) == ("EUR", 70000.0)
    assert de.workplace_type == "hybrid" and de.locations == ["Berlin"]
    assert len(responses.calls) == 2


@responses.activate
def test_search_pages_until_enough_threads() -> None:
    serve_search([hit(STORY, "Ask HN: Who is hiring? (March 2026)", 200)], page=0, pages=2)
    serve_search([hit(99, "Ask HN: Who is hiring? (February 2026)", 100)], page=1, pages=2)
    responses.get(f"{API}/items/{STORY}", json=thread([comment(1, EURO)]))
    responses.get(f"{API}/items/99", json=thread([], story=99))
    result = run("hn", "whoishiring", months=2)
    assert [p.source_id for p in result.postings] == ["1-0"]
    assert len(responses.calls) == 4


@responses.activate
def test_empty_thread_and_missing_optional_fields() -> None:
    serve_search([hit(STORY, "Ask HN: Who is hiring? (March 2026)", 1)])
    bare = {"id": 8, "author": "x", "text": "Gamma | Backend Engineer", "parent_id": STORY}
    responses.get(f"{API}/items/{STORY}", json=thread([bare]))
    [p] = run("hn", "whoishiring").postings
    assert p.posted_at is None and p.salary is None and p.workplace_type is None


@responses.activate
def test_no_hiring_thread_and_unknown_item() -> None:
    serve_search([hit(5, "Ask HN: Freelancer? Seeking freelancer? (March 2026)", 1)])
    with pytest.raises(MalformedPayload):
        run("hn", "whoishiring")
    responses.reset()
    serve_search([hit(STORY, "Ask HN: Who is hiring? (March 2026)", 1)])
    responses.get(f"{API}/items/{STORY}", status=404)
    with pytest.raises(NotFound):
        run("hn", "whoishiring")


@responses.activate
def test_malformed_comment_is_quarantined() -> None:
    serve_search([hit(STORY, "Ask HN: Who is hiring? (March 2026)", 1)])
    children = [comment(1, EURO), comment(2, ""), "junk"]
    responses.get(f"{API}/items/{STORY}", json=thread(children))
    result = run("hn", "whoishiring")
    assert len(result.postings) == 1
    assert [(e.reason, e.record_ref) for e in result.errors] == [
        ("ValueError: empty comment", "2"),
        ("record is str, not an object", ""),
    ]


def test_parse_comment_bullets_and_tagline() -> None:
    text = (
        "Delta (delta.dev) - The IDE for data | NYC | Full time\n"
        "-- Senior Frontend Engineer\n- Staff ML Engineer ($200k-$250k)<p>More text"
    )
    front, ml = parse_comment(text)
    assert (front["company"], front["title"], ml["title"]) == (
        "Delta",
        "Senior Frontend Engineer",
        "Staff ML Engineer",
    )
    assert ml["salary_min"] == 200000.0 and front["salary_min"] is None
    assert front["employment_type"] == "full_time" and front["locations"] == ["NYC"]


def test_split_roles_keeps_commas_inside_titles() -> None:
    assert split_roles("Research Engineer, Pretraining / Product Manager, LLM Platform") == [
        "Research Engineer, Pretraining",
        "Product Manager, LLM Platform",
    ]
    assert split_roles("Frontend and Backend Engineers") == ["Frontend and Backend Engineers"]


def test_parse_pay_variants() -> None:
    assert parse_pay("£60,000 - £75,000") == {
        "min": 60000.0,
        "max": 75000.0,
        "currency": "GBP",
        "period": "year",
    }
    assert parse_pay("$80-100/hr")["period"] == "hour"  # type: ignore[index]
    assert parse_pay("0.5% equity") is None
    singapore = parse_pay("S$120K-S$150K")
    assert singapore is not None and (singapore["currency"], singapore["max"]) == ("SGD", 150000.0)
    rupees = parse_pay("₹4,500,000 - ₹6,000,000")
    assert rupees is not None and (rupees["currency"], rupees["min"]) == ("INR", 4500000.0)


@pytest.mark.live
def test_live_hn() -> None:
    assert run("hn", "whoishiring", "Hacker News").postings


LISTED = (
    "Quarry Data | Multiple roles | Austin, TX | REMOTE (US) | $140K-$180K"
    "<p>We index construction permits.<p>Open roles:"
    "<p>- Senior Data Engineer - https:&#x2F;&#x2F;quarry.example&#x2F;de"
    "<p>- Staff ML Engineer - $190K-$230K<p>- Product Designer</p>"
)


@responses.activate
def test_each_listed_role_is_a_posting_with_the_header_facts() -> None:
    serve_search([hit(STORY, "Ask HN: Who is hiring? (March 2026)", 1)])
    children = [
        comment(1, LISTED),
        comment(2, "Kestrel Bio | Boston, MA | ONSITE | Full-time<p>We build lab robots."),
        comment(3, "Is the Austin office open to visitors?"),
    ]
    responses.get(f"{API}/items/{STORY}", json=thread(children))
    result = run("hn", "whoishiring", "Hacker News")
    assert result.errors == []
    de, ml, pd, kb = result.postings
    assert [p.source_id for p in result.postings] == ["1-0", "1-1", "1-2", "2-0"]
    assert [de.title, ml.title, pd.title] == [
        "Senior Data Engineer",
        "Staff ML Engineer",
        "Product Designer",
    ]
    for posting in (de, ml, pd):
        assert posting.company == "Quarry Data" and posting.workplace_type == "remote"
        assert (
            posting.locations == ["Austin, TX", "REMOTE (US)"]
            and posting.extras["roles_in_comment"] == 3
        )
    assert de.salary is not None and de.salary.min == 140000.0
    assert ml.salary is not None and (ml.salary.min, ml.salary.max) == (190000.0, 230000.0)
    assert kb.company == "Kestrel Bio" and kb.extras["role_not_stated"] is True
    assert "role_not_stated" not in de.extras
