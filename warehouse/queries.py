"""Read-side questions the reports ask, answered from the mart views as DataFrames."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

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


def find_week(
    con: duckdb.DuckDBPyConnection, week: str | None, today: date | None = None
) -> Week | None:
    """The named ISO week; when `week` is None, the latest complete week with data (one that
    ended before `today`), or the latest week with data if none has ended yet."""
    known = weeks(con)
    if week is not None:
        return next((w for w in known if w.week == week), None)
    today = today or datetime.now(UTC).date()
    complete = [w for w in known if w.end < today]
    return (complete or known or [None])[-1]


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


def week_postings(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Every canonical job open at some point in the week, with its labels.

    A job cross-posted on several boards counts once, through the sighting that discloses
    pay (if any) and was seen first.
    """
    return con.execute(
        """
        SELECT canonical_job_id, source, company, title, role, is_ai, seniority,
               work_arrangement, salary_usd_min, salary_usd_max, metro,
               coalesce(degree, 'unknown') AS degree, skills,
               coalesce(industry, 'Other') AS industry, first_seen, closed_at
        FROM stg_postings
        WHERE first_seen <= ? AND (closed_at IS NULL OR closed_at >= ?)
        QUALIFY row_number() OVER (
            PARTITION BY canonical_job_id
            ORDER BY salary_usd_min IS NULL, first_seen, source, source_id
        ) = 1
        ORDER BY source, company, title, canonical_job_id
        """,
        [week.end, week.start],
    ).df()


def weekly_new(con: duckdb.DuckDBPyConnection, until: date) -> pd.DataFrame:
    """New postings per ISO week, role, seniority and AI flag, up to `until`."""
    return con.execute(
        """
        SELECT strftime(date_trunc('week', first_seen), '%G-W%V') AS week, role, seniority,
               is_ai, count(*)::BIGINT AS new_postings
        FROM stg_postings
        WHERE first_seen <= ?
        GROUP BY ALL
        ORDER BY week, role, seniority
        """,
        [until],
    ).df()


def role_trend(con: duckdb.DuckDBPyConnection, until: date, weeks: int = 8) -> pd.DataFrame:
    """Open postings per role for the last `weeks` weeks with data, oldest first."""
    return con.execute(
        """
        WITH recent AS (
            SELECT week FROM weeks WHERE week_start <= ? ORDER BY week_start DESC LIMIT ?
        )
        SELECT m.week, m.role, sum(m.open_postings)::BIGINT AS open
        FROM mart_weekly_postings AS m JOIN recent USING (week)
        GROUP BY ALL
        ORDER BY m.week, m.role
        """,
        [until, weeks],
    ).df()


def arrangement_trend(con: duckdb.DuckDBPyConnection, until: date, weeks: int = 8) -> pd.DataFrame:
    """AI postings open per week by work arrangement, for the remote-share trend."""
    return con.execute(
        """
        WITH recent AS (
            SELECT week, week_start, week_end FROM weeks WHERE week_start <= ?
            ORDER BY week_start DESC LIMIT ?
        )
        SELECT r.week, p.work_arrangement, count(*)::BIGINT AS postings
        FROM recent AS r
        JOIN stg_postings AS p
          ON p.is_ai AND p.first_seen <= r.week_end
         AND (p.closed_at IS NULL OR p.closed_at >= r.week_start)
        GROUP BY ALL
        ORDER BY r.week, p.work_arrangement
        """,
        [until, weeks],
    ).df()


def survey_salaries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The latest imported salary survey's two most recent years, mapped to roles; None
    when no survey has been imported (`jobtrends import-survey`)."""
    frame = con.execute(
        """
        SELECT role, seniority, salary_in_usd
        FROM stg_salary_survey
        WHERE work_year >= (SELECT max(work_year) - 1 FROM stg_salary_survey)
        """
    ).df()
    return None if frame.empty else frame


def postings_for_labelling(
    con: duckdb.DuckDBPyConnection, batch_rows: int = 20000
) -> Iterator[pd.DataFrame]:
    """Stored postings in batches, with the industry a board's config had set, for relabelling."""
    cursor = con.execute(
        """
        SELECT p.source, p.source_id, p.board, p.company, p.title, p.description, p.locations,
               p.workplace_type, p.salary_min, p.salary_max, p.salary_currency, p.salary_period,
               p.salary_source, p.salary_text, p.employment_type, p.last_seen,
               CASE WHEN json_extract_string(l.detail, '$.industry_source') = 'configured'
                    THEN l.industry END AS configured_industry
        FROM postings AS p LEFT JOIN posting_labels AS l USING (source, source_id)
        ORDER BY p.source, p.source_id
        """
    )
    while True:
        frame = cursor.fetch_df_chunk(max(1, batch_rows // 2048))
        if frame.empty:
            return
        yield frame
