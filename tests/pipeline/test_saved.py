"""Saved bodies in the shapes other tools keep them parse through the sources' own parsers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.saved import UnsupportedShape, parse_saved, saved_payload

GREENHOUSE_JOB = {
    "id": 7182274,
    "internal_job_id": 6120001,
    "title": "Senior Machine Learning Engineer",
    "location": {"name": "Amsterdam, Netherlands"},
    "absolute_url": "https://boards.greenhouse.io/acme/jobs/7182274",
    "updated_at": "2026-08-01T10:00:00-04:00",
    "first_published": "2026-07-20T10:00:00-04:00",
    "requisition_id": "R-1",
    "company_name": "Acme",
    "language": "en",
    "metadata": None,
    "data_compliance": [],
}
LEVER_POSTING = {
    "id": "0bbfd4f4-41ff-4ec6-b73f-5200efd5d4d3",
    "text": "Forward Deployed Engineer",
    "categories": {"commitment": "Full-time", "location": "New York, NY", "team": "Dev"},
    "createdAt": 1760000000000,
    "workplaceType": "onsite",
    "descriptionPlain": "Build things.",
    "lists": [],
    "hostedUrl": "https://jobs.lever.co/acme/0bbfd4f4",
}
SR_POSTING = {
    "id": "744000012345678",
    "name": "Data Analyst",
    "uuid": "6f7c",
    "company": {"identifier": "Acme1", "name": "Acme Corp"},
    "releasedDate": "2026-08-01T10:00:00.000Z",
    "location": {"city": "Berlin", "country": "de", "remote": False, "hybrid": False},
    "typeOfEmployment": {"label": "Full-time"},
    "jobAd": {"sections": {"jobDescription": {"title": "Job", "text": "<p>Analyse data.</p>"}}},
}
HN_COMMENTS = [
    {
        "id": 46472301,
        "source": "who_is_hiring",
        "by": "founder1",
        "time": 1767283200,
        "text": "Acme | Senior Backend Engineer | Remote (US) | $150k-$180k<p>We build tools.",
    },
    {
        "id": 46472302,
        "source": "direct",
        "by": "yc",
        "time": 1767283300,
        "text": "Acme (YC W23) Is Hiring\n\nA story, not a comment.",
    },
]


def body(data: object) -> bytes:
    return json.dumps(data).encode()


def test_greenhouse_wrapper_single_job_and_api_body_all_parse() -> None:
    wrapper = {"company": "acme", "fetched_at": "2026-08-22T03:00:00", "job_count": 1}
    shapes = [
        {**wrapper, "jobs": [GREENHOUSE_JOB]},
        GREENHOUSE_JOB,
        {"jobs": [GREENHOUSE_JOB], "meta": {"total": 1}},
    ]
    for data in shapes:
        payload, result = parse_saved("greenhouse", body(data), "techjobshub_acme.json")
        assert payload.records == 1
        assert [p.source_id for p in result.postings] == ["7182274"]
        assert result.postings[0].board == "techjobshub_acme"
    wrapped, _ = parse_saved("greenhouse", body(shapes[0]), "x.json")
    assert wrapped.board.company == "acme"
    assert wrapped.pages[0].fetched_at.year == 2026


def test_lever_one_posting_object_is_a_one_posting_list() -> None:
    _, result = parse_saved("lever", body(LEVER_POSTING), "jd_lever.json", board_token="acme")
    assert [(p.source_id, p.workplace_type, p.board) for p in result.postings] == [
        (LEVER_POSTING["id"], "onsite", "acme")
    ]


def test_smartrecruiters_detail_object_becomes_list_plus_detail() -> None:
    payload, result = parse_saved("smartrecruiters", body(SR_POSTING), "jd_sr.json")
    assert len(payload.pages) == 2
    (posting,) = result.postings
    assert posting.source_id == "744000012345678"
    assert "Analyse data." in posting.description


def test_hn_comment_list_and_saved_thread_become_an_item_tree() -> None:
    thread = {
        "sources": {
            "who_is_hiring_thread_id": 46466074,
            "who_is_hiring_thread_title": "Ask HN: Who is hiring? (January 2026)",
        },
        "jobs": HN_COMMENTS,
        "fetched_at": "2026-01-02T00:00:00Z",
    }
    plain = [{"id": 46472301, "author": "founder1", "time": 1767283200, "text": "x"}]
    for data, skipped in ((thread, 1), (HN_COMMENTS, 1), (plain, 0)):
        payload, result = parse_saved("hn", body(data), "hn_2026-01.json")
        assert payload.records == 1
        assert payload.skipped == skipped
        assert payload.comment_ids == ["46472301"]
        assert all(p.source_id.startswith("46472301-") for p in result.postings)
    _, result = parse_saved("hn", body(thread), "hn_2026-01.json")
    assert result.postings[0].extras["thread_id"] == 46466074


def test_ashby_unlisted_jobs_are_counted_as_skipped() -> None:
    jobs = [
        {"id": "a", "title": "ML Engineer", "isListed": True, "location": "London"},
        {"id": "b", "title": "Hidden", "isListed": False},
    ]
    payload, result = parse_saved("ashby", body({"apiVersion": "1", "jobs": jobs}), "acme.json")
    assert (payload.records, payload.skipped, len(result.postings)) == (2, 1, 1)


def test_remotive_feed_with_byte_order_mark_parses() -> None:
    feed = {"job-count": 1, "jobs": [{"id": 1, "title": "Tutor", "company_name": "Acme"}]}
    _, result = parse_saved("remotive", b"\xef\xbb\xbf" + body(feed), "remotive.json")
    assert [p.workplace_type for p in result.postings] == ["remote"]


def test_jsonld_page_is_passed_as_html_with_its_name_as_url() -> None:
    page = (
        b'<html><script type="application/ld&#x2B;json">{"@graph": [{"@type": "JobPosting",'
        b' "title": "AI Engineer", "identifier": "9383286"}]}</script></html>'
    )
    _, result = parse_saved("jsonld", page, "builtin_job1.html")
    assert [p.source_id for p in result.postings] == ["builtin_job1:9383286"]
    _, empty = parse_saved("jsonld", b"<html></html>", "nothing.html")
    assert [e.reason for e in empty.errors] == ["no JobPosting JSON-LD"]


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        ("greenhouse", b"[1, 2]", "Greenhouse"),
        ("hn", b'{"hits": 3}', "HN"),
        ("ashby", b"not json", "not JSON"),
        ("lever", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unsupported_shapes_name_what_was_expected(source: str, data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedShape, match=message):
        saved_payload(source, data, "bad.json")


def test_every_saved_shape_in_realdata_parses(shared_data: Path) -> None:
    """Each realdata file of a source with a parser yields what its payload holds.

    HN is only checked for postings coming from the saved comments: how many comments yield
    postings is a score, measured by `tools/evaluate.py --real`.
    """
    root = shared_data / "realdata"
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "lists"):
        for path in sorted(folder.iterdir()):
            payload, result = parse_saved(folder.name, path.read_bytes(), path.name)
            assert not result.errors, (path.name, result.errors[:3])
            if folder.name == "hn":
                commented = {p.source_id.split("-")[0] for p in result.postings}
                assert commented <= set(payload.comment_ids), path.name
            else:
                assert len(result.postings) == payload.records - payload.skipped, path.name
