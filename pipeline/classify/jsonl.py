"""Classify a stream of JSON lines: the engine behind `jobtrends classify`.

One bad line must not sink a batch of thousands, so each line is answered on its own: labels,
or `{"error": ..., "line": n}`. Blank lines are skipped without an answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from pipeline.classify import ClassifyInput, classify

_TEXT_FIELDS = ("title", "company", "description", "salary_text", "workplace_type")


class BadLine(ValueError):
    """A line that is not a JSON object with the expected field types."""


def _input(obj: Any) -> ClassifyInput:
    if not isinstance(obj, dict):
        raise BadLine(f"expected a JSON object, got {type(obj).__name__}")
    for name in _TEXT_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise BadLine(f"field {name!r} must be a string or null")
    location = obj.get("location")
    if location is None:
        locations: list[str] = []
    elif isinstance(location, str):
        locations = [location]
    elif isinstance(location, list) and all(isinstance(loc, str) for loc in location):
        locations = list(location)
    else:
        raise BadLine("field 'location' must be a string, a list of strings or null")
    return ClassifyInput(
        title=obj.get("title") or "",
        company=obj.get("company") or "",
        description=obj.get("description") or "",
        locations=locations,
        salary_text=obj.get("salary_text"),
        workplace_type=obj.get("workplace_type"),
    )


def classify_record(obj: Any) -> dict[str, Any]:
    """The input object with the label fields added; raises BadLine for a malformed record."""
    labels = classify(_input(obj))
    salary = labels.salary
    usd_min, usd_max = labels.salary_usd_annual_min, labels.salary_usd_annual_max
    return {
        **obj,
        "role": labels.role,
        "is_ai": labels.is_ai,
        "ai_signal": labels.ai_signal,
        "seniority": labels.seniority,
        "work_arrangement": labels.work_arrangement,
        "remote_scope": labels.remote_scope,
        "salary": None
        if salary is None
        else {
            "min": salary.min,
            "max": salary.max,
            "currency": salary.currency,
            "period": salary.period,
        },
        "salary_usd_annual": None if usd_min is None else {"min": usd_min, "max": usd_max},
        "country": labels.country,
        "metro": labels.metro,
        "degree": labels.degree,
        "skills": labels.skills,
    }


def classify_jsonl(lines: Iterable[str], out: TextIO) -> tuple[int, int]:
    """Write one JSON line per non-blank input line; return (classified, errors)."""
    ok = errors = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = classify_record(json.loads(line))
        except (json.JSONDecodeError, BadLine) as exc:
            errors += 1
            out.write(json.dumps({"error": str(exc), "line": number}) + "\n")
            continue
        ok += 1
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return ok, errors
