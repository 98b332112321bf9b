"""Every adapter against every fault, over a real socket, into a real DuckDB file.

Each case fetches one sample board through the fault server with `fetch_board` and loads it
with `load_outcome`, the same two calls the nightly flow makes per board. The invariants hold
for every case: the run row says success or failed with a reason, a failed board changes no
posting, label, observation or version, a board's open postings stay open (a failure or an
empty answer never closes anything), retries happen only for retriable faults, and whatever
bytes arrived are in the raw archive. Whole-flow runs are in test_faults_flow.py.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from config import load_settings
from ingest.fetch import make_client
from ingest.load import load_outcome
from ingest.night import fetch_board
from ingest.plan import plan
from ingest.records import BoardSummary
from pipeline.sources import REGISTRY
from tests.faultserver import FAULT_KINDS, Fault, FaultServer, empty_listing, live_config
from tests.faultserver import sample_boards as _sample_boards
from tests.tally import TALLY
from warehouse.archive import RawArchive
from warehouse.db import open_warehouse

pytestmark = pytest.mark.faults

NIGHT = date(2026, 11, 15)
SOURCES = sorted(REGISTRY)
MAX_RETRIES = 2
BOARDS = _sample_boards()
BOARD_TABLES = ("postings", "posting_labels", "posting_observations", "posting_versions")


def first_path(server: FaultServer, source: str) -> str:
    """The path of a board's first request, where its fault is set."""
    board = BOARDS[source]
    if source == "jsonld":
        return server.career_url(board["options"]["sitemap"])[len(server.origin) :]
    tail = {
        "remoteok": "",
        "remotive": "",
        "hn": "/search_by_date",
        "smartrecruiters": f"/{board['token']}/postings?",
    }.get(source, f"/{board['token']}")
    return f"/{source}{tail}"


@dataclass(frozen=True, slots=True)
class Expect:
    status: str
    hits: int
    reason: str = ""
    read_timeout: float | None = None
    """The fault needs a shorter read timeout than the generous default (see live_config)."""


EMPTY_MEANS_FAILURE = {
    "smartrecruiters": Expect("failed", 1, "UnknownBoard"),
    "hn": Expect("failed", 1, "no 'Ask HN: Who is hiring?' thread"),
}
"""Boards where an empty answer cannot be a real empty board, so it fails loudly."""


def case(server: FaultServer, source: str, kind: str) -> tuple[Fault, Expect]:
    """The fault of `kind` for `source`'s board, and what the pipeline must make of it."""
    retried = 1 + MAX_RETRIES
    other_host = f"http://localhost:{server.port}{{path}}"
    other_port = f"http://127.0.0.1:{server.port + 1 if server.port < 65535 else 1}{{path}}"
    is_xml = source == "jsonld"
    cases: dict[str, tuple[Fault, Expect]] = {
        "slow": (Fault("slow", delay=2.0), Expect("failed", retried, "Timeout", read_timeout=0.3)),
        "reset": (Fault("reset"), Expect("failed", retried, "RetriableHttpError")),
        "retry_after": (
            Fault("retry_after", times=1, status=429, retry_after=1),
            Expect("success", 2),
        ),
        "error_then_ok": (Fault("error_then_ok", times=1, status=500), Expect("success", 2)),
        "unavailable": (Fault("unavailable", status=503), Expect("failed", retried, "503")),
        "malformed_json": (
            Fault("malformed_json", body=b'{"jobs": [{"id": 1,, }'),
            Expect("failed", 1, "not a sitemap" if is_xml else "not JSON"),
        ),
        "truncated_json": (
            Fault("truncated_json"),
            Expect("success", 1) if is_xml else Expect("failed", 1, "not JSON"),
        ),
        "wrong_content_type": (Fault("wrong_content_type"), Expect("success", 1)),
        "html_error_page": (
            Fault(
                "html_error_page",
                body=b"<html><body><h1>502 Bad Gateway</h1>cloudflare</body></html>",
                content_type="text/html",
            ),
            Expect("failed", 1, "not a sitemap" if is_xml else "not JSON"),
        ),
        "gzip_bomb": (Fault("gzip_bomb"), Expect("failed", 1, "ResponseTooLarge")),
        "oversize": (Fault("oversize"), Expect("failed", 1, "ResponseTooLarge")),
        "redirect_same_origin": (
            Fault("redirect_same_origin", times=1, location=f"{server.origin}{{path}}"),
            Expect("success", 2),
        ),
        "redirect_other_host": (
            Fault("redirect_other_host", times=1, location=other_host),
            Expect("failed", 1, "RedirectRefused"),
        ),
        "redirect_other_port": (
            Fault("redirect_other_port", times=1, location=other_port),
            Expect("failed", 1, "RedirectRefused"),
        ),
        "redirect_file": (
            Fault("redirect_file", location="file:///etc/passwd"),
            Expect("failed", 1, "RedirectRefused"),
        ),
        "redirect_ftp": (
            Fault("redirect_ftp", location="ftp://127.0.0.1/jobs.json"),
            Expect("failed", 1, "RedirectRefused"),
        ),
        "not_found": (Fault("not_found"), Expect("failed", 1, "NotFound")),
        "empty": (
            Fault("empty", body=empty_listing(source, BOARDS[source]["company"])),
            EMPTY_MEANS_FAILURE.get(source, Expect("success", 1)),
        ),
    }
    return cases[kind]


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer(NIGHT) as srv:
        yield srv


@dataclass(slots=True)
class World:
    root: Path
    con: duckdb.DuckDBPyConnection
    archive: RawArchive
    settings: Any


@pytest.fixture(scope="module")
def world(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A warehouse already holding one clean fetch of every board, as on any later night."""
    root = tmp_path_factory.mktemp("faults")
    settings = settings_under(root, server)
    con = open_warehouse(settings.db_path)
    w = World(root, con, RawArchive(settings.archive_dir), settings)
    for source in SOURCES:
        assert run_board(w, source).status == "success"
    yield w
    con.close()


def settings_under(root: Path, server: FaultServer, **http: float) -> Any:
    """Live settings for every source at the server, data under `root`, with `http` changes."""
    config = root / f"sources-{uuid.uuid4().hex}.toml"
    config.write_text(live_config(server, list(SOURCES), http={"max_retries": MAX_RETRIES, **http}))
    return load_settings(config, data_dir=root / "data")


def run_board(w: World, source: str, settings: Any = None) -> BoardSummary:
    settings = settings or w.settings
    planned = plan(settings, sources=[source])
    client = make_client(settings, NIGHT, planned)
    (item,) = planned
    outcome = fetch_board(item, client, w.archive, NIGHT, str(uuid.uuid4()), "live")
    summary = load_outcome(w.con, outcome)
    for page in outcome.pages:
        assert (w.archive.root / page.archive_path).resolve().is_relative_to(w.archive.root)
        assert w.archive.read_body(page.sha256) is not None
    return summary


def board_rows(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, int]:
    token = BOARDS[source]["token"]
    counts = {
        table: con.execute(
            f"SELECT count(*) FROM {table} t WHERE t.source = ? AND EXISTS ("
            "SELECT 1 FROM postings p WHERE p.source = t.source AND p.source_id = t.source_id"
            " AND p.board = ?)",
            [source, token],
        ).fetchone()[0]
        for table in BOARD_TABLES
    }
    counts["open"] = con.execute(
        "SELECT count(*) FROM postings WHERE source = ? AND board = ? AND closed_at IS NULL",
        [source, token],
    ).fetchone()[0]
    return counts


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("source", SOURCES)
def test_adapter_survives_fault(server: FaultServer, world: World, source: str, kind: str) -> None:
    server.reset()
    path = first_path(server, source)
    fault, expect = case(server, source, kind)
    server.fault(path, fault)
    before = board_rows(world.con, source)
    settings = None
    if expect.read_timeout is not None:
        settings = settings_under(world.root, server, read_timeout=expect.read_timeout)

    summary = run_board(world, source, settings)

    TALLY["faults x adapters tried"] += 1
    hits = server.hits_under(path)
    assert (summary.status, len(hits)) == (expect.status, expect.hits), summary.error
    assert expect.reason in (summary.error or "")
    run = world.con.execute(
        "SELECT status, error, pages FROM runs WHERE source = ? AND board = ?"
        " ORDER BY finished_at DESC LIMIT 1",
        [source, BOARDS[source]["token"]],
    ).fetchone()
    assert run[0] == expect.status
    if expect.status == "failed":
        assert run[1] and expect.reason in run[1]
    assert board_rows(world.con, source) == before
    if kind == "retry_after":
        assert hits[1].at - hits[0].at >= 1.0
    if kind in BODY_KINDS:
        assert_archived(world, source, server.sent[hits[-1].path][-1])


BODY_KINDS = ("malformed_json", "truncated_json", "html_error_page", "wrong_content_type", "empty")
"""Faults where a complete body arrives: whatever it was, the archive must hold it."""


def assert_archived(w: World, source: str, sha256: str) -> None:
    """The body is indexed under the board's latest run's attempt, and reads back intact."""
    digests = {
        row[0]
        for row in w.con.execute(
            "SELECT p.sha256 FROM raw_payloads AS p JOIN runs AS r USING (fetch_id)"
            " WHERE r.source = ? AND r.board = ?"
            " QUALIFY rank() OVER (ORDER BY r.finished_at DESC) = 1",
            [source, BOARDS[source]["token"]],
        ).fetchall()
    }
    assert sha256 in digests
    assert hashlib.sha256(w.archive.read_body(sha256)).hexdigest() == sha256


def test_workable_empty_without_name_is_an_unknown_board(server: FaultServer, world: World) -> None:
    server.reset()
    server.fault(first_path(server, "workable"), Fault("empty", body=b'{"jobs": []}'))
    before = board_rows(world.con, "workable")
    summary = run_board(world, "workable")
    TALLY["faults x adapters tried"] += 1
    assert summary.status == "failed" and "UnknownBoard" in (summary.error or "")
    assert board_rows(world.con, "workable") == before


@pytest.mark.parametrize("source", ["greenhouse", "lever", "ashby", "workable"])
def test_a_board_that_suddenly_returns_nothing_keeps_its_postings_open(
    server: FaultServer, world: World, source: str
) -> None:
    server.reset()
    server.fault(
        first_path(server, source),
        Fault("empty", body=empty_listing(source, BOARDS[source]["company"])),
    )
    before = board_rows(world.con, source)
    assert before["open"] > 0
    summary = run_board(world, source)
    warning = world.con.execute(
        "SELECT warning FROM runs WHERE source = ? AND board = ? ORDER BY finished_at DESC LIMIT 1",
        [source, BOARDS[source]["token"]],
    ).fetchone()[0]
    assert summary.status == "success" and summary.closed == 0
    assert warning and "suspect fetch" in warning
    assert board_rows(world.con, source)["open"] == before["open"]


def test_an_unchanged_rerun_after_a_failed_fetch_indexes_the_body_it_loaded(
    server: FaultServer, world: World
) -> None:
    """Regression: the failed fetch's truncated body stayed indexed in raw_payloads."""
    server.reset()
    path = first_path(server, "greenhouse")
    server.fault(path, Fault("truncated_json", times=1))
    assert run_board(world, "greenhouse").status == "failed"
    assert run_board(world, "greenhouse").status == "success"
    assert_archived(world, "greenhouse", server.sent[server.hits_under(path)[-1].path][-1])


def test_a_trickling_body_is_cut_at_the_total_timeout(
    server: FaultServer, world: World, tmp_path: Path
) -> None:
    """Regression: one byte every 50 ms never trips a 0.3 s read timeout, so the fetch (and
    with it the night) had no end; `total_timeout` now bounds a whole response."""
    server.reset()
    path = first_path(server, "lever")
    server.fault(path, Fault("trickle", delay=0.05))
    config = tmp_path / "sources.toml"
    config.write_text(live_config(server, ["lever"], http={"max_retries": 0, "total_timeout": 0.5}))
    settings = load_settings(config, data_dir=world.root / "data")
    planned = plan(settings)
    client = make_client(settings, NIGHT, planned)
    started = time.monotonic()
    outcome = fetch_board(planned[0], client, world.archive, NIGHT, "trickle", "live")
    summary = load_outcome(world.con, outcome)
    TALLY["faults x adapters tried"] += 1
    assert summary.status == "failed" and "still arriving after 0.5s" in (summary.error or "")
    assert time.monotonic() - started < 5
    assert len(server.hits_under(path)) == 1
