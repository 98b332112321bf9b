"""The weekly report over a fixed warehouse: golden Markdown, safe HTML, CSVs, empty weeks."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from bs4 import BeautifulSoup

from pipeline.labels import LabelRow
from pipeline.models import Posting, Salary
from reports.weekly import build_report, render_html, render_markdown, write_report
from tests.support import TESTS, fake_page, one_page_load
from warehouse.db import open_warehouse
from warehouse.load import load_board

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
    """Load these postings with their fixed labels from one page of the acme board."""
    midnight = datetime.combine(night, datetime.min.time(), UTC)
    page = fake_page(page_fetch_id, "greenhouse", "acme", midnight)
    postings, labels = [p for p, _ in pairs], [lab for _, lab in pairs]
    load_board(con, one_page_load(page, postings, labels, night, **load))


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
    assert [h.get_text() for h in soup.find_all("h2")][-1] == "Guide check"
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
    }


def test_a_week_without_data_says_so(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    files = write_report(con, tmp_path / "reports", "2025-W01", STAMP)
    assert "no data" in files.markdown.read_text()
    empty = open_warehouse(tmp_path / "empty.duckdb")
    assert "no data" in render_markdown(build_report(empty, None, STAMP))
    empty.close()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_chromium_renders_every_chart(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    files = write_report(con, tmp_path / "reports", "2026-W46", STAMP)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", files.html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    soup = BeautifulSoup(dom, "lxml")
    assert len(soup.select("figure.chart svg")) >= 5
    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1100,2400", files.html.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 20_000


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
