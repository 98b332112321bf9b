"""Query results as text a person reads or a program parses: table, CSV, JSON or Markdown.

DuckDB returns `sum()` over integers as HUGEINT/DOUBLE, which pandas prints as `59.0`; a
float column whose every value is whole is shown as integers, so counts read as counts.
"""

from __future__ import annotations

import pandas as pd

from reports.markdown import table as markdown_table

FORMATS = ("table", "csv", "json", "markdown")


def integral(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each float column that holds only whole numbers (and NULLs) as Int64."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_float_dtype(column):
            values = column.dropna()
            if not values.empty and (values == values.round()).all():
                out[name] = column.astype("Int64")
    return out


def render(frame: pd.DataFrame, fmt: str = "table") -> str:
    """`frame` in one of `FORMATS`, without a trailing newline."""
    shown = integral(frame)
    if fmt == "csv":
        return shown.to_csv(index=False).rstrip("\n")
    if fmt == "json":
        return shown.to_json(orient="records", date_format="iso", force_ascii=False)
    if fmt == "markdown":
        return markdown_table(shown.astype(object).where(shown.notna(), "")).rstrip("\n")
    if shown.empty:
        return "(no rows)"
    return shown.to_string(index=False, na_rep="NULL")
