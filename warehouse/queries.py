"""The report's questions, one function per table, each a select on one mart.

Every figure has its definition in the SQL under `warehouse/sql/` (see the views' comments);
these functions only pick the week, the columns and the order the report prints, so the report,
its CSVs and a user's own `select` on the same mart give the same numbers.
"""

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


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> pd.DataFrame:
    return con.execute(sql, params).df()


def headline(con: duckdb.DuckDBPyConnection, week: Week) -> dict[str, object]:
    """The week's headline figures: one row of `mart_week_summary`."""
    cursor = con.execute(
        """
        SELECT open_jobs, new_jobs, closed_jobs, nights, ai_jobs, ai_share, salary_disclosed,
               disclosure_rate
        FROM mart_week_summary WHERE week = ?
        """,
        [week.week],
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else dict.fromkeys(names)


def role_demand(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Open, new and closed jobs per role in the week, against the previous week with data."""
    return _frame(
        con,
        """
        SELECT role, open_jobs AS open, new_jobs AS new, closed_jobs AS closed,
               open_last_week, open_change_pct AS wow_change
        FROM mart_role_demand WHERE week = ?
        ORDER BY open_jobs DESC, new_jobs DESC, role
        """,
        [week.week],
    )


# The trend charts' window: the last N weeks with data up to the report's week (parameters:
# the week's start, N), as a CTE named `recent`.
RECENT_WEEKS = (
    "WITH recent AS (SELECT week FROM weeks WHERE week_start <= ? ORDER BY week_start DESC LIMIT ?)"
)


def role_trend(con: duckdb.DuckDBPyConnection, week: Week, weeks: int = 8) -> pd.DataFrame:
    """Open jobs per role for the last `weeks` weeks with data, oldest first."""
    return _frame(
        con,
        RECENT_WEEKS
        + """
        SELECT m.week, m.role, m.open_jobs AS open
        FROM mart_role_demand AS m JOIN recent USING (week)
        ORDER BY m.week, m.role
        """,
        [week.start, weeks],
    )


def salary_bands(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Salary quartiles per role and seniority over the week's jobs that state pay."""
    return _frame(
        con,
        """
        SELECT role, seniority, n, p25, median, p75, disclosure_rate AS disclosure
        FROM mart_salary_bands WHERE week = ? AND n > 0
        ORDER BY role, seniority
        """,
        [week.week],
    )


def salary_by_metro(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Salary quartiles per metro over the week's AI-role jobs with a metro."""
    return _frame(
        con,
        """
        SELECT metro, n, p25, median, p75, disclosure_rate AS disclosure
        FROM mart_salary_by_metro WHERE week = ?
        ORDER BY n DESC, metro
        """,
        [week.week],
    )


def arrangement_overall(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Open jobs by work arrangement, for AI roles and for all postings, with how many of the
    known arrangements were inferred."""
    return _frame(
        con,
        """
        SELECT population, remote, hybrid, onsite, unknown, inferred FROM (
            SELECT 1 AS position, 'AI roles' AS population,
                   coalesce(sum(remote) FILTER (WHERE is_ai), 0)::BIGINT AS remote,
                   coalesce(sum(hybrid) FILTER (WHERE is_ai), 0)::BIGINT AS hybrid,
                   coalesce(sum(onsite) FILTER (WHERE is_ai), 0)::BIGINT AS onsite,
                   coalesce(sum(unknown) FILTER (WHERE is_ai), 0)::BIGINT AS unknown,
                   coalesce(sum(inferred) FILTER (WHERE is_ai), 0)::BIGINT AS inferred
            FROM mart_work_arrangement WHERE week = ?
            UNION ALL
            SELECT 2, 'all postings', coalesce(sum(remote), 0)::BIGINT,
                   coalesce(sum(hybrid), 0)::BIGINT, coalesce(sum(onsite), 0)::BIGINT,
                   coalesce(sum(unknown), 0)::BIGINT, coalesce(sum(inferred), 0)::BIGINT
            FROM mart_work_arrangement WHERE week = ?
        )
        ORDER BY position
        """,
        [week.week, week.week],
    )


def arrangement_by_role(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Open jobs by work arrangement per role, with the remote share of every known
    arrangement (inferred ones included) and how many were inferred."""
    return _frame(
        con,
        """
        SELECT role, remote, hybrid, onsite, unknown, inferred, remote_share
        FROM mart_work_arrangement WHERE week = ?
        ORDER BY remote DESC, role
        """,
        [week.week],
    )


def arrangement_trend(con: duckdb.DuckDBPyConnection, week: Week, weeks: int = 8) -> pd.DataFrame:
    """AI-role jobs open per week by work arrangement, for the last `weeks` weeks with data."""
    return _frame(
        con,
        RECENT_WEEKS
        + """
        SELECT m.week, sum(m.hybrid)::BIGINT AS hybrid, sum(m.onsite)::BIGINT AS onsite,
               sum(m.remote)::BIGINT AS remote, sum(m.unknown)::BIGINT AS unknown
        FROM mart_work_arrangement AS m JOIN recent USING (week)
        WHERE m.is_ai
        GROUP BY m.week
        ORDER BY m.week
        """,
        [week.start, weeks],
    )


def degrees(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Required degrees among the week's AI-role jobs; shares over known degrees."""
    return _frame(
        con,
        """
        SELECT degree, jobs AS postings, share
        FROM mart_degree_shares WHERE week = ? AND population = 'ai'
        ORDER BY degree = 'unknown', jobs DESC, degree
        """,
        [week.week],
    )


def skills(con: duckdb.DuckDBPyConnection, week: Week, top: int = 15) -> pd.DataFrame:
    """The most-mentioned skills among the week's AI-role jobs."""
    return _frame(
        con,
        """
        SELECT skill, jobs AS postings, share
        FROM mart_skill_shares WHERE week = ? AND population = 'ai'
        ORDER BY jobs DESC, skill
        LIMIT ?
        """,
        [week.week, top],
    )


def industries(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """The week's open AI-role jobs per industry."""
    return _frame(
        con,
        """
        SELECT industry, open_jobs AS postings, share_of_open AS share
        FROM mart_industry_mix WHERE week = ?
        ORDER BY open_jobs DESC, industry
        """,
        [week.week],
    )


def companies(con: duckdb.DuckDBPyConnection, week: Week, top: int = 15) -> pd.DataFrame:
    """The companies with the most open jobs in the week."""
    return _frame(
        con,
        """
        SELECT company, open_jobs AS open, ai_jobs AS ai_roles
        FROM mart_company_demand WHERE week = ?
        ORDER BY open_jobs DESC, ai_jobs DESC, company
        LIMIT ?
        """,
        [week.week, top],
    )


def source_health(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Per source: boards fetched, failures and their latest reason, parse errors, this week."""
    return _frame(
        con,
        """
        SELECT source, succeeded AS ok, failed, parse_errors, last_error
        FROM mart_source_quality WHERE week = ? AND runs > 0
        ORDER BY source
        """,
        [week.week],
    )


def board_status_changes(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """The boards whose status changed this week (found gone, emptied, failing, back), in
    the order the changes happened."""
    return _frame(
        con,
        """
        SELECT night, source, token, company, old_status, new_status, reason, via
        FROM mart_board_status_changes WHERE week = ?
        ORDER BY night, source, token, new_status
        """,
        [week.week],
    )


def unknown_rates(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """How often a label could not be decided among the week's open jobs."""
    return _frame(
        con,
        """
        SELECT label, share FROM (
            SELECT unnest([
                {'label': 'role is other', 'share': role_other_rate},
                {'label': 'seniority unknown', 'share': seniority_unknown_rate},
                {'label': 'work arrangement unknown', 'share': work_arrangement_unknown_rate},
                {'label': 'no usable salary', 'share': salary_missing_rate}
            ], recursive := true)
            FROM mart_week_summary WHERE week = ?
        )
        """,
        [week.week],
    )


def week_jobs(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """Every canonical job open in the week with its labels: the rows the marts count, for the
    guide check's tests that need each job (bootstrap intervals of medians)."""
    return _frame(
        con,
        """
        SELECT canonical_job_id, source, company, title, role, is_ai, seniority,
               work_arrangement, work_arrangement_basis, salary_usd_min, salary_usd_max, metro,
               degree, skills, industry, first_seen, closed_at
        FROM int_week_jobs WHERE week = ?
        ORDER BY source, company, title, canonical_job_id
        """,
        [week.week],
    )


def weekly_new(con: duckdb.DuckDBPyConnection, week: Week) -> pd.DataFrame:
    """New canonical jobs per ISO week, role, seniority and AI flag, up to the report's week."""
    return _frame(
        con,
        """
        SELECT week, role, seniority, is_ai, sum(new_jobs)::BIGINT AS new_postings
        FROM int_weekly_jobs
        WHERE week_start <= ?
        GROUP BY ALL
        HAVING sum(new_jobs) > 0
        ORDER BY week, role, seniority
        """,
        [week.start],
    )


def week_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every week's label-driven headline figures as (week, figure, value) rows: AI jobs and
    share, the remote share of AI jobs, and open jobs per role; what a rules change can move."""
    return _frame(
        con,
        """
        SELECT week, figure, value FROM (
            SELECT week, 'AI jobs' AS figure, ai_jobs::DOUBLE AS value FROM mart_week_summary
            UNION ALL
            SELECT week, 'AI-role share', ai_share FROM mart_week_summary
            UNION ALL
            SELECT week, 'remote share of AI jobs',
                   sum(remote)::DOUBLE / nullif(sum(remote + hybrid + onsite), 0)
            FROM mart_work_arrangement WHERE is_ai GROUP BY week
            UNION ALL
            SELECT week, 'open ' || role, open_jobs::DOUBLE FROM mart_role_demand
        )
        ORDER BY week, figure
        """,
        [],
    )


def provenance(con: duckdb.DuckDBPyConnection, week: Week) -> dict[str, object]:
    """What the week's figures were made by: the classifier versions of the stored labels, the
    schema version, and the nights the week covers (its own and the first ever loaded)."""
    cursor = con.execute(
        """
        SELECT
            (SELECT coalesce(string_agg(DISTINCT classifier_version, ' + '
                                        ORDER BY classifier_version), 'none')
             FROM posting_labels) AS classifier_versions,
            (SELECT max(version) FROM schema_migrations) AS schema_version,
            min(as_of) FILTER (WHERE as_of >= ?) AS first_night,
            max(as_of) FILTER (WHERE as_of >= ?) AS last_night,
            count(DISTINCT as_of) FILTER (WHERE as_of >= ?) AS nights,
            min(as_of) AS history_from
        FROM runs
        WHERE status = 'success' AND as_of <= ?
        """,
        [week.start, week.start, week.start, week.end],
    )
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


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
