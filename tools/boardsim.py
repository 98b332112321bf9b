"""A night over thousands of registry boards against a loopback Greenhouse, timed against
the estimate printed before it.

The server answers `/v1/boards/<token>/jobs` in Greenhouse's real list shape (a few jobs per
board; every 25th token is unknown and answers 404, every 10th lists nothing) and stamps each
request on its own clock, so the spacing the client kept is measured where a real host would
see it. Each listing carries an `ETag` and a request sending it back gets a bodiless 304, so
a second night (`--nights 2`) measures what conditional requests save. The night runs the
engine's streamed night (`ingest.night.stream_night`: one thread pool per source, sized to its
`max_concurrency`, sharing one client, each board loaded in batches as it arrives), then
records board health; Prefect's own per-task overhead is not in it. Run:
`python -m tools.boardsim --boards 5000 [--nights 2]`.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import resource
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd

from config import Settings, load_settings
from ingest.boards import estimate, record_night
from ingest.night import stream_night
from ingest.plan import plan
from tools.loopback import BackgroundServer
from warehouse import registry
from warehouse.db import open_warehouse

NIGHT = date(2026, 12, 1)
RATE_WINDOW = 100
TITLES = ("Machine Learning Engineer", "Data Scientist", "Account Executive", "AI Researcher")


class BoardServer(BackgroundServer):
    """Loopback Greenhouse job-board API for any token; records every request's arrival."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.hits: list[float] = []
        self.statuses: dict[int, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1/boards"
        self._serve(httpd)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.hits.append(time.monotonic())
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if server.latency:
                        time.sleep(server.latency)
                    status, body = board_answer(self.path.split("?")[0])
                    etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                    if status == 200 and self.headers.get("If-None-Match") == etag:
                        status, body = 304, b""
                    with server._lock:
                        server.statuses[status] = server.statuses.get(status, 0) + 1
                    self.send_response(status)
                    if status in (200, 304):
                        self.send_header("ETag", etag)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def log_message(self, *args: Any) -> None:
                return

        return Handler


def board_answer(path: str) -> tuple[int, bytes]:
    """Greenhouse's answer for `/v1/boards/<token>/jobs`: unknown, empty or a few jobs."""
    parts = path.strip("/").split("/")
    if len(parts) != 4 or parts[-1] != "jobs":
        return 404, b'{"status":404,"error":"Not found"}'
    token = parts[2]
    n = int(token.rsplit("-", 1)[-1]) if token.rsplit("-", 1)[-1].isdigit() else 0
    if n % 25 == 24:
        return 404, b'{"status":404,"error":"Job board not found"}'
    count = 0 if n % 10 == 9 else 1 + n % 3
    seed = int(hashlib.sha256(token.encode()).hexdigest()[:8], 16)
    jobs = [
        {
            "id": seed * 10 + i,
            "internal_job_id": seed * 10 + i,
            "title": TITLES[(seed + i) % len(TITLES)],
            "updated_at": "2026-11-30T10:00:00-05:00",
            "first_published": "2026-11-20T10:00:00-05:00",
            "requisition_id": str(i),
            "location": {"name": "Remote - United States"},
            "absolute_url": f"https://job-boards.greenhouse.io/{token}/jobs/{seed * 10 + i}",
            "company_name": token,
            "metadata": None,
            "content": "&lt;p&gt;Build models.&lt;/p&gt;",
            "departments": [],
            "offices": [],
        }
        for i in range(count)
    ]
    return 200, json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()


@dataclass
class SimResult:
    boards: int
    estimate_seconds: float
    elapsed_seconds: float
    fetch_seconds: float
    """From the first fetch to the last request the server saw: loading overlaps it."""
    requests: int
    min_gap: float
    peak_rate_ratio: float
    """Most requests in any window of `RATE_WINDOW` consecutive requests, over what the
    host's `min_interval` allows in that time: at most 1 when the limit held."""
    max_in_flight: int
    statuses: dict[str, int]
    registry: dict[str, int]
    peak_rss_mb: float
    statuses_http: dict[int, int]
    """What the server answered, by HTTP status."""
    not_modified: int


def peak_rate_ratio(hits: list[float], min_interval: float, window: int = RATE_WINDOW) -> float:
    """The fastest stretch of `window` requests against the configured rate. Single gaps
    jitter on a busy machine (a request the server accepted late lands next to the one after
    it); a stretch of them cannot beat the client's spacing unless the limit was broken."""
    if len(hits) <= window or min_interval <= 0:
        return 0.0
    spans = [hits[i + window] - hits[i] for i in range(len(hits) - window)]
    return window * min_interval / max(min(spans), 1e-9)


def config_text(base_url: str, min_interval: float, concurrency: int) -> str:
    """A live config with no pinned boards: the night reads only the registry."""
    return "\n".join(
        [
            'mode = "live"',
            "[http]",
            'user_agent = "jobtrends-boardsim"',
            "max_retries = 0",
            "backoff_base = 0.0",
            "[orchestration]",
            "fetch_retries = 0",
            "[sources.greenhouse]",
            f'base_url = "{base_url}"',
            f"min_interval = {min_interval}",
            f"max_concurrency = {concurrency}",
            "boards = []",
        ]
    )


def simulate(
    n_boards: int,
    workdir: Path,
    min_interval: float = 0.02,
    concurrency: int = 2,
    latency: float = 0.002,
    nights: int = 1,
) -> list[SimResult]:
    """Register `n_boards` tokens, then run `nights` consecutive nights, each timed against
    the estimate printed before it."""
    workdir.mkdir(parents=True, exist_ok=True)
    with BoardServer(latency) as server:
        config = workdir / "sources.toml"
        config.write_text(config_text(server.base_url, min_interval, concurrency))
        settings = load_settings(config, data_dir=workdir / "data")
        con = open_warehouse(settings.db_path)
        try:
            tokens = [f"board-{i}" for i in range(n_boards)]
            frame = pd.DataFrame({"source": "greenhouse", "token": tokens, "origin": "boardsim"})
            registry.import_boards(con, frame)
        finally:
            con.close()
        results = []
        for offset in range(nights):
            server.hits, server.statuses, server.max_in_flight = [], {}, 0
            night = NIGHT + timedelta(days=offset)
            results.append(_night(server, settings, night, min_interval, latency))
        return results


def _night(
    server: BoardServer,
    settings: Settings,
    night: date,
    min_interval: float,
    latency: float,
) -> SimResult:
    """Plan, estimate, fetch, load and record one night; the server's view of it."""
    started = time.monotonic()
    planned = plan(settings)
    hosts = estimate(planned, latency=latency)
    predicted = max(h.seconds for h in hosts)
    fetch_started = time.monotonic()
    summaries = stream_night(settings, night, planned, str(uuid.uuid4()))
    fetch_seconds = max(server.hits, default=fetch_started) - fetch_started
    record_night(settings.db_path, night, summaries)
    elapsed = time.monotonic() - started
    con = open_warehouse(settings.db_path)
    try:
        health = dict(
            con.execute("SELECT status, count(*) FROM board_registry GROUP BY 1").fetchall()
        )
    finally:
        con.close()
    gaps = [b - a for a, b in itertools.pairwise(sorted(server.hits))]
    statuses: dict[str, int] = {}
    for s in summaries:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    return SimResult(
        boards=len(planned),
        estimate_seconds=predicted,
        elapsed_seconds=elapsed,
        fetch_seconds=fetch_seconds,
        requests=len(server.hits),
        min_gap=min(gaps, default=0.0),
        peak_rate_ratio=peak_rate_ratio(sorted(server.hits), min_interval),
        max_in_flight=server.max_in_flight,
        statuses=statuses,
        registry=health,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        statuses_http=dict(server.statuses),
        not_modified=server.statuses.get(304, 0),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=5000)
    parser.add_argument("--min-interval", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("data/boardsim"))
    parser.add_argument("--nights", type=int, default=1)
    args = parser.parse_args()
    import shutil

    shutil.rmtree(args.workdir, ignore_errors=True)
    results = simulate(
        args.boards, args.workdir, args.min_interval, args.concurrency, nights=args.nights
    )
    within = True
    for result in results:
        ratio = result.elapsed_seconds / result.estimate_seconds
        fetch_ratio = result.fetch_seconds / result.estimate_seconds
        print(
            json.dumps(
                {
                    **result.__dict__,
                    "night_over_estimate": round(ratio, 3),
                    "fetch_over_estimate": round(fetch_ratio, 3),
                },
                indent=2,
            )
        )
        within = within and 0.8 <= ratio <= 1.2 and result.peak_rate_ratio <= 1.05
    print("within ±20% of the estimate" if within else "OUTSIDE ±20% of the estimate")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
