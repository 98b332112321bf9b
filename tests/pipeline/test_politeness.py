"""robots.txt and per-host rate limits, measured on the server side of a real socket.

`test_robots.py` checks the rules with `responses`; here the JSON-LD adapter crawls the
loopback fault server, so "not fetched" means the server never saw the request and "spaced"
means the server's own clock saw the gaps.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from pathlib import Path

import pytest

from config import load_settings
from ingest.fetch import make_client
from ingest.night import fetch_board
from ingest.plan import plan
from tests.faultserver import Fault, FaultServer, live_config
from warehouse.archive import RawArchive

pytestmark = pytest.mark.faults

NIGHT = date(2026, 11, 15)
INTERNAL = "/jsonld/careers.quillon.example/internal/"


LAG = 0.5
"""Seconds the server's stamp of a request may trail its send. The server stamps a request
when its handler thread runs, which on a loaded machine (2 cores, load average 16 while
`make reliability` ran beside other work) trails the send by 100 ms and more at times."""


def assert_spaced(times: list[float], interval: float) -> None:
    """The server saw requests at most one per `interval`, up to one stamp's lag.

    The client claims send slots `interval` apart and never sends before its slot (exact,
    on a fake clock: tests/pipeline/test_http.py), so the stamps of requests i < j are at
    least (j - i) intervals apart less the lag of request i's stamp. Each window is
    checked, not each gap: one late stamp shortens the gap after it by its lag, and a
    per-gap bound loose enough for that proves little. Without the limit, the whole run
    arrives within a few milliseconds.
    """
    for i, j in itertools.combinations(range(len(times)), 2):
        assert times[j] - times[i] >= (j - i) * interval - LAG, (i, j, times)


@pytest.fixture
def server():
    with FaultServer(NIGHT) as srv:
        yield srv


def fetch(server: FaultServer, tmp_path: Path, source: str, min_interval: float = 0.0):
    config = tmp_path / "sources.toml"
    config.write_text(live_config(server, [source], min_interval=min_interval))
    settings = load_settings(config, data_dir=tmp_path / "data")
    planned = plan(settings)
    client = make_client(settings, NIGHT, planned)
    (item,) = planned
    archive = RawArchive(settings.archive_dir)
    return fetch_board(item, client, archive, NIGHT, str(uuid.uuid4()), "live")


def test_a_disallowed_career_page_is_never_requested(server: FaultServer, tmp_path: Path) -> None:
    outcome = fetch(server, tmp_path, "jsonld")
    assert outcome.error is None
    assert server.hits_under(INTERNAL) == []
    assert len(server.hits_under("/robots.txt")) == 1
    assert any(
        "robots.txt" in e.reason and "/internal/" in e.record_ref for e in outcome.load.errors
    )
    assert outcome.load.postings


def test_unreadable_robots_means_nothing_is_crawled(server: FaultServer, tmp_path: Path) -> None:
    server.fault("/robots.txt", Fault("unavailable", status=503))
    outcome = fetch(server, tmp_path, "jsonld")
    assert [h.path for h in server.hits if h.path != "/robots.txt"] == []
    assert outcome.load is not None and outcome.load.postings == []


@pytest.mark.parametrize(("source", "interval"), [("smartrecruiters", 0.2), ("jsonld", 0.2)])
def test_min_interval_spaces_requests_to_one_host(
    server: FaultServer, tmp_path: Path, source: str, interval: float
) -> None:
    outcome = fetch(server, tmp_path, source, min_interval=interval)
    assert outcome.error is None
    times = [h.at for h in server.hits]
    assert len(times) > 10
    assert_spaced(times, interval)


def test_a_retry_waits_for_the_rate_limit_too(server: FaultServer, tmp_path: Path) -> None:
    server.fault("/lever/", Fault("error_then_ok", times=1, status=500))
    outcome = fetch(server, tmp_path, "lever", min_interval=1.0)
    first, second = server.hits_under("/lever/")[:2]
    assert outcome.error is None
    assert_spaced([first.at, second.at], 1.0)


def test_a_redirect_into_a_disallowed_path_is_never_followed(
    server: FaultServer, tmp_path: Path
) -> None:
    """robots.txt is checked for every hop, not only the URL the sitemap listed."""
    page = "/jsonld/careers.quillon.example/jobs/backend-engineer-818"
    server.fault(page, Fault("redirect", location=f"{server.origin}{INTERNAL}secret"))
    outcome = fetch(server, tmp_path, "jsonld")
    assert outcome.error is None and outcome.load.postings
    assert len(server.hits_under(page)) == 1 and server.hits_under(INTERNAL) == []
    assert any(
        "disallowed by robots.txt" in e.reason and e.record_ref.endswith("backend-engineer-818")
        for e in outcome.load.errors
    )


def test_each_redirect_hop_waits_for_the_rate_limit(server: FaultServer, tmp_path: Path) -> None:
    server.fault("/lever/", Fault("redirect", times=1, location=f"{server.origin}{{path}}"))
    outcome = fetch(server, tmp_path, "lever", min_interval=1.0)
    first, second = server.hits_under("/lever/")[:2]
    assert outcome.error is None
    assert_spaced([first.at, second.at], 1.0)


def test_the_sitemap_filter_keeps_to_the_sitemaps_port(server: FaultServer, tmp_path: Path) -> None:
    """A `<loc>` on the same host but another port is another service: never requested."""
    with FaultServer(NIGHT) as other:
        sitemap = "/jsonld/careers.quillon.example/sitemap.xml"
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{other.origin}/jsonld/careers.quillon.example/jobs/x</loc></url>"
            f"<url><loc>{server.origin}/jsonld/careers.quillon.example/jobs/backend-engineer-818"
            "</loc></url></urlset>"
        ).encode()
        server.fault(sitemap, Fault("body", body=body, content_type="application/xml"))
        outcome = fetch(server, tmp_path, "jsonld")
        assert other.hits == []
    assert outcome.error is None and len(outcome.load.postings) == 1
