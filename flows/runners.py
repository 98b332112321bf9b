"""Which task runner a flow gets, from config: threads on one machine, Dask to scale out.

Prefect fixes a flow's task runner when the flow is defined, so the choice is made at call
(or serve) time with `with_options`. Only the flow's submitted tasks move to Dask (in the
nightly flow: parse and label); fetching and loading stay in the flow's process.
"""

from __future__ import annotations

from prefect import Flow

from config import Settings


def configured(flow: Flow, settings: Settings) -> Flow:
    """`flow` with the configured task runner: unchanged for threads, a Dask runner otherwise
    (an existing scheduler at `[runner] address`, else a local cluster of worker processes)."""
    tuning = settings.orchestration
    if tuning.runner != "dask":
        return flow
    from prefect_dask import DaskTaskRunner

    if tuning.dask_address:
        return flow.with_options(task_runner=DaskTaskRunner(address=tuning.dask_address))
    return flow.with_options(
        task_runner=DaskTaskRunner(
            cluster_kwargs={
                "n_workers": tuning.dask_workers,
                "threads_per_worker": 1,
                "dashboard_address": ":0",
            }
        )
    )
