"""Read-side questions asked of a whole replayed history (the index page and
`docs/real-market.md`), answered from the views and marts as DataFrames.

Every count is of canonical jobs (one job however many boards or reposts showed it), as in
the weekly reports; a job is open in a period from its first sighting to the night it was
found gone (`closed_at`), or to the end when it never was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

STALE_DAYS = 30
"""A board not freshly fetched for this many days before the last night is one we have
stopped seeing: its jobs are frozen open, not known to be open."""


@dataclass(frozen=True, slots=True)
class Coverage:
    first_night: date | None
    last_night: date | None
    nights: int
    boards: int
    fetches: int
    failed: int
    companies: int
    jobs: int
    postings: int


def coverage(con: duckdb.DuckDBPyConnection) -> Coverage:
    """What the warehouse holds: nights, boards, fetches (failed ones too) and jobs."""
    runs = con.execute(
        """
        SELECT min(as_of) FILTER (WHERE status = 'success'),
               max(as_of) FILTER (WHERE status = 'success'),
               count(DISTINCT as_of) FILTER (WHERE status = 'success'),
               count(DISTINCT (source, board)),
               count(*) FILTER (WHERE status = 'success'),
               count(*) FILTER (WHERE status = 'failed')
        FROM runs
        """
    ).fetchone()
    jobs = con.execute(
        "SELECT count(DISTINCT company), count(DISTINCT canonical_job_id), count(*) "
        "FROM stg_postings"
    ).fetchone()
    assert runs is not None and jobs is not None
    return Coverage(*runs, *jobs)


def weekly_trends(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per ISO week: open and new jobs, the AI share of open jobs, the arrangement shares of
    open AI jobs with a known arrangement, and new AI jobs at entry and senior level."""
    return con.execute(
        """
        WITH open_jobs AS (
            SELECT w.week, w.week_start, w.week_end, c.*
            FROM weeks AS w
            JOIN canonical_jobs AS c
              ON c.first_seen <= w.week_end
             AND (c.closed_at IS NULL OR c.closed_at >= w.week_start)
        )
        SELECT week, week_start,
               count(*)::BIGINT AS open_jobs,
               count(*) FILTER (WHERE first_seen >= week_start)::BIGINT AS new_jobs,
               count(*) FILTER (WHERE is_ai)::BIGINT AS ai_open,
               count(*) FILTER (WHERE is_ai) / count(*) AS ai_share,
               count(*) FILTER (WHERE is_ai AND work_arrangement = 'remote')
                 / nullif(count(*) FILTER (WHERE is_ai AND work_arrangement <> 'unknown'), 0)
                 AS remote_share,
               count(*) FILTER (WHERE is_ai AND work_arrangement = 'hybrid')
                 / nullif(count(*) FILTER (WHERE is_ai AND work_arrangement <> 'unknown'), 0)
                 AS hybrid_share,
               count(*) FILTER (WHERE is_ai AND work_arrangement = 'onsite')
                 / nullif(count(*) FILTER (WHERE is_ai AND work_arrangement <> 'unknown'), 0)
                 AS onsite_share,
               count(*) FILTER (WHERE is_ai AND first_seen >= week_start
                                AND seniority = 'entry')::BIGINT AS ai_new_entry,
               count(*) FILTER (WHERE is_ai AND first_seen >= week_start
                                AND seniority = 'senior')::BIGINT AS ai_new_senior
        FROM open_jobs
        GROUP BY week, week_start
        ORDER BY week_start
        """
    ).df()


def weekly_ai_roles(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Open AI jobs per ISO week and role (long form: week, role, open_jobs)."""
    return con.execute(
        """
        SELECT w.week, w.week_start, c.role, count(*)::BIGINT AS open_jobs
        FROM weeks AS w
        JOIN canonical_jobs AS c
          ON c.is_ai AND c.first_seen <= w.week_end
         AND (c.closed_at IS NULL OR c.closed_at >= w.week_start)
        GROUP BY ALL
        ORDER BY w.week_start, c.role
        """
    ).df()


def monthly_ai_share(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per calendar month with data: jobs open in it and how many of them are AI roles."""
    return con.execute(
        """
        WITH months AS (
            SELECT DISTINCT CAST(date_trunc('month', as_of) AS DATE) AS month_start
            FROM runs WHERE status = 'success'
        )
        SELECT strftime(m.month_start, '%Y-%m') AS month,
               count(*)::BIGINT AS open_jobs,
               count(*) FILTER (WHERE c.is_ai)::BIGINT AS ai_jobs,
               count(*) FILTER (WHERE c.is_ai AND c.work_arrangement = 'remote')::BIGINT
                 AS ai_remote,
               count(*) FILTER (WHERE c.is_ai AND c.work_arrangement <> 'unknown')::BIGINT
                 AS ai_known_arrangement
        FROM months AS m
        JOIN canonical_jobs AS c
          ON c.first_seen < m.month_start + INTERVAL 1 MONTH
         AND (c.closed_at IS NULL OR c.closed_at >= m.month_start)
        GROUP BY m.month_start
        ORDER BY m.month_start
        """
    ).df()


def all_jobs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every canonical job of the history with its labels, in the columns the guide check
    reads (the weekly report's `week_postings`, over the whole history)."""
    return con.execute(
        """
        SELECT canonical_job_id, source, company, title, role, is_ai, seniority,
               work_arrangement, work_arrangement_basis, salary_usd_min, salary_usd_max, metro,
               coalesce(degree, 'unknown') AS degree, skills,
               coalesce(industry, 'Other') AS industry, first_seen, closed_at
        FROM canonical_jobs
        ORDER BY canonical_job_id
        """
    ).df()


def top_ai_companies(con: duckdb.DuckDBPyConnection, limit: int = 15) -> pd.DataFrame:
    """Companies by AI jobs over the history, with their share of the company's jobs."""
    return con.execute(
        """
        SELECT company, count(*) FILTER (WHERE is_ai)::BIGINT AS ai_jobs,
               count(*)::BIGINT AS jobs,
               count(*) FILTER (WHERE is_ai) / count(*) AS ai_share,
               arg_max(role, n) FILTER (WHERE is_ai) AS top_ai_role
        FROM (
            SELECT company, is_ai, role,
                   count(*) OVER (PARTITION BY company, role) AS n
            FROM canonical_jobs
        )
        GROUP BY company
        HAVING count(*) FILTER (WHERE is_ai) > 0
        ORDER BY ai_jobs DESC, company
        LIMIT ?
        """,
        [limit],
    ).df()


def time_open(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The time-open mart, every role over all seniorities and each seniority within it."""
    return con.execute("SELECT * FROM mart_time_open").df()


def posting_intensity(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Sightings, unique jobs, duplicate sightings, intensity and reposts per source and week."""
    return con.execute(
        "SELECT week, source, sightings, unique_jobs, duplicate_sightings, intensity, reposts "
        "FROM mart_posting_intensity ORDER BY week, source"
    ).df()


def ai_roles(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Roles the classifier has labelled AI anywhere in the warehouse."""
    rows = con.execute("SELECT DISTINCT role FROM stg_postings WHERE is_ai ORDER BY 1").fetchall()
    return [role for (role,) in rows]


def stale_boards(con: duckdb.DuckDBPyConnection, days: int = STALE_DAYS) -> pd.DataFrame:
    """Boards whose last successful fetch is `days` or more before the warehouse's last
    night, with the jobs they still hold open (frozen: never seen to close)."""
    return con.execute(
        """
        WITH last_fetch AS (
            SELECT source, board, max(as_of) AS last_fetched
            FROM runs WHERE status = 'success' GROUP BY ALL
        ),
        horizon AS (SELECT max(as_of) AS last_night FROM runs WHERE status = 'success')
        SELECT f.source, f.board, strftime(f.last_fetched, '%Y-%m-%d') AS last_fetched,
               datediff('day', f.last_fetched, h.last_night) AS days_unseen,
               (SELECT count(*) FROM postings AS p
                WHERE p.source = f.source AND p.board = f.board AND p.closed_at IS NULL)::BIGINT
                 AS frozen_open
        FROM last_fetch AS f, horizon AS h
        WHERE datediff('day', f.last_fetched, h.last_night) >= ?
        ORDER BY days_unseen DESC, f.source, f.board
        """,
        [days],
    ).df()


def refused_fetches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Failed board-nights grouped by reason, with their nights and boards."""
    return con.execute(
        """
        SELECT regexp_replace(error, 'job [^ ]+ ', 'a job ') AS reason,
               count(*)::BIGINT AS board_nights,
               count(DISTINCT board)::BIGINT AS boards,
               strftime(min(as_of), '%Y-%m-%d') AS first, strftime(max(as_of), '%Y-%m-%d') AS last
        FROM runs WHERE status = 'failed'
        GROUP BY ALL
        ORDER BY board_nights DESC
        """
    ).df()


def suspect_fetches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Boards with fetches the load judged suspect (far fewer jobs than it had open), which
    therefore closed nothing: how many, over which nights, and the latest warning."""
    return con.execute(
        """
        SELECT source, board, count(*)::BIGINT AS suspect_fetches,
               strftime(min(as_of), '%Y-%m-%d') AS first, strftime(max(as_of), '%Y-%m-%d') AS last,
               arg_max(warning, as_of) AS latest_warning
        FROM runs
        WHERE status = 'success' AND starts_with(coalesce(warning, ''), 'suspect fetch')
        GROUP BY ALL
        ORDER BY suspect_fetches DESC, source, board
        """
    ).df()
