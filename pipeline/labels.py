"""Labels for loaded postings, in the row shape the warehouse stores beside each posting.

The placeholder rules here only read the title; the real classifier replaces them. Keeping
the row shape in one place means the warehouse never depends on how labels are decided.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.models import Posting

CLASSIFIER_VERSION = "placeholder-0"

_TITLE_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(machine learning|ml) engineer", "ml_engineer"),
    (r"\bdata scientist", "data_scientist"),
    (r"\bresearch (scientist|engineer)", "research_scientist"),
    (r"\b(llm|nlp|genai|generative ai) engineer", "nlp_llm_engineer"),
    (r"\bcomputer vision|perception engineer", "computer_vision_engineer"),
    (r"\bmlops|ml platform|ml infrastructure", "mlops_engineer"),
    (r"\bprompt engineer", "prompt_engineer"),
    (r"\b(ai|ml) product manager", "ai_product_manager"),
    (r"\bdata engineer|analytics engineer", "data_engineer"),
    (r"\bdata analyst|bi analyst", "data_analyst"),
    (r"\bsoftware engineer|backend|frontend|full[- ]stack|\bsre\b", "software_engineer"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), role) for p, role in _TITLE_RULES)
_NON_AI = frozenset({"software_engineer", "data_engineer", "data_analyst", "other"})


@dataclass(slots=True)
class LabelRow:
    source: str
    source_id: str
    classifier_version: str
    role: str
    is_ai: bool
    ai_signal: str | None
    role_confidence: float | None
    role_evidence: str | None
    seniority: str
    work_arrangement: str
    remote_scope: str | None
    salary_usd_min: float | None
    salary_usd_max: float | None
    salary_flag: str | None
    country: str | None
    metro: str | None
    degree: str | None
    skills: list[str]
    industry: str | None
    employment_type: str | None
    detail: str | None


def label_postings(postings: Sequence[Posting]) -> list[LabelRow]:
    return [_label(p) for p in postings]


def _label(posting: Posting) -> LabelRow:
    role, evidence = "other", "no title rule matched"
    for pattern, candidate in _COMPILED:
        if pattern.search(posting.title):
            role, evidence = candidate, f"title matches {pattern.pattern!r}"
            break
    is_ai = role not in _NON_AI
    return LabelRow(
        source=posting.source,
        source_id=posting.source_id,
        classifier_version=CLASSIFIER_VERSION,
        role=role,
        is_ai=is_ai,
        ai_signal="title" if is_ai else None,
        role_confidence=None,
        role_evidence=evidence,
        seniority="unknown",
        work_arrangement=posting.workplace_type or "unknown",
        remote_scope=None,
        salary_usd_min=None,
        salary_usd_max=None,
        salary_flag=None,
        country=None,
        metro=None,
        degree=None,
        skills=[],
        industry=None,
        employment_type=posting.employment_type,
        detail=json.dumps({"rule": evidence}),
    )
