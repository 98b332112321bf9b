"""Markdown rendering that treats every value as untrusted text.

Titles and company names are written by strangers: a `|` would break a table row and a
`<script>` would run in any viewer that renders inline HTML, so cells are escaped here once
rather than at each call site, after invisible controls are removed (`reports.safe`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd

from reports.safe import visible

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = html.escape(visible(str(value)), quote=False).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text) if not _is_number(value) else text


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def table(
    frame: pd.DataFrame,
    headers: Sequence[str] | None = None,
    numeric: Sequence[bool] | None = None,
) -> str:
    """A GitHub table; `numeric` columns are right-aligned (`---:`) so digits line up."""
    if frame.empty:
        return "_No rows._\n"
    names = list(headers or frame.columns)
    right = list(numeric or [False] * len(names))
    lines = [
        "| " + " | ".join(cell(h) for h in names) + " |",
        "|" + "|".join("---:" if r else "---" for r in right) + "|",
    ]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
