"""The one HTTP client every source fetches through.

It is the only part of `pipeline` that does I/O. Politeness (User-Agent, per-host rate
limit and concurrency cap), robustness (timeouts, retries with backoff and jitter that honour
`Retry-After`) and safety (TLS always verified, a cap on decoded response size) live here once
instead of in each adapter. The transport is injectable: the offline sample mounts a snapshot
adapter on the same session, so a replay exercises exactly this code.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

RETRIABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


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
    """Seconds one response may take in all: `read_timeout` is per read, so a server that
    trickles a byte at a time would otherwise hold a fetch (and the night) open forever."""


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """How hard one host may be called: minimum seconds between requests, parallel cap."""

    min_interval: float = 0.0
    max_concurrency: int = 4


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    status: int
    content_type: str
    body: bytes
    attempts: int
    received_at: datetime


class _HostGate:
    """Spaces requests to one host and caps how many are in flight at once."""

    def __init__(self, policy: HostPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self._next_at = 0.0
        self.slots = threading.BoundedSemaphore(max(1, policy.max_concurrency))

    def reserve(self) -> float:
        """Claim the next send slot and return how long to wait for it."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next_at)
            self._next_at = at + self.policy.min_interval
            return at - now

    def sent(self) -> None:
        """A request is leaving now: the next may not leave before `min_interval` from now.

        `reserve` spaces the planned send times; a late wake-up (a busy machine oversleeps)
        would otherwise shorten the gap after it, so the interval counts from the real send.
        """
        with self._lock:
            self._next_at = max(self._next_at, self._clock() + self.policy.min_interval)

    def push_back(self, seconds: float) -> None:
        """A server asked us to slow down: nobody sends to this host before then."""
        with self._lock:
            self._next_at = max(self._next_at, self._clock() + seconds)


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
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.headers.setdefault("Accept", "application/json, text/html;q=0.9, */*;q=0.5")
        self.session.max_redirects = 5
        self._policies = dict(host_policies or {})
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._now = now

    def now(self) -> datetime:
        """The client's clock: receive times come from it (a replayed night's in sample mode)."""
        return self._now()

    def set_host_policy(self, host: str, policy: HostPolicy) -> None:
        with self._gates_lock:
            self._policies[host] = policy
            self._gates.pop(host, None)

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
    ) -> Response:
        """GET with retries; returns a 2xx response or raises a narrow `HttpError`."""
        scheme = urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise FatalHttpError(url, f"refusing scheme {scheme!r}")
        gate = self._gate(urlsplit(url).hostname or "")
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._once(gate, url, params, headers, attempt)
            except RetriableHttpError as exc:
                if attempt > self.settings.max_retries:
                    raise
                delay = self._backoff(attempt, exc.retry_after)
                gate.push_back(delay)

    def _once(
        self,
        gate: _HostGate,
        url: str,
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str] | None,
        attempt: int,
    ) -> Response:
        wait = gate.reserve()
        if wait > 0:
            self._sleep(wait)
        with gate.slots:
            gate.sent()
            started = self._clock()
            try:
                resp = self.session.get(
                    url,
                    params=params,
                    headers=headers,
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                    stream=True,
                    verify=True,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise RetriableHttpError(url, f"{type(exc).__name__}: {exc}") from exc
            except requests.TooManyRedirects as exc:
                raise FatalHttpError(url, "too many redirects") from exc
            except requests.RequestException as exc:
                raise FatalHttpError(url, f"{type(exc).__name__}: {exc}") from exc
            with resp:
                final_url = resp.url or url
                if resp.status_code >= 400:
                    reason = resp.reason or "error"
                    if resp.status_code in RETRIABLE_STATUSES:
                        raise RetriableHttpError(
                            final_url,
                            reason,
                            resp.status_code,
                            _retry_after(resp.headers.get("Retry-After")),
                        )
                    if resp.status_code == 404:
                        raise NotFound(final_url, reason, 404)
                    raise FatalHttpError(final_url, reason, resp.status_code)
                body = self._read_capped(resp, final_url, started)
                return Response(
                    url=final_url,
                    status=resp.status_code,
                    content_type=resp.headers.get("Content-Type", ""),
                    body=body,
                    attempts=attempt,
                    received_at=self._now(),
                )

    def _read_capped(self, resp: requests.Response, url: str, started: float) -> bytes:
        cap = self.settings.max_response_bytes
        deadline = started + self.settings.total_timeout
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise ResponseTooLarge(
                url, f"Content-Length {declared} over cap {cap}", resp.status_code
            )
        chunks: list[bytes] = []
        size = 0
        watchdog = threading.Timer(max(0.0, deadline - self._clock()), _cut, args=(resp,))
        watchdog.daemon = True
        watchdog.start()
        try:
            for chunk in resp.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > cap:
                    raise ResponseTooLarge(url, f"body over cap {cap} bytes", resp.status_code)
                chunks.append(chunk)
        except (requests.RequestException, OSError) as exc:
            if self._clock() >= deadline:
                raise RetriableHttpError(
                    url,
                    f"body still arriving after {self.settings.total_timeout:g}s",
                    resp.status_code,
                ) from exc
            if isinstance(exc, requests.ConnectionError | requests.Timeout):
                raise RetriableHttpError(url, f"body interrupted: {exc}", resp.status_code) from exc
            raise RetriableHttpError(url, f"body unreadable: {exc}", resp.status_code) from exc
        finally:
            watchdog.cancel()
        return b"".join(chunks)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.settings.backoff_max)
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        return self._rng.uniform(ceiling / 2, ceiling)


def _cut(resp: requests.Response) -> None:
    """Shut the response's socket so a read blocked on a trickling server returns now.

    `read_timeout` bounds each wait for a byte, and a blocked read cannot check a clock, so
    the total deadline is enforced from outside: a shutdown wakes the reader with an error.
    The socket is reached through a duplicate of its descriptor (shutdown acts on the
    connection, closing the duplicate does not); a body without a socket has nothing to cut.
    """
    fileno = getattr(resp.raw, "fileno", None)
    with (
        contextlib.suppress(OSError, ValueError, TypeError),
        socket.socket(fileno=os.dup(fileno())) as sock,
    ):
        sock.shutdown(socket.SHUT_RDWR)


def _retry_after(value: str | None) -> float | None:
    """`Retry-After` is either seconds or an HTTP date; anything else is ignored."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def post_json(url: str, payload: Any, *, timeout: float = 10.0) -> None:
    """POST one JSON document (a notification: sent once, never retried, so a slow receiver
    cannot hold up the run); raises `HttpError` when it is not accepted."""
    try:
        resp = requests.post(url, json=payload, timeout=timeout)
    except requests.RequestException as exc:
        raise RetriableHttpError(url, f"{type(exc).__name__}: {exc}") from exc
    with resp:
        if resp.status_code >= 400:
            cls = RetriableHttpError if resp.status_code in RETRIABLE_STATUSES else FatalHttpError
            raise cls(url, resp.reason or "error", resp.status_code)
