"""Flow entrypoints for `prefect deploy` (prefect.yaml) and workers.

A worker imports the entrypoint afresh in every flow-run process, so reading the config here,
at import, picks the task runner from that machine's config and environment
($JOBTRENDS_CONFIG, $JOBTRENDS_TASK_RUNNER, $JOBTRENDS_DASK_ADDRESS) at run time. `jobtrends
serve` does not need this module: it applies the same choice to the flow objects it serves.
"""

from __future__ import annotations

from config import load_settings
from flows.nightly import nightly as _nightly
from flows.runners import configured

nightly = configured(_nightly, load_settings())
