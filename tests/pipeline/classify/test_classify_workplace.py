"""Work arrangement: structured field, then locations, then description; perks are not remote."""

from __future__ import annotations

import pytest

from pipeline.classify import ClassifyInput, Labels, classify
from pipeline.models import Posting
from tests.support import grouped


def _classified(
    description: str, locations: list[str] | None, workplace_type: str | None, hint: str | None
) -> Labels:
    return classify(
        ClassifyInput(
            title="Engineer",
            description=description,
            locations=locations or [],
            workplace_type=workplace_type,
            workplace_hint=hint,
        )
    )


def work(
    description: str = "",
    locations: list[str] | None = None,
    workplace_type: str | None = None,
    hint: str | None = None,
) -> tuple[str, str | None]:
    labels = _classified(description, locations, workplace_type, hint)
    return labels.work_arrangement, labels.remote_scope


def test_structured_field_beats_text() -> None:
    assert work("Fully remote!", ["Remote"], "hybrid")[0] == "hybrid"
    assert work("", [], "TELECOMMUTE")[0] == "remote"
    assert work("", [], "on-site")[0] == "onsite"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Remote - US", ("remote", "US")),
        ("Remote (North America)", ("remote", "North America")),
        ("Remote - UK/EU", ("remote", "UK, EU")),
        ("Remote - Worldwide", ("remote", "Worldwide")),
        ("Hybrid - London", ("hybrid", None)),
        ("San Francisco, CA", ("onsite", None)),
    ],
)
def test_location_strings(location: str, expected: tuple[str, str | None]) -> None:
    assert work("", [location]) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("We're a remote-friendly team, but this role is onsite in our Miami office.", "onsite"),
        ("Python and Django. This is not a remote position.", "onsite"),
        (
            "Work from anywhere two weeks a year! Otherwise 3 days a week in our Austin office.",
            "hybrid",
        ),
        ("Work from anywhere for up to four weeks a year; otherwise in our office.", "onsite"),
        ("Hybrid working model with 3 office days per week.", "hybrid"),
        ("You must work onsite five days a week in our New York office.", "onsite"),
        ("Fully remote within the EU.", "remote"),
        ("Anywhere in the world; we are a fully distributed team.", "remote"),
        ("This role is remote-eligible for candidates in Canada.", "remote"),
        ("We offer a home office stipend and great coffee.", "unknown"),
        ("Build forecasting models for renewable energy.", "unknown"),
    ],
)
def test_description_phrases(description: str, expected: str) -> None:
    assert work(description)[0] == expected


def test_scope_from_the_description_and_case_matters() -> None:
    assert work("This role is remote within the UK.") == ("remote", "UK")
    assert work("Fully remote. Join us and help us grow!") == ("remote", None)
    assert work("Remote-first company. We hire anywhere in North America.") == (
        "remote",
        "North America",
    )


def _labels(
    description: str = "", locations: list[str] | None = None, workplace_type: str | None = None
) -> tuple[str, str | None, str | None]:
    labels = _classified(description, locations, workplace_type, None)
    return (
        labels.work_arrangement,
        labels.work_arrangement_basis,
        labels.work_arrangement_evidence,
    )


def test_basis_and_evidence_name_what_decided() -> None:
    assert _labels("", ["Remote - US"], "remote") == (
        "remote",
        "structured",
        "workplace_type: remote",
    )
    assert _labels("", ["Remote - US"]) == ("remote", "stated", "Remote - US")
    assert _labels("This is a fully remote role.") == ("remote", "stated", "fully remote")
    assert _labels("") == ("unknown", None, None)


def test_located_posting_silent_about_remote_is_inferred_onsite() -> None:
    assert _labels("Build our payments API.", ["Berlin"]) == ("onsite", "inferred", "Berlin")
    assert _labels("Build our payments API.", ["Remote"]) == ("remote", "stated", "Remote")
    assert _labels("Build our payments API.", []) == ("unknown", None, None)
    assert _labels("Build our payments API.", ["Europe"]) == ("unknown", None, None)


OFFICE_DAYS = {
    "fewer than five office days": [
        ("You will be in the office 4 days a week, 1 flexible.", "hybrid"),
        ("Distyl requires in-office collaboration 3 days a week.", "hybrid"),
        ("We work 4 days in office and one from home.", "hybrid"),
        ("ONSITE (3 days/week) in San Francisco.", "hybrid"),
        ("Come into the office twice a week to meet the team.", "hybrid"),
        ("This role requires 4 onsite days per week.", "hybrid"),
        ("In person 3 days a week at our Austin hub.", "hybrid"),
        ("We are in the office Tuesday - Wednesday - Thursday.", "hybrid"),
        ("HomeVision | SF (2-3 days/week) | Full-Time", "hybrid"),
    ],
    "five office days": [
        ("In person 5 days/week in San Francisco.", "onsite"),
        ("You must be onsite five days a week.", "onsite"),
        ("We are in the office Monday - Friday.", "onsite"),
    ],
}
"""Descriptions that count the days in the office: under five is hybrid, five is onsite,
whatever the location or a header says."""


@pytest.mark.parametrize(("description", "expected"), grouped(OFFICE_DAYS))
def test_office_days_decide_hybrid_or_onsite(description: str, expected: str) -> None:
    assert work(description, ["Austin, TX"])[0] == expected
    assert work(description, ["Austin, TX"], "onsite", "header")[0] == expected


@pytest.mark.parametrize(
    "description",
    [
        "This role is a hybrid of IC and manager.",
        "Deploy across cloud and hybrid environments.",
        "Experience with hybrid search and hybrid cloud.",
        "Perks: in-office lunch (5 days per week).",
        "Remote/hybrid environment, flexible PTO.",
        "Exercise at least 3 times a week is encouraged.",
    ],
)
def test_hybrid_and_office_words_that_say_nothing_of_the_job(description: str) -> None:
    assert work(description, ["Austin, TX"], "remote", "flag")[0] == "remote"


def test_evidence_names_the_kind_of_field() -> None:
    labels = classify(
        ClassifyInput(title="Engineer", workplace_type="remote", workplace_hint="flag")
    )
    assert labels.work_arrangement_evidence == "workplace_type: remote (flag)"
    assert labels.work_arrangement_basis == "structured"


def test_legacy_remote_flag_gives_way_to_stated_office_days() -> None:
    office = (
        "We offer a hybrid work schedule, with team members coming into the office twice a week."
    )
    assert work(office, ["London"], "remote", "flag")[0] == "hybrid"
    assert work(office, ["London"], "onsite", "flag")[0] == "hybrid"
    assert work("Join our in-office team.", ["London"], "remote", "flag")[0] == "remote"
    assert work("Fully remote culture!", ["London"], "onsite", "flag")[0] == "onsite"
    assert work(office, ["London"], "remote")[0] == "remote"


def test_remote_board_is_remote_unless_an_office_is_required() -> None:
    assert (
        work(
            "Remote-first with hybrid in office collaboration in NYC.", [], "remote", "remote_board"
        )[0]
        == "remote"
    )
    assert (
        work("You must work onsite in our Lagos office.", [], "remote", "remote_board")[0]
        == "onsite"
    )
    assert (
        work("Join us 3 days a week in our Lisbon office.", [], "remote", "remote_board")[0]
        == "hybrid"
    )


def test_telecommute_with_a_place_lets_the_text_decide() -> None:
    assert work("We have a hybrid working model.", ["SF"], "remote", "telecommute")[0] == "hybrid"
    assert work("Work from our SF office.", ["SF"], "remote", "telecommute")[0] == "onsite"
    assert work("Great benefits.", ["SF"], "remote", "telecommute")[0] == "remote"


def test_role_level_remote_beats_company_office_policy() -> None:
    text = (
        "The role is preferably based in Poland with a work-from-home arrangement. Most of our "
        "people enjoy a hybrid work model; if the job description states that the position is "
        "fully remote, that applies instead."
    )
    assert work(text, ["Poland"])[0] == "remote"
    company_only = (
        "Most of our people enjoy a hybrid work model; if the job description states that the "
        "position is fully remote, that applies."
    )
    assert work(company_only, ["Poland"])[0] == "hybrid"


def _posting_arrangement(source: str, workplace_type: str | None, text: str, **extras: str) -> str:
    posting = Posting(
        source=source,
        source_id="1",
        company="Acme",
        title="Engineer",
        description=text,
        locations=["Austin, TX"],
        workplace_type=workplace_type,  # type: ignore[arg-type]
        extras=dict(extras),
    )
    return classify(ClassifyInput.from_posting(posting)).work_arrangement


def test_postings_carry_the_kind_of_field_their_source_has() -> None:
    office = "Join us 3 days a week in our Austin office."
    assert _posting_arrangement("remoteok", "remote", office) == "hybrid"
    assert _posting_arrangement("remotive", "remote", "Async team, office optional.") == "remote"
    assert (
        _posting_arrangement("hn", "onsite", "Acme | Engineer | ONSITE (3 days/week)") == "hybrid"
    )
    assert _posting_arrangement("ashby", "remote", office, workplace_hint="flag") == "hybrid"
    assert _posting_arrangement("ashby", "remote", office) == "remote"
    assert (
        _posting_arrangement("jsonld", "remote", office, workplace_hint="telecommute") == "hybrid"
    )


@pytest.mark.parametrize(
    "description",
    [
        "Based in London, but we are also remote-friendly! No restrictions on location.",
        "Mountain View, CA or remote USA.",
        "Remote is possible for strong candidates.",
    ],
)
def test_remote_friendly_or_possible_without_an_office_requirement_is_remote(
    description: str,
) -> None:
    assert work(description, ["London"])[0] == "remote"


@pytest.mark.parametrize(
    "description",
    [
        "Build remote sensing pipelines for satellite imagery.",
        "Our remote monitoring platform supports remote patient care.",
        "Work on hybrid cloud, hybrid search and hybrid vehicles.",
    ],
)
def test_remote_and_hybrid_words_about_the_product_are_not_arrangements(
    description: str,
) -> None:
    assert work(description, ["Austin, TX"]) == ("onsite", None)
