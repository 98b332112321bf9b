"""A live night as a user runs it, offline: no network ends it within a minute with each
board's reason, and SIGTERM stops it within seconds with what finished recorded.

The boards point at loopback (a closed port, or a server that accepts and never answers)
and at a `.invalid` host (RFC 2606: it never resolves), so no packet leaves the machine.
The CLI runs as a separate process against the session's Prefect test server.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import jobtrends, start_jobtrends
from warehouse.db import open_warehouse
from warehouse.runlock import run_lock

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

OFFLINE_WITHIN = 60
STOPPED_WITHIN = 30
CONFIG = """
mode = "live"
timezone = "UTC"

[http]
user_agent = "jobtrends-test"
connect_timeout = 5
read_timeout = 120

[sources.greenhouse]
base_url = "http://127.0.0.1:{port}/v1/boards"
min_interval = 0
max_concurrency = 2
boards = [{{ token = "acme", company = "Acme" }}, {{ token = "beta", company = "Beta" }}]

[sources.lever]
base_url = "http://jobs.invalid/v0/postings"
min_interval = 0
max_concurrency = 1
boards = [{{ token = "gamma", company = "Gamma" }}, {{ token = "delta", company = "Delta" }}]
"""


class SilentServer:
    """Accepts connections on loopback and never answers, like a board that hangs; counts
    the connections so a test knows a fetch is in flight."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self._held: list[socket.socket] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._done.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self._held.append(conn)
            self.accepted.set()

    def close(self) -> None:
        self._done.set()
        self._thread.join()
        for conn in self._held:
            conn.close()
        self.sock.close()


@pytest.fixture
def user(tmp_path: Path) -> dict[str, str]:
    """A user's environment, with the CLI talking to the session's Prefect test server."""
    from prefect.settings import get_current_settings

    return {
        "JOBTRENDS_DATA_DIR": str(tmp_path / "data"),
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


def write_config(tmp_path: Path, port: int) -> str:
    path = tmp_path / "offline.toml"
    path.write_text(CONFIG.format(port=port))
    return str(path)


def runs(data_dir: str) -> dict[str, str]:
    con = open_warehouse(Path(data_dir) / "warehouse.duckdb")
    try:
        rows = con.execute("SELECT board, error FROM runs WHERE status = 'failed'").fetchall()
    finally:
        con.close()
    return dict(rows)


def test_a_night_without_network_ends_within_a_minute_with_each_boards_reason(
    tmp_path: Path, user: dict[str, str]
) -> None:
    config = write_config(tmp_path, closed_port())
    started = time.monotonic()
    ran = jobtrends("nightly", "--config", config, env=user)
    took = time.monotonic() - started
    assert ran.code == 1 and "Traceback" not in ran.err, ran.err
    assert took < OFFLINE_WITHIN, took
    for token in ("acme", "beta", "gamma", "delta"):
        assert f"/{token}: fetch: Unreachable" in ran.out, ran.out
    reasons = runs(user["JOBTRENDS_DATA_DIR"])
    assert "Connection refused" in reasons["acme"] and "jobs.invalid" in reasons["gamma"]


def test_sigterm_stops_a_live_night_within_seconds_and_records_it(
    tmp_path: Path, user: dict[str, str], silent_server: SilentServer
) -> None:
    config = write_config(tmp_path, silent_server.port)
    proc = start_jobtrends("nightly", "--config", config, env=user)
    try:
        assert silent_server.accepted.wait(90), "no fetch reached the silent server"
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, err = proc.communicate(timeout=STOPPED_WITHIN)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert took < STOPPED_WITHIN and "stopped by SIGTERM" in err
    reasons = runs(user["JOBTRENDS_DATA_DIR"])
    assert "interrupted by SIGTERM" in reasons["acme"], reasons
    assert set(reasons) == {"acme", "beta", "gamma", "delta"}
    with run_lock(Path(user["JOBTRENDS_DATA_DIR"]) / "warehouse.duckdb", wait_seconds=0):
        pass


def test_the_nights_budget_bounds_a_night_hanging_on_a_silent_board(
    tmp_path: Path, user: dict[str, str], silent_server: SilentServer
) -> None:
    config = Path(write_config(tmp_path, silent_server.port))
    config.write_text(config.read_text() + "\n[orchestration]\nnight_budget_seconds = 3\n")
    started = time.monotonic()
    ran = jobtrends("nightly", "--config", str(config), env=user)
    took = time.monotonic() - started
    assert ran.code == 1 and "Traceback" not in ran.err, ran.err
    assert silent_server.accepted.is_set() and took < OFFLINE_WITHIN, took
    assert "not reached: " in ran.out and "2 greenhouse" in ran.out, ran.out
    with run_lock(Path(user["JOBTRENDS_DATA_DIR"]) / "warehouse.duckdb", wait_seconds=0):
        pass
