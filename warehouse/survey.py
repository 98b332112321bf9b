"""Import the aijobs.net salary survey beside postings, as a second witness for salaries.

The survey is a CSV of self-reported salaries with job titles and experience levels. It is
read in bulk by DuckDB's `read_csv` with explicit column types (a type drift in the published
file fails loudly instead of turning salaries into strings), job titles are mapped onto our
role taxonomy by the ordered rules in `survey_roles.toml`, and experience levels onto our
seniority bands. Each file is a snapshot named by its SHA-256, so importing the same file
twice replaces its rows and a newer weekly file is kept beside the older one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.http import HttpClient, HttpError, HttpSettings, ResponseTooLarge
from warehouse.db import transaction

DEFAULT_URL = "https://aijobs.net/salaries/download/salaries.csv"
USER_AGENT = (
    "jobtrends/0.1 (open AI job-market observatory; +https://github.com/jobtrends/jobtrends)"
)
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
DOWNLOAD_TIMEOUT = (10, 120)
DOWNLOAD_TOTAL_SECONDS = 600.0

CSV_COLUMNS = {
    "work_year": "INTEGER",
    "experience_level": "VARCHAR",
    "employment_type": "VARCHAR",
    "job_title": "VARCHAR",
    "salary": "DOUBLE",
    "salary_currency": "VARCHAR",
    "salary_in_usd": "DOUBLE",
    "employee_residence": "VARCHAR",
    "remote_ratio": "INTEGER",
    "company_location": "VARCHAR",
    "company_size": "VARCHAR",
}
SENIORITY = {"EN": "entry", "MI": "mid", "SE": "senior", "EX": "executive"}


class SurveyDownloadError(RuntimeError):
    """The survey could not be downloaded whole (status, size cap or network)."""


@dataclass(frozen=True, slots=True)
class RoleMapping:
    version: str
    ai_data_pattern: str
    rules: pd.DataFrame


@dataclass(frozen=True, slots=True)
class SurveyImport:
    snapshot: str
    origin: str
    rows: int
    ai_data_rows: int
    ai_data_mapped: int

    @property
    def coverage(self) -> float:
        """Share of AI/data-titled rows the mapping placed in a role other than `other`."""
        return self.ai_data_mapped / self.ai_data_rows if self.ai_data_rows else 0.0


def role_mapping() -> RoleMapping:
    raw = tomllib.loads(
        resources.files("warehouse").joinpath("survey_roles.toml").read_text(encoding="utf-8")
    )
    rules = pd.DataFrame(
        [(i, r["pattern"], r["role"]) for i, r in enumerate(raw["rule"])],
        columns=["priority", "pattern", "role"],
    )
    return RoleMapping(raw["version"], raw["ai_data_pattern"], rules)


def import_survey(
    con: duckdb.DuckDBPyConnection,
    source: str | Path = DEFAULT_URL,
    *,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> SurveyImport:
    """Import a local CSV path or an http(s) URL; returns counts and the mapping's coverage."""
    origin = str(source)
    if origin.startswith(("http://", "https://")):
        with tempfile.TemporaryDirectory(prefix="jobtrends-survey-") as tmp:
            path = download(origin, Path(tmp) / "salaries.csv", max_bytes=max_bytes)
            return _import_file(con, path, origin)
    return _import_file(con, Path(source), origin)


def download(url: str, dest: Path, *, max_bytes: int = MAX_DOWNLOAD_BYTES) -> Path:
    """Fetch the file through the project's HTTP client (retries, size cap) into `dest`."""
    client = HttpClient(
        HttpSettings(
            user_agent=USER_AGENT,
            connect_timeout=DOWNLOAD_TIMEOUT[0],
            read_timeout=DOWNLOAD_TIMEOUT[1],
            max_response_bytes=max_bytes,
            total_timeout=DOWNLOAD_TOTAL_SECONDS,
        )
    )
    try:
        resp = client.get(url)
    except ResponseTooLarge as exc:
        raise SurveyDownloadError(f"GET {url}: larger than {max_bytes} bytes") from exc
    except HttpError as exc:
        raise SurveyDownloadError(f"GET {url}: {exc}") from exc
    dest.write_bytes(resp.body)
    return dest


def _import_file(con: duckdb.DuckDBPyConnection, path: Path, origin: str) -> SurveyImport:
    snapshot = hashlib.sha256(path.read_bytes()).hexdigest()
    mapping = role_mapping()
    levels = pd.DataFrame(list(SENIORITY.items()), columns=["experience_level", "seniority"])
    with transaction(con, survey_rules=mapping.rules, survey_levels=levels):
        con.execute("DELETE FROM salary_survey WHERE snapshot = ?", [snapshot])
        con.execute(
            """
            INSERT INTO salary_survey
            WITH raw AS (
                SELECT * FROM read_csv(?, header = true, columns = ?)
            ),
            titles AS (
                SELECT t.job_title, arg_min(r.role, r.priority) AS role
                FROM (SELECT DISTINCT job_title FROM raw) AS t
                JOIN survey_rules AS r ON regexp_matches(lower(t.job_title), r.pattern)
                GROUP BY t.job_title
            )
            SELECT ?, raw.work_year, raw.experience_level, lv.seniority, raw.employment_type,
                   raw.job_title, coalesce(titles.role, 'other'), raw.salary,
                   raw.salary_currency, raw.salary_in_usd, raw.employee_residence,
                   raw.remote_ratio, raw.company_location, raw.company_size
            FROM raw
            JOIN survey_levels AS lv USING (experience_level)
            LEFT JOIN titles USING (job_title)
            """,
            [str(path), CSV_COLUMNS, snapshot],
        )
        rows, ai_data_rows, ai_data_mapped = con.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE regexp_matches(lower(job_title), ?)),
                   count(*) FILTER (WHERE regexp_matches(lower(job_title), ?) AND role <> 'other')
            FROM salary_survey
            WHERE snapshot = ?
            """,
            [mapping.ai_data_pattern, mapping.ai_data_pattern, snapshot],
        ).fetchone()
        con.execute(
            "INSERT OR REPLACE INTO salary_survey_imports VALUES (?, ?, ?, ?, ?)",
            [snapshot, origin, datetime.now(UTC), rows, mapping.version],
        )
    return SurveyImport(snapshot, origin, rows, ai_data_rows, ai_data_mapped)


def shared_data_dir(repo_root: Path | None = None) -> Path:
    """Where the project's evaluation data lives: $JOBTRENDS_SHARED_DATA or ../shared/data."""
    env = os.environ.get("JOBTRENDS_SHARED_DATA")
    if env:
        return Path(env)
    root = repo_root or Path(__file__).resolve().parent.parent
    return root.parent / "shared" / "data"
