"""The weekly report over a fixed warehouse: golden Markdown, safe HTML, CSVs, empty weeks."""

from __future__ import annotations

import csv
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from bs4 import BeautifulSoup

from pipeline.labels import LabelRow
from pipeline.models import Posting, Salary
from reports.weekly import build_report, render_html, render_markdown, write_report
from tests.support import TESTS, Chromium, fake_page, one_page_load
from warehouse.db import open_warehouse
from warehouse.load import load_board
from warehouse.materialize import refresh_stored

GOLDEN = TESTS / "golden" / "report_2026-W46.md"
STAMP = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
NIGHTS = [date(2026, 11, 1), date(2026, 11, 8), date(2026, 11, 15)]
HOSTILE_TITLE = "<script>alert(1)</script> | broken | table |"
ROLES = [
    ("ml_engineer", "mid", "remote", 180000),
    ("ml_engineer", "senior", "onsite", 250000),
    ("data_scientist", "mid", "hybrid", 150000),
    ("software_engineer", "mid", "onsite", 150000),
    ("prompt_engineer", "entry", "remote", 100000),
    ("other", "unknown", "unknown", None),
]


def posting(i: int, night: date) -> tuple[Posting, LabelRow]:
    role, seniority, arrangement, pay = ROLES[i % len(ROLES)]
    title = HOSTILE_TITLE if i == 20 else f"{role.replace('_', ' ').title()} {i}"
    p = Posting(
        source="greenhouse",
        source_id=str(i),
        company="Acme <b>AI</b>" if i % 2 else "Beta",
        title=title,
        description="Python and PyTorch.",
        locations=["San Francisco, CA"],
        board="acme",
        raw_payload_id="f" * 64,
        salary=Salary(pay * 0.9, pay * 1.1, "USD", "year") if pay else None,
    )
    label = LabelRow(
        "greenhouse",
        str(i),
        "test-1",
        role,
        role not in ("software_engineer", "other"),
        "title",
        0.9,
        "fixture",
        seniority,
        arrangement,
        "US" if arrangement == "remote" else None,
        pay * 0.9 if pay else None,
        pay * 1.1 if pay else None,
        None,
        "US",
        "sf_bay_area",
        "bachelors",
        ["python", "pytorch"] if i % 3 else ["python"],
        "Tech/Software",
        "full_time",
        None,
        work_arrangement_basis={"onsite": "inferred", "unknown": None}.get(arrangement, "stated"),
    )
    return p, label


def _load(
    con: duckdb.DuckDBPyConnection,
    pairs: list[tuple[Posting, LabelRow]],
    night: date,
    page_fetch_id: str,
    **load: Any,
) -> None:
    """Load these postings with their fixed labels from one page of the acme board, left
    ungrouped (each posting its own job), and store the jobs the marts read."""
    midnight = datetime.combine(night, datetime.min.time(), UTC)
    page = fake_page(page_fetch_id, "greenhouse", "acme", midnight)
    postings, labels = [p for p, _ in pairs], [lab for _, lab in pairs]
    load_board(con, one_page_load(page, postings, labels, night, **load))
    refresh_stored(con)


def fixed_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = open_warehouse(path)
    for k, night in enumerate(NIGHTS):
        ids = range(k * 4, 24 + k * 6)
        pairs = [posting(i, night) for i in ids]
        _load(
            con,
            pairs,
            night,
            "a" * 32,
            run_id=f"run-{k}",
            fetch_id=f"{k:032d}",
            started_at=STAMP - timedelta(days=30),
        )
    return con


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = fixed_warehouse(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def test_markdown_matches_the_golden_file(con: duckdb.DuckDBPyConnection) -> None:
    text = render_markdown(build_report(con, "2026-W46", STAMP))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_hostile_titles_render_as_text(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "2026-W46", STAMP)
    markdown, html = render_markdown(report), render_html(report)
    assert "<script>" not in markdown and "<b>AI</b>" not in markdown
    soup = BeautifulSoup(html, "lxml")
    assert soup.find("script") is None and soup.find("b") is None
    assert "Acme <b>AI</b>" in soup.get_text()


def test_html_is_self_contained_with_every_chart(con: duckdb.DuckDBPyConnection) -> None:
    soup = BeautifulSoup(render_html(build_report(con, "2026-W46", STAMP)), "lxml")
    assert not soup.select("script, link, img[src^=http], iframe")
    assert len(soup.select("figure.chart svg")) >= 5
    assert soup.find("h2").get_text() == "Does the guide hold?"
    for svg in soup.select("figure.chart svg"):
        assert float(svg["width"]) > 0 and float(svg["height"]) > 0 and svg.find("title")


def test_files_are_written_per_format(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    files = write_report(con, tmp_path / "reports", None, STAMP)
    assert files.directory.name == "2026-W46"
    assert files.markdown.exists() and files.html.exists()
    assert {p.name for p in files.csvs} >= {
        "role_demand.csv",
        "salary_bands.csv",
        "guide_check.csv",
        "sources.csv",
        "corrected_shares.csv",
    }


def test_every_csv_and_format_states_what_made_its_figures(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    files = write_report(con, tmp_path / "reports", "2026-W46", STAMP)
    pins = {"classifier_version", "schema_version", "nights_covered", "label_error"}
    for path in files.csvs:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        assert pins <= set(reader.fieldnames or ()), path.name
        assert all(row["classifier_version"] == "test-1" for row in rows)
        assert all(row["nights_covered"].startswith("1 (2026-11-15") for row in rows)
    assert "classifier version test-1" in files.markdown.read_text(encoding="utf-8")
    assert "schema version" in files.html.read_text(encoding="utf-8")


def test_a_week_without_data_says_so(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    files = write_report(con, tmp_path / "reports", "2025-W01", STAMP)
    assert "no data" in files.markdown.read_text()
    empty = open_warehouse(tmp_path / "empty.duckdb")
    assert "no data" in render_markdown(build_report(empty, None, STAMP))
    empty.close()


def test_chromium_renders_every_chart(
    con: duckdb.DuckDBPyConnection, chromium: Chromium, tmp_path: Path
) -> None:
    files = write_report(con, tmp_path / "reports", "2026-W46", STAMP)
    soup = BeautifulSoup(chromium.run("--dump-dom", files.html.as_uri()), "lxml")
    assert len(soup.select("figure.chart svg")) >= 5


def test_default_week_is_the_latest_complete_one(tmp_path: Path) -> None:
    from warehouse.queries import find_week

    con = fixed_warehouse(tmp_path / "w.duckdb")
    assert find_week(con, None, today=date(2026, 11, 16)).week == "2026-W46"
    assert find_week(con, None, today=date(2026, 11, 15)).week == "2026-W45"
    assert find_week(con, None, today=date(2026, 11, 1)).week == "2026-W46"
    con.close()


FORMULA = '=HYPERLINK("http://evil.test","Acme")'
SPOOFED = "Beta\u202eIA\u202c\u200b Labs"


def test_hostile_company_names_are_neutralised_in_every_output(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    night = NIGHTS[-1]
    pairs = [posting(i, night) for i in range(6)]
    for i, (p, _) in enumerate(pairs):
        p.company = (FORMULA, SPOOFED, "@SUM(1+1)")[i % 3]
    _load(con, pairs, night, "b" * 32, run_id="run-hostile", started_at=STAMP)
    files = write_report(con, tmp_path / "reports", "2026-W46", STAMP)
    with (files.directory / "companies.csv").open(encoding="utf-8", newline="") as handle:
        companies = {row["company"] for row in csv.DictReader(handle)}
    assert companies == {"'" + FORMULA, "'@SUM(1+1)", "BetaIA Labs"}
    for text in (
        files.markdown.read_text(encoding="utf-8"),
        files.html.read_text(encoding="utf-8"),
    ):
        assert "BetaIA Labs" in text
        assert not {"\u202e", "\u202c", "\u200b"} & set(text)
    stored = {r[0] for r in con.execute("SELECT company FROM postings").fetchall()}
    assert SPOOFED in stored and FORMULA in stored
    con.close()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csvs_are_data(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    files = write_report(con, tmp_path / "reports", "2026-W46", STAMP)
    for path in files.csvs:
        header, *_ = path.read_text(encoding="utf-8").splitlines()
        assert header == header.lower() and " " not in header, path.name
    demand = _csv(files.directory / "role_demand.csv")
    assert [int(r["open"]) for r in demand] == [10, 6, 6, 5, 5]
    assert {r["role"] for r in demand} >= {"ml_engineer", "prompt_engineer"}
    assert {float(r["wow_change"]) for r in demand} == {0.0, 0.2}
    bands = _csv(files.directory / "salary_bands.csv")
    assert {r["median"] for r in bands} >= {"150000", "250000"}
    assert all(float(r["disclosure"]) == 1.0 for r in bands)
    check = {r["claim"]: r for r in _csv(files.directory / "guide_check.csv")}
    g4 = check["G4"]
    assert (float(g4["guide_low"]), float(g4["guide_high"])) == (0.35, 0.45)
    assert 0 < float(g4["low"]) < float(g4["estimate"]) < float(g4["high"]) < 1
    assert (g4["unit"], g4["n"], g4["verdict"]) == ("share", "21", "inconclusive")
    salary = check["G1 ml_engineer · mid"]
    assert (float(salary["guide_low"]), float(salary["guide_high"])) == (150000, 220000)
    assert (salary["unit"], float(salary["estimate"])) == ("usd", 180000)
    numbers = [c for r in check.values() for k, c in r.items() if k not in ("note", "survey")]
    assert not [c for c in numbers if "$" in c or c.endswith("%")]


def test_scorecard_leads_and_folds_the_untested(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "2026-W46", STAMP)
    scorecard = report.sections[0]
    untested = [c for c in scorecard.checks if c.verdict == "insufficient data"]
    assert len(scorecard.checks) == len(scorecard.tables[0].frame) and untested
    soup = BeautifulSoup(render_html(report), "lxml")
    first = soup.find("section")
    assert first.find("h2").get_text() == "Does the guide hold?"
    tested = first.select("table.scorecard")[0].select("tbody tr")
    assert len(tested) == len(scorecard.checks) - len(untested)
    assert {b.get_text() for tr in tested for b in tr.select(".badge")} <= {
        "supported",
        "contradicted",
        "inconclusive",
    }
    details = first.find("details")
    assert details.find("summary").get_text().startswith(f"{len(untested)} checks")
    assert len(details.select("tbody tr")) == len(untested)
    markdown = render_markdown(report)
    assert markdown.index("## Does the guide hold?") < markdown.index("## Role demand")
    assert f"<details><summary>{len(untested)} checks" in markdown


def test_numbers_read_as_numbers(con: duckdb.DuckDBPyConnection) -> None:
    soup = BeautifulSoup(render_html(build_report(con, "2026-W46", STAMP)), "lxml")
    demand = soup.find("h2", string="Role demand").find_parent("section").find("table")
    assert [th.get("class") for th in demand.select("th")][:2] == [None, ["num"]]
    cells = [td.get_text() for td in demand.select("td")]
    assert "Machine Learning Engineer" in cells and "ml_engineer" not in cells
    for pins in soup.select("p.pins"):
        pins.decompose()
    text = soup.get_text()
    assert not re.search(r"\b\d+\.0\b", text) and "150000" not in text and "$150K" in text
