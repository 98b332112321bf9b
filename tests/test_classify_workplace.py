"""Work arrangement: structured field, then locations, then description; perks are not remote."""

from __future__ import annotations

import pytest

from pipeline.classify import ClassifyInput, classify


def work(
    description: str = "", locations: list[str] | None = None, workplace_type: str | None = None
) -> tuple[str, str | None]:
    labels = classify(
        ClassifyInput(
            title="Engineer",
            description=description,
            locations=locations or [],
            workplace_type=workplace_type,
        )
    )
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
        ("San Francisco, CA", ("unknown", None)),
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
    labels = classify(
        ClassifyInput(
            title="Engineer",
            description=description,
            locations=locations or [],
            workplace_type=workplace_type,
        )
    )
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
