"""Type checks on what a parser produced, before anything downstream trusts it.

Parsers copy many payload values through unchanged, so a board sending `company_name: 42`
or a 400-digit salary would hand the classifier and the warehouse values of the wrong type.
Checking the finished `Posting` once covers every parser and every field, where a check per
parser per field would be forgotten for the next one.
"""

from __future__ import annotations

import math
from datetime import datetime

from pipeline.models import Posting

_TEXT_FIELDS = ("source", "source_id", "company", "title", "description", "board")
_OPTIONAL_TEXT_FIELDS = ("workplace_type", "url", "employment_type", "department")


def posting_type_problem(posting: Posting) -> str | None:
    """What in a parsed posting has the wrong type for the warehouse and the classifier."""
    for name in _TEXT_FIELDS:
        if not isinstance(getattr(posting, name), str):
            return f"{name} is {type(getattr(posting, name)).__name__}, not text"
    for name in _OPTIONAL_TEXT_FIELDS:
        value = getattr(posting, name)
        if value is not None and not isinstance(value, str):
            return f"{name} is {type(value).__name__}, not text"
    if not isinstance(posting.locations, list) or not all(
        isinstance(v, str) for v in posting.locations
    ):
        return "locations is not a list of text"
    for name in ("posted_at", "updated_at"):
        value = getattr(posting, name)
        if value is not None and not isinstance(value, datetime):
            return f"{name} is {type(value).__name__}, not a timestamp"
    salary = posting.salary
    if salary is not None:
        for name in ("min", "max"):
            value = getattr(salary, name)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                return f"salary {name} is not a finite number"
        for name in ("currency", "period", "text"):
            value = getattr(salary, name)
            if value is not None and not isinstance(value, str):
                return f"salary {name} is {type(value).__name__}, not text"
    if not isinstance(posting.extras, dict):
        return "extras is not an object"
    return None
