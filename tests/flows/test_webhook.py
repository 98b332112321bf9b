"""The failure webhook is posted after the run lock is released, through the bounded client."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import responses

from flows.nightly import nightly
from tests.support import greenhouse_boards, write_live_config
from warehouse.runlock import RunLocked, lock_path_for, run_lock

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.faults]

HOOK = "https://hooks.example.test/jobtrends"
GH = "https://boards-api.greenhouse.io/v1/boards"


@responses.activate
def test_the_webhook_is_sent_outside_the_run_lock(data_dir: Path, tmp_path: Path) -> None:
    config = write_live_config(
        tmp_path,
        greenhouse_boards("gone") + f'[notify]\nwebhook_url = "{HOOK}"\n',
        orchestration="fetch_retries = 0\nretry_delay_seconds = 0",
    )
    held: list[bool] = []
    db = data_dir / "warehouse.duckdb"

    def receive(_: object) -> tuple[int, dict[str, str], bytes]:
        assert lock_path_for(db).exists(), "the run took its lock at this path"
        try:
            with run_lock(db, wait_seconds=0):
                held.append(False)
        except RunLocked:
            held.append(True)
        return 204, {}, b""

    responses.get(f"{GH}/gone/jobs", status=404)
    responses.add_callback(responses.POST, HOOK, callback=receive)
    state = nightly(night=date(2026, 11, 20), config_path=config, return_state=True)
    assert state.is_failed()
    assert held == [False]
