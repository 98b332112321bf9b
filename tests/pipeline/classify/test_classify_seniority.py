"""Seniority: title words, then level numerals, then the years the description asks for."""

from __future__ import annotations

import pytest

from pipeline.classify import ClassifyInput, classify
from tests.support import grouped


def seniority(title: str, description: str = "") -> str:
    return classify(ClassifyInput(title=title, description=description)).seniority


TITLE_BANDS = {
    "title words": [
        ("Machine Learning Engineering Intern", "intern"),
        ("Werkstudent Data Science (m/w/d)", "intern"),
        ("Software Engineering Co-op", "intern"),
        ("Junior Data Analyst", "entry"),
        ("Software Engineer - New Grad 2026", "entry"),
        ("Associate Data Scientist", "entry"),
        ("Mid-level Machine Learning Engineer", "mid"),
        ("Sr. Applied Scientist", "senior"),
        ("Staff Data Scientist", "senior"),
        ("Principal Software Engineer", "senior"),
        ("Lead Data Analyst", "senior"),
        ("Head of Data Science", "executive"),
        ("VP, Machine Learning", "executive"),
        ("Senior Director, AI", "executive"),
        ("Data Scientist", "unknown"),
    ],
    "level numerals": [
        ("Machine Learning Engineer I", "entry"),
        ("Software Engineer II", "mid"),
        ("Site Reliability Engineer III", "senior"),
        ("Machine Learning Engineer 5", "senior"),
        ("Software Engineer L5", "senior"),
    ],
}
"""Titles whose band needs no description: words first, then level numerals."""


@pytest.mark.parametrize(("title", "expected"), grouped(TITLE_BANDS))
def test_the_title_alone_decides_the_band(title: str, expected: str) -> None:
    assert seniority(title) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("0-2 years of experience; recent graduates welcome.", "entry"),
        ("1+ years of experience in Python.", "entry"),
        ("3-5 years of experience with dbt.", "mid"),
        ("2+ years with Python and SQL.", "mid"),
        ("6+ years in analytics or data science.", "senior"),
        ("Five years of experience building APIs.", "senior"),
        ("We have been in business for 25 years in the Midwest.", "unknown"),
        ("Work from anywhere two weeks a year.", "unknown"),
    ],
)
def test_years_in_description(description: str, expected: str) -> None:
    assert seniority("Data Engineer", description) == expected


def test_title_beats_years_and_staff_in_mts_is_not_a_level() -> None:
    assert seniority("Senior Data Engineer", "2+ years of experience") == "senior"
    assert seniority("Member of Technical Staff") == "unknown"
    assert seniority("Staff Accountant") == "unknown"


def test_evidence_says_where_the_band_came_from() -> None:
    labels = classify(ClassifyInput(title="Data Engineer", description="5+ years of Spark."))
    assert labels.seniority == "senior"
    assert "5+ years" in labels.seniority_evidence


@pytest.mark.parametrize(
    "title",
    [
        "Mid-Market Account Executive",
        "Account Executive, Mid Market",
        "Enterprise Account Executive",
        "SMB Account Executive",
        "Data Entry Clerk",
    ],
)
def test_sales_segments_and_data_entry_are_not_seniority(title: str) -> None:
    assert seniority(title) == "unknown"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Vous avez au moins deux ans d'expérience en formation.", "mid"),
        ("Mindestens 5 Jahre Berufserfahrung in der Softwareentwicklung.", "senior"),
        ("Un año de experiencia con Python.", "entry"),
    ],
)
def test_years_stated_in_other_languages(description: str, expected: str) -> None:
    assert seniority("Analyst", description) == expected


def test_a_description_calling_the_job_entry_level_bands_it() -> None:
    assert seniority("Data Entry Clerk", "Entry-level role entering billing data.") == "entry"
    assert seniority("Clerk", "We hire entry-level and senior people alike.") == "unknown"
