"""The aijobs.net salary survey import: bulk, idempotent, mapped onto our roles and bands."""

from __future__ import annotations

import pytest
import responses
from click.testing import CliRunner

from jobtrends.cli import main
from tests.support import TESTS, table_contents, warehouse
from warehouse.survey import SurveyDownloadError, download, import_survey, shared_data_dir

FIXTURE = TESTS / "fixtures" / "aijobs_salaries_small.csv"
REAL = shared_data_dir() / "aijobs_salaries_2025-01-19.csv"


def test_fixture_import_maps_titles_and_levels(tmp_path):
    con = warehouse(tmp_path)
    result = import_survey(con, FIXTURE)
    assert result.rows == 8
    rows = con.execute(
        "SELECT job_title, role, seniority FROM salary_survey ORDER BY salary_in_usd DESC"
    ).fetchall()
    assert rows[:3] == [
        ("Head of Data", "data_analyst", "executive"),
        ("Machine Learning Engineer", "ml_engineer", "senior"),
        ("Research Scientist", "research_scientist", "mid"),
    ]
    assert ("Engineer", "other", "mid") in rows
    assert ("Prompt Engineer", "prompt_engineer", "mid") in rows


def test_reimporting_the_same_file_replaces_its_snapshot(tmp_path):
    con = warehouse(tmp_path)
    first = import_survey(con, FIXTURE)
    before = table_contents(con, "salary_survey")
    second = import_survey(con, FIXTURE)
    assert second.snapshot == first.snapshot
    assert table_contents(con, "salary_survey") == before
    assert con.execute("SELECT count(*) FROM salary_survey_imports").fetchone()[0] == 1


def test_salary_compare_sets_postings_beside_the_survey(tmp_path):
    con = warehouse(tmp_path)
    import_survey(con, FIXTURE)
    row = con.execute(
        "SELECT postings_n, survey_n, survey_median, survey_from_year FROM mart_salary_compare "
        "WHERE role = 'ml_engineer' AND seniority = 'senior'"
    ).fetchone()
    assert row == (0, 2, 190000.0, 2025)


@responses.activate
def test_download_refuses_a_failed_request(tmp_path):
    url = "https://aijobs.net/salaries/download/salaries.csv"
    responses.add(responses.GET, url, status=404)
    with pytest.raises(SurveyDownloadError, match="HTTP 404"):
        download(url, tmp_path / "s.csv")
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is not beside this checkout")
def test_real_survey_coverage_and_published_medians(tmp_path):
    con = warehouse(tmp_path)
    result = import_survey(con, REAL)
    print(
        f"survey coverage: {result.ai_data_mapped}/{result.ai_data_rows} AI/data-titled rows "
        f"mapped to a role ({result.coverage:.1%}); {result.rows} rows in all"
    )
    assert result.rows == 74_301
    assert result.coverage >= 0.9
    medians = dict(
        con.execute(
            "SELECT experience_level, median(salary_in_usd) FROM salary_survey "
            "WHERE job_title = 'Machine Learning Engineer' AND work_year >= 2024 GROUP BY 1"
        ).fetchall()
    )
    assert medians == {"EN": 139_650, "MI": 168_000, "SE": 200_000, "EX": 220_000}


@responses.activate
def test_download_stops_at_the_size_cap(tmp_path):
    url = "https://example.test/s.csv"
    responses.add(responses.GET, url, body=b"x" * 200_000, content_type="text/csv")
    with pytest.raises(SurveyDownloadError, match="larger than 100000 bytes"):
        download(url, tmp_path / "s.csv", max_bytes=100_000)


def test_cli_imports_a_local_file(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBTRENDS_DB", str(tmp_path / "warehouse.duckdb"))
    result = CliRunner().invoke(main, ["import-survey", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "imported 8 rows" in result.output
