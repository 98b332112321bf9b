"""Task retries only for retriable errors, failures recorded with their reason, the final
run state, the failure webhook, and the parse cache."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
import responses

from flows.nightly import nightly
from ingest import parse as parse_step
from ingest.plan import sample_nights
from ingest.records import FETCH_FAILED
from sample.recorded import sample_manifest
from tests.support import (
    greenhouse_boards,
    greenhouse_job,
    greenhouse_listing,
    write_live_config,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")

GH = "https://boards-api.greenhouse.io/v1/boards"
LEVER = "https://api.lever.co/v0/postings"
HOOK = "https://hooks.example.test/jobtrends"
NIGHT = date(2026, 11, 20)
JOBS = greenhouse_listing(greenhouse_job())


def write_config(tmp_path: Path, boards: str, notify: str = "", tuning: str = "") -> str:
    """The HTTP client never retries here, so every retry seen is a Prefect task retry."""
    return write_live_config(
        tmp_path,
        f"{boards}\n{notify}\n",
        orchestration=f"fetch_retries = 2\nretry_delay_seconds = 0\n{tuning}",
    )


def runs(data_dir: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT board, status, error, fetched FROM runs").fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def calls_to(url: str) -> int:
    return sum(1 for c in responses.calls if c.request.url.split("?")[0] == url)


@responses.activate
def test_retriable_error_is_retried_by_the_task_and_fatal_one_is_not(
    data_dir: Path, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path,
        greenhouse_boards("flaky", "gone")
        + '[sources.lever]\nmin_interval = 0\nboards = [{ token = "down" }]\n',
    )
    responses.get(f"{GH}/flaky/jobs", status=503)
    responses.get(f"{GH}/flaky/jobs", json=JOBS)
    responses.get(f"{GH}/gone/jobs", status=404)
    responses.get(f"{LEVER}/down", status=502)

    state = nightly(night=NIGHT, config_path=config, return_state=True)

    assert state.name == "Partially failed"
    assert "2 of 3 boards failed" in state.message
    got = runs(data_dir)
    assert got["flaky"][0] == "success" and got["flaky"][2] == 1
    assert got["gone"][0] == "failed" and "NotFound" in got["gone"][1] and "404" in got["gone"][1]
    assert got["down"][0] == "failed" and "502" in got["down"][1]
    assert got["down"][1].startswith(FETCH_FAILED)
    assert calls_to(f"{GH}/flaky/jobs") == 2
    assert calls_to(f"{GH}/gone/jobs") == 1
    assert calls_to(f"{LEVER}/down") == 3


@responses.activate
def test_every_board_failing_fails_the_run_and_posts_the_summary(
    data_dir: Path, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path,
        greenhouse_boards("gone"),
        notify=f'[notify]\nwebhook_url = "{HOOK}"',
    )
    responses.get(f"{GH}/gone/jobs", status=404)
    responses.post(HOOK, status=204)

    state = nightly(night=NIGHT, config_path=config, return_state=True)

    assert state.is_failed()
    summary = state.result(raise_on_failure=False)
    assert [b.status for b in summary.boards] == ["failed"]
    assert runs(data_dir)["gone"][0] == "failed"
    posted = [c for c in responses.calls if c.request.url == HOOK]
    assert calls_to(f"{GH}/gone/jobs") == 1
    assert len(posted) == 1
    body = json.loads(posted[0].request.body)
    assert body["night"] == "2026-11-20" and body["failed"] == 1
    assert body["sources"][0]["source"] == "greenhouse"
    assert body["sources"][0]["failures"][0].startswith("gone: fetch: NotFound")


@responses.activate
def test_an_unreachable_webhook_does_not_change_the_run(data_dir: Path, tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        greenhouse_boards("good", "gone"),
        notify=f'[notify]\nwebhook_url = "{HOOK}"',
    )
    responses.get(f"{GH}/good/jobs", json=JOBS)
    responses.get(f"{GH}/gone/jobs", status=404)
    responses.post(HOOK, status=500)

    state = nightly(night=NIGHT, config_path=config, return_state=True)

    assert state.name == "Partially failed"
    assert runs(data_dir)["good"][0] == "success"


def test_rerunning_a_night_reads_parses_from_the_cache(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    parse = parse_step.parse_board

    def counting(source, board, pages, known=None):
        calls.append(board.token)
        return parse(source, board, pages, known)

    monkeypatch.setattr(parse_step, "parse_board", counting)
    night = sample_nights()[0]
    boards = sample_manifest()["boards"][:2]
    companies = [b["token"] for b in boards]

    first = nightly(night=night, mode="sample", companies=companies)
    assert sorted(calls) == sorted(companies)
    second = nightly(night=night, mode="sample", companies=companies)
    assert sorted(calls) == sorted(companies), "unchanged payloads must not be parsed again"
    assert [(b.board, b.fetched) for b in second.boards] == [
        (b.board, b.fetched) for b in first.boards
    ]


@responses.activate
def test_a_fetch_over_its_time_limit_is_recorded_not_retried(
    data_dir: Path, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path,
        greenhouse_boards("slow", "good"),
        tuning="fetch_timeout_seconds = 0.5",
    )

    def slow(request):
        time.sleep(1.0)
        return 200, {}, json.dumps(JOBS)

    responses.add_callback(responses.GET, f"{GH}/slow/jobs", callback=slow)
    responses.get(f"{GH}/good/jobs", json=JOBS)

    state = nightly(night=NIGHT, config_path=config, return_state=True)

    assert state.name == "Partially failed"
    got = runs(data_dir)
    assert got["good"][0] == "success"
    assert got["slow"][0] == "failed"
    assert got["slow"][1] == "fetch: TimedOut: Task run exceeded timeout of 0.5 second(s)"
    assert calls_to(f"{GH}/slow/jobs") == 1
