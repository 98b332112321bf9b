"""`import-history` on small capture folders built here: both forms, freshness, refusals,
idempotence, and the command line's answers to bad input."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from config import load_settings
from ingest.captures import CaptureError, CaptureFilter, CaptureStats, read_captures
from ingest.history import import_history
from jobtrends.cli import main
from tests.integrity import problems, snapshot
from tests.support import job, write_capture
from warehouse.db import open_warehouse

NIGHTS = [date(2026, 3, d) for d in (1, 2, 3, 4)]


@pytest.fixture
def captures(tmp_path: Path) -> Path:
    """acme: fresh on nights 1 and 3, stale on 2 (listing job 2 no more, which must not
    count) and 4; beta: fresh every night (no sidecar); old: the earlier simplified shape."""
    root = tmp_path / "captures"
    night1, night2, night3, night4 = NIGHTS
    write_capture(root, night1, "acme", [job(1), job(2)], "2026-03-01T03:00:00")
    write_capture(root, night2, "acme", [job(1)], "2026-03-01T03:00:00")
    write_capture(root, night3, "acme", [job(1), job(3, "Data Analyst")], "2026-03-03T04:00:00")
    write_capture(root, night4, "acme", [job(1)], "2026-03-03T04:00:00")
    for night in NIGHTS:
        write_capture(root, night, "beta", [job(20 + night.day, "Recruiter")], None)
    old = [{"id": 9, "title": "AI Engineer", "location": "Remote", "url": "x", "updated_at": "y"}]
    write_capture(root, night1, "old", old, None)
    return root


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = open_warehouse(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_only_fresh_captures_are_observations(data_dir: Path, captures: Path) -> None:
    result = import_history(load_settings(None), captures, workers=0)

    assert (result.captures.fresh, result.captures.stale, result.captures.refused) == (6, 2, 1)
    db = data_dir / "warehouse.duckdb"
    lifecycle = _rows(
        db,
        "SELECT board, source_id, first_seen, last_seen, closed_at FROM postings "
        "WHERE board = 'acme' ORDER BY source_id",
    )
    night1, _, night3, _ = NIGHTS
    assert lifecycle == [
        ("acme", "1", night1, night3, None),
        ("acme", "2", night1, night1, night3),
        ("acme", "3", night3, night3, None),
    ]
    checked = _rows(db, "SELECT as_of FROM runs WHERE board = 'acme' ORDER BY as_of")
    assert checked == [(night1,), (night3,)]
    assert problems(db) == []


def test_capture_time_comes_from_the_sidecar_or_the_night(data_dir: Path, captures: Path) -> None:
    import_history(load_settings(None), captures, workers=0)

    times = dict(
        _rows(
            data_dir / "warehouse.duckdb",
            "SELECT board || '/' || as_of, strftime(fetched_at AT TIME ZONE 'UTC', '%H:%M') "
            "FROM raw_payloads WHERE as_of = DATE '2026-03-03'",
        )
    )
    assert times == {"acme/2026-03-03": "04:00", "beta/2026-03-03": "00:00"}


def test_an_earlier_format_is_refused_with_its_reason(data_dir: Path, captures: Path) -> None:
    import_history(load_settings(None), captures, workers=0)

    [(status, error)] = _rows(
        data_dir / "warehouse.duckdb", "SELECT status, error FROM runs WHERE board = 'old'"
    )
    assert status == "failed"
    assert error.startswith("capture refused: not Greenhouse's listing shape")
    assert "'location'" in error
    assert _rows(data_dir / "warehouse.duckdb", "SELECT 1 FROM postings WHERE board = 'old'") == []


def test_importing_twice_changes_nothing(data_dir: Path, captures: Path) -> None:
    settings = load_settings(None)
    import_history(settings, captures, workers=0)
    db = data_dir / "warehouse.duckdb"
    before = snapshot(db)
    runs = _rows(db, "SELECT run_id, board, as_of, status, fetched FROM runs ORDER BY ALL")

    again = import_history(settings, captures, workers=0)

    assert snapshot(db) == before
    assert _rows(db, "SELECT run_id, board, as_of, status, fetched FROM runs ORDER BY ALL") == runs
    assert again.replay is not None and again.replay.unchanged == again.captures.fresh


def test_a_slice_by_board_and_night(data_dir: Path, captures: Path) -> None:
    stats = CaptureStats()
    wanted = CaptureFilter(since=NIGHTS[1], until=NIGHTS[2], tokens=frozenset({"acme"}))
    taken = list(read_captures(captures, wanted, stats))

    assert [(c.board, c.night) for c in taken] == [("acme", NIGHTS[2])]
    assert (stats.nights, stats.stale) == (2, 1)
    assert [c.board for c in read_captures(captures, CaptureFilter(boards=1))] == ["acme", "acme"]


def _compact(root: Path, versions: list[dict[str, Any]], nights: list[dict[str, Any]]) -> Path:
    root.mkdir(parents=True)
    for name, rows in (("versions.jsonl.gz", versions), ("nights.jsonl.gz", nights)):
        with gzip.open(root / name, "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in rows)
    return root


def test_the_compact_form_rebuilds_each_nights_body(tmp_path: Path) -> None:
    old = {"id": 7, "title": "AI Engineer", "location": "Remote", "url": "u", "updated_at": "t"}
    versions = [
        {"v": 0, "board": "acme", "job": old},
        {"v": 1, "board": "acme", "job": job(1)},
        {"v": 2, "board": "acme", "job": job(2)},
        {"v": 3, "board": "zeta", "job": job(30)},
    ]
    line = {"company": "acme", "job_count": 0}
    nights = [
        {**line, "night": "2026-03-01", "board": "acme", "fetched_at": "2026-03-01T01:00:00",
         "jobs": [0]},
        {**line, "night": "2026-03-02", "board": "acme", "fetched_at": "2026-03-02T01:00:00",
         "jobs": [1, 2]},
        {**line, "night": "2026-03-02", "board": "zeta", "fetched_at": "2026-03-02T02:00:00",
         "jobs": [3]},
        {**line, "night": "2026-03-03", "board": "acme", "fetched_at": "2026-03-02T01:00:00",
         "jobs": [1, 2]},
    ]  # fmt: skip
    root = _compact(tmp_path / "history", versions, nights)
    stats = CaptureStats()

    taken = list(read_captures(root, CaptureFilter(tokens=frozenset({"acme"})), stats))

    assert [(c.night.day, c.refused is not None) for c in taken] == [(1, True), (2, False)]
    body = json.loads(taken[1].body)
    assert body == {"jobs": [job(1), job(2)], "meta": {"total": 2}}
    assert taken[1].body.startswith(b'{"jobs": [{"absolute_url": ')
    assert taken[1].url == "https://boards-api.greenhouse.io/v1/boards/acme/jobs"
    assert (stats.stale, stats.fresh, stats.refused, stats.postings) == (1, 1, 1, 2)


def test_a_folder_of_neither_form_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="not a capture folder"):
        read_captures(tmp_path)


def test_cli_reports_bad_input_in_one_line(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad_source = runner.invoke(main, ["import-history", str(tmp_path), "--source", "monster"])
    not_captures = runner.invoke(main, ["import-history", str(tmp_path)])

    assert bad_source.exit_code == 2
    assert "greenhouse" in bad_source.output and "Traceback" not in bad_source.output
    assert not_captures.exit_code == 1
    assert "not a capture folder" in not_captures.output


def test_cli_imports_and_summarises(data_dir: Path, captures: Path) -> None:
    result = CliRunner().invoke(main, ["import-history", str(captures), "--workers", "0"])

    assert result.exit_code == 0, result.output
    assert "6 fresh, 2 stale (skipped), 1 refused" in result.output


def test_time_open_is_a_kaplan_meier_over_demand(data_dir: Path, tmp_path: Path) -> None:
    """Job 4 closes after 0 days, job 2 after 2; job 3 is reposted as job 5 (same internal
    id) and, with job 1, is still open after 6 days: S(0) = 3/4, S(2) = 1/2."""
    root = tmp_path / "captures"
    titles = {
        1: "Senior Machine Learning Engineer, Ranking",
        2: "Senior Machine Learning Engineer, Payments Fraud",
        3: "Senior Machine Learning Engineer, Search",
        4: "Senior Machine Learning Engineer, Ads Auctions",
    }
    listed = {1: [1, 2, 3, 4], 3: [1, 2, 3], 5: [1, 3], 7: [1, 5]}
    for day, ids in listed.items():
        jobs = [job(i, titles[i]) for i in ids if i != 5]
        if 5 in ids:
            jobs.append(
                job(5, "Senior Machine Learning Engineer, Search Quality", internal_job_id=5003)
            )
        write_capture(root, date(2026, 3, day), "acme", jobs, None)
    import_history(load_settings(None), root, workers=0)

    rows = _rows(
        data_dir / "warehouse.duckdb",
        "SELECT n, closed, censored, reposts, p25_days, median_days, p75_days "
        "FROM mart_time_open WHERE seniority = 'all'",
    )
    assert rows == [(4, 2, 2, 1, 0, 2, None)]


def test_every_week_gets_a_report_and_the_index_shows_the_trends(
    data_dir: Path, captures: Path
) -> None:
    import_history(load_settings(None), captures, workers=0)

    result = CliRunner().invoke(main, ["report", "--all"])

    assert result.exit_code == 0, result.output
    reports = data_dir / "reports"
    assert sorted(p.parent.name for p in reports.glob("*/report.md")) == ["2026-W09", "2026-W10"]
    index = (reports / "index.md").read_text(encoding="utf-8")
    assert "[2026-W09](2026-W09/report.md)" in index
    assert "[2026-W10](2026-W10/report.md)" in index
    assert "AI share" in index and "AI new entry" in index
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert '<a href="2026-W10/report.html">2026-W10</a>' in page


def test_the_real_market_document_is_generated_and_escaped(
    data_dir: Path, captures: Path, tmp_path: Path
) -> None:
    hostile = [job(40, "Machine Learning Engineer", company_name="<script>x</script>|Evil")]
    write_capture(captures, NIGHTS[3], "hostile", hostile, None)
    runner = CliRunner()
    assert runner.invoke(main, ["import-history", str(captures), "--workers", "0"]).exit_code == 0
    out = tmp_path / "real-market.md"

    result = runner.invoke(main, ["real-market", "--out", str(out)])

    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for claim in ("| G4 |", "| G5 |", "| G5b |", "| G5c |", "| G8 |"):
        assert claim in text
    untestable = text.split("## Claims this data cannot test")[1].split("##")[0]
    assert all(f"| {c} |" in untestable for c in ("G1", "G2", "G3", "G6", "G7", "G7b", "G7c"))
    assert "## How long jobs stay open, by role" in text
    assert "<script>" not in text and "&lt;script&gt;x&lt;/script&gt;\\|Evil" in text
