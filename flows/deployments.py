"""The scheduled deployments, defined in code from the config: nightly ingest and weekly report.

Cron strings come from `[schedule]` and are read in the config's `timezone` (or
$JOBTRENDS_TIMEZONE), so "0 2 * * *" means 02:00 where the team is, daylight saving included.
`serve` runs both in one long-lived process against whatever server PREFECT_API_URL names
(a local `prefect server start`, or a team server); `prefect.yaml` describes the same two for
work pools and workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from types import FrameType
from typing import Any

from prefect.deployments.runner import RunnerDeployment
from prefect.runner import Runner
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from config import ConfigError, Settings
from flows.nightly import nightly
from flows.runners import configured
from flows.weekly import weekly
from ingest.plan import check

NIGHTLY = "nightly"
WEEKLY = "weekly"


def build_deployments(settings: Settings, config_path: str | None = None) -> list[RunnerDeployment]:
    """One deployment per flow, each on its cron in the configured timezone; a config the
    engine cannot run fails here, at start-up, rather than at the first scheduled night."""
    check(settings)
    tuning = settings.orchestration
    parameters: dict[str, Any] = {"config_path": config_path} if config_path else {}
    common: dict[str, Any] = {
        "parameters": parameters,
        "tags": ["jobtrends", settings.mode],
        "entrypoint_type": EntrypointType.MODULE_PATH,
    }
    return [
        configured(nightly, settings).to_deployment(
            NIGHTLY,
            schedules=[_cron(tuning.nightly_cron, settings.timezone, "nightly")],
            description="Fetch every configured board, load the night, record failures.",
            **common,
        ),
        weekly.to_deployment(
            WEEKLY,
            schedules=[_cron(tuning.weekly_cron, settings.timezone, "weekly")],
            description="Write and publish the report for the latest week with data.",
            **common,
        ),
    ]


def serve(settings: Settings, config_path: str | None = None) -> None:
    """Register both deployments and run their schedules until interrupted (Ctrl-C, SIGTERM).

    Prefect pauses the schedules on shutdown, so runs do not pile up for a process that is
    not there to execute them; registering the deployments again on the next start unpauses.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)
    runner = _Runner(pause_on_shutdown=True)
    for deployment in build_deployments(settings, config_path):
        runner.add_deployment(deployment)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(runner.start())


class _Runner(Runner):
    """Prefect's runner, stopped by SIGTERM the way Ctrl-C stops it.

    `prefect.serve` is this runner and `asyncio.run`, but the runner installs its own
    SIGTERM handler once started, and that one calls the sync `stop()` from inside the
    event loop: the shutdown coroutine is never awaited (Python warns `coroutine
    'Runner.astop' was never awaited`) and the process exits without it.
    """

    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        _interrupt(signal.SIGTERM, None)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM before Prefect's runner installs its own handler (a service manager stopping
    us during startup) takes the same clean way out as Ctrl-C.

    SIGINT raises here too, instead of through asyncio.run's own handler: that one only
    cancels the main task, and the runner's anyio task group can absorb that cancellation,
    so a Ctrl-C was sometimes lost and serve never exited. Raising in the main thread takes
    the path SIGTERM takes, which always stops."""
    raise KeyboardInterrupt


def _cron(expression: str, timezone: str, name: str) -> Any:
    try:
        return Cron(expression, timezone=timezone)
    except ValueError as exc:
        raise ConfigError(f"[schedule] {name} = {expression!r} is not a cron string") from exc
