"""The Dask task runner builds the same warehouse as the default thread runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster

from flows.nightly import replay_sample
from ingest.plan import sample_nights
from tests.support import snapshot

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[LocalCluster]:
    """Two worker processes, so boards and parse results really cross a pickle boundary."""
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        yield cluster


def test_dask_runner_loads_the_same_warehouse_as_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dask_cluster: LocalCluster
) -> None:
    nights = sample_nights()[:2]
    monkeypatch.delenv("JOBTRENDS_DB", raising=False)
    monkeypatch.delenv("JOBTRENDS_CONFIG", raising=False)

    monkeypatch.setenv("JOBTRENDS_DATA_DIR", str(tmp_path / "threads"))
    monkeypatch.setenv("JOBTRENDS_TASK_RUNNER", "thread")
    replay_sample(nights=nights)
    assert dask_cluster.scheduler.transition_counter == 0

    monkeypatch.setenv("JOBTRENDS_DATA_DIR", str(tmp_path / "dask"))
    monkeypatch.setenv("JOBTRENDS_TASK_RUNNER", "dask")
    monkeypatch.setenv("JOBTRENDS_DASK_ADDRESS", dask_cluster.scheduler_address)
    replay_sample(nights=nights)
    assert dask_cluster.scheduler.transition_counter > 0, "parses should have run on Dask"

    threads = snapshot(tmp_path / "threads" / "warehouse.duckdb")
    dask = snapshot(tmp_path / "dask" / "warehouse.duckdb")
    assert threads["postings"] and threads["posting_labels"] and threads["raw_payloads"]
    assert dask == threads
