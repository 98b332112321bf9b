"""Read-side questions the reports ask, answered from the mart views as DataFrames."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd


@dataclass(frozen=True, slots=True)
class Week:
    week: str
    start: date
    end: date
    has_sample_data: bool
    nights: int


def weeks(con: duckdb.DuckDBPyConnection) -> list[Week]:
    rows = con.execute(
        "SELECT week, week_start, week_end, has_sample_data, nights FROM weeks ORDER BY week_start"
    ).fetchall()
    return [Week(*row) for row in rows]


def find_week(con: duckdb.DuckDBPyConnection, week: str | None) -> Week | None:
    """The named ISO week, or the latest one with data when `week` is None."""
    known = weeks(con)
    if week is None:
        return known[-1] if known else None
    return next((w for w in known if w.week == week), None)


def postings_by(con: duckdb.DuckDBPyConnection, week: str, dimension: str) -> pd.DataFrame:
    """Open/new/closed postings in `week` grouped by `role` or `source`."""
    if dimension not in ("role", "source"):
        raise ValueError(f"cannot group by {dimension!r}")
    return con.execute(
        f"""
        SELECT {dimension}, sum(open_postings)::BIGINT AS open,
               sum(new_postings)::BIGINT AS new, sum(closed_postings)::BIGINT AS closed
        FROM mart_weekly_postings
        WHERE week = ?
        GROUP BY {dimension}
        ORDER BY open DESC, {dimension}
        """,
        [week],
    ).df()


def run_health(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Per source: boards fetched, failures and their latest reason, within the dates."""
    return con.execute(
        """
        SELECT source,
               count(*) FILTER (WHERE status = 'success')::BIGINT AS ok,
               count(*) FILTER (WHERE status = 'failed')::BIGINT AS failed,
               sum(parse_errors)::BIGINT AS parse_errors,
               arg_max(error, finished_at) FILTER (WHERE status = 'failed') AS last_error
        FROM runs
        WHERE as_of BETWEEN ? AND ?
        GROUP BY source
        ORDER BY source
        """,
        [start, end],
    ).df()
