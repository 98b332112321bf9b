"""Scheduled deployments from config, and `jobtrends serve` starting and stopping cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import ConfigError, load_settings
from flows.deployments import build_deployments
from flows.runners import configured
from tests.support import ROOT

SERVE = "from jobtrends.cli import _entry; _entry()"

CONFIG = """
mode = "sample"
timezone = "Europe/Berlin"
[http]
user_agent = "jobtrends-test"
[schedule]
nightly = "30 3 * * *"
weekly = "0 7 * * 1"
"""


def schedules(settings, config_path=None) -> dict[str, tuple[str, str]]:
    return {
        d.name: (d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone)
        for d in build_deployments(settings, config_path)
    }


def test_default_schedules_are_nightly_at_two_and_monday_at_six_utc(data_dir: Path) -> None:
    assert schedules(load_settings()) == {
        "nightly": ("0 2 * * *", "UTC"),
        "weekly": ("0 6 * * 1", "UTC"),
    }


def test_schedules_and_timezone_come_from_config_and_env(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(CONFIG)
    deployments = build_deployments(load_settings(config), str(config))
    assert {d.name: d.parameters for d in deployments} == {
        "nightly": {"config_path": str(config)},
        "weekly": {"config_path": str(config)},
    }
    assert {d.entrypoint for d in deployments} == {"flows.nightly.nightly", "flows.weekly.weekly"}
    assert schedules(load_settings(config)) == {
        "nightly": ("30 3 * * *", "Europe/Berlin"),
        "weekly": ("0 7 * * 1", "Europe/Berlin"),
    }
    monkeypatch.setenv("JOBTRENDS_TIMEZONE", "America/New_York")
    assert schedules(load_settings(config))["nightly"] == ("30 3 * * *", "America/New_York")


def test_bad_cron_or_timezone_is_a_config_error(data_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(CONFIG.replace("30 3 * * *", "every night"))
    with pytest.raises(ConfigError, match="nightly"):
        build_deployments(load_settings(config))
    config.write_text(CONFIG.replace("Europe/Berlin", "Mars/Olympus"))
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        load_settings(config)


def test_dask_runner_is_chosen_from_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect_dask import DaskTaskRunner

    from flows.nightly import nightly

    assert configured(nightly, load_settings()) is nightly
    monkeypatch.setenv("JOBTRENDS_TASK_RUNNER", "dask")
    monkeypatch.setenv("JOBTRENDS_DASK_ADDRESS", "tcp://scheduler:8786")
    runner = configured(nightly, load_settings()).task_runner
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://scheduler:8786"


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_registers_both_schedules_then_stops_cleanly(
    data_dir: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    config = tmp_path / "sources.toml"
    config.write_text(CONFIG)
    env = {
        **os.environ,
        "PREFECT_API_URL": get_current_settings().api.url,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PYTHONPATH": str(ROOT),
    }
    started = datetime.now(UTC)
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with get_client(sync_client=True) as client:
            deployment = _wait_until_polled(client, "nightly-ingest/nightly", proc, started)
            weekly = client.read_deployment_by_name("weekly-report/weekly")
            proc.send_signal(stop)
            # Prefect's shutdown waits on its runner's loops; on a loaded two-core CI box it
            # has taken over 30 s (seen once in a full fresh-clone run), so allow it 90.
            output, _ = proc.communicate(timeout=90)
            assert proc.returncode == 0, output
            paused = client.read_deployment_by_name("nightly-ingest/nightly").paused
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "serving nightly (30 3 * * *) and weekly (0 7 * * 1) in Europe/Berlin" in output
    assert f"Prefect API: {env['PREFECT_API_URL']}" in output
    assert "never awaited" not in output and "Traceback" not in output, output
    assert not deployment.paused, "serving again must unpause what the last shutdown paused"
    assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [
        ("30 3 * * *", "Europe/Berlin")
    ]
    assert [(s.schedule.cron, s.schedule.timezone) for s in weekly.schedules] == [
        ("0 7 * * 1", "Europe/Berlin")
    ]
    assert paused, "schedules should pause while nothing is serving them"


def _wait_until_polled(
    client, name: str, proc: subprocess.Popen, since: datetime, timeout: float = 45.0
):
    """The runner has started once the server records it polling for the deployment's runs
    (after `since`: an earlier test may have served the same deployment)."""
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited early:\n{proc.stdout.read()}")
        try:
            deployment = client.read_deployment_by_name(name)
        except ObjectNotFound:
            deployment = None
        if deployment is not None and deployment.last_polled and deployment.last_polled > since:
            return deployment
        time.sleep(0.3)
    pytest.fail(f"{name} was never polled within {timeout} s")
