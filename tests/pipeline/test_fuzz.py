"""Hypothesis against everything that reads strangers' bytes: parsers and adapters.

The promise under test: hostile input never crashes the pipeline and never takes long. A bad
record becomes a `ParseError` with a reason, a bad page a `SourceError` (`MalformedPayload`,
`UnknownBoard`); nothing else escapes `parse`. Adapter cases start from the sample's real
pages for each source and corrupt them (a field set to a hostile value, a block replaced,
the whole body swapped for garbage), which reaches far deeper than random JSON would. Pages
the pipeline writes itself (robots skips) are not stranger input and are left alone.

`JOBTRENDS_FUZZ_EXAMPLES` sets examples per test (default 25, enough for CI); the deadline
bounds each example's time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import load_settings
from ingest.fetch import make_client
from ingest.plan import plan, sample_nights
from pipeline.classify.location import parse_location
from pipeline.classify.salary import extract_salary, parse_salary_text
from pipeline.html import html_to_text
from pipeline.models import Board, ParseResult, RawPage
from pipeline.sources import REGISTRY, get_source
from pipeline.sources.base import SKIPPED_CONTENT_TYPE, SourceError
from tests.tally import TALLY

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning"),
]

EXAMPLES = int(os.environ.get("JOBTRENDS_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SOURCES = sorted(REGISTRY)
DEEP = "__jobtrends_deep__"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]><urlset><url><loc>&lol9;</loc></url></urlset>"
)
NASTY = [
    "<script>alert(1)</script>",
    "'; DROP TABLE postings; --",
    "../../etc/passwd",
    "| a | b |\n|---|---|\n| c | d |",
    "&amp;" * 20000,
    "&amp;amp;amp;amp;amp;amp;lt;script&amp;amp;gt;",
    "<b>" * 5000 + "deep" + "</b>" * 5000,
    "<!-- " * 2000,
    "\x00\x00nul\x00",
    "\ud800 lone surrogate",
    "$" + "9" * 400 + " - $" + "9" * 400 + " per year",
    "€1.000.000,00–€2.000.000,00 /Jahr " * 200,
    "A" * 1_000_000,
    LAUGHS,
    DEEP,
]
HOSTILE_TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), HOSTILE_TEXT
)
HOSTILE_VALUE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@cache
def sample_pages(source: str) -> tuple[Board, tuple[RawPage, ...]]:
    """One sample board's real pages for `source`, fetched through the snapshot transport."""
    sample = load_settings(mode="sample")
    item = plan(sample, sources=[source])[0]
    night = sample_nights()[-1]
    client = make_client(sample, night, [item])
    return item.board, tuple(item.source.fetch(client, item.board, "0" * 32))


def containers(value: Any) -> list[Any]:
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict | list):
            found.append(item)
            stack.extend(item.values() if isinstance(item, dict) else item)
    return found


@st.composite
def corrupted_json(draw: st.DrawFn, text: str) -> str:
    """The document with one to three of its fields or items set to hostile values."""
    doc = json.loads(text)
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(containers(doc) or [None]))
        value = draw(HOSTILE_VALUE)
        if isinstance(target, dict):
            key = draw(st.sampled_from(sorted(target) or ["id"]) | st.text(max_size=8))
            target[key] = value
        elif isinstance(target, list):
            if target and draw(st.booleans()):
                target[draw(st.integers(0, len(target) - 1))] = value
            else:
                target.append(value)
        else:
            doc = value
    depth = draw(st.integers(10, 20000))
    return json.dumps(doc).replace(json.dumps(DEEP), "[" * depth + "]" * depth)


LD_BLOCK = re.compile(rb'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)


@st.composite
def hostile_body(draw: st.DrawFn, page: RawPage) -> bytes:
    kind = draw(st.sampled_from(["garbage", "text", "corrupt"]))
    if kind == "garbage":
        return draw(st.binary(max_size=4000))
    if kind == "text":
        return draw(HOSTILE_TEXT).encode("utf-8", "surrogatepass")
    block = LD_BLOCK.search(page.body)
    if block:
        ld = draw(corrupted_json(block.group(2).decode()))
        return (
            page.body[: block.start(2)]
            + ld.encode("utf-8", "surrogatepass")
            + page.body[block.end(2) :]
        )
    try:
        text = page.body.decode()
        json.loads(text)
    except ValueError:
        return page.body.replace(b"<loc>", draw(HOSTILE_TEXT).encode("utf-8", "surrogatepass"))
    return draw(corrupted_json(text)).encode("utf-8", "surrogatepass")


def check_result(result: ParseResult) -> None:
    for posting in result.postings:
        assert isinstance(posting.source_id, str) and posting.source_id
        assert isinstance(posting.title, str)
    for error in result.errors:
        assert error.reason


@pytest.mark.parametrize("source", SOURCES)
@FUZZ
@given(data=st.data())
def test_adapter_parse_never_crashes_on_hostile_pages(source: str, data: st.DataObject) -> None:
    board, pages = sample_pages(source)
    index = data.draw(
        st.sampled_from([i for i, p in enumerate(pages) if p.content_type != SKIPPED_CONTENT_TYPE])
    )
    body = data.draw(hostile_body(pages[index]))
    hostile = [*pages[:index], dataclasses.replace(pages[index], body=body), *pages[index + 1 :]]
    TALLY["fuzz examples run"] += 1
    try:
        result = get_source(source).parse(hostile, board)
    except SourceError as exc:
        assert str(exc)
    else:
        check_result(result)


@FUZZ
@given(text=HOSTILE_TEXT)
def test_salary_parser_never_crashes(text: str) -> None:
    TALLY["fuzz examples run"] += 1
    salary, _ = extract_salary(text)
    parse_salary_text(text)
    if salary is not None and salary.min is not None and salary.max is not None:
        assert salary.min <= salary.max


@FUZZ
@given(text=HOSTILE_TEXT)
def test_location_parser_never_crashes(text: str) -> None:
    TALLY["fuzz examples run"] += 1
    parsed = parse_location(text)
    assert set(parsed) >= {"raw", "city", "region", "country"}


@FUZZ
@given(markup=HOSTILE_TEXT, unescape_first=st.booleans())
def test_html_to_text_never_crashes_and_drops_scripts(markup: str, unescape_first: bool) -> None:
    TALLY["fuzz examples run"] += 1
    text = html_to_text(markup, unescape_first=unescape_first)
    assert "\x00" not in text
    if "alert" not in markup:
        assert "alert" not in html_to_text(f"<p>x</p><script>alert(1)</script>{markup}")


def page(source: str, body: bytes, content_type: str = "application/json") -> RawPage:
    _, pages = sample_pages(source)
    return dataclasses.replace(pages[0], body=body, content_type=content_type)


def test_json_nested_past_the_decoder_limit_is_a_malformed_page() -> None:
    """Regression: RecursionError escaped `decode_json` and failed the board as 'unexpected'."""
    board, _ = sample_pages("lever")
    with pytest.raises(SourceError, match="nested too deeply"):
        get_source("lever").parse([page("lever", b"[" * 100_000 + b"]" * 100_000)], board)


def test_json_ld_nested_past_the_decoder_limit_is_a_parse_error() -> None:
    """Regression: one such block on one career page took the whole board down."""
    board, pages = sample_pages("jsonld")
    deep = b"[" * 100_000 + b"]" * 100_000
    hostile = [
        dataclasses.replace(p, body=LD_BLOCK.sub(rb"\1" + deep + rb"\3", p.body, count=1))
        for p in pages
    ]
    result = get_source("jsonld").parse(hostile, board)
    assert any("nested too deeply" in e.reason for e in result.errors)


def test_lone_surrogate_escapes_become_replacement_characters() -> None:
    """Regression: `"\\ud800"` decoded into a str that no UTF-8 encoder downstream accepts."""
    board, pages = sample_pages("greenhouse")
    doc = json.loads(pages[0].body)
    doc["jobs"][0]["title"] = "ML \ud800 Engineer"
    result = get_source("greenhouse").parse([page("greenhouse", json.dumps(doc).encode())], board)
    titles = [p.title for p in result.postings]
    assert "ML \ufffd Engineer" in titles
    assert html_to_text("<p>\udc00</p>") == "\ufffd"
