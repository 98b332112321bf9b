"""The board registry: import, check, discover, the plan reading it and health over nights.

HTTP is mocked with `responses` in each API's real shape (a Greenhouse 404 and `{"jobs": []}`,
Workable's nameless account, SmartRecruiters' `totalFound`); the nightly run is the engine's
own sequence (`ingest.night`) and once the real Prefect flow.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import responses
from click.testing import CliRunner

from config import ConfigError, load_settings
from ingest import boards
from ingest.night import ingest_night
from ingest.plan import plan
from jobtrends.cli import main
from tests.support import greenhouse_boards, live_config_text
from warehouse import registry
from warehouse.db import open_warehouse

GH = "https://boards-api.greenhouse.io/v1/boards"
LEVER = "https://api.lever.co/v0/postings"
ASHBY = "https://api.ashbyhq.com/posting-api/job-board"
WORKABLE = "https://apply.workable.com/api/v1/widget/accounts"
SR = "https://api.smartrecruiters.com/v1/companies"
NOT_FOUND = {"status": 404, "error": "Job board not found"}
NIGHT = date(2026, 11, 1)

CONFIG = live_config_text(
    greenhouse_boards(("pinned", "Pinned Co")) + "[sources.lever]\nmin_interval = 0\nboards = []\n",
    orchestration="fetch_retries = 0",
)


def gh_job(job_id: int, title: str = "Machine Learning Engineer") -> dict:
    return {
        "id": job_id,
        "internal_job_id": job_id + 1000,
        "title": title,
        "updated_at": "2026-11-30T10:00:00-05:00",
        "first_published": "2026-11-20T10:00:00-05:00",
        "requisition_id": "1",
        "location": {"name": "Remote - United States"},
        "absolute_url": f"https://job-boards.greenhouse.io/x/jobs/{job_id}",
        "metadata": None,
        "content": "&lt;p&gt;Train models.&lt;/p&gt;",
        "departments": [],
        "offices": [],
    }


def gh_board(*ids: int) -> dict:
    return {"jobs": [gh_job(i) for i in ids], "meta": {"total": len(ids)}}


@pytest.fixture
def settings(data_dir: Path, tmp_path: Path):
    config = tmp_path / "sources.toml"
    config.write_text(CONFIG)
    return load_settings(config)


def register(settings, rows: list[tuple[str, str]]) -> None:
    con = open_warehouse(settings.db_path)
    try:
        frame = pd.DataFrame(rows, columns=["source", "token"]).assign(origin="test")
        registry.import_boards(con, frame)
    finally:
        con.close()


def health(settings) -> dict[str, tuple]:
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT token, status, consecutive_failures, postings_last_seen, not_reached_on"
            " FROM board_registry"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def attempts(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"source": "greenhouse", "token": t, "outcome": o, "postings": n, "error": e}
            for t, o, n, e in rows
        ]
    ).assign(attempted_at=pd.Timestamp("2026-12-01T02:00:00Z"))


def test_status_moves_active_empty_failing_gone_and_back(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    registry.import_boards(
        con, pd.DataFrame({"source": ["greenhouse"] * 3, "token": ["a", "b", "c"], "origin": "t"})
    )
    night = [date(2026, 11, d) for d in range(1, 6)]
    registry.record_results(
        con,
        attempts(("a", "ok", 3, None), ("b", "ok", 0, None), ("c", "not_found", None, "404")),
        night[0],
        "nightly",
        3,
    )
    status = dict(con.execute("SELECT token, status FROM board_registry").fetchall())
    assert status == {"a": "active", "b": "empty", "c": "failing"}
    registry.record_results(con, attempts(("c", "not_found", None, "404")), night[1], "nightly", 3)
    registry.record_results(con, attempts(("c", "error", None, "HTTP 503")), night[2], "nightly", 3)
    registry.record_results(con, attempts(("c", "not_found", None, "404")), night[3], "nightly", 3)
    assert con.execute("SELECT status FROM board_registry WHERE token = 'c'").fetchall() == [
        ("failing",)
    ], "a 503 in between resets the run of not-found nights"
    for n in night[3:5]:
        registry.record_results(con, attempts(("c", "not_found", None, "404")), n, "nightly", 3)
    assert ("greenhouse", "c") in registry.skipped(con)
    assert [b.token for b in registry.to_read(con)] == ["a", "b"]
    registry.record_results(con, attempts(("c", "ok", 2, None)), night[4], "check", 1)
    changes = con.execute(
        "SELECT token, night, old_status, new_status, via FROM board_status_changes"
        " ORDER BY changed_at, token"
    ).fetchall()
    assert changes == [
        ("a", night[0], "unchecked", "active", "nightly"),
        ("b", night[0], "unchecked", "empty", "nightly"),
        ("c", night[0], "unchecked", "failing", "nightly"),
        ("c", night[4], "failing", "gone", "nightly"),
        ("c", night[4], "gone", "active", "check"),
    ]
    row = con.execute(
        "SELECT consecutive_failures, last_error, postings_last_seen, first_success_at IS NOT NULL"
        " FROM board_registry WHERE token = 'c'"
    ).fetchall()[0]
    assert row == (0, None, 2, True)
    con.close()


def test_a_board_not_reached_keeps_its_status_and_is_read_first(tmp_path: Path) -> None:
    con = open_warehouse(tmp_path / "w.duckdb")
    registry.import_boards(
        con, pd.DataFrame({"source": "greenhouse", "token": ["a", "b", "c"], "origin": "t"})
    )
    registry.record_results(
        con, attempts(("a", "ok", 1, None), ("b", "ok", 1, None)), NIGHT, "nightly", 3
    )
    registry.record_results(
        con, attempts(("c", "not_reached", None, "not reached: budget")), NIGHT, "nightly", 3
    )
    assert con.execute("SELECT status FROM board_registry WHERE token = 'c'").fetchall() == [
        ("unchecked",)
    ]
    assert next(b.token for b in registry.to_read(con)) == "c"
    con.close()


def test_a_batch_gives_the_same_registry_in_any_row_order(tmp_path: Path) -> None:
    rows = [("a", "ok", 2, None), ("b", "not_found", None, "404"), ("c", "ok", 0, None)]
    results = []
    for name, order in (("fwd", rows), ("rev", rows[::-1])):
        con = open_warehouse(tmp_path / f"{name}.duckdb")
        registry.import_boards(
            con, pd.DataFrame({"source": "greenhouse", "token": ["a", "b", "c"], "origin": "t"})
        )
        registry.record_results(con, attempts(*order), NIGHT, "nightly", 3)
        results.append(
            con.execute(
                "SELECT token, status, consecutive_failures FROM board_registry ORDER BY token"
            ).fetchall()
        )
        con.close()
    assert results[0] == results[1]


def test_import_is_idempotent_and_rejects_an_unknown_source(settings, tmp_path: Path) -> None:
    csv = tmp_path / "boards.csv"
    csv.write_text("source,token,company\ngreenhouse,acme,Acme\nlever,bolt,\nashby,acme,Acme\n")
    con = open_warehouse(settings.db_path)
    try:
        assert boards.import_file(con, csv) == registry.ImportCounts(added=3, known=0)
        assert boards.import_file(con, csv) == registry.ImportCounts(added=0, known=3)
        shipped = boards.import_file(con, None)
        assert shipped.added > 900
        anthropic = con.execute(
            "SELECT company, industry, origin FROM board_registry WHERE token = 'anthropic'"
        ).fetchall()[0]
        assert anthropic == ("Anthropic", "Tech/Software", "sources.toml (AI employer)")
        bad = tmp_path / "bad.csv"
        bad.write_text("source,token\nmonster,acme\n")
        with pytest.raises(ConfigError, match=r"unknown source.*monster.*valid: ashby"):
            boards.import_file(con, bad)
    finally:
        con.close()


def test_import_the_public_list_of_boards(settings, shared_data: Path) -> None:
    con = open_warehouse(settings.db_path)
    try:
        counts = boards.import_file(con, shared_data / "boards" / "ats_boards.csv")
        per_source = dict(
            con.execute("SELECT source, count(*) FROM board_registry GROUP BY 1").fetchall()
        )
    finally:
        con.close()
    assert counts.added == 9_686
    assert per_source["greenhouse"] == 2_543


@responses.activate
def test_check_records_404_empty_and_offline_without_stopping(settings) -> None:
    register(
        settings,
        [
            ("greenhouse", "live"),
            ("greenhouse", "gonecorp"),
            ("greenhouse", "quiet"),
            ("greenhouse", "offline"),
            ("workable", "nobody"),
            ("smartrecruiters", "Acme"),
            ("lever", "bolt"),
        ],
    )
    responses.get(f"{GH}/live/jobs", json=gh_board(1, 2))
    responses.get(f"{GH}/gonecorp/jobs", status=404, json=NOT_FOUND)
    responses.get(f"{GH}/quiet/jobs", json={"jobs": [], "meta": {"total": 0}})
    responses.get(f"{WORKABLE}/nobody", json={"name": "", "description": None, "jobs": []})
    responses.get(
        f"{SR}/Acme/postings", json={"limit": 1, "offset": 0, "totalFound": 42, "content": []}
    )
    responses.get(f"{LEVER}/bolt", body="<html>maintenance</html>")

    found = {(a.source, a.token): a for a in boards.check(settings)}

    assert found[("greenhouse", "live")].postings == 2
    assert found[("greenhouse", "gonecorp")].outcome == "not_found"
    assert found[("greenhouse", "offline")].outcome == "error"
    assert "not JSON" in found[("lever", "bolt")].error
    status = {token: row[0] for token, row in health(settings).items()}
    assert status == {
        "live": "active",
        "gonecorp": "gone",
        "quiet": "empty",
        "offline": "failing",
        "nobody": "gone",
        "Acme": "active",
        "bolt": "failing",
    }
    assert health(settings)["Acme"][2] == 42


@responses.activate
def test_check_limit_and_source_pick_unchecked_boards_first(settings) -> None:
    register(settings, [("greenhouse", t) for t in ("a", "b", "c")] + [("lever", "l")])
    for token in ("a", "b", "c"):
        responses.get(f"{GH}/{token}/jobs", json=gh_board(1))
    first = boards.check(settings, source="greenhouse", limit=2)
    second = boards.check(settings, source="greenhouse", limit=2)
    assert [a.token for a in first] == ["a", "b"]
    longest_unread = min(first, key=lambda a: a.at).token
    assert [a.token for a in second] == ["c", longest_unread]
    with pytest.raises(ConfigError, match="valid: ashby, greenhouse"):
        boards.check(settings, source="remoteok")


def test_candidate_tokens_from_names_and_domains() -> None:
    assert boards.candidates("Hugging Face") == ["huggingface", "hugging-face", "HuggingFace"]
    assert boards.candidates("https://www.anthropic.com/careers") == ["anthropic"]
    assert boards.candidates("Acme Inc.") == ["acme", "Acme"]


@responses.activate
def test_discover_reports_which_ats_answered_with_job_counts(settings) -> None:
    responses.get(f"{ASHBY}/acme", json={"apiVersion": "1", "jobs": [{"title": "x"}] * 3})
    responses.get(f"{GH}/acme/jobs", status=404, json=NOT_FOUND)
    responses.get(f"{LEVER}/acme", status=404, json={"ok": False, "error": "Document not found"})
    responses.get(f"{WORKABLE}/acme", status=404)
    responses.get(
        f"{SR}/acme/postings", json={"limit": 1, "offset": 0, "totalFound": 0, "content": []}
    )
    responses.get(
        f"{SR}/Acme/postings", json={"limit": 1, "offset": 0, "totalFound": 0, "content": []}
    )

    found = boards.discover(settings, ["Acme"], add=True)

    assert [(a.source, a.token, a.postings) for a in found["Acme"]] == [("ashby", "acme", 3)]
    assert health(settings) == {"acme": ("active", 0, 3, None)}


@responses.activate
def test_cli_import_list_check_enable_disable(settings, tmp_path: Path) -> None:
    csv = tmp_path / "boards.csv"
    csv.write_text("source,token\ngreenhouse,acme\ngreenhouse,gonecorp\n")
    responses.get(f"{GH}/acme/jobs", json=gh_board(1))
    responses.get(f"{GH}/gonecorp/jobs", status=404, json=NOT_FOUND)
    runner = CliRunner()
    config = ["--config", settings.config_path]

    assert "2 boards added" in runner.invoke(main, ["boards", "import", str(csv), *config]).output
    checked = runner.invoke(main, ["boards", "check", "--limit", "5", *config])
    assert checked.exit_code == 0, checked.output
    assert "greenhouse/gonecorp: not_found HTTP 404" in checked.output
    assert "checked 2 boards: 1 not_found, 1 ok" in checked.output
    listed = runner.invoke(main, ["boards", "list", "--status", "gone", *config])
    assert "gonecorp" in listed.output and "acme" not in listed.output
    assert "total: 1 boards" in listed.output
    disabled = runner.invoke(main, ["boards", "disable", "--source", "greenhouse", "acme", *config])
    assert disabled.exit_code == 0 and "disabled 1 greenhouse boards" in disabled.output
    missing = runner.invoke(main, ["boards", "enable", "--source", "greenhouse", "nope", *config])
    assert missing.exit_code == 1 and "not registered: nope" in missing.output
    bad = runner.invoke(main, ["boards", "list", "--status", "dead", *config])
    assert bad.exit_code != 0


@responses.activate
def test_the_plan_reads_the_registry_and_skips_gone_and_disabled(settings) -> None:
    register(
        settings,
        [("greenhouse", "extra"), ("greenhouse", "dead"), ("lever", "off"), ("ashby", "new")],
    )
    con = open_warehouse(settings.db_path)
    try:
        registry.record_results(
            con, attempts(("dead", "not_found", None, "404")), NIGHT, "check", 1
        )
        registry.set_enabled(con, "lever", ["off"], False)
    finally:
        con.close()
    planned = {(p.board.source, p.board.token): p for p in plan(settings)}
    assert set(planned) == {("greenhouse", "pinned"), ("greenhouse", "extra"), ("ashby", "new")}
    assert planned[("greenhouse", "extra")].source.settings.min_interval == 0
    assert planned[("ashby", "new")].source.settings.min_interval == 1.0


@responses.activate
def test_three_nights_not_found_make_a_board_gone_and_it_is_skipped(settings) -> None:
    register(settings, [("greenhouse", "vanished"), ("greenhouse", "quiet")])
    responses.get(f"{GH}/pinned/jobs", json=gh_board(11, 12))
    responses.get(f"{GH}/vanished/jobs", status=404, json=NOT_FOUND)
    responses.get(f"{GH}/quiet/jobs", json={"jobs": [], "meta": {"total": 0}})
    nights = [date(2026, 11, d) for d in (1, 2, 3, 4)]
    for night in nights[:3]:
        summary = ingest_night(settings, night)
        assert {b.board: b.status for b in summary.boards}["quiet"] == "success"
    assert health(settings)["vanished"][:2] == ("gone", 3)
    assert health(settings)["quiet"][0] == "empty"
    assert health(settings)["pinned"][:3] == ("active", 0, 2)
    requested = len(responses.calls)
    summary = ingest_night(settings, nights[3])
    assert "vanished" not in {b.board for b in summary.boards}
    assert len(responses.calls) == requested + 2
    con = duckdb.connect(str(settings.db_path), read_only=True)
    changes = con.execute(
        "SELECT night, new_status FROM board_status_changes WHERE token = 'vanished'"
    ).fetchall()
    con.close()
    assert changes == [(nights[0], "failing"), (nights[2], "gone")]


def test_estimate_names_each_host_and_the_night() -> None:
    from pipeline.models import Board
    from pipeline.sources import get_source
    from pipeline.sources.base import SourceSettings

    greenhouse = get_source(
        "greenhouse",
        SourceSettings("https://boards-api.greenhouse.io/v1/boards", 0.5, 2, {}),
    )
    lever = get_source("lever")
    planned = [
        boards.PlannedBoard(greenhouse, Board("greenhouse", f"t{i}", "x")) for i in range(2543)
    ] + [boards.PlannedBoard(lever, Board("lever", f"l{i}", "x")) for i in range(100)]
    lines = boards.estimate_lines(planned, budget=600)
    assert lines[0] == "100 lever boards at 1 concurrent, 1 s apart: about 2 minutes"
    assert lines[1] == "2,543 greenhouse boards at 2 concurrent, 0.5 s apart: about 21 minutes"
    assert lines[2] == (
        "night: 2,643 boards, about 21 minutes (budget 10 minutes; "
        "boards not reached are read first next night)"
    )


def test_per_host_limits_hold_under_load_on_loopback(tmp_path: Path) -> None:
    from tools.boardsim import simulate

    (result,) = simulate(250, tmp_path / "sim", min_interval=0.005, concurrency=2, latency=0.002)

    assert result.requests == 250
    assert result.max_in_flight <= 2
    assert result.peak_rate_ratio <= 1.25
    assert result.statuses == {"success": 240, "failed": 10}
    assert result.registry == {"active": 220, "empty": 20, "failing": 10}


@pytest.mark.usefixtures("prefect_harness")
@responses.activate
def test_the_flow_records_health_and_boards_the_budget_did_not_reach(
    data_dir: Path, tmp_path: Path
) -> None:
    from flows.nightly import nightly

    config = tmp_path / "sources.toml"
    responses.get(f"{GH}/pinned/jobs", json=gh_board(1))
    responses.get(f"{GH}/vanished/jobs", status=404, json=NOT_FOUND)
    config.write_text(CONFIG)
    settings = load_settings(config)
    register(settings, [("greenhouse", "vanished")])

    state = nightly(night=NIGHT, config_path=str(config), return_state=True)
    assert state.name == "Partially failed"
    assert health(settings)["vanished"][:2] == ("failing", 1)
    assert health(settings)["pinned"][0] == "active"

    config.write_text(CONFIG.replace("fetch_retries = 0", "night_budget_seconds = 0.000001"))
    later = date(2026, 11, 2)
    state = nightly(night=later, config_path=str(config), return_state=True)
    summary = state.result(raise_on_failure=False)
    assert {b.status for b in summary.boards} == {"not-reached"}
    assert summary.failed == []
    assert health(settings)["vanished"] == ("failing", 1, None, later)
    assert health(settings)["pinned"][3] == later
