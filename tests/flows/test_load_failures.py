"""A load that fails is still a reported run (issue 15 finding 9).

A warehouse file that cannot be opened (damaged) or a disk that fills mid-load used to end
the flow in an exception: no `runs` row, no webhook, and a traceback (or an asyncio
`CancelledError`) for the user. Now every board fails with the load's reason, the failure
is written to `runs` whenever the file still takes a write, the webhook gets the summary,
and a full disk says "disk full".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

import warehouse.load
from flows.nightly import nightly
from ingest.plan import sample_nights
from warehouse.db import open_warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback webhook that keeps every summary posted to it."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def _config(tmp_path: Path, url: str) -> str:
    config = tmp_path / "sources.toml"
    config.write_text(
        f'mode = "sample"\n[http]\nuser_agent = "jobtrends-test"\n'
        f"[orchestration]\nload_retries = 0\nretry_delay_seconds = 0\n"
        f'[notify]\nwebhook_url = "{url}"\n'
    )
    return str(config)


def _failed_night(tmp_path: Path, url: str) -> Any:
    """The sample's last greenhouse night, notifying `url`, whose run must end failed."""
    state = nightly(
        night=sample_nights()[-1],
        sources=["greenhouse"],
        config_path=_config(tmp_path, url),
        return_state=True,
    )
    assert state.is_failed()
    return state


def test_a_damaged_warehouse_fails_every_board_and_still_notifies(
    data_dir: Path, tmp_path: Path, hook: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = hook
    data_dir.mkdir(parents=True)
    (data_dir / "warehouse.duckdb").write_bytes(b"this is not a DuckDB file\n" * 200)
    state = _failed_night(tmp_path, url)
    summary = state.result(raise_on_failure=False)
    assert summary.boards and all(b.status == "failed" for b in summary.boards)
    assert all(b.error.startswith("load failed, nothing kept: ") for b in summary.boards)
    assert "load failed, nothing kept" in state.message
    assert len(received) == 1 and received[0]["failed"] == len(summary.boards)


def test_a_full_disk_mid_load_is_recorded_as_disk_full(
    data_dir: Path,
    tmp_path: Path,
    hook: tuple[str, list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, received = hook

    def full(*args: Any, **kwargs: Any) -> Any:
        raise duckdb.IOException("IO Error: Could not write file: No space left on device")

    monkeypatch.setattr(warehouse.load, "_merge", full)
    _failed_night(tmp_path, url)
    con = open_warehouse(data_dir / "warehouse.duckdb")
    rows = con.execute("SELECT status, error FROM runs").fetchall()
    con.close()
    assert rows and all(status == "failed" for status, _ in rows)
    assert all(error.startswith("load failed, nothing kept: disk full (") for _, error in rows)
    assert len(received) == 1


def test_a_damaged_warehouse_is_one_line_before_any_fetch(tmp_path: Path) -> None:
    """What the user sees: the damaged file named in one line before any fetch, exit 1."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "warehouse.duckdb").write_bytes(b"this is not a DuckDB file\n" * 200)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from jobtrends.cli import _entry; _entry()",
            "nightly",
            "--mode",
            "sample",
            "--source",
            "greenhouse",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "JOBTRENDS_DATA_DIR": str(data), "PREFECT_HOME": str(tmp_path / "p")},
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "CancelledError" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: warehouse {data / 'warehouse.duckdb'} is not a DuckDB database file"
    ]
