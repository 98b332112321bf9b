"""The report tests' shared pieces: the bundled sample replayed once, and headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import Chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def sample_warehouse(
    prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The bundled sample's last four nights, replayed through the nightly flow: enough weeks
    for the week-over-week change and the trends, at a third of the whole sample's cost."""
    from flows.nightly import replay_sample
    from ingest.plan import sample_nights

    root = tmp_path_factory.mktemp("sample") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOBTRENDS_DATA_DIR", str(root))
        for name in ("JOBTRENDS_DB", "JOBTRENDS_CONFIG", "JOBTRENDS_MODE"):
            patch.delenv(name, raising=False)
        replay_sample(nights=sample_nights()[-4:])
    yield root / "warehouse.duckdb"


@pytest.fixture
def chromium(tmp_path: Path) -> Chromium:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    return Chromium(CHROMIUM, tmp_path / "profile")
