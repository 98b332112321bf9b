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
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from pipeline import http as http_module
from pipeline.http import (
    BadHeader,
    HttpClient,
    HttpSettings,
    RedirectRefused,
    RetriableHttpError,
    Unreachable,
    post_json,
)
from pipeline.models import Board
from pipeline.sources import get_source
from pipeline.sources.base import SourceSettings
from tests.faultserver import Fault, FaultServer, LoopbackCertificate, TunnelProxy, sample_boards

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
    """A client with the fault tests' settings; the read timeout is generous so that only
    `total_timeout` cuts the trickles here, however loaded the machine."""
    settings = {
        "connect_timeout": 1.0,
        "read_timeout": 3.0,
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
    """One header byte every 50 ms never trips the read timeout; the total does."""
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


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_is_retried_once_then_fatal() -> None:
    """No network tonight: two quick tries, not the backoff schedule and task retries."""
    slept: list[float] = []
    http = HttpClient(
        HttpSettings(user_agent="t", max_retries=4, backoff_base=30.0), sleep=slept.append
    )
    with pytest.raises(Unreachable) as err:
        http.get(f"http://127.0.0.1:{closed_port()}/jobs")
    assert not err.value.retriable
    assert slept == [1.0]


def test_a_proxy_refusing_connections_is_unreachable_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind `HTTPS_PROXY`, a dead proxy is a dead network: the same two quick tries."""
    use_proxy(monkeypatch, f"http://127.0.0.1:{closed_port()}")
    slept: list[float] = []
    http = HttpClient(
        HttpSettings(user_agent="t", max_retries=4, backoff_base=30.0), sleep=slept.append
    )
    with pytest.raises(Unreachable, match="ProxyError"):
        http.get("https://boards-api.greenhouse.io/v1/boards/acme/jobs")
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


def test_a_name_failing_to_resolve_is_retried_once_then_fatal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18: a DNS failure is no 5xx; two quick tries, never the slow schedule."""
    asked: list[str] = []

    def resolve(host: str, *args: object, **kwargs: object) -> object:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    slept: list[float] = []
    http = HttpClient(
        HttpSettings(user_agent="t", max_retries=4, backoff_base=30.0), sleep=slept.append
    )
    with pytest.raises(Unreachable, match="NameResolutionError") as err:
        http.get("https://boards-api.greenhouse.io/v1/boards/acme/jobs")
    assert not err.value.retriable
    assert asked == ["boards-api.greenhouse.io"] * 2 and slept == [1.0]


@pytest.mark.parametrize(
    "answer", [["127.0.0.1"], ["8.8.8.8", "10.0.0.7"], ["::ffff:169.254.169.254"]]
)
def test_a_name_resolving_to_any_non_public_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, answer: list[str]
) -> None:
    """The check runs on the resolver's answer, before any socket connects: one non-public
    address among public ones is enough to refuse."""
    connected: list[object] = []
    monkeypatch.setattr(socket, "getaddrinfo", fake_resolver(answer))
    monkeypatch.setattr(socket.socket, "connect", lambda sock, addr: connected.append(addr))
    with pytest.raises(RedirectRefused, match="resolves to non-public"):
        client().get("https://boards.example.test/jobs")
    assert connected == []


def test_the_socket_connects_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No DNS-rebinding window: the name is resolved once per connection and the socket
    goes to the checked addresses, in order; a second lookup (which would answer loopback
    here) is never made for the connect."""
    answers = [["8.8.8.8", "8.8.4.4"], ["127.0.0.1"]]
    asked: list[str] = []

    def resolve(host: str, port: object, *args: object, **kwargs: object) -> object:
        if host != "boards.example.test":
            return fake_resolver([host])(host, port)
        asked.append(host)
        return fake_resolver(answers[min(len(asked), 2) - 1])(host, port)

    connected: list[object] = []

    def connect(sock: socket.socket, address: object) -> None:
        connected.append(address)
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket.socket, "connect", connect)
    with pytest.raises(Unreachable):
        client(max_retries=0).get("http://boards.example.test:8080/jobs")
    assert asked == ["boards.example.test"]
    assert connected == [("8.8.8.8", 8080), ("8.8.4.4", 8080)]


def fake_resolver(addresses: list[str]) -> Callable[..., list[tuple[Any, ...]]]:
    """`socket.getaddrinfo` answering `addresses` for any name, as the real one shapes them."""

    def resolve(host: str, port: object, *args: object, **kwargs: object) -> list[tuple[Any, ...]]:
        infos = []
        for address in addresses:
            v6 = ":" in address
            family = socket.AF_INET6 if v6 else socket.AF_INET
            sockaddr = (address, int(port or 0), 0, 0) if v6 else (address, int(port or 0))
            infos.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return infos

    return resolve


def test_same_site_hosts_are_not_allowed_unless_the_source_declares_them(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per the issue each hop is checked against the source's allowlist (its configured
    host and documented API hosts), not against the registrable domain: Greenhouse's EU
    API is declared and followed; `api.greenhouse.io` and `greenhouse.io` share the site
    but are not, and are never resolved or sent to."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def resolve(host: str, *args: object, **kwargs: object) -> object:
        asked.append(host)
        return real("127.0.0.1" if host.endswith("greenhouse.io") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    configured = SourceSettings(server.base_url("greenhouse"), 0.0, 1, {})
    http = client()
    http.allow_hosts(get_source("greenhouse", configured).hosts(Board("greenhouse", "a", "A")))
    declared = f"http://boards-api.eu.greenhouse.io:{server.port}{PATH}"
    server.fault(PATH, Fault("redirect", times=1, location=declared))
    assert http.get(server.origin + PATH).url == declared
    for undeclared in ("api.greenhouse.io", "greenhouse.io", "greenhouse.io.evil.example"):
        server.reset()
        asked.clear()
        server.fault(PATH, Fault("redirect", location=f"http://{undeclared}:{server.port}{PATH}"))
        with pytest.raises(RedirectRefused, match=f"host {re.escape(undeclared)} is not one of"):
            http.get(server.origin + PATH)
        assert len(server.hits_under(PATH)) == 1 and undeclared not in asked


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> LoopbackCertificate:
    return LoopbackCertificate.make(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_server(certificate: LoopbackCertificate) -> Iterator[FaultServer]:
    with FaultServer(NIGHT, tls=certificate.server_context()) as srv:
        yield srv


def behind_proxy(
    monkeypatch: pytest.MonkeyPatch, proxy: TunnelProxy, certificate: LoopbackCertificate
) -> None:
    """Route https through `proxy` the way an operator would (`HTTPS_PROXY`), trusting the
    test certificate: TLS is still verified, end to end through the tunnel."""
    use_proxy(monkeypatch, proxy.url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))


def use_proxy(monkeypatch: pytest.MonkeyPatch, url: str | None) -> None:
    """`HTTPS_PROXY=url` (none for None), whatever proxy settings the machine has."""
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    if url is not None:
        monkeypatch.setenv("HTTPS_PROXY", url)


def test_a_fetch_through_an_https_proxy_tunnels_and_verifies_tls(
    tls_server: FaultServer, certificate: LoopbackCertificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls_server.reset()
    with TunnelProxy() as proxy:
        behind_proxy(monkeypatch, proxy, certificate)
        resp = client().get(tls_server.origin + PATH)
    assert resp.status == 200 and resp.body
    assert proxy.tunnels == [f"127.0.0.1:{tls_server.port}"]


def test_a_proxy_trickling_its_connect_answer_is_cut_at_the_total_timeout(
    tls_server: FaultServer, certificate: LoopbackCertificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tunnel's own answer, a byte every 50 ms, runs on the exchange's deadline."""
    tls_server.reset()
    started = time.monotonic()
    with TunnelProxy(trickle=0.05) as proxy:
        behind_proxy(monkeypatch, proxy, certificate)
        with pytest.raises(RetriableHttpError, match=re.escape("no complete headers after 0.5s")):
            client(max_retries=0, total_timeout=0.5).get(tls_server.origin + PATH)
    assert time.monotonic() - started < 5
    assert len(proxy.tunnels) == 1 and tls_server.hits == []


def test_a_trickling_body_through_an_https_proxy_is_cut_at_the_total_timeout(
    tls_server: FaultServer, certificate: LoopbackCertificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: behind a proxy the watched connections were not used, so a body
    trickling through the tunnel ran past `total_timeout`."""
    tls_server.reset()
    tls_server.fault(PATH, Fault("trickle", delay=0.05))
    started = time.monotonic()
    with TunnelProxy() as proxy:
        behind_proxy(monkeypatch, proxy, certificate)
        with pytest.raises(RetriableHttpError, match=re.escape("still arriving after 0.5s")):
            client(max_retries=0, total_timeout=0.5).get(tls_server.origin + PATH)
    assert time.monotonic() - started < 5
    assert len(tls_server.hits_under(PATH)) == 1


@pytest.mark.parametrize(
    ("name", "verified"), [(LoopbackCertificate.NAME, True), ("other.example.test", False)]
)
def test_tls_to_a_checked_address_still_verifies_the_name(
    tls_server: FaultServer,
    certificate: LoopbackCertificate,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    verified: bool,
) -> None:
    """The socket goes to the checked address, but SNI and the certificate check keep the
    name asked for: a certificate for another name is still refused. (Loopback stands in
    for a public address here, so the checked path runs without a network.)"""
    tls_server.reset()
    monkeypatch.setattr(socket, "getaddrinfo", fake_resolver(["127.0.0.1"]))
    monkeypatch.setattr(http_module, "_public", lambda host: True)
    use_proxy(monkeypatch, None)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))
    url = f"https://{name}:{tls_server.port}{PATH}"
    if verified:
        assert client().get(url).status == 200
    else:
        with pytest.raises(RetriableHttpError, match="certificate"):
            client(max_retries=0).get(url)
