"""Ordinary mistakes end in one clear line and a non-zero exit, run as a user would run them.

Each case is a typo or a wrong path someone will make: the command must say what is valid,
exit non-zero (2 for a bad name or value, 1 for something unusable, 75 for a busy
warehouse) and print no traceback unless `--debug` asks for it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support import ROOT, clean_failure, jobtrends, sample_warehouse
from warehouse.runlock import run_lock

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a user whose warehouse holds one sample night."""
    root = sample_warehouse(tmp_path_factory.mktemp("cli") / "data")
    return {"JOBTRENDS_DATA_DIR": str(root), "JOBTRENDS_MODE": "sample"}


def test_unknown_source_names_the_valid_ones(loaded: dict[str, str]) -> None:
    err = clean_failure(jobtrends("nightly", "--source", "greenhose", env=loaded), 2)
    assert "greenhose" in err and "greenhouse" in err and "lever" in err


def test_unknown_company_names_the_valid_boards(loaded: dict[str, str]) -> None:
    err = clean_failure(jobtrends("nightly", "--company", "nosuchco", env=loaded), 2)
    assert "nosuchco" in err and "northwindai" in err


def test_a_night_outside_the_sample_is_refused(loaded: dict[str, str]) -> None:
    err = clean_failure(jobtrends("nightly", "--night", "2020-01-01", env=loaded), 2)
    assert "sample night" in err
    assert jobtrends("nightly", "--night", "2026-13-01", env=loaded).code == 2


def test_a_week_that_is_not_iso_is_refused(loaded: dict[str, str]) -> None:
    err = clean_failure(jobtrends("report", "--week", "2026-46", env=loaded), 2)
    assert "2026-W46" in err
    clean_failure(jobtrends("report", "--week", "2026-W54", env=loaded), 2)


def test_a_week_without_data_says_which_weeks_have_some(loaded: dict[str, str]) -> None:
    err = clean_failure(jobtrends("report", "--week", "2020-W01", env=loaded), 1)
    assert "2026-W46" in err
    assert not (Path(loaded["JOBTRENDS_DATA_DIR"]) / "reports" / "no-data").exists()


@pytest.mark.parametrize("query", ["selec 1", "", "select * from no_such_table"])
def test_invalid_sql_is_one_line(loaded: dict[str, str], query: str) -> None:
    code = 2 if not query else 1
    clean_failure(jobtrends("sql", query, env=loaded), code)


def test_debug_shows_the_traceback(loaded: dict[str, str]) -> None:
    ran = jobtrends("--debug", "sql", "selec 1", env=loaded)
    assert ran.code != 0 and "Traceback" in ran.err


def test_a_folder_or_foreign_file_as_the_warehouse_fails_fast(
    loaded: dict[str, str], tmp_path: Path
) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database\n" * 10)
    cases = [
        (tmp_path, "is a folder", ("sql", "select 1")),
        (tmp_path, "is a folder", ("nightly",)),
        (foreign, "not a DuckDB", ("report",)),
        (foreign, "not a DuckDB", ("export",)),
    ]
    for target, words, args in cases:
        started = time.monotonic()
        err = clean_failure(jobtrends(*args, env={**loaded, "JOBTRENDS_DB": str(target)}), 1)
        assert words in err and time.monotonic() - started < 60


def test_a_missing_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    env = {"JOBTRENDS_DATA_DIR": str(tmp_path / "empty")}
    err = clean_failure(jobtrends("sql", "select 1", env=env), 1)
    assert "jobtrends run" in err


def test_a_survey_in_the_wrong_format_is_one_line(loaded: dict[str, str], tmp_path: Path) -> None:
    wrong = tmp_path / "survey.csv"
    wrong.write_text("name;pay\nalice;12\n")
    err = clean_failure(jobtrends("import-survey", str(wrong), env=loaded), 1)
    assert "not the aijobs.net salary survey" in err
    clean_failure(jobtrends("import-survey", str(tmp_path / "absent.csv"), env=loaded), 1)


def test_a_second_ingest_says_who_holds_the_warehouse(loaded: dict[str, str]) -> None:
    db = Path(loaded["JOBTRENDS_DATA_DIR"]) / "warehouse.duckdb"
    with run_lock(db):
        for args in (("nightly",), ("reparse", "--since", "2026-11-15")):
            err = clean_failure(jobtrends(*args, env=loaded), 75)
            assert "another ingest (pid" in err


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("min_interval = 0.5", "min_intervall = 0.5"), "unknown key 'min_intervall'"),
        (("max_concurrency = 2", 'max_concurrency = "2"'), "must be an integer"),
        (("fetch_retries = 2", "fetch_retries = -1"), "at least 0"),
        (('\nmode = "sample"', '\nmode = "sampel"'), "must be one of sample, live"),
        (('nightly = "0 2 * * *"', 'nightly = "0 2 * *"'), "5-field cron"),
    ],
)
def test_the_config_is_checked_against_its_schema(
    tmp_path: Path, edit: tuple[str, str], words: str
) -> None:
    bundled = ROOT / "config" / "sources.toml"
    text = bundled.read_text()
    old, new = edit
    assert old in text
    config = tmp_path / "sources.toml"
    config.write_text(text.replace(old, new, 1))
    rows = config.read_text().splitlines()
    line = next(n for n, row in enumerate(rows, 1) if new.strip() in row)
    err = clean_failure(jobtrends("where", "--config", str(config)), 2)
    assert str(config) in err and words in err and f"(line {line})" in err


def test_version_prints_the_package_version() -> None:
    ran = jobtrends("--version")
    assert ran.code == 0 and ran.out.startswith("jobtrends, version ")
