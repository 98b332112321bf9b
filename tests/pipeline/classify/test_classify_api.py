"""Public API: inputs from postings, JSON-safe labels, versioned data."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import CLASSIFIER_VERSION, ClassifyInput, Labels, classify
from pipeline.classify._data import (
    DATA_FILES,
    Alternation,
    any_of,
    data_versions,
    required_literals,
    within_a_line,
)
from pipeline.classify.role import ROLE_IDS
from pipeline.classify.text import PhraseSet, anchor_regex, tokenise, windows
from pipeline.models import Posting, Salary


def test_version_names_code_and_every_data_file() -> None:
    versions = data_versions()
    assert set(versions) == set(DATA_FILES)
    for name, version in versions.items():
        assert f"{name}={version}" in CLASSIFIER_VERSION


def test_from_posting_and_to_dict_is_json_safe() -> None:
    posting = Posting(
        source="lever",
        source_id="1",
        company="Anthropic",
        title="Software Engineer, Inference",
        description="Make model serving fast.",
        locations=["San Francisco, CA"],
        workplace_type="hybrid",
        salary=Salary(min=300000, max=405000, currency="USD", period="year"),
        employment_type="FullTime",
    )
    inp = ClassifyInput.from_posting(posting)
    assert inp.locations == ["San Francisco, CA"] and inp.locations is not posting.locations
    labels = classify(inp)
    assert isinstance(labels, Labels)
    assert (labels.role, labels.work_arrangement, labels.salary_source) == (
        "ml_engineer",
        "hybrid",
        "structured",
    )
    assert labels.employment_type == "full_time"
    data = json.loads(json.dumps(labels.to_dict()))
    assert data["salary"]["currency"] == "USD"
    assert data["classifier_version"] == CLASSIFIER_VERSION
    assert data["locations"][0]["metro"] == "sf_bay_area"


def test_empty_input_gives_unknowns_not_errors() -> None:
    labels = classify(ClassifyInput(title=""))
    assert (labels.role, labels.seniority, labels.work_arrangement) == (
        "other",
        "unknown",
        "unknown",
    )
    assert labels.salary is None and labels.locations == [] and labels.skills == []


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=80),
    description=st.text(max_size=600),
    locations=st.lists(st.text(max_size=40), max_size=3),
    salary_text=st.none() | st.text(max_size=60),
    workplace_type=st.none() | st.text(max_size=12),
)
def test_classify_never_crashes_and_labels_are_valid(
    title: str,
    description: str,
    locations: list[str],
    salary_text: str | None,
    workplace_type: str | None,
) -> None:
    labels = classify(
        ClassifyInput(
            title=title,
            description=description,
            locations=locations,
            salary_text=salary_text,
            workplace_type=workplace_type,
        )
    )
    assert labels.role in ROLE_IDS
    assert labels.seniority in {"intern", "entry", "mid", "senior", "executive", "unknown"}
    assert labels.work_arrangement in {"remote", "hybrid", "onsite", "unknown"}
    assert labels.degree in {"phd", "masters", "bachelors", "none"}
    json.dumps(labels.to_dict())


def test_phrase_set_finds_whole_word_phrases_in_the_order_given() -> None:
    phrases = PhraseSet({"machine learning": "ml", "ml": "ml", "rust": "rust", "c++": "cpp"})
    found = phrases.found(tokenise("C++ and Rust for ML; machine learnings is not a phrase."))
    assert found == [("ml", "ml"), ("rust", "rust"), ("c++", "cpp")]
    assert phrases.found(tokenise("trusty machines learning")) == []


def test_required_literals_keep_only_what_every_match_contains() -> None:
    assert required_literals(r"remote (work )?(stipend|allowance)") == (
        True,
        (frozenset({"remote "}), frozenset({"stipend", "allowance"})),
    )
    assert required_literals(r"\bm\.?s\.?\s*/") == (
        True,
        (frozenset({"m"}), frozenset({"s"}), frozenset({"/"})),
    )
    assert required_literals(r"\bUS\b|(?i:\bunited states\b)", 0) == (False, ())
    assert required_literals(r"(\w+ )?x{0,3}") == (True, ())


_ALTERNATION = Alternation(
    [r"(\w+ ){0,2}weeks? (of )?remote work a year", r"remote[- ]friendly", r"\bph\.? ?d\b", "NA"]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            [
                "remote",
                " work",
                "weeks",
                " of ",
                "a year",
                "-friendly",
                "PhD",
                "ph.d",
                "two",
                " ",
                "na",
                "NA",
                "ſ",
                "K",
                "İ",
                "\n",
            ]
        ),
        max_size=25,
    ).map("".join)
)
def test_alternation_answers_exactly_as_the_full_regex(text: str) -> None:
    assert _ALTERNATION.sub("_", text) == any_of(_ALTERNATION.patterns).sub("_", text)


def test_within_a_line_accepts_only_patterns_that_cannot_see_past_a_newline() -> None:
    assert within_a_line(r"(\w+ ){0,2}weeks? of remote[- ]work\b")
    for pattern in (r"a\sb", r"a.b", r"[^a]b", r"(?=x)abc", r"^abc", r"x*"):
        assert not within_a_line(pattern), pattern


def test_alternation_skips_patterns_whose_literals_are_absent() -> None:
    assert _ALTERNATION.possible("three weeks of remote work a year") == _ALTERNATION.patterns[:1]
    assert _ALTERNATION.possible("no such words") == ()
    assert _ALTERNATION.possible("non-ASCII ſ keeps every pattern") == _ALTERNATION.patterns


@settings(max_examples=300, deadline=None)
@given(
    text=st.text()
    | st.lists(
        st.sampled_from(["C++", "#1", "++x", "a+b", " ", "İ", "K", "ſ", "é", "\ud800", "Ab9"])
    ).map("".join)
)
def test_tokenise_gives_the_words_of_the_token_pattern(text: str) -> None:
    words = re.findall(r"[a-z0-9][a-z0-9+#]*", text.lower())
    tokens = tokenise(text)
    assert tokens.padded == " " + " ".join(words) + " "
    assert tokens.words == frozenset(words)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab. sc/y", max_size=300),
    anchors=st.lists(st.text(alphabet="ab. sc/y", min_size=1, max_size=4), min_size=1, max_size=6),
    before=st.integers(0, 5),
    after=st.integers(0, 5),
)
def test_windows_are_the_same_with_an_anchor_regex(
    text: str, anchors: list[str], before: int, after: int
) -> None:
    assert windows(text, anchor_regex(anchors), before, after) == windows(
        text, anchors, before, after
    )


def test_anchor_regex_prefers_the_longest_anchor_at_a_position() -> None:
    regex = anchor_regex(["b.s", "b.sc", "bs in", "year", "yr"])
    assert [m.group() for m in regex.finditer("b.sc, b.s, bs in, yr, years")] == [
        "b.sc",
        "b.s",
        "bs in",
        "yr",
        "year",
    ]
