"""Fixtures for the flow tests, which run under the session's Prefect test server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tests.support import snapshot


@pytest.fixture
def replayed(data_dir: Path) -> Callable[[list[date]], tuple[Path, dict[str, list[tuple]]]]:
    """Replay sample nights through the real nightly flow; returns the warehouse file and
    a snapshot of what it holds, the baseline a later rerun or rebuild must match."""
    from flows.nightly import replay_sample

    def replay(nights: list[date]) -> tuple[Path, dict[str, list[tuple]]]:
        replay_sample(nights=nights)
        db = data_dir / "warehouse.duckdb"
        return db, snapshot(db)

    return replay
