"""Every number the weekly report shows is what a user's own `select` on a mart returns.

The selects below are written as a user would write them from the README's mart table, not
through `warehouse.queries`, so a report section that recomputed a figure its own way, or a
query that drifted from its mart, fails here. They run on the bundled sample replayed through
the real nightly flow (its last four nights) and on the report's fixed warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reports.guide_check import usd
from reports.weekly import Report, Table, build_report
from tests.reports.test_report_weekly import fixed_warehouse
from warehouse.db import open_warehouse

STAMP = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(params=["sample", "fixed"])
def con(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if request.param == "sample":
        connection = open_warehouse(request.getfixturevalue("sample_warehouse"), read_only=True)
    else:
        connection = fixed_warehouse(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _week(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT max(week) FROM weeks").fetchone()[0]


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as plain tuples, NULL/NaN as None, in a stable order, for set-like comparison."""

    def plain(value: object) -> object:
        if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
            return None
        return value.item() if hasattr(value, "item") else value

    return sorted((tuple(plain(v) for v in row) for row in frame.itertuples(index=False)), key=repr)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, week: str) -> pd.DataFrame:
    return con.execute(sql, [week]).df()


def _one(con: duckdb.DuckDBPyConnection, sql: str, week: str) -> tuple:
    return con.execute(sql, [week]).fetchone()


def _select(con: duckdb.DuckDBPyConnection, sql: str, week: str) -> list[tuple]:
    return _rows(_frame(con, sql, week))


def _table(report: Report, name: str) -> Table:
    return next(t for s in report.sections for t in s.tables if t.name == name)


def _report(con: duckdb.DuckDBPyConnection) -> tuple[Report, str]:
    week = _week(con)
    return build_report(con, week, STAMP), week


def test_headline_is_the_week_summary_mart(con: duckdb.DuckDBPyConnection) -> None:
    report, week = _report(con)
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", report.headline[0])]
    summary = _one(
        con,
        "SELECT open_jobs, new_jobs, closed_jobs, nights, ai_share, disclosure_rate "
        "FROM mart_week_summary WHERE week = ?",
        week,
    )
    assert numbers == list(summary[:4])
    shares = f"AI-role share: {summary[4]:.0%} · salary disclosed: {summary[5]:.0%}"
    assert report.headline[1] == shares
    (closed,) = _one(con, "SELECT sum(closed_jobs) FROM mart_role_demand WHERE week = ?", week)
    assert summary[2] == closed


MART_TABLES = {
    "role_demand": "SELECT role, open_jobs, new_jobs, closed_jobs, open_last_week, "
    "open_change_pct FROM mart_role_demand WHERE week = ?",
    "salary_bands": "SELECT role, seniority, n, p25, median, p75, disclosure_rate "
    "FROM mart_salary_bands WHERE week = ? AND n > 0",
    "salary_by_metro": "SELECT metro, n, p25, median, p75, disclosure_rate "
    "FROM mart_salary_by_metro WHERE week = ?",
    "arrangement_by_role": "SELECT role, remote, hybrid, onsite, unknown, inferred, remote_share "
    "FROM mart_work_arrangement WHERE week = ?",
    "arrangement_trend": "SELECT week, sum(hybrid), sum(onsite), sum(remote), sum(unknown) "
    "FROM mart_work_arrangement WHERE is_ai AND week IN "
    "(SELECT week FROM weeks WHERE week <= ? ORDER BY week DESC LIMIT 8) GROUP BY week",
    "degrees": "SELECT degree, jobs, share FROM mart_degree_shares "
    "WHERE week = ? AND population = 'ai'",
    "industries": "SELECT industry, open_jobs, share_of_open FROM mart_industry_mix WHERE week = ?",
    "sources": "SELECT source, succeeded, failed, parse_errors, last_error "
    "FROM mart_source_quality WHERE week = ? AND runs > 0",
}
"""Report tables shown whole, each with the select on its mart that must give the same rows."""


def test_whole_tables_are_their_marts(con: duckdb.DuckDBPyConnection) -> None:
    report, week = _report(con)
    for name, sql in MART_TABLES.items():
        assert _rows(_table(report, name).frame) == _select(con, sql, week), name
    assert _table(report, "role_demand").frame["open"].is_monotonic_decreasing


def test_arrangement_tables_are_mart_work_arrangement(con: duckdb.DuckDBPyConnection) -> None:
    report, week = _report(con)
    totals = "sum(remote), sum(hybrid), sum(onsite), sum(unknown), sum(inferred)"
    ai = con.execute(
        f"SELECT {totals} FROM mart_work_arrangement WHERE week = ? AND is_ai", [week]
    ).fetchone()
    every = con.execute(f"SELECT {totals} FROM mart_work_arrangement WHERE week = ?", [week])
    overall = _table(report, "arrangement_overall").frame.set_index("population")
    assert tuple(overall.loc["AI roles"]) == tuple(v or 0 for v in ai)
    assert tuple(overall.loc["all postings"]) == every.fetchone()


def _top(shown: pd.DataFrame, mart: pd.DataFrame, key: str, value: str) -> None:
    """A top-N table: every shown row is the mart's row, and nothing left out ranks higher."""
    merged = shown.merge(mart, on=key, suffixes=("", "_mart"), validate="one_to_one")
    assert len(merged) == len(shown)
    for column in [c for c in shown.columns if c != key]:
        assert merged[column].tolist() == merged[f"{column}_mart"].tolist(), column
    left_out = mart[~mart[key].isin(shown[key])]
    assert left_out.empty or left_out[value].max() <= shown[value].min()


TOP_TABLES = {
    "skills": (
        "SELECT skill, jobs AS postings, share FROM mart_skill_shares "
        "WHERE week = ? AND population = 'ai'",
        "skill",
        "postings",
    ),
    "companies": (
        "SELECT company, open_jobs AS open, ai_jobs AS ai_roles FROM mart_company_demand "
        "WHERE week = ?",
        "company",
        "open",
    ),
}
"""Top-N report tables: the mart's select, the row key and the value the table ranks by."""


def test_top_tables_are_their_marts(con: duckdb.DuckDBPyConnection) -> None:
    report, week = _report(con)
    for name, (sql, key, value) in TOP_TABLES.items():
        _top(_table(report, name).frame, _frame(con, sql, week), key, value)


def test_unknown_rates_are_the_week_summary_mart(con: duckdb.DuckDBPyConnection) -> None:
    report, week = _report(con)
    rates = _one(
        con,
        "SELECT role_other_rate, seniority_unknown_rate, work_arrangement_unknown_rate, "
        "salary_missing_rate FROM mart_week_summary WHERE week = ?",
        week,
    )
    assert _table(report, "unknown_rates").frame["share"].tolist() == list(rates)


def test_guide_check_counts_the_jobs_the_marts_count(con: duckdb.DuckDBPyConnection) -> None:
    report, week = _report(con)
    claims = _table(report, "guide_check").frame.set_index("claim")

    def one(sql: str) -> tuple:
        return _one(con, sql, week)

    ai_jobs = one("SELECT ai_jobs FROM mart_week_summary WHERE week = ?")[0]
    remote, known, remote_stated, known_stated = one(
        "SELECT sum(remote), sum(known), sum(remote_stated), sum(known_stated) "
        "FROM mart_work_arrangement WHERE week = ? AND is_ai"
    )
    assert claims.at["G4", "n"] == known
    assert claims.at["G4 · stated or structured", "n"] == known_stated
    raw = claims["raw_estimate"].fillna(claims["estimate"])
    if known:
        assert raw["G4"] == pytest.approx(remote / known)
    if known_stated:
        assert raw["G4 · stated or structured"] == pytest.approx(remote_stated / known_stated)
    assert claims.at["G5", "n"] == ai_jobs == claims.at["G8", "n"]
    industries = one(
        "SELECT sum(open_jobs) FROM mart_industry_mix WHERE week = ? AND industry <> 'unknown'"
    )
    assert claims.at["G6", "n"] == industries[0]
    degrees = one(
        "SELECT max(known_jobs) FROM mart_degree_shares WHERE week = ? AND population = 'ai'"
    )
    assert claims.at["G7", "n"] == degrees[0]
    ml = one(
        "SELECT coalesce(max(population_jobs), 0) FROM mart_skill_shares "
        "WHERE week = ? AND population = 'ml_engineer'"
    )
    assert claims.at["G7b", "n"] == ml[0]
    bands = con.execute(
        "SELECT role, seniority, n, median FROM mart_salary_bands WHERE week = ?", [week]
    ).df()
    for claim_id, row in claims.iterrows():
        parts = claim_id.split(" · ")
        if claim_id.startswith("G1 "):
            role, seniority = parts[0].removeprefix("G1 "), parts[1]
            cell = bands[(bands["role"] == role) & (bands["seniority"] == seniority)]
            n = int(cell["n"].sum())
            assert row["n"] == n, claim_id
            if n:
                assert usd(float(cell["median"].iloc[0])) == usd(row["estimate"]), claim_id
        elif claim_id.startswith("G2 "):
            role = claim_id.removeprefix("G2 ")
            assert row["n"] == int(bands.loc[bands["role"] == role, "n"].sum()), claim_id


def test_dedup_accuracy_on_the_sample_is_the_generators_pairs(
    sample_warehouse: Path,
) -> None:
    """The report's precision and recall, recomputed here from canonical_jobs' members."""
    from itertools import combinations

    from sample.recorded import truth_groups

    con = open_warehouse(sample_warehouse, read_only=True)
    try:
        report, _ = _report(con)
        keys = con.execute("SELECT posting_keys FROM canonical_jobs").fetchall()
    finally:
        con.close()
    held = {key for (members,) in keys for key in members}
    found = {pair for (members,) in keys for pair in combinations(sorted(members), 2)}
    truth = {
        pair
        for group in truth_groups()
        for pair in combinations(sorted(k for k in group if k in held), 2)
    }
    shown = _table(report, "dedup_accuracy").frame.set_index("measure")
    assert shown.at["precision", "value"] == len(truth & found) / len(found)
    assert shown.at["recall", "value"] == len(truth & found) / len(truth)
    assert shown.at["recall", "pairs"] == len(truth) > 0
