from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from tests.support import make_client, run

SITE = "https://careers.acme.example"
ROBOTS = f"{SITE}/robots.txt"

POSTING: dict[str, Any] = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Machine Learning Engineer",
    "description": "<p>Train <b>models</b>.</p><ul><li>PyTorch</li></ul>",
    "identifier": {"@type": "PropertyValue", "name": "Acme", "value": "R-1234"},
    "datePosted": "2026-09-01",
    "validThrough": "2026-10-31T23:59:59Z",
    "employmentType": ["FULL_TIME", "CONTRACTOR"],
    "hiringOrganization": {"@type": "Organization", "name": "Acme", "sameAs": SITE},
    "jobLocation": [
        {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Austin",
                "addressRegion": "TX",
                "postalCode": "78701",
                "addressCountry": "US",
            },
        }
    ],
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 150000,
            "maxValue": 200000,
            "unitText": "YEAR",
        },
    },
    "directApply": False,
}


def page(*blocks: Any) -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>'
        for b in blocks
    )
    return f"<html><head>{scripts}</head><body><h1>Job</h1></body></html>"


def serve_page(path: str, *blocks: Any) -> str:
    url = f"{SITE}{path}"
    responses.get(url, body=page(*blocks), content_type="text/html; charset=utf-8")
    return url


def robots(body: str = "User-agent: *\nDisallow: /internal/\n") -> None:
    responses.get(ROBOTS, body=body, content_type="text/plain")


@responses.activate
def test_normal_pages_with_graph_and_string_variants() -> None:
    robots()
    one = serve_page("/jobs/1", POSTING)
    remote = {
        "@type": "JobPosting",
        "title": "Data Scientist",
        "description": "&lt;p&gt;Escaped &amp;amp; HTML&lt;/p&gt;",
        "identifier": "DS-9",
        "hiringOrganization": "Acme Remote Co",
        "jobLocationType": "TELECOMMUTE",
        "applicantLocationRequirements": [{"@type": "Country", "name": "USA"}, "Canada"],
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "eur",
            "value": {"@type": "QuantitativeValue", "value": 60, "unitText": "HOUR"},
        },
    }
    two = serve_page(
        "/jobs/2", {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, [remote]]}
    )
    result = run("jsonld", "acme", "Acme Config", urls=[one, two])
    assert result.errors == []
    mle, ds = result.postings
    assert mle.source_id == "acme:R-1234"
    assert mle.company == "Acme"
    assert mle.locations == ["Austin, TX, US"]
    assert mle.workplace_type is None
    assert mle.salary is not None and (mle.salary.min, mle.salary.period) == (150000.0, "year")
    assert mle.employment_type == "full_time"
    assert mle.description == "Train models.\n\nPyTorch"
    assert ds.company == "Acme Remote Co"
    assert ds.workplace_type == "remote"
    assert ds.locations == ["USA", "Canada"]
    assert "workplace_hint" not in ds.extras
    assert ds.description == "Escaped & HTML"
    assert ds.salary is not None
    assert (ds.salary.min, ds.salary.max, ds.salary.currency, ds.salary.period) == (
        60.0,
        60.0,
        "EUR",
        "hour",
    )


@responses.activate
def test_disallowed_page_is_never_requested_and_is_recorded() -> None:
    robots()
    allowed = serve_page("/jobs/1", POSTING)
    forbidden = f"{SITE}/internal/secret"
    responses.get(forbidden, body=page(POSTING))
    result = run("jsonld", "acme", urls=[allowed, forbidden])
    assert len(result.postings) == 1
    responses.assert_call_count(forbidden, 0)
    [error] = result.errors
    assert error.record_ref == forbidden
    assert error.reason == "not fetched: disallowed by robots.txt"


@responses.activate
def test_sitemap_is_followed_and_capped() -> None:
    robots("User-agent: *\nAllow: /\n")
    urls = [serve_page(f"/jobs/{n}", dict(POSTING, identifier=str(n))) for n in range(3)]
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in [*urls, "https://elsewhere.example/x"])
    responses.get(
        f"{SITE}/sitemap.xml",
        body=f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
        content_type="application/xml",
    )
    result = run("jsonld", "acme", sitemap=f"{SITE}/sitemap.xml", max_pages=2)
    assert [p.source_id for p in result.postings] == ["acme:0", "acme:1"]
    responses.assert_call_count(urls[2], 0)


@responses.activate
def test_page_without_job_posting_and_missing_fields() -> None:
    robots()
    empty = serve_page("/about", {"@type": "Organization", "name": "Acme"})
    bare = serve_page("/jobs/3", {"@type": "JobPosting", "title": "Analyst"})
    result = run("jsonld", "acme", "Acme", urls=[empty, bare])
    [p] = result.postings
    assert p.company == "Acme" and p.salary is None and p.locations == [] and p.posted_at is None
    assert len(p.source_id) == len("acme:") + 24
    assert [e.reason for e in result.errors] == ["no JobPosting JSON-LD"]


@responses.activate
def test_malformed_records_are_quarantined() -> None:
    robots()
    url = serve_page("/jobs/1", POSTING, "{not json", {"@type": "JobPosting", "title": None})
    result = run("jsonld", "acme", urls=[url])
    assert len(result.postings) == 1
    assert [e.reason.split(":")[0] for e in result.errors] == [
        "JSON-LD block 1 is not JSON",
        "ValueError",
    ]


@responses.activate
def test_page_in_a_declared_legacy_charset_keeps_its_accents() -> None:
    robots()
    url = f"{SITE}/jobs/cafe"
    posting = {"@type": "JobPosting", "title": "Ingénieur ML", "identifier": "R-9"}
    body = page(posting).replace("<head>", '<head><meta charset="windows-1252">')
    body = body.replace("\\u00e9", "é")
    responses.get(url, body=body.encode("cp1252"), content_type="text/html")
    [p] = run("jsonld", "acme", "Acme", urls=[url]).postings
    assert p.title == "Ingénieur ML"


@responses.activate
def test_gone_page_is_recorded_not_fatal() -> None:
    robots()
    responses.get(f"{SITE}/jobs/9", status=404)
    result = run("jsonld", "acme", urls=[f"{SITE}/jobs/9"])
    assert result.postings == []
    assert result.errors[0].reason == "not fetched: HTTP 404: page gone"


@pytest.mark.live
def test_live_jsonld() -> None:
    """A Greenhouse-hosted job page; Greenhouse embeds JobPosting JSON-LD for Google for Jobs
    (believed, not verified offline): the page URL comes from the live board API."""
    client = make_client()
    jobs = client.get("https://boards-api.greenhouse.io/v1/boards/anthropic/jobs").body
    url = json.loads(jobs)["jobs"][0]["absolute_url"]
    assert run("jsonld", "anthropic", "Anthropic", urls=[url]).postings


@responses.activate
def test_telecommute_with_a_place_is_marked_for_the_text_to_decide() -> None:
    """TELECOMMUTE beside a jobLocation means "remote or at this place"."""
    robots()
    url = serve_page("/jobs/9", dict(POSTING, jobLocationType="TELECOMMUTE"))
    [posting] = run("jsonld", "acme", "Acme", urls=[url]).postings
    assert posting.workplace_type == "remote"
    assert posting.extras["telecommute_with_location"] is True
    assert posting.extras["workplace_hint"] == "telecommute"
