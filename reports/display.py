"""How the report writes a value for a person: role names, money, shares, counts.

Markdown, HTML and the charts print every figure through these functions, so `$79K`, `31%`
and "Machine Learning Engineer" read the same in each; the CSVs write the queries' values
instead, because a CSV is data for a program. Role names come from the taxonomy's data file,
the one place a role is named.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.classify.role import ROLE_NAMES

_IDS = re.compile(r"\b(" + "|".join(sorted(ROLE_NAMES, key=len, reverse=True)) + r")\b")


def missing(value: object) -> bool:
    return value is None or (not isinstance(value, str | list | tuple) and bool(pd.isna(value)))


def role(value: object) -> str:
    """A role id's display name; a value that is not a role id is shown as `label` shows it."""
    text = str(value)
    return ROLE_NAMES.get(text, label(text))


def label(text: str) -> str:
    """Text that may carry our ids (`ml_engineer is #1`, `sf_bay_area`): role ids become their
    names and any other id's underscores spaces."""
    named = _IDS.sub(lambda m: ROLE_NAMES[m.group(1)], text)
    return re.sub(r"(?<=[a-z])_(?=[a-z])", " ", named)


def money(value: object) -> str:
    """USD to the nearest thousand: `$79K`; an amount of a million or more `$1.2M`."""
    if missing(value):
        return ""
    amount = float(value)
    if abs(amount) >= 1_000_000:
        return f"${amount / 1_000_000:.1f}M"
    return f"${amount / 1000:,.0f}K"


def share(value: object) -> str:
    return "n/a" if missing(value) else f"{float(value):.0%}"


def change(value: object) -> str:
    """A signed change; NULL means there was nothing to compare with, so the row is `new`."""
    return "new" if missing(value) else f"{float(value):+.0%}"


def count(value: object) -> str:
    """A count as the integer it is (`59`, never `59.0`), with thousands separated."""
    return "" if missing(value) else f"{round(float(value)):,}"
