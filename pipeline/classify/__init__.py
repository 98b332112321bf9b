"""Classification and normalisation of job postings (issue 4).

`classify(ClassifyInput) -> Labels` gives every label the taxonomy defines
(shared/reference/taxonomy.md): role, seniority, work arrangement, salary as stated and in
annual USD, parsed locations, degree, skills, industry and employment type. Functions are pure;
rules and keyword lists are versioned data files in `data/`, and `CLASSIFIER_VERSION` names
them all, so every stored label can be traced to the rules that produced it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pipeline.classify._data import data_versions
from pipeline.classify.attributes import (
    classify_degree,
    classify_employment,
    classify_industry,
    classify_skills,
)
from pipeline.classify.location import parse_locations
from pipeline.classify.role import classify_role
from pipeline.classify.salary import (
    annualise_usd,
    extract_salary,
    parse_salary_text,
    salary_problem,
)
from pipeline.classify.seniority import classify_seniority
from pipeline.classify.text import normalise_title, tokenise
from pipeline.classify.workplace import decide_workplace, workplace_hint
from pipeline.models import Posting, Salary

_CODE_VERSION = "1.3.0"
CLASSIFIER_VERSION: str = ";".join(
    [_CODE_VERSION, *(f"{name}={version}" for name, version in data_versions().items())]
)

__all__ = [
    "CLASSIFIER_VERSION",
    "ClassifyInput",
    "Labels",
    "annualise_usd",
    "classify",
    "parse_salary_text",
]


@dataclass
class ClassifyInput:
    """What the classifier reads from a posting; `description` is plain text.

    `workplace_hint` says what kind of field `workplace_type` came from (a legacy yes/no flag, a
    remote-only board, ...; see `workplace.decide_workplace`); None is a three-way field.
    """

    title: str
    company: str = ""
    description: str = ""
    locations: list[str] = field(default_factory=list)
    salary_text: str | None = None
    workplace_type: str | None = None
    salary: Salary | None = None
    employment_type: str | None = None
    workplace_hint: str | None = None

    @classmethod
    def from_posting(cls, posting: Posting) -> ClassifyInput:
        return cls(
            title=posting.title,
            company=posting.company,
            description=posting.description,
            locations=list(posting.locations),
            workplace_type=posting.workplace_type,
            salary=posting.salary,
            salary_text=posting.salary.text if posting.salary else None,
            employment_type=posting.employment_type,
            workplace_hint=workplace_hint(posting.source, posting.extras),
        )


@dataclass
class Labels:
    """Every label for one posting. `salary` is as stated; the USD columns are annualised.

    `work_arrangement_basis` says what decided the arrangement (`structured` field, `stated` in
    the text, `inferred` from a located posting silent about remote work, None when unknown) and
    `work_arrangement_evidence` the field value or text; `salary_text` is the text the salary
    was read from, so a reader can check every label against the posting.

    `salary_flag` says why a figure was not kept ("implausible: ...", and then `salary` is None)
    or why a kept figure has no USD value ("currency unknown", "pay period unknown").
    """

    role: str
    is_ai: bool
    ai_signal: str | None
    role_confidence: float
    role_evidence: str
    llmops: bool
    seniority: str
    seniority_evidence: str
    work_arrangement: str
    work_arrangement_basis: str | None
    work_arrangement_evidence: str | None
    remote_scope: str | None
    salary: Salary | None
    salary_source: str | None
    salary_text: str | None
    salary_usd_annual_min: float | None
    salary_usd_annual_max: float | None
    salary_flag: str | None
    locations: list[dict[str, str | None]]
    country: str | None
    metro: str | None
    degree: str
    advanced_degree_preferred: bool
    skills: list[str]
    industry: str
    employment_type: str | None
    classifier_version: str = CLASSIFIER_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _salary(
    inp: ClassifyInput, on_date: date | None
) -> tuple[Salary | None, str | None, str | None]:
    """(salary, source, flag): the structured salary if there is one, else the first text
    (salary field, title, description) that states one."""
    if inp.salary is not None and (inp.salary.min is not None or inp.salary.max is not None):
        salary, source = inp.salary, "structured"
        flag = salary_problem(salary, on_date)
    else:
        salary, source, flag = None, None, None
        for text in (inp.salary_text, inp.title, inp.description):
            if text:
                salary, flag = extract_salary(text)
                if salary is not None:
                    source = "text"
                    break
    if flag is not None and flag.startswith("implausible"):
        return None, None, flag
    return salary, source, flag


def classify(inp: ClassifyInput, on_date: date | None = None) -> Labels:
    """All labels for one posting; `on_date` picks the currency table (latest when None)."""
    title_tokens = tokenise(inp.title)
    desc_tokens = tokenise(inp.description)
    role = classify_role(inp.title, desc_tokens, inp.company)
    seniority, seniority_evidence = classify_seniority(normalise_title(inp.title), inp.description)
    workplace = decide_workplace(
        inp.workplace_type, inp.locations, inp.description, inp.workplace_hint
    )
    salary, salary_source, salary_flag = _salary(inp, on_date)
    usd = annualise_usd(salary, on_date) if salary is not None else None
    locations = [dict(loc) for loc in parse_locations(inp.locations)]
    primary = locations[0] if locations else {}
    degree, advanced_preferred = classify_degree(inp.description, desc_tokens)
    industry, _ = classify_industry(inp.company, desc_tokens)
    return Labels(
        role=role.role,
        is_ai=role.is_ai,
        ai_signal=role.ai_signal,
        role_confidence=role.confidence,
        role_evidence=role.evidence,
        llmops=role.llmops,
        seniority=seniority,
        seniority_evidence=seniority_evidence,
        work_arrangement=workplace.arrangement,
        work_arrangement_basis=workplace.basis,
        work_arrangement_evidence=workplace.evidence,
        remote_scope=workplace.remote_scope,
        salary=salary,
        salary_source=salary_source,
        salary_text=salary.text if salary is not None else None,
        salary_usd_annual_min=usd[0] if usd else None,
        salary_usd_annual_max=usd[1] if usd else None,
        salary_flag=salary_flag,
        locations=locations,
        country=primary.get("country"),
        metro=primary.get("metro"),
        degree=degree,
        advanced_degree_preferred=advanced_preferred,
        skills=classify_skills(title_tokens + desc_tokens),
        industry=industry,
        employment_type=classify_employment(inp.employment_type, inp.title, inp.description),
    )
