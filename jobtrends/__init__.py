"""jobtrends from Python, for notebooks: the warehouse's postings as a DataFrame, the weekly
report as a model, a saved board response parsed and labelled, and SQL.

    import jobtrends

    ml = jobtrends.postings(week="2026-W46", role="ml_engineer")
    report = jobtrends.report("2026-W46")
    rows = jobtrends.parse("greenhouse", open("anthropic.json", "rb").read())

The names resolve on first use (`jobtrends.api` imports pandas and the whole engine), so
`jobtrends --version` and `--help` stay quick.
"""

from __future__ import annotations

from typing import Any

API = ("postings", "report", "parse", "sql", "tables", "schema")
__all__ = list(API)


def __getattr__(name: str) -> Any:
    if name in API:
        from jobtrends import api

        return getattr(api, name)
    raise AttributeError(f"module 'jobtrends' has no attribute {name!r}")
