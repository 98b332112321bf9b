"""Degree, skills, industry and employment type."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import ClassifyInput, classify
from pipeline.classify.attributes import _SENTENCE


def labels(description: str = "", title: str = "Engineer", **kw: str | None):  # type: ignore[no-untyped-def]
    return classify(ClassifyInput(title=title, description=description, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("description", "degree", "advanced_preferred"),
    [
        ("PhD in machine learning or a related field.", "phd", False),
        ("Master's or PhD in chemistry required.", "masters", False),
        ("Bachelor's degree in CS required; Master's or PhD preferred.", "bachelors", True),
        ("BS/MS in Computer Science and 3+ years of experience.", "bachelors", False),
        ("MS or PhD in Computer Science.", "masters", False),
        ("Ph.D. in Physics is a plus. B.S. required.", "bachelors", True),
        ("No degree required. Show us what you have built.", "none", False),
        ("Build dashboards in Tableau.", "none", False),
    ],
)
def test_degree(description: str, degree: str, advanced_preferred: bool) -> None:
    result = labels(description)
    assert (result.degree, result.advanced_degree_preferred) == (degree, advanced_preferred)


def test_skills_are_fixed_ids_in_list_order() -> None:
    result = labels(
        "Python, SQL and PyTorch; Hugging Face transformers; retrieval-augmented generation "
        "over LLMs on AWS with Docker and k8s. Experience with C++ is a plus.",
        title="Senior ML Engineer (Spark)",
    )
    assert result.skills == [
        "python", "sql", "cpp", "pytorch", "hugging_face", "llm", "rag", "spark", "aws",
        "docker", "kubernetes",
    ]  # fmt: skip
    assert labels("Go and Postgres. We value going the extra mile.").skills == ["sql"]


@pytest.mark.parametrize(
    ("company", "description", "industry"),
    [
        ("OpenAI", "", "Tech/Software"),
        ("Stripe, Inc.", "", "Finance/FinTech"),
        ("Meridian Bank", "Lead our AI governance framework.", "Finance/FinTech"),
        ("Brightwave", "Models that help clinical teams and patients in hospitals.", "Healthcare"),
        ("Kinetic", "Driver-assistance features for our vehicles.", "Automotive"),
        ("Gridmind", "Battery dispatch on the power grid using solar forecasts.", "Energy/Climate"),
        (
            "Shelfscan",
            "Recognise products on retail shelves for grocery chains.",
            "E-commerce/Retail",
        ),
        (
            "Framewise",
            "Quality inspection for manufacturing lines in our factory.",
            "Manufacturing",
        ),
        ("Acme", "We make things.", "Other"),
    ],
)
def test_industry(company: str, description: str, industry: str) -> None:
    assert labels(description, company=company).industry == industry


@pytest.mark.parametrize(
    ("title", "description", "structured", "expected"),
    [
        ("AI Trainer - Coding (Contract)", "", None, "contract"),
        ("OpenZFS Developer", "", "Full-time Contract", "contract"),
        ("Data Science Intern", "", None, "internship"),
        ("Cashier", "Part-time cashier, weekends.", None, "part_time"),
        ("Engineer", "This is a 6-month contract role.", None, "contract"),
        (
            "Engineer",
            "Draft and review contracts with LLM agents. Full-time role.",
            None,
            "full_time",
        ),
        ("Engineer", "", "FULL_TIME", "full_time"),
        ("Engineer", "", "Temporary", "temporary"),
        ("Engineer", "Build things.", None, None),
    ],
)
def test_employment_type(
    title: str, description: str, structured: str | None, expected: str | None
) -> None:
    result = labels(description, title=title, employment_type=structured)
    assert result.employment_type == expected


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", "b", ".", " ", "\n", ";", "•", "·", "-", "\t", "x.y", "e.g.", "Z"])
    ).map("".join)
)
def test_sentences_break_where_the_plain_break_pattern_does(text: str) -> None:
    plain = re.compile(r"(?<![a-z]\.[a-z])(?<!\b[a-z])\.\s+|[;\n•·]+|\s-\s")
    assert _SENTENCE.split(text) == plain.split(text)
