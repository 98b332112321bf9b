"""The layout holds: imports point down, and the developer tools stay out of the package."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from jobtrends import api
from tests.support import ROOT

STRUCTURE = ROOT.parent / "shared" / "tools" / "structure.py"


@pytest.mark.skipif(not STRUCTURE.exists(), reason="../shared/tools is not beside this checkout")
def test_no_import_cycle_no_upward_import_duckdb_and_http_in_their_layers() -> None:
    done = subprocess.run(
        [sys.executable, str(STRUCTURE), str(ROOT)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout


def test_the_installed_package_leaves_the_tools_out() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = setuptools["packages"]["find"]
    assert "tools*" in found["exclude"]
    assert not any(p.startswith("tools") for p in found["include"])


def test_a_tool_missing_from_an_installation_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "__file__", str(tmp_path / "site-packages" / "jobtrends" / "api.py"))
    with pytest.raises(api.ToolsMissing, match=r"tools/samplegen\.py is not beside") as caught:
        api.write_sample()
    assert "\n" not in str(caught.value)
