"""Shared fixtures: one Prefect test server per session and isolated data directories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

SHARED_DATA = Path(
    os.environ.get("JOBTRENDS_SHARED_DATA")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "data"
)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real, temporary Prefect server for flow runs (started once: it takes seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every jobtrends path (warehouse, archive, reports) at a fresh directory."""
    root = tmp_path / "data"
    monkeypatch.setenv("JOBTRENDS_DATA_DIR", str(root))
    monkeypatch.delenv("JOBTRENDS_DB", raising=False)
    monkeypatch.delenv("JOBTRENDS_CONFIG", raising=False)
    monkeypatch.delenv("JOBTRENDS_MODE", raising=False)
    return root


@pytest.fixture
def shared_data() -> Path:
    """The real evaluation data beside the project; tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the reliability suites tried (see tests/tally.py)."""
    from tests.tally import TALLY

    if TALLY:
        terminalreporter.section("reliability counts")
        for name, count in sorted(TALLY.items()):
            terminalreporter.write_line(f"{name}: {count}")
