"""Labels for loaded postings, in the row shape the warehouse stores beside each posting.

The classifier decides; this module only flattens its `Labels` into `posting_labels` rows.
The evidence a person reads to see why a label was chosen has its own columns (role and
seniority evidence, work-arrangement basis and evidence, salary source and matched text);
the rest (stated salary, parsed locations, ...) stays in one JSON `detail` column. Industry
configured for a board beats the classifier's inference. The evidence columns come last, in
the order migration 0006 added them to the table, and default to None (no evidence) so rows
built before them still construct.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pipeline.classify import CLASSIFIER_VERSION, ClassifyInput, Labels, classify
from pipeline.models import Posting

__all__ = ["CLASSIFIER_VERSION", "LabelRow", "label_postings", "labels_of"]


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
    work_arrangement_basis: str | None = None
    work_arrangement_evidence: str | None = None
    seniority_evidence: str | None = None
    salary_source: str | None = None
    salary_text: str | None = None


def label_postings(
    postings: Sequence[Posting], industry: str | None = None, on_date: date | None = None
) -> list[LabelRow]:
    """Classify each posting; `on_date` picks the dated currency table for USD columns."""
    return [_row(p, industry, on_date) for p in postings]


def labels_of(posting: Posting, on_date: date | None = None) -> Labels:
    """The classifier's labels for one parsed posting, exactly as a load computes them.

    `jobtrends parse` and the real-data evaluation call this too, so what they show is what
    the warehouse would store.
    """
    return classify(ClassifyInput.from_posting(posting), on_date)


def _row(posting: Posting, industry: str | None, on_date: date | None) -> LabelRow:
    labels = labels_of(posting, on_date)
    detail = {
        "llmops": labels.llmops,
        "salary_stated": None
        if labels.salary is None
        else {
            "min": labels.salary.min,
            "max": labels.salary.max,
            "currency": labels.salary.currency,
            "period": labels.salary.period,
        },
        "locations": labels.locations,
        "advanced_degree_preferred": labels.advanced_degree_preferred,
        "industry_source": "configured" if industry else "classifier",
    }
    return LabelRow(
        source=posting.source,
        source_id=posting.source_id,
        classifier_version=CLASSIFIER_VERSION,
        role=labels.role,
        is_ai=labels.is_ai,
        ai_signal=labels.ai_signal,
        role_confidence=labels.role_confidence,
        role_evidence=labels.role_evidence,
        seniority=labels.seniority,
        work_arrangement=labels.work_arrangement,
        remote_scope=labels.remote_scope,
        salary_usd_min=labels.salary_usd_annual_min,
        salary_usd_max=labels.salary_usd_annual_max,
        salary_flag=labels.salary_flag,
        country=labels.country,
        metro=labels.metro,
        degree=labels.degree,
        skills=labels.skills,
        industry=industry or labels.industry,
        employment_type=labels.employment_type,
        detail=json.dumps(detail, sort_keys=True, default=str),
        work_arrangement_basis=labels.work_arrangement_basis,
        work_arrangement_evidence=labels.work_arrangement_evidence,
        seniority_evidence=labels.seniority_evidence,
        salary_source=labels.salary_source,
        salary_text=labels.salary_text,
    )
