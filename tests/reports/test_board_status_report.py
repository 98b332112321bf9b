"""The data-quality section lists the boards whose status changed in the week, escaped.

Changes are recorded the way a nightly run records them (`ingest.boards.record`), on the
report's fixed warehouse; the rows shown are a user's own select on the mart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup

from ingest.boards import Attempt, record
from reports.weekly import build_report, render_html, render_markdown
from tests.reports.test_report_weekly import STAMP, fixed_warehouse

HOSTILE = "<script>alert(1)</script> | broken | table |"


def test_the_weeks_status_changes_are_listed_and_escaped(tmp_path: Path) -> None:
    con = fixed_warehouse(tmp_path / "w.duckdb")
    try:
        record(
            con, [Attempt("greenhouse", "acme", "ok", postings=24)], date(2026, 11, 8), "nightly", 3
        )
        changed = [
            Attempt("greenhouse", "acme", "ok", postings=0),
            Attempt(
                "lever", "vanished", "not_found", error=f"HTTP 404: {HOSTILE}", company=HOSTILE
            ),
        ]
        assert record(con, changed, date(2026, 11, 15), "check", 1) == 2
        expected = con.execute(
            "SELECT night, source, token, old_status, new_status FROM mart_board_status_changes"
            " WHERE week = '2026-W46' ORDER BY night, source, token"
        ).fetchall()
        report = build_report(con, "2026-W46", STAMP)
    finally:
        con.close()
    assert [(s, t, new) for _, s, t, _, new in expected] == [
        ("greenhouse", "acme", "empty"),
        ("lever", "vanished", "gone"),
    ]
    (quality,) = [s for s in report.sections if s.title.startswith("Data quality")]
    (shown,) = [t for t in quality.tables if t.name == "board_status_changes"]
    assert list(
        shown.frame[["source", "token", "new_status"]].itertuples(index=False, name=None)
    ) == [
        ("greenhouse", "acme", "empty"),
        ("lever", "vanished", "gone"),
    ]
    markdown, html = render_markdown(report), render_html(report)
    assert "<script>" not in markdown
    soup = BeautifulSoup(html, "lxml")
    assert soup.find("script") is None
    assert HOSTILE in soup.get_text()
