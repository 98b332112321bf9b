"""Conditional requests: a board whose last loaded fetch came with `ETag`/`Last-Modified` is
asked "changed since?", and a 304 files a new attempt that repeats that fetch's pages.

HTTP is mocked with `responses` in Greenhouse's list shape (the validators are the standard
HTTP headers; no board API documents sending them, so the client uses them only where a
response carried them); the loopback test runs the same nights against `tools.boardsim`'s
server, which answers `If-None-Match` as a real server would.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import responses

from config import load_settings
from ingest.night import ingest_night
from ingest.replay import reparse
from tests.support import snapshot
from tools import boardsim
from warehouse.archive import RawArchive
from warehouse.db import open_warehouse

from .test_boards import CONFIG, GH, gh_board

N1 = date(2026, 11, 2)
URL = f"{GH}/pinned/jobs?content=true"
ETAG = '"listing-v1"'
MODIFIED = "Sun, 01 Nov 2026 10:00:00 GMT"


@pytest.fixture
def settings(data_dir: Path, tmp_path: Path):
    config = tmp_path / "sources.toml"
    config.write_text(CONFIG)
    return load_settings(config)


def serve(body: dict, etag: str | None = ETAG, *, seen: list[dict[str, str]]) -> None:
    """Answer the pinned board with `body` and its validators; a request that sends back
    the current ETag gets a bodiless 304. Every request's headers land in `seen`."""

    def answer(request):
        seen.append(dict(request.headers))
        headers = {"ETag": etag, "Last-Modified": MODIFIED} if etag else {}
        if etag and request.headers.get("If-None-Match") == etag:
            return 304, headers, ""
        return 200, {**headers, "Content-Type": "application/json"}, json.dumps(body)

    responses.reset()
    responses.add_callback(responses.GET, URL, callback=answer)


def night(settings, offset: int):
    summary = ingest_night(settings, N1 + timedelta(days=offset))
    (board,) = summary.boards
    return board


def attempts(settings, offset: int):
    archive = RawArchive(settings.archive_dir)
    return [archive.attempt(n, fid) for n, fid in archive.fetches() if n == N1 + timedelta(offset)]


@responses.activate
def test_an_unchanged_board_costs_a_304_and_loads_as_a_complete_listing(settings) -> None:
    seen: list[dict[str, str]] = []
    serve(gh_board(1, 2), seen=seen)
    first = night(settings, 0)
    assert (first.status, first.fetched) == ("success", 2)
    assert "If-None-Match" not in seen[-1]

    second = night(settings, 1)
    assert seen[-1]["If-None-Match"] == ETAG
    assert seen[-1]["If-Modified-Since"] == MODIFIED
    assert (second.status, second.fetched, second.closed) == ("success", 2, 0)
    (full,), (repeat,) = attempts(settings, 0), attempts(settings, 1)
    assert repeat.complete and repeat.same_as == full.fetch_id
    assert [p["sha256"] for p in repeat.pages] == [p["sha256"] for p in full.pages]
    assert repeat.validators == full.validators

    assert night(settings, 2).status == "success"
    assert seen[-1]["If-None-Match"] == ETAG
    serve(gh_board(1), etag='"listing-v2"', seen=seen)
    changed = night(settings, 3)
    assert (changed.status, changed.fetched, changed.closed) == ("success", 1, 1)

    con = open_warehouse(settings.db_path)
    try:
        seen_on = con.execute(
            "SELECT night, count(*) FROM posting_observations GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert [n for _, n in seen_on] == [2, 2, 2, 1]
    live = snapshot(settings.db_path)
    runs = reparse(settings)
    assert [b.status for run in runs for b in run.boards] == ["success"] * 4
    assert snapshot(settings.db_path) == live


@responses.activate
def test_a_board_without_validators_is_never_asked_conditionally(settings) -> None:
    seen: list[dict[str, str]] = []
    serve(gh_board(1), etag=None, seen=seen)
    night(settings, 0)
    night(settings, 1)
    assert len(seen) == 2 and not any("If-None-Match" in h for h in seen)
    assert all(a.validators is None for a in attempts(settings, 1))


@responses.activate
def test_a_304_whose_pages_cannot_be_read_back_is_fetched_in_full(settings) -> None:
    seen: list[dict[str, str]] = []
    serve(gh_board(1, 2), seen=seen)
    night(settings, 0)
    (full,) = attempts(settings, 0)
    RawArchive(settings.archive_dir).body_path(full.pages[0]["sha256"]).unlink()
    again = night(settings, 1)
    assert (again.status, again.fetched) == ("success", 2)
    assert seen[-2].get("If-None-Match") == ETAG and "If-None-Match" not in seen[-1]
    (refetched,) = attempts(settings, 1)
    assert refetched.same_as is None and refetched.validators is not None


def test_a_loopback_night_of_unchanged_boards_is_all_304s(tmp_path: Path) -> None:
    """Two nights over the simulated Greenhouse: the second asks every board that answered
    with its ETag, gets 304s, and records every board as the first night did."""
    first, second = boardsim.simulate(40, tmp_path, min_interval=0.0, nights=2)
    assert second.not_modified == first.statuses_http.get(200, 0) > 0
    assert second.statuses == first.statuses
    assert second.registry == first.registry


@pytest.mark.usefixtures("prefect_harness")
@responses.activate
def test_the_nightly_flow_asks_conditionally_and_loads_a_304(settings) -> None:
    from flows.nightly import nightly

    seen: list[dict[str, str]] = []
    serve(gh_board(1, 2), seen=seen)
    for offset in (0, 1):
        state = nightly(night=N1 + timedelta(days=offset), config_path=str(settings.config_path))
        (board,) = state.boards
        assert (board.status, board.fetched, board.closed) == ("success", 2, 0)
    assert seen[-1]["If-None-Match"] == ETAG
    (full,), (repeat,) = attempts(settings, 0), attempts(settings, 1)
    assert repeat.same_as == full.fetch_id
