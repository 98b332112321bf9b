"""Marts over a small warehouse whose answers are known by construction."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from ingest.group import group
from pipeline.models import ParseError
from tests.support import board_load, posting, warehouse
from warehouse.load import load_board, record_run

W1 = date(2026, 9, 1)  # 2026-W36
W2 = date(2026, 9, 8)  # 2026-W37


def _labelled(load, **by_id):
    """Overwrite label fields per posting id, standing in for the real classifier."""
    load.labels = [dataclasses.replace(row, **by_id.get(row.source_id, {})) for row in load.labels]
    return load


def _build(tmp_path):
    con = warehouse(tmp_path)
    mle = {"seniority": "senior", "metro": "sf_bay_area", "industry": "Tech/Software"}
    first = board_load(
        [
            posting("m1", "Machine Learning Engineer"),
            posting("m2", "ML Engineer", locations=("New York, NY",)),
            posting("m3", "Machine Learning Engineer", locations=("Boston, MA",)),
            posting("d1", "Data Scientist"),
        ],
        W1,
        errors=[ParseError("greenhouse", "acme", "a" * 64, "no title", "job 7")],
    )
    load_board(
        con,
        _labelled(
            first,
            m1={
                **mle,
                "work_arrangement": "remote",
                "salary_usd_min": 180_000.0,
                "salary_usd_max": 220_000.0,
                "degree": "masters",
                "skills": ["python", "pytorch"],
            },
            m2={
                **mle,
                "work_arrangement": "hybrid",
                "salary_usd_min": 150_000.0,
                "salary_usd_max": 170_000.0,
                "degree": "bachelors",
                "skills": ["python"],
            },
            m3={**mle, "work_arrangement": "unknown", "degree": None, "skills": []},
            d1={"industry": "Healthcare", "work_arrangement": "onsite"},
        ),
    )
    second = board_load(
        [posting("m1"), posting("m2", "ML Engineer", locations=("New York, NY",))],
        W2,
        run_id="run-2",
    )
    load_board(con, _labelled(second, m1={**mle, "work_arrangement": "remote"}))
    record_run(
        con,
        "run-2",
        "lever",
        "zeta",
        W2,
        "sample",
        "failed",
        datetime(2026, 9, 8, tzinfo=UTC),
        error="HttpError: 503 Service Unavailable",
    )
    group(con)
    return con


ANSWERS = [
    pytest.param(
        "SELECT week, new_jobs, open_jobs, closed_jobs, open_change FROM mart_role_demand "
        "WHERE role = 'ml_engineer' ORDER BY week",
        [("2026-W36", 3, 3, 0, None), ("2026-W37", 0, 3, 1, 0)],
        id="role-demand-new-open-closed-change",
    ),
    pytest.param(
        "SELECT week, open_jobs, closed_jobs FROM mart_role_demand WHERE role = 'data_scientist' "
        "ORDER BY week",
        [("2026-W36", 1, 0), ("2026-W37", 1, 1)],
        id="role-demand-second-role",
    ),
    pytest.param(
        "SELECT week, jobs, n, disclosure_rate, p25, median, p75 FROM mart_salary_bands "
        "WHERE role = 'ml_engineer' AND seniority = 'senior' ORDER BY week",
        [
            ("2026-W36", 3, 2, 0.6667, 170_000.0, 180_000.0, 190_000.0),
            ("2026-W37", 3, 2, 0.6667, 170_000.0, 180_000.0, 190_000.0),
        ],
        id="salary-bands-annualised-midpoints-disclosure-per-week",
    ),
    pytest.param(
        "SELECT metro, jobs, n, median FROM mart_salary_by_metro WHERE week = '2026-W36'",
        [("sf_bay_area", 4, 2, 180_000.0)],
        id="salary-by-metro",
    ),
    pytest.param(
        "SELECT remote, hybrid, onsite, unknown, known, remote_share, hybrid_share "
        "FROM mart_work_arrangement WHERE role = 'ml_engineer' AND week = '2026-W36'",
        [(1, 1, 0, 1, 2, 0.5, 0.5)],
        id="work-arrangement-shares-leave-unknown-out",
    ),
    pytest.param(
        "SELECT degree, jobs, known_jobs, share FROM mart_degree_shares "
        "WHERE week = '2026-W36' AND population = 'ml_engineer' ORDER BY degree",
        [("bachelors", 1, 2, 0.5), ("masters", 1, 2, 0.5), ("unknown", 1, 2, None)],
        id="degree-shares",
    ),
    pytest.param(
        "SELECT sum(jobs), max(known_jobs) FROM mart_degree_shares "
        "WHERE week = '2026-W36' AND population = 'ai'",
        [(4, 3)],
        id="degree-shares-ai-population",
    ),
    pytest.param(
        "SELECT skill, jobs, population_jobs, share FROM mart_skill_shares "
        "WHERE week = '2026-W36' AND population = 'ml_engineer' ORDER BY skill",
        [("python", 2, 3, 0.6667), ("pytorch", 1, 3, 0.3333)],
        id="skill-shares",
    ),
    pytest.param(
        "SELECT industry, open_jobs, share_of_open FROM mart_industry_mix WHERE week = '2026-W36' "
        "ORDER BY industry",
        [("Healthcare", 1, 0.25), ("Tech/Software", 3, 0.75)],
        id="industry-mix",
    ),
    pytest.param(
        "SELECT week, runs, succeeded, failed, parse_errors, postings, seniority_unknown_rate, "
        "work_arrangement_unknown_rate, salary_missing_rate FROM mart_source_quality "
        "WHERE source = 'greenhouse' ORDER BY week",
        [
            ("2026-W36", 1, 1, 0, 1, 4, 0.25, 0.25, 0.5),
            ("2026-W37", 1, 1, 0, 0, 4, 0.25, 0.25, 0.5),
        ],
        id="source-quality-parse-errors-and-unknowns-per-week",
    ),
    pytest.param(
        "SELECT week, failed, last_error, failure_reasons, postings FROM mart_source_quality "
        "WHERE source = 'lever'",
        [
            (
                "2026-W37",
                1,
                "HttpError: 503 Service Unavailable",
                ["HttpError: 503 Service Unavailable"],
                None,
            )
        ],
        id="source-quality-failed-run",
    ),
    pytest.param(
        "SELECT week, open_jobs, new_jobs, closed_jobs, ai_jobs, salary_disclosed "
        "FROM mart_week_summary ORDER BY week",
        [("2026-W36", 4, 4, 0, 4, 2), ("2026-W37", 4, 0, 2, 4, 2)],
        id="week-summary-counts-a-closure-once-in-its-week",
    ),
    pytest.param(
        "SELECT week, sum(closed_jobs) FROM mart_role_demand GROUP BY week ORDER BY week",
        [("2026-W36", 0), ("2026-W37", 2)],
        id="role-demand-closures-agree-with-week-summary",
    ),
    pytest.param(
        "SELECT column_name FROM (DESCRIBE mart_weekly_postings)",
        [
            ("week",),
            ("week_start",),
            ("source",),
            ("role",),
            ("is_ai",),
            ("open_postings",),
            ("new_postings",),
            ("closed_postings",),
        ],
        id="weekly-postings-keeps-the-columns-reports-read",
    ),
    pytest.param(
        "SELECT sum(open_postings), sum(new_postings), sum(closed_postings) "
        "FROM mart_weekly_postings WHERE week = '2026-W37' AND role = 'ml_engineer'",
        [(3, 0, 1)],
        id="weekly-postings-counts",
    ),
]
"""Each mart's answer over the built warehouse, known by construction."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """One built warehouse for every read-only question: building it is the slow part."""
    return _build(tmp_path_factory.mktemp("views"))


@pytest.mark.parametrize(("sql", "expected"), ANSWERS)
def test_mart_answers(built, sql, expected):
    assert built.execute(sql).fetchall() == expected


def test_salary_bands_count_only_the_jobs_open_that_week(tmp_path):
    con = _build(tmp_path)
    load_board(
        con,
        _labelled(
            board_load(
                [posting("m1"), posting("m2", "ML Engineer")], W2 + timedelta(days=7), run_id="r3"
            ),
            m1={"seniority": "senior", "salary_usd_min": 100_000.0, "salary_usd_max": 100_000.0},
            m2={"seniority": "senior", "salary_usd_min": 100_000.0, "salary_usd_max": 100_000.0},
        ),
    )
    group(con)
    weeks = con.execute(
        "SELECT week, jobs FROM mart_salary_bands WHERE role = 'ml_engineer' "
        "AND seniority = 'senior' ORDER BY week"
    ).fetchall()
    assert weeks == [("2026-W36", 3), ("2026-W37", 3), ("2026-W38", 2)]


def test_work_arrangement_counts_inferred_jobs_and_gives_a_stated_only_share(tmp_path):
    con = warehouse(tmp_path)
    cities = {"a": "New York, NY", "b": "Boston, MA", "c": "Seattle, WA", "d": "Austin, TX"}
    load = board_load([posting(i, locations=(city,)) for i, city in cities.items()], W1)
    inferred = {"work_arrangement": "onsite", "work_arrangement_basis": "inferred"}
    load_board(
        con,
        _labelled(
            load,
            a={"work_arrangement": "remote", "work_arrangement_basis": "structured"},
            b=inferred,
            c=inferred,
            d={"work_arrangement": "hybrid", "work_arrangement_basis": "stated"},
        ),
    )
    group(con)
    row = con.execute(
        "SELECT remote, hybrid, onsite, known, inferred, remote_share, known_stated, "
        "remote_stated, remote_share_stated FROM mart_work_arrangement WHERE role = 'ml_engineer'"
    ).fetchone()
    assert row == (1, 1, 2, 4, 2, 0.25, 2, 1, 0.5)


def test_role_demand_compares_with_zero_when_a_role_was_absent_last_week(tmp_path):
    con = _build(tmp_path)
    load_board(
        con,
        board_load(
            [posting("m1"), posting("p1", "Prompt Engineer")], W2 + timedelta(days=7), run_id="r3"
        ),
    )
    group(con)
    row = con.execute(
        "SELECT open_jobs, open_last_week, open_change, open_change_pct FROM mart_role_demand "
        "WHERE role = 'prompt_engineer' AND week = '2026-W38'"
    ).fetchone()
    assert row == (1, 0, 1, None)


def test_every_mart_states_its_definition(tmp_path):
    con = warehouse(tmp_path)
    undocumented = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal "
        "AND (starts_with(view_name, 'mart_') OR starts_with(view_name, 'int_')) "
        "AND comment IS NULL"
    ).fetchall()
    assert undocumented == []
