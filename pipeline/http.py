"""The one HTTP client every source fetches through.

It is the only part of `pipeline` that does I/O. Politeness (User-Agent, per-host rate
limit and concurrency cap), robustness (timeouts, retries with backoff and jitter that honour
`Retry-After`) and safety (TLS always verified, a cap on decoded response size) live here once
instead of in each adapter. The transport is injectable: the offline sample mounts a snapshot
adapter on the same session, so a replay exercises exactly this code.

The client stays where it was sent. It follows redirects itself, hop by hop, and each hop
must pass the checks the first URL passed: an allowed host (the configured one or a host
its source declared), the same port, never https to http, never a loopback, private or
link-local address unless the request started at one, robots.txt when the caller checks
it, and the host's rate limit. A name is resolved once, every address it gives is checked,
and the socket connects to a checked address, so DNS cannot answer differently between the
check and the connect. `total_timeout` and the size cap cover the whole exchange, redirects,
headers, proxy tunnels and TLS handshakes included: a watchdog shuts the sockets of an
exchange past its deadline, because a read blocked on a trickling server cannot look at a
clock itself.

Every failure is decided once, here: `HttpError.retriable` says whether trying again later
can help, so the orchestrator needs no rules of its own.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import math
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ProxyError
from urllib3.util.connection import allowed_gai_family

RETRIABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
CONNECT_RETRIES = 1
"""Quick retries after DNS failure or a refused connection: a night without network must
end within a minute, not after the backoff schedule and the orchestrator's retries."""
DEFAULT_PORTS = {"http": 80, "https": 443}
DIGITS = re.compile(r"[0-9]+")
"""ASCII digits only: `str.isdigit` accepts `²`, which `int` then refuses."""


class HttpError(Exception):
    """A request that did not produce a usable response; carries the URL and status."""

    retriable = False

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"{where} from {url}: {reason}")


class RetriableHttpError(HttpError):
    """Worth trying again later: connection trouble, timeouts, 429 and 5xx."""

    retriable = True

    def __init__(
        self, url: str, reason: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(url, reason, status)
        self.retry_after = retry_after


class FatalHttpError(HttpError):
    """Trying again will not help: 4xx other than 429, bad scheme, oversize body."""


class NotFound(FatalHttpError):
    """The board does not exist (404); a config error to report, never an empty board."""


class ResponseTooLarge(FatalHttpError):
    """The body grew past the configured cap (after decompression, so gzip bombs stop too)."""


class RedirectRefused(FatalHttpError):
    """A redirect (or a connection) to somewhere this request may not go."""


class BadHeader(FatalHttpError):
    """A response header the client must read has a value it cannot parse."""


class NotModified(FatalHttpError):
    """304 to a conditional request: the content is what the validators sent stood for."""


class Unreachable(FatalHttpError):
    """DNS failed, the connection was refused or timed out: retried once at once, then
    given up for tonight (fatal, so no orchestrator retry waits minutes for a dead network)."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_retries: int = 4
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_response_bytes: int = 50 * 1024 * 1024
    total_timeout: float = 300.0
    """Seconds one exchange (every redirect hop, headers and body) may take in all:
    `read_timeout` is per read, so a server that trickles a byte at a time would otherwise
    hold a fetch (and the night) open forever."""


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """How hard one host may be called: minimum seconds between requests, parallel cap."""

    min_interval: float = 0.0
    max_concurrency: int = 4


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said identifies the content it sent for `url` (`ETag`,
    `Last-Modified`): sent back with the next request for that URL, so an unchanged answer
    costs a 304 and no body."""

    url: str
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {"If-None-Match": self.etag} if self.etag else {}
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    status: int
    content_type: str
    body: bytes
    attempts: int
    received_at: datetime
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a URL points: scheme, lower-cased host and effective port."""

    scheme: str
    host: str
    port: int

    @staticmethod
    def of(url: str) -> _Target:
        """Raises ValueError for a URL that has no host or an unparseable port."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        if not host:
            raise ValueError(f"no host in {url!r}")
        return _Target(scheme, host, parts.port or DEFAULT_PORTS.get(scheme, 0))


class _HostGate:
    """Spaces requests to one host and caps how many are in flight at once."""

    def __init__(self, policy: HostPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self._next_at = 0.0
        self._last_sent = -math.inf
        self.slots = threading.BoundedSemaphore(max(1, policy.max_concurrency))

    def reserve(self) -> float:
        """Claim the next send slot and return how long to wait for it."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next_at)
            self._next_at = at + self.policy.min_interval
            return at - now

    def claim(self) -> float:
        """Take the send that is about to leave and return how long it must still wait.

        `reserve` spaces the planned send times, but a thread that oversleeps (a busy
        machine) or is preempted after its wait could leave together with the next one. So
        just before sending, under the lock, each send takes its real time, at least
        `min_interval` after the last send taken, and pushes planned sends past it too.
        """
        with self._lock:
            now = self._clock()
            at = max(now, self._last_sent + self.policy.min_interval)
            self._last_sent = at
            self._next_at = max(self._next_at, at + self.policy.min_interval)
            return at - now

    def push_back(self, seconds: float) -> None:
        """A server asked us to slow down: nobody sends to this host before then."""
        with self._lock:
            self._next_at = max(self._next_at, self._clock() + seconds)


class _Exchange:
    """One request and its redirects: a deadline over all of it, and who may be connected to.

    The connections it uses register themselves (see `_Watched`); when the deadline passes,
    the watchdog shuts their sockets, which wakes any read blocked on a trickling server.
    """

    def __init__(self, seconds: float, private_ok: bool) -> None:
        self.seconds = seconds
        self.private_ok = private_ok
        self.expired = False
        self._conns: list[HTTPConnection] = []
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True

    def start(self) -> None:
        """Start the clock at the first send (waiting for the rate limit is not the server's
        time); later hops run on the same clock."""
        if self._timer.ident is None:
            self._timer.start()

    def stop(self) -> None:
        self._timer.cancel()

    def watch(self, conn: HTTPConnection, sock: socket.socket | None = None) -> None:
        """Remember the connection and its socket: `http.client` drops `conn.sock` once a
        response that closes the connection has begun, while the body is still read from it.

        A new socket is watched before `conn.sock` is set, so a proxy's CONNECT answer and
        the TLS handshake run on the deadline too.
        """
        sock = sock or conn.sock
        with self._lock:
            if conn not in self._conns:
                self._conns.append(conn)
            if sock is not None and sock not in self._socks:
                self._socks.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def addresses(self, host: str, port: int) -> list[str]:
        """Every address `host` resolves to, or `RedirectRefused` if any is non-public: a
        public name may resolve to 127.0.0.1 or 169.254.169.254 (DNS rebinding)."""
        infos = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
        found = list(dict.fromkeys(str(info[4][0]) for info in infos))
        private = [a for a in found if not _public(a)]
        if private:
            raise RedirectRefused(f"{host}:{port}", f"{host} resolves to non-public {private[0]}")
        return found

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            socks = [c.sock for c in self._conns if c.sock is not None] + self._socks
        for sock in socks:
            _shut(sock)


_current = threading.local()


@contextlib.contextmanager
def _exchange(seconds: float, private_ok: bool) -> Iterator[_Exchange]:
    exchange = _Exchange(seconds, private_ok)
    previous = getattr(_current, "exchange", None)
    _current.exchange = exchange
    try:
        yield exchange
    finally:
        exchange.stop()
        _current.exchange = previous


class _Watched:
    """Mixed into urllib3's connections so the running exchange can watch and vet them."""

    _dns_host: str
    proxy: Any

    def request(self, *args: Any, **kwargs: Any) -> None:
        """A pooled connection may come from an earlier exchange: this one watches it too."""
        exchange: _Exchange | None = getattr(_current, "exchange", None)
        if exchange is not None:
            exchange.watch(self)  # type: ignore[arg-type]
        super().request(*args, **kwargs)  # type: ignore[misc]

    def _new_conn(self) -> socket.socket:
        """Connect to an address that was checked, and watch the socket from its first byte.

        Behind a proxy the socket goes to the proxy, which the operator chose and which
        resolves the target itself; the target's literal addresses are still vetted hop by
        hop. urllib3 connects to `_dns_host`, so it is pointed at each checked address in
        turn (the name stays for the Host header, SNI and certificate checks elsewhere).
        """
        exchange: _Exchange | None = getattr(_current, "exchange", None)
        if exchange is None or exchange.private_ok or self.proxy is not None:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        else:
            sock = self._connect_checked(exchange)
        if exchange is not None:
            exchange.watch(self, sock)  # type: ignore[arg-type]
        return sock

    def _connect_checked(self, exchange: _Exchange) -> socket.socket:
        name = self._dns_host
        try:
            addresses = exchange.addresses(name.rstrip("."), self.port)  # type: ignore[attr-defined]
        except socket.gaierror as exc:
            raise NameResolutionError(name, self, exc) from exc  # type: ignore[arg-type]
        error: NewConnectionError | None = None
        try:
            for address in addresses:
                self._dns_host = address
                try:
                    return super()._new_conn()  # type: ignore[misc,no-any-return]
                except NewConnectionError as exc:
                    error = exc
        finally:
            self._dns_host = name
        raise error or NewConnectionError(self, f"{name} has no address")  # type: ignore[arg-type]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """The transport: `requests`' own, over connections the exchange deadline can cut.

    Direct requests and those through an HTTP(S) proxy (`HTTPS_PROXY`: a CONNECT tunnel)
    both use the watched connections, so the deadline holds behind a proxy as well.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(WATCHED_POOLS)
        return manager


class _Session(requests.Session):
    """A session that never looks at a redirect: the client follows them itself.

    `requests` reads a 3xx body in full to resolve the redirect, even with
    `allow_redirects=False` (it prepares `Response.next`), so a gzip bomb behind a 302 was
    decoded into memory before any check could run.
    """

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


def watched_session() -> requests.Session:
    session = _Session()
    session.mount("http://", WatchedAdapter())
    session.mount("https://", WatchedAdapter())
    return session


class HttpClient:
    """A `requests.Session` wrapped with the house rules for calling job boards."""

    def __init__(
        self,
        settings: HttpSettings,
        host_policies: Mapping[str, HostPolicy] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.session = session or watched_session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.headers.setdefault("Accept", "application/json, text/html;q=0.9, */*;q=0.5")
        self._policies = dict(host_policies or {})
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self._allowed: dict[str, set[str]] = {}
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._now = now
        self._revalidate = threading.local()

    def now(self) -> datetime:
        """The client's clock: receive times come from it (a replayed night's in sample mode)."""
        return self._now()

    def set_host_policy(self, host: str, policy: HostPolicy) -> None:
        with self._gates_lock:
            self._policies[host] = policy
            self._gates.pop(host, None)

    def allow_hosts(self, hosts: Iterable[str]) -> None:
        """Let a request that starts at one of `hosts` be redirected to any of them.

        A source calls a few documented hosts (an EU API, an old domain that redirects);
        anything else a redirect names is refused. Without a call, only the request's own
        host is allowed.
        """
        group = {h.lower() for h in hosts if h}
        with self._gates_lock:
            for host in group:
                self._allowed.setdefault(host, set()).update(group)

    @contextlib.contextmanager
    def revalidating(self, validators: Validators | None) -> Iterator[None]:
        """Within the block, in this thread, a request for `validators.url` is conditional:
        it carries the validators, and a 304 raises `NotModified`. The caller (a board's
        fetch) need not know which of its source's requests that is."""
        previous = getattr(self._revalidate, "validators", None)
        self._revalidate.validators = validators
        try:
            yield
        finally:
            self._revalidate.validators = previous

    def _conditional(self, url: str, params: Mapping[str, str | int] | None) -> dict[str, str]:
        validators: Validators | None = getattr(self._revalidate, "validators", None)
        if validators is None:
            return {}
        full = requests.Request("GET", url, params=dict(params or {})).prepare().url
        return validators.headers() if full == validators.url else {}

    def _gate(self, host: str) -> _HostGate:
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = _HostGate(self._policies.get(host, HostPolicy()), self._clock)
                self._gates[host] = gate
            return gate

    def get(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        may_follow: Callable[[str], bool] | None = None,
    ) -> Response:
        """GET with retries; returns a 2xx response or raises a narrow `HttpError`.

        `may_follow` vets each redirect target beyond the host rules (robots.txt for the
        crawlers that honour it).
        """
        start = _start(url)
        conditional = self._conditional(url, params)
        if conditional:
            headers = {**(headers or {}), **conditional}
        attempt = 0
        unreachable = 0
        while True:
            attempt += 1
            try:
                return self._attempt(start, url, params, headers, may_follow, attempt)
            except Unreachable:
                unreachable += 1
                if unreachable > CONNECT_RETRIES or attempt > self.settings.max_retries:
                    raise
                self._sleep(min(self.settings.backoff_base, 1.0))
            except RetriableHttpError as exc:
                if attempt > self.settings.max_retries:
                    raise
                delay = self._backoff(attempt, exc.retry_after)
                self._gate(_host_of(exc.url, start.host)).push_back(delay)

    def _attempt(
        self,
        start: _Target,
        url: str,
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str] | None,
        may_follow: Callable[[str], bool] | None,
        attempt: int,
    ) -> Response:
        """One exchange: the request and every redirect it draws, on one deadline."""
        with _exchange(self.settings.total_timeout, not _public(start.host)) as exchange:
            hop_url, hop_params = url, params
            for _ in range(MAX_REDIRECTS + 1):
                gate = self._gate(_Target.of(hop_url).host)
                wait = gate.reserve()
                if wait > 0:
                    self._sleep(wait)
                with gate.slots:
                    late = gate.claim()
                    if late > 0:
                        self._sleep(late)
                    exchange.start()
                    resp = self._send(hop_url, hop_params, headers, exchange)
                    with resp:
                        if resp.status_code in REDIRECT_STATUSES:
                            hop_url = self._follow(
                                resp, resp.url or hop_url, start, exchange, may_follow
                            )
                            hop_params = None
                            continue
                        return self._finish(resp, resp.url or hop_url, attempt, exchange)
            raise RedirectRefused(url, f"more than {MAX_REDIRECTS} redirects")

    def _send(
        self,
        url: str,
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str] | None,
        exchange: _Exchange,
    ) -> requests.Response:
        try:
            return self.session.get(
                url,
                params=params,
                headers=headers,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                stream=True,
                verify=True,
                allow_redirects=False,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            if exchange.expired:
                raise RetriableHttpError(
                    url, f"no complete headers after {self.settings.total_timeout:g}s"
                ) from exc
            if _unreachable(exc):
                raise Unreachable(url, f"{type(exc).__name__}: {exc}") from exc
            raise RetriableHttpError(url, f"{type(exc).__name__}: {exc}") from exc
        except requests.RequestException as exc:
            raise FatalHttpError(url, f"{type(exc).__name__}: {exc}") from exc

    def _follow(
        self,
        resp: requests.Response,
        url: str,
        start: _Target,
        exchange: _Exchange,
        may_follow: Callable[[str], bool] | None,
    ) -> str:
        """The next hop's URL, if every rule lets the exchange go there; the 3xx body is
        never read (closing the response drops it unread, bomb or not)."""
        status = resp.status_code
        location = resp.headers.get("Location")
        if not location:
            raise FatalHttpError(url, "redirect without a Location header", status)
        try:
            target_url = urljoin(url, location.strip())
            scheme = urlsplit(target_url).scheme.lower()
        except ValueError as exc:
            raise BadHeader(url, f"unparseable Location header {location!r}", status) from exc

        def refuse(why: str) -> RedirectRefused:
            return RedirectRefused(url, f"redirect to {target_url} refused: {why}", status)

        if scheme not in DEFAULT_PORTS:
            raise refuse(f"scheme {scheme!r}")
        try:
            target = _Target.of(target_url)
        except ValueError as exc:
            raise BadHeader(url, f"unparseable Location header {location!r}", status) from exc
        if start.scheme == "https" and target.scheme == "http":
            raise refuse("https to http")
        allowed = self._allowed.get(start.host, set()) | {start.host}
        if target.host not in allowed:
            raise refuse(f"host {target.host} is not one of {', '.join(sorted(allowed))}")
        same_port = target.port == start.port
        default_ports = (
            target.port == DEFAULT_PORTS[target.scheme]
            and start.port == DEFAULT_PORTS[start.scheme]
        )
        if not (same_port or default_ports):
            raise refuse(f"port {target.port} (the request went to port {start.port})")
        if not exchange.private_ok and not _public(target.host):
            raise refuse("non-public address")
        if may_follow is not None and not may_follow(target_url):
            raise refuse("disallowed by robots.txt")
        return target_url

    def _finish(
        self, resp: requests.Response, url: str, attempt: int, exchange: _Exchange
    ) -> Response:
        if resp.status_code == 304:
            raise NotModified(url, "not modified since the validators sent", 304)
        if resp.status_code >= 400:
            reason = resp.reason or "error"
            if resp.status_code in RETRIABLE_STATUSES:
                raise RetriableHttpError(url, reason, resp.status_code, _retry_after(resp, url))
            if resp.status_code == 404:
                raise NotFound(url, reason, 404)
            raise FatalHttpError(url, reason, resp.status_code)
        body = self._read_capped(resp, url, exchange)
        return Response(
            url=url,
            status=resp.status_code,
            content_type=resp.headers.get("Content-Type", ""),
            body=body,
            attempts=attempt,
            received_at=self._now(),
            etag=resp.headers.get("ETag"),
            last_modified=resp.headers.get("Last-Modified"),
        )

    def _read_capped(self, resp: requests.Response, url: str, exchange: _Exchange) -> bytes:
        cap = self.settings.max_response_bytes
        declared = _content_length(resp, url)
        if declared is not None and declared > cap:
            raise ResponseTooLarge(
                url, f"Content-Length {declared} over cap {cap}", resp.status_code
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > cap:
                    raise ResponseTooLarge(url, f"body over cap {cap} bytes", resp.status_code)
                chunks.append(chunk)
        except (requests.RequestException, OSError) as exc:
            if exchange.expired:
                raise RetriableHttpError(
                    url,
                    f"body still arriving after {self.settings.total_timeout:g}s",
                    resp.status_code,
                ) from exc
            if isinstance(exc, requests.ConnectionError | requests.Timeout):
                raise RetriableHttpError(url, f"body interrupted: {exc}", resp.status_code) from exc
            raise RetriableHttpError(url, f"body unreadable: {exc}", resp.status_code) from exc
        if exchange.expired:
            raise RetriableHttpError(
                url, f"body still arriving after {self.settings.total_timeout:g}s", resp.status_code
            )
        return b"".join(chunks)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.settings.backoff_max)
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        return self._rng.uniform(ceiling / 2, ceiling)


def post_json(
    url: str, payload: Any, *, user_agent: str = "jobtrends", total_timeout: float = 10.0
) -> int:
    """POST `payload` as JSON and return the status; raises an `HttpError` if not 2xx.

    For the failure webhook: no redirect is followed (a 307 would resend the run summary to
    wherever it points), and `total_timeout` bounds the whole exchange, so an endpoint that
    trickles its answer cannot hold the caller for longer. The response body is not read.
    """
    _start(url)
    session = watched_session()
    with session, _exchange(total_timeout, private_ok=True) as exchange:
        exchange.start()
        try:
            resp = session.post(
                url,
                data=json.dumps(payload, default=str).encode(),
                headers={"Content-Type": "application/json", "User-Agent": user_agent},
                timeout=(total_timeout, total_timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            if exchange.expired:
                raise RetriableHttpError(url, f"no answer within {total_timeout:g}s") from exc
            raise RetriableHttpError(url, f"{type(exc).__name__}: {exc}") from exc
        with resp:
            if resp.status_code in REDIRECT_STATUSES:
                where = resp.headers.get("Location", "nowhere")
                raise RedirectRefused(
                    url, f"webhook redirects are not followed (to {where})", resp.status_code
                )
            if resp.status_code in RETRIABLE_STATUSES:
                raise RetriableHttpError(url, resp.reason or "error", resp.status_code)
            if resp.status_code >= 300:
                raise FatalHttpError(url, resp.reason or "error", resp.status_code)
            return resp.status_code


def _start(url: str) -> _Target:
    """The first URL of a request, vetted: http(s) with a host."""
    scheme = urlsplit(url).scheme
    if scheme not in DEFAULT_PORTS:
        raise FatalHttpError(url, f"refusing scheme {scheme!r}")
    try:
        return _Target.of(url)
    except ValueError as exc:
        raise FatalHttpError(url, f"unusable URL: {exc}") from exc


def _host_of(url: str, default: str) -> str:
    try:
        return _Target.of(url).host
    except ValueError:
        return default


def _public(host: str) -> bool:
    """False for loopback, private, link-local and other non-global addresses (and
    `localhost`); a name other than that counts as public until it connects somewhere."""
    if host.rstrip(".") == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _unreachable(exc: requests.RequestException) -> bool:
    """DNS failure, refused or timed-out connect: the host (or the proxy in front of it)
    cannot be reached at all."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    reason = cause.reason if isinstance(cause, MaxRetryError) else None
    if isinstance(reason, ProxyError):
        reason = reason.original_error
    return isinstance(reason, NewConnectionError)


def _shut(sock: socket.socket | None) -> None:
    """Shut a connection's socket so a read blocked on it returns now.

    The socket is reached through a duplicate of its descriptor: shutdown acts on the
    connection, closing the duplicate does not, and a TLS socket's state is left to the
    thread that owns it.
    """
    if sock is None:
        return
    with (
        contextlib.suppress(OSError, ValueError, TypeError),
        socket.socket(fileno=os.dup(sock.fileno())) as dup,
    ):
        dup.shutdown(socket.SHUT_RDWR)


def _content_length(resp: requests.Response, url: str) -> int | None:
    value = resp.headers.get("Content-Length")
    if value is None:
        return None
    value = value.strip()
    if not DIGITS.fullmatch(value):
        raise BadHeader(url, f"unparseable Content-Length header {value!r}", resp.status_code)
    return int(value)


def _retry_after(resp: requests.Response, url: str) -> float | None:
    """`Retry-After` is either seconds or an HTTP date; anything else is a bad header."""
    value = resp.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if DIGITS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError) as exc:
        raise BadHeader(url, f"unparseable Retry-After header {value!r}", resp.status_code) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
