"""The shared HTTP client: politeness, retries, size cap and narrow errors."""

from __future__ import annotations

import gzip
import itertools

import pytest
import requests
import responses

from pipeline.http import (
    BadHeader,
    FatalHttpError,
    HostPolicy,
    HttpClient,
    HttpSettings,
    NotFound,
    RedirectRefused,
    ResponseTooLarge,
    RetriableHttpError,
)

URL = "https://boards.example.test/jobs"


def client(**overrides: object) -> tuple[HttpClient, list[float]]:
    slept: list[float] = []
    settings = HttpSettings(user_agent="jobtrends-test/1", **overrides)  # type: ignore[arg-type]
    return HttpClient(settings, sleep=slept.append), slept


@responses.activate
def test_sends_user_agent_and_returns_body() -> None:
    responses.get(URL, json={"jobs": []})
    http, _ = client()
    resp = http.get(URL, params={"content": "true"})
    assert resp.status == 200 and resp.body == b'{"jobs": []}'
    assert responses.calls[0].request.headers["User-Agent"] == "jobtrends-test/1"
    assert responses.calls[0].request.url == URL + "?content=true"


@responses.activate
def test_retries_5xx_then_succeeds() -> None:
    responses.get(URL, status=503)
    responses.get(URL, status=500)
    responses.get(URL, json={"ok": True})
    http, slept = client(max_retries=3, backoff_base=1.0)
    assert http.get(URL).attempts == 3
    assert len(slept) == 2 and all(0 < s <= 2 for s in slept)


@responses.activate
def test_honours_retry_after_on_429() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "7"})
    responses.get(URL, json=[])
    http, slept = client(max_retries=2)
    http.get(URL)
    assert slept == [pytest.approx(7.0, abs=0.1)]


@responses.activate
def test_gives_up_after_max_retries_with_a_retriable_error() -> None:
    responses.get(URL, status=502)
    http, _ = client(max_retries=2, backoff_base=0.0)
    with pytest.raises(RetriableHttpError) as err:
        http.get(URL)
    assert err.value.status == 502 and err.value.url == URL and err.value.retriable
    assert len(responses.calls) == 3


@responses.activate
def test_connection_errors_are_retriable() -> None:
    responses.get(URL, body=requests.ConnectionError("reset by peer"))
    http, _ = client(max_retries=1, backoff_base=0.0)
    with pytest.raises(RetriableHttpError, match="reset by peer"):
        http.get(URL)
    assert len(responses.calls) == 2


@responses.activate
def test_404_is_not_found_and_not_retried() -> None:
    responses.get(URL, status=404, json={"ok": False, "error": "Document not found"})
    http, _ = client(max_retries=3)
    with pytest.raises(NotFound):
        http.get(URL)
    assert len(responses.calls) == 1


@responses.activate
def test_other_4xx_is_fatal() -> None:
    responses.get(URL, status=403)
    http, _ = client()
    with pytest.raises(FatalHttpError) as err:
        http.get(URL)
    assert not err.value.retriable and err.value.status == 403


@responses.activate
def test_body_over_the_cap_is_refused_even_when_compressed() -> None:
    bomb = gzip.compress(b"0" * 200_000)
    responses.get(URL, body=bomb, headers={"Content-Encoding": "gzip"})
    http, _ = client(max_response_bytes=50_000)
    with pytest.raises(ResponseTooLarge):
        http.get(URL)


@responses.activate
def test_https_never_redirects_to_http() -> None:
    responses.get(URL, status=302, headers={"Location": "http://boards.example.test/jobs"})
    http, _ = client()
    with pytest.raises(RedirectRefused, match="https to http"):
        http.get(URL)
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.5", "169.254.169.254", "[::1]", "[::ffff:10.0.0.5]"]
)
@responses.activate
def test_a_public_start_never_redirects_to_a_non_public_address(address: str) -> None:
    """Even a host the source declared: a redirect to an internal address is refused."""
    responses.get(URL, status=307, headers={"Location": f"https://{address}/jobs"})
    http, _ = client()
    http.allow_hosts(["boards.example.test", address.strip("[]")])
    with pytest.raises(RedirectRefused, match="non-public address"):
        http.get(URL)
    assert len(responses.calls) == 1


@responses.activate
def test_a_relative_location_stays_on_the_host() -> None:
    responses.get(URL, status=301, headers={"Location": "/v2/jobs"})
    responses.get("https://boards.example.test/v2/jobs", json=[])
    http, _ = client()
    assert http.get(URL).url == "https://boards.example.test/v2/jobs"


@responses.activate
def test_a_superscript_retry_after_is_a_bad_header_not_a_value_error() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "\u00b2"})
    http, _ = client(max_retries=3)
    with pytest.raises(BadHeader, match="Retry-After") as err:
        http.get(URL)
    assert not err.value.retriable and len(responses.calls) == 1


def test_refuses_non_http_schemes() -> None:
    http, _ = client()
    with pytest.raises(FatalHttpError, match="scheme"):
        http.get("file:///etc/passwd")


class FakeClock:
    """Monotonic time that moves only when told to or when the client sleeps."""

    def __init__(self, oversleep: tuple[float, ...] = (0.0,)) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self._oversleep = oversleep

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds + self._oversleep[len(self.slept) % len(self._oversleep)]


@responses.activate
def test_spaces_requests_to_one_host() -> None:
    responses.get(URL, json=[])
    clock = FakeClock()
    http = HttpClient(HttpSettings(user_agent="t"), sleep=clock.sleep, clock=clock)
    http.set_host_policy("boards.example.test", HostPolicy(min_interval=2.0, max_concurrency=1))
    http.get(URL)
    clock.now = 0.1
    http.get(URL)
    assert clock.slept == [pytest.approx(1.9)]


def test_a_late_wake_up_does_not_shorten_the_next_gap() -> None:
    """Regression: the interval counted from the planned send time, so oversleeping one
    request let the next leave early (seen on a busy machine as 62 ms gaps for 100 ms)."""
    clock = FakeClock(oversleep=(0.0, 0.08))
    sent: list[float] = []
    with responses.RequestsMock() as mock:

        def record(_: object) -> tuple[int, dict[str, str], bytes]:
            sent.append(clock())
            return 200, {}, b"[]"

        mock.add_callback(responses.GET, URL, callback=record)
        http = HttpClient(HttpSettings(user_agent="t"), sleep=clock.sleep, clock=clock)
        http.set_host_policy("boards.example.test", HostPolicy(min_interval=0.2))
        for _ in range(6):
            http.get(URL)
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 0.2 - 1e-9, gaps
