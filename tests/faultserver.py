"""A loopback HTTP server that impersonates every job board and misbehaves on request.

Bodies come from the bundled sample night (the renderers' real API shapes), served at each
API's real paths under a per-source prefix: `http://127.0.0.1:PORT/greenhouse/<token>/jobs`
answers what `https://boards-api.greenhouse.io/v1/boards/<token>/jobs` would. Career sites
(JSON-LD) live under `/jsonld/<host>/...`, with their absolute links rewritten to match, and
one combined `/robots.txt`. A config whose `base_url`s point here drives the real client,
adapters, archive and loader over a real socket, which is what `responses` cannot show:
timeouts, resets, redirects, gzip and byte caps all happen in urllib3, not in a mock.

Faults are set per path prefix and count their hits, so a test can say how many requests a
fault drew and when each arrived (server-side monotonic times); `sent` keeps the SHA-256 of
every complete body sent per path, to compare with what the raw archive kept. A POST is
answered as a webhook receiver would (`posted` keeps what arrived), faults included.

`FaultServer(night, tls=...)` serves HTTPS with a throwaway certificate for 127.0.0.1
(`LoopbackCertificate`, trusted through `REQUESTS_CA_BUNDLE`), and `TunnelProxy` is an HTTPS
proxy (CONNECT) in front of it that can trickle its own answer: what a client sees behind
`HTTPS_PROXY`.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import ipaddress
import json
import select
import socket
import socketserver
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pipeline.snapshot import snapshot_key
from sample.recorded import sample_night
from tools.loopback import BackgroundServer

UPSTREAMS = {
    "greenhouse": "https://boards-api.greenhouse.io/v1/boards",
    "lever": "https://api.lever.co/v0/postings",
    "ashby": "https://api.ashbyhq.com/posting-api/job-board",
    "workable": "https://apply.workable.com/api/v1/widget/accounts",
    "smartrecruiters": "https://api.smartrecruiters.com/v1/companies",
    "remoteok": "https://remoteok.com/api",
    "remotive": "https://remotive.com/api/remote-jobs",
    "hn": "https://hn.algolia.com/api/v1",
}
CAREER_HOSTS = ("careers.quillon.example", "jobs.brightwater.example")

FAULT_KINDS = (
    "slow",
    "reset",
    "retry_after",
    "error_then_ok",
    "unavailable",
    "malformed_json",
    "truncated_json",
    "wrong_content_type",
    "html_error_page",
    "gzip_bomb",
    "oversize",
    "redirect_same_origin",
    "redirect_other_host",
    "redirect_other_port",
    "redirect_file",
    "redirect_ftp",
    "not_found",
    "empty",
)
"""The kinds every adapter is tried against. `trickle`, `trickle_headers`, `redirect_bomb`
and `bad_header` are served too, for the tests of one client behaviour each."""


@dataclass(slots=True)
class Fault:
    """How requests under one path prefix misbehave.

    `times` is how many hits misbehave before the path answers normally again (None: every
    hit). `status`, `retry_after`, `delay`, `body`, `content_type` and `location` parameterise
    the kinds that need them; `{path}` in `location` becomes the request's own path.
    `headers` are sent as given by `bad_header` (which sends no other length).
    """

    kind: str
    times: int | None = None
    status: int = 500
    retry_after: int | None = None
    delay: float = 1.0
    body: bytes = b""
    content_type: str = "application/json"
    location: str = ""
    bomb_bytes: int = 64 * 1024 * 1024
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hit:
    at: float
    path: str
    faulted: bool


class FaultServer(BackgroundServer):
    """Threaded server on 127.0.0.1:<ephemeral>; use as a context manager."""

    def __init__(self, night: date, tls: ssl.SSLContext | None = None) -> None:
        self.night = night
        self.recorded = sample_night(night)
        self.faults: dict[str, Fault] = {}
        self.hits: list[Hit] = []
        self.sent: dict[str, list[str]] = {}
        self.posted: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        httpd.tls = tls
        self._serve(httpd)
        self.port = httpd.server_address[1]
        self.origin = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def base_url(self, source: str) -> str:
        return f"{self.origin}/{source}"

    def career_url(self, url: str) -> str:
        """Where this server serves a career-site URL from the sample."""
        parts = urlsplit(url)
        return f"{self.origin}/jsonld/{parts.hostname}{parts.path}"

    def fault(self, prefix: str, fault: Fault) -> None:
        if fault.kind in ("gzip_bomb", "redirect_bomb"):
            _gzip_bomb(fault.bomb_bytes)
        with self._lock:
            self.faults[prefix] = fault

    def reset(self) -> None:
        with self._lock:
            self.faults.clear()
            self.hits.clear()
            self.sent.clear()
            self.posted.clear()

    def hits_under(self, prefix: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path.startswith(prefix)]

    def upstream_url(self, path: str) -> str | None:
        """The real API URL a request path stands for (None outside the known prefixes)."""
        head, _, rest = path.lstrip("/").partition("/")
        if head == "jsonld":
            return f"https://{rest}"
        base = UPSTREAMS.get(head)
        if base is None:
            return None
        return f"{base}/{rest}" if rest and not rest.startswith("?") else base + rest

    def normal(self, path: str) -> tuple[int, str, bytes]:
        """What the board would answer for `path` on this night: (status, type, body)."""
        if path == "/robots.txt":
            return 200, "text/plain", self.robots().encode()
        upstream = self.upstream_url(path)
        recorded = self.recorded.get(snapshot_key(upstream)) if upstream else None
        if recorded is None:
            return 404, "application/json", b'{"ok":false,"error":"Document not found"}'
        body = recorded["body"]
        for host in CAREER_HOSTS:
            body = body.replace(f"https://{host}", f"{self.origin}/jsonld/{host}")
        return int(recorded.get("status", 200)), recorded["content_type"], body.encode()

    def robots(self) -> str:
        """The career sites' own robots rules, re-rooted under their prefixes here."""
        lines = ["User-agent: *"]
        for host in CAREER_HOSTS:
            recorded = self.recorded.get(f"https://{host}/robots.txt")
            for line in (recorded or {}).get("body", "").splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() in ("allow", "disallow") and value.strip():
                    lines.append(f"{key.strip()}: /jsonld/{host}{value.strip()}")
        return "\n".join(lines) + "\n"

    def _take(self, path: str) -> Fault | None:
        with self._lock:
            for prefix, fault in self.faults.items():
                if path.startswith(prefix):
                    if fault.times is not None:
                        if fault.times <= 0:
                            return None
                        fault.times -= 1
                    return fault
            return None

    def _sent(self, path: str, body: bytes) -> None:
        with self._lock:
            self.sent.setdefault(path, []).append(hashlib.sha256(body).hexdigest())

    def _record(self, path: str, faulted: bool) -> None:
        with self._lock:
            self.hits.append(Hit(time.monotonic(), path, faulted))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        """TLS is set up in the request's own thread: a client that never completes its
        handshake holds that thread only, never the accept loop."""
        if self.tls is not None:
            request.settimeout(5)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hang up on purpose here (timeouts, size caps): a broken pipe is expected."""


def _handler_for(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read `server.hits`, not stderr."""

        def do_GET(self) -> None:
            fault = server._take(self.path)
            server._record(self.path, fault is not None)
            if fault is None:
                self._send(*server.normal(self.path))
            else:
                _misbehave(self, server, fault)

        def do_POST(self) -> None:
            """A webhook receiver: records what was posted, answers 204 unless faulted."""
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            fault = server._take(self.path)
            server._record(self.path, fault is not None)
            with server._lock:
                server.posted.append((self.path, body))
            if fault is None:
                self.send_response(204)
                self.end_headers()
            else:
                _misbehave(self, server, fault)

        def _send(
            self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            server._sent(self.path, body)

    return Handler


def _misbehave(handler: Any, server: FaultServer, fault: Fault) -> None:
    status, content_type, body = server.normal(handler.path)
    kind = fault.kind
    if kind == "slow":
        time.sleep(fault.delay)
        handler._send(status, content_type, body)
    elif kind == "reset":
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body) + 1000))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    elif kind in ("retry_after", "error_then_ok", "unavailable"):
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        handler._send(fault.status, "application/json", b'{"error":"try later"}', headers)
    elif kind in ("body", "malformed_json", "html_error_page", "empty"):
        handler._send(200, fault.content_type, fault.body)
    elif kind == "trickle":
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            for i in range(len(body)):
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()
                time.sleep(fault.delay)
        except OSError:
            return
    elif kind == "trickle_headers":
        head = (
            f"HTTP/1.0 200 OK\r\nContent-Type: {content_type}\r\nX-Padding: {'.' * 200}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        try:
            for i in range(len(head)):
                handler.wfile.write(head[i : i + 1])
                handler.wfile.flush()
                time.sleep(fault.delay)
            handler.wfile.write(body)
        except OSError:
            return
    elif kind == "bad_header":
        handler.send_response(fault.status)
        handler.send_header("Content-Type", content_type)
        for name, value in fault.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    elif kind == "redirect_bomb":
        bomb = _gzip_bomb(fault.bomb_bytes)
        location = fault.location.format(path=handler.path)
        status = fault.status if 300 <= fault.status < 400 else 302
        handler._send(
            status, "text/plain", bomb, {"Location": location, "Content-Encoding": "gzip"}
        )
    elif kind == "truncated_json":
        handler._send(200, content_type, body[: len(body) // 2])
    elif kind == "wrong_content_type":
        handler._send(200, "text/html; charset=utf-8", body)
    elif kind == "gzip_bomb":
        bomb = _gzip_bomb(fault.bomb_bytes)
        handler._send(200, "application/json", bomb, {"Content-Encoding": "gzip"})
    elif kind == "oversize":
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        chunk = b" " * 65536
        try:
            for _ in range(fault.bomb_bytes // len(chunk)):
                handler.wfile.write(chunk)
        except OSError:
            return
    elif kind == "not_found":
        handler._send(404, "application/json", b'{"ok":false,"error":"Document not found"}')
    elif kind.startswith("redirect"):
        location = fault.location.format(path=handler.path)
        status = fault.status if 300 <= fault.status < 400 else 302
        handler._send(status, "text/plain", b"moved", {"Location": location})
    else:
        raise ValueError(f"unknown fault kind {kind!r}")


@functools.cache
def _gzip_bomb(size: int) -> bytes:
    """Compressed once per size: compressing 64 MB per hit would itself outlast a timeout."""
    return gzip.compress(b"\0" * size, compresslevel=9)


def empty_listing(source: str, company: str) -> bytes:
    """A board's real-shape answer with no postings in it (a typo'd token or a wiped board)."""
    bodies: dict[str, Any] = {
        "greenhouse": {"jobs": [], "meta": {"total": 0}},
        "lever": [],
        "ashby": {"apiVersion": "1", "jobs": []},
        "workable": {"name": company, "description": "", "jobs": []},
        "smartrecruiters": {"limit": 100, "offset": 0, "totalFound": 0, "content": []},
        "remoteok": [{"last_updated": 1794704400, "legal": "API Terms of Service"}],
        "remotive": {"00-warning": "terms", "job-count": 0, "jobs": []},
        "hn": {"hits": [], "nbHits": 0, "nbPages": 0, "page": 0},
    }
    if source == "jsonld":
        return (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
        )
    return json.dumps(bodies[source]).encode()


def sample_boards() -> dict[str, dict[str, Any]]:
    """One sample board per source (the first the manifest lists), as config entries."""
    from sample.recorded import sample_manifest

    boards: dict[str, dict[str, Any]] = {}
    for b in sample_manifest()["boards"]:
        boards.setdefault(
            b["source"], {"token": b["token"], "company": b["company"], "options": b["options"]}
        )
    return boards


def live_config(
    server: FaultServer,
    sources: list[str],
    *,
    min_interval: float = 0.0,
    http: dict[str, Any] | None = None,
    boards: dict[str, dict[str, Any]] | None = None,
) -> str:
    """A live-mode TOML config pointing `sources` at the server, with fast test timeouts.

    Flow-level task retries are off (their default delay is minutes): the faults exercise
    the HTTP client's own retries, which the server counts. The read timeout is generous
    because the server answers from a thread of the test's own process on a loaded machine:
    at 0.3 s an ordinary answer sometimes timed out under `make reliability`, drew a retry
    and broke an exact hit count (`remotive-empty`). The "slow" case sets its own."""
    settings = {
        "user_agent": "jobtrends-faults",
        "connect_timeout": 1.0,
        "read_timeout": 3.0,
        "max_retries": 2,
        "backoff_base": 0.0,
        "max_response_bytes": 4 * 1024 * 1024,
        **(http or {}),
    }
    chosen = boards or sample_boards()
    lines = ['mode = "live"', "[http]"]
    lines += [f"{k} = {_toml(v)}" for k, v in settings.items()]
    lines += ["[orchestration]", "fetch_retries = 0", "retry_delay_seconds = 0", "load_retries = 0"]
    for source in sources:
        board = dict(chosen[source])
        options = dict(board.get("options") or {})
        if source == "jsonld" and "sitemap" in options:
            options["sitemap"] = server.career_url(options["sitemap"])
        board["options"] = options
        lines += [
            f"[sources.{source}]",
            f"base_url = {_toml(server.base_url(source))}",
            f"min_interval = {min_interval}",
            f"boards = [{_toml(board)}]",
        ]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


@dataclass(frozen=True, slots=True)
class LoopbackCertificate:
    """A self-signed certificate for 127.0.0.1 and `NAME`, and its key, under `folder`."""

    NAME: ClassVar[str] = "boards.example.test"
    cert: Path
    key: Path

    @staticmethod
    def make(folder: Path) -> LoopbackCertificate:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                        x509.DNSName(LoopbackCertificate.NAME),
                    ]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        paths = LoopbackCertificate(folder / "cert.pem", folder / "key.pem")
        paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths.key.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return paths

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


class TunnelProxy(BackgroundServer):
    """An HTTPS proxy on 127.0.0.1:<ephemeral>: answers CONNECT and relays the bytes.

    `trickle` (seconds a byte) makes it send its "200 Connection established" answer one
    byte at a time, so the client's read of it never times out. `tunnels` lists the
    `host:port` each CONNECT asked for.
    """

    def __init__(self, trickle: float | None = None) -> None:
        self.trickle = trickle
        self.tunnels: list[str] = []
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        self._serve(httpd)
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"

    def _handle(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.tunnels.append(target)
        answer = f"HTTP/1.1 200 Connection established\r\nX-Padding: {'.' * 200}\r\n\r\n"
        try:
            if self.trickle is None:
                client.sendall(answer.encode())
            else:
                for byte in answer.encode():
                    client.sendall(bytes([byte]))
                    time.sleep(self.trickle)
            host, _, port = target.rpartition(":")
            with socket.create_connection((host, int(port)), timeout=5) as upstream:
                _relay(client, upstream)
        except OSError:
            return


def _relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side hangs up."""
    peers = {a: b, b: a}
    while True:
        readable, _, _ = select.select(list(peers), [], [], 10)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            peers[sock].sendall(data)
