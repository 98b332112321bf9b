"""Querying comfortably: output formats, listing tables and columns, README's questions, the
Python API, and the read-only commands running with no Prefect server at all."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pandas as pd
import pytest

import jobtrends
from jobtrends.output import integral, render
from tests.support import (
    ROOT,
    clean_failure,
    greenhouse_job,
    greenhouse_listing,
    sample_warehouse,
)
from tests.support import jobtrends as run_cli

pytestmark = pytest.mark.slow

README = ROOT / "README.md"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = sample_warehouse(tmp_path_factory.mktemp("sql") / "data")
    return {"JOBTRENDS_DATA_DIR": str(root), "JOBTRENDS_MODE": "sample"}


@pytest.fixture
def api_env(loaded: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in loaded.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("JOBTRENDS_DB", raising=False)
    monkeypatch.delenv("JOBTRENDS_CONFIG", raising=False)


QUERY = "SELECT source, count(*) AS n, sum(1.0) AS whole FROM stg_postings GROUP BY 1 ORDER BY 1"


def test_every_format_prints_the_same_rows(loaded: dict[str, str]) -> None:
    outputs = {
        fmt: run_cli("sql", "--format", fmt, QUERY, env=loaded) for fmt in ("csv", "json", "table")
    }
    assert all(ran.code == 0 for ran in outputs.values())
    frame = pd.read_csv(io.StringIO(outputs["csv"].out))
    assert list(frame.columns) == ["source", "n", "whole"]
    assert "greenhouse" in set(frame["source"])
    assert (frame["n"] == frame["whole"]).all()
    assert json.loads(outputs["json"].out) == frame.to_dict(orient="records")
    assert not re.search(r"\d\.0\b", outputs["table"].out)
    markdown = run_cli("sql", "--format", "markdown", QUERY, env=loaded).out
    assert markdown.splitlines()[1] == "|---|---|---|" and "| greenhouse |" in markdown


def test_whole_float_columns_become_integers_and_fractions_stay() -> None:
    frame = pd.DataFrame({"total": [59.0, None], "share": [0.25, 0.5], "name": ["a", "b"]})
    shown = integral(frame)
    assert str(shown["total"].dtype) == "Int64" and shown["share"].dtype == float
    assert "59.0" not in render(frame) and "59" in render(frame)
    assert render(frame.iloc[0:0]) == "(no rows)"


def test_tables_and_schema_list_what_can_be_queried(loaded: dict[str, str]) -> None:
    listed = run_cli("tables", "--format", "csv", env=loaded)
    names = pd.read_csv(io.StringIO(listed.out))
    assert {"postings", "stg_postings", "mart_role_demand"} <= set(names["name"])
    assert set(names["kind"]) == {"table", "view"}
    columns = pd.read_csv(
        io.StringIO(run_cli("schema", "postings", "--format", "csv", env=loaded).out)
    )
    assert {"source", "source_id", "title"} <= set(columns["column"])
    assert list(columns.columns) == ["column", "type", "nullable", "comment"]
    err = clean_failure(run_cli("schema", "postingz", env=loaded), 2)
    assert "postings" in err


def test_the_readme_questions_run_as_written(loaded: dict[str, str]) -> None:
    text = README.read_text()
    section = text.split("## Questions you can ask", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in section.splitlines() if line.startswith(".venv/bin/jobtrends")]
    assert len(commands) >= 6
    for line in commands:
        args = shlex.split(line)[1:]
        ran = run_cli(*args, env=loaded)
        assert ran.code == 0 and "Traceback" not in ran.err, (line, ran.err)
        assert ran.out.strip(), line


@pytest.mark.parametrize(
    "args",
    [("report",), ("where",), ("sql", "select 1 AS x"), ("export",), ("tables",)],
)
def test_read_commands_need_no_prefect_server(loaded: dict[str, str], args: tuple[str]) -> None:
    """`PREFECT_API_URL` points at a closed port: a command that used Prefect would fail."""
    ran = run_cli(*args, env=loaded)
    assert ran.code == 0, ran.err
    if args == ("report",):
        assert Path(ran.out.strip()).is_file()


def test_classify_and_parse_need_no_prefect_server(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text(json.dumps({"title": "Senior Machine Learning Engineer"}) + "\n")
    ran = run_cli("classify", str(lines))
    assert ran.code == 0 and json.loads(ran.out)["role"] == "ml_engineer"


def test_serve_without_a_prefect_api_says_how_to_start_one() -> None:
    err = clean_failure(run_cli("serve", env={"PREFECT_API_URL": ""}), 1)
    assert "prefect server start" in err and "PREFECT_API_URL" in err


@pytest.mark.usefixtures("api_env")
def test_postings_filters_by_week_role_and_source() -> None:
    every = jobtrends.postings()
    ml = jobtrends.postings(week="2026-W46", role="ml_engineer")
    assert 0 < len(ml) < len(every) and set(ml["role"]) == {"ml_engineer"}
    lever = jobtrends.postings(source="lever")
    assert set(lever["source"]) == {"lever"}
    with pytest.raises(ValueError, match="ml_engineer"):
        jobtrends.postings(role="ml_enginer")
    with pytest.raises(ValueError, match="2026-W46"):
        jobtrends.postings(week="2026-46")


@pytest.mark.usefixtures("api_env")
def test_report_returns_the_model() -> None:
    report = jobtrends.report("2026-W46")
    assert report.week == "2026-W46" and report.sections and report.headline


def test_parse_takes_a_payload_in_memory() -> None:
    board = greenhouse_listing(
        greenhouse_job(
            7,
            "Senior Machine Learning Engineer",
            location="London",
            url="https://boards.greenhouse.io/acme/jobs/7",
            updated_at="2026-08-01T10:00:00-04:00",
            content="Train models in PyTorch.",
        )
    )
    for payload in (board, json.dumps(board), json.dumps(board).encode()):
        (row,) = jobtrends.parse("greenhouse", payload, board="acme")
        assert row["posting"]["title"] == "Senior Machine Learning Engineer"
        assert row["labels"]["role"] == "ml_engineer"
    with pytest.raises(ValueError, match="greenhouse"):
        jobtrends.parse("greenhose", board)
