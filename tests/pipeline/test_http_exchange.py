"""The client over a real socket: redirects, deadlines and headers as urllib3 sees them.

Each case drives `HttpClient` (or `post_json`) against the loopback fault server, so a
redirect body really arrives, headers really trickle and a refused hop really never reaches
the other server: the counts are the servers' own.
"""

from __future__ import annotations

import re
import socket
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date

import pytest

from pipeline.http import (
    BadHeader,
    HttpClient,
    HttpSettings,
    RedirectRefused,
    RetriableHttpError,
    Unreachable,
    post_json,
)
from tests.faultserver import Fault, FaultServer, sample_boards

pytestmark = pytest.mark.faults

NIGHT = date(2026, 11, 15)
PATH = f"/greenhouse/{sample_boards()['greenhouse']['token']}/jobs?content=true"


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer(NIGHT) as srv:
        yield srv


@pytest.fixture(scope="module")
def other() -> Iterator[FaultServer]:
    """A second server on another port: where a hostile redirect would like to go."""
    with FaultServer(NIGHT) as srv:
        yield srv


@pytest.fixture(autouse=True)
def clean(server: FaultServer, other: FaultServer) -> None:
    server.reset()
    other.reset()


def client(**overrides: float) -> HttpClient:
    settings = {
        "connect_timeout": 1.0,
        "read_timeout": 0.3,
        "max_retries": 2,
        "backoff_base": 0.0,
        "max_response_bytes": 4 * 1024 * 1024,
        **overrides,
    }
    return HttpClient(HttpSettings(user_agent="jobtrends-faults", **settings))  # type: ignore[arg-type]


def test_a_redirect_on_the_same_origin_is_followed(server: FaultServer) -> None:
    server.fault(PATH, Fault("redirect", times=1, location=f"{server.origin}{{path}}"))
    resp = client().get(server.origin + PATH)
    assert resp.status == 200 and resp.url == server.origin + PATH
    assert len(server.hits_under(PATH)) == 2


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_port_is_never_sent(
    server: FaultServer, other: FaultServer, status: int
) -> None:
    server.fault(PATH, Fault("redirect", status=status, location=f"{other.origin}{{path}}"))
    with pytest.raises(RedirectRefused, match=f"port {other.port}") as err:
        client().get(server.origin + PATH)
    assert not err.value.retriable
    assert len(server.hits_under(PATH)) == 1 and other.hits == []


def test_a_redirect_to_another_host_is_never_sent(server: FaultServer) -> None:
    server.fault(PATH, Fault("redirect", location=f"http://localhost:{server.port}{{path}}"))
    with pytest.raises(RedirectRefused, match=re.escape("host localhost is not one of 127.0.0.1")):
        client().get(server.origin + PATH)
    assert len(server.hits_under(PATH)) == 1


def test_a_chain_through_an_allowed_host_stops_at_the_first_bad_hop(
    server: FaultServer, other: FaultServer
) -> None:
    """Hop 1 stays on the origin, hop 2 tries another port: the second server sees nothing."""
    server.fault("/hop1", Fault("redirect", location=f"{server.origin}/hop2"))
    server.fault("/hop2", Fault("redirect", location=f"{other.origin}{PATH}"))
    with pytest.raises(RedirectRefused):
        client().get(server.origin + "/hop1")
    assert [h.path for h in server.hits] == ["/hop1", "/hop2"] and other.hits == []


def test_a_redirect_loop_ends_at_the_hop_limit(server: FaultServer) -> None:
    server.fault(PATH, Fault("redirect", location=f"{server.origin}{{path}}"))
    with pytest.raises(RedirectRefused, match="more than 5 redirects"):
        client().get(server.origin + PATH)
    assert len(server.hits_under(PATH)) == 6


def test_declared_hosts_may_be_redirected_to(server: FaultServer) -> None:
    """`allow_hosts` (from a source's `api_hosts`) opens exactly those hosts."""
    http = client()
    http.allow_hosts(["127.0.0.1", "localhost"])
    server.fault(PATH, Fault("redirect", times=1, location=f"http://localhost:{server.port}{PATH}"))
    assert http.get(server.origin + PATH).url == f"http://localhost:{server.port}{PATH}"


def test_a_gzip_bomb_behind_a_302_is_never_read(server: FaultServer) -> None:
    """Regression: `requests` read each 3xx body itself; a 510 KB bomb grew memory 518 MiB."""
    server.fault(
        PATH,
        Fault("redirect_bomb", times=1, location=f"{server.origin}{{path}}", bomb_bytes=64 << 20),
    )
    http = client()
    tracemalloc.start()
    try:
        resp = http.get(server.origin + PATH)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert resp.status == 200 and len(server.hits_under(PATH)) == 2
    assert peak < 8 << 20, f"peak {peak >> 20} MiB"


def test_trickled_headers_are_cut_at_the_total_timeout(server: FaultServer) -> None:
    """One header byte every 50 ms never trips the 0.3 s read timeout; the total does."""
    server.fault(PATH, Fault("trickle_headers", delay=0.05))
    started = time.monotonic()
    with pytest.raises(RetriableHttpError, match=re.escape("no complete headers after 0.5s")):
        client(max_retries=0, total_timeout=0.5).get(server.origin + PATH)
    assert time.monotonic() - started < 5
    assert len(server.hits_under(PATH)) == 1


def test_the_total_timeout_spans_every_hop(server: FaultServer) -> None:
    """A redirect does not restart the clock: the trickle after it is cut on the first
    hop's deadline."""
    server.fault("/hop1", Fault("redirect", location=f"{server.origin}{PATH}"))
    server.fault(PATH, Fault("trickle", delay=0.05))
    with pytest.raises(RetriableHttpError, match=re.escape("still arriving after 0.5s")):
        client(max_retries=0, total_timeout=0.5).get(server.origin + "/hop1")


@pytest.mark.parametrize(
    ("status", "header", "value"),
    [(429, "Retry-After", "²"), (503, "Retry-After", "soon"), (200, "Content-Length", "²")],
)
def test_unparseable_headers_are_a_fatal_error_naming_the_header(
    server: FaultServer, status: int, header: str, value: str
) -> None:
    server.fault(PATH, Fault("bad_header", status=status, headers={header: value}))
    with pytest.raises(BadHeader, match=f"unparseable {header} header") as err:
        client().get(server.origin + PATH)
    assert not err.value.retriable and err.value.status == status
    assert len(server.hits_under(PATH)) == 1


def test_an_unparseable_location_is_a_bad_header(server: FaultServer) -> None:
    server.fault(PATH, Fault("redirect", location="http://127.0.0.1:99999/x"))
    with pytest.raises(BadHeader, match="Location"):
        client().get(server.origin + PATH)


def test_a_refused_connection_is_retried_once_then_fatal() -> None:
    """No network tonight: two quick tries, not the backoff schedule and task retries."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    slept: list[float] = []
    http = HttpClient(
        HttpSettings(user_agent="t", max_retries=4, backoff_base=30.0), sleep=slept.append
    )
    with pytest.raises(Unreachable) as err:
        http.get(f"http://127.0.0.1:{port}/jobs")
    assert not err.value.retriable
    assert slept == [1.0]


def test_a_public_name_that_resolves_to_loopback_is_refused(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS can point an allowed public name at an internal address; the socket's peer is
    checked after connecting, so the request never leaves."""
    real = socket.getaddrinfo

    def resolve(host: str, *args: object, **kwargs: object) -> object:
        return real("127.0.0.1" if host == "boards.example.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(RedirectRefused, match=re.escape("non-public 127.0.0.1")):
        client().get(f"http://boards.example.test:{server.port}{PATH}")
    assert server.hits == []


def test_the_webhook_does_not_follow_a_307(server: FaultServer, other: FaultServer) -> None:
    server.fault("/hook", Fault("redirect", status=307, location=f"{other.origin}/steal"))
    with pytest.raises(RedirectRefused, match="not followed"):
        post_json(server.origin + "/hook", {"failed": 1})
    assert len(server.posted) == 1 and other.hits == [] and other.posted == []


def test_a_trickling_webhook_is_cut_at_its_total_timeout(server: FaultServer) -> None:
    server.fault("/hook", Fault("trickle_headers", delay=0.05))
    started = time.monotonic()
    with pytest.raises(RetriableHttpError, match=re.escape("no answer within 0.5s")):
        post_json(server.origin + "/hook", {"failed": 1}, total_timeout=0.5)
    assert time.monotonic() - started < 5


def test_the_webhook_posts_json(server: FaultServer) -> None:
    assert post_json(server.origin + "/hook", {"failed": 2}) == 204
    assert server.posted == [("/hook", b'{"failed": 2}')]
