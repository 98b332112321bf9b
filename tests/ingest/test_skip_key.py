"""The one skip key: an unchanged night is skipped, and any edit to the code that decides a
load (here a classifier module) makes the next reparse parse and label every fetch again.

The key digests the code's files once per process, so each run is a fresh interpreter on a
copy of the code tree, where the edit is made; the checkout itself is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from ingest.key import ALWAYS, code_digest, label_key
from tests.support import ROOT, posting

PACKAGES = ("config", "ingest", "pipeline", "sample", "warehouse")
SCRIPT = """
import importlib, json, sys
from pathlib import Path
from config import load_settings
from ingest.night import ingest_night
from ingest.plan import plan, sample_nights
from ingest.replay import replay
from warehouse.db import open_warehouse

data = Path(sys.argv[2])
settings = load_settings(mode="sample", data_dir=data, db_path=data / "warehouse.duckdb")
night = sample_nights()[0]
if sys.argv[1] == "ingest":
    ingest_night(settings, night)
known = {(p.board.source, p.board.token): p for p in plan(settings)}
con = open_warehouse(settings.db_path)
try:
    done = replay(con, settings.archive_dir, known, run_prefix="reparse-test", mode="sample")
finally:
    con.close()
print(json.dumps({
    "fetches": sum(len(run.boards) for run in done.runs),
    "failed": sum(len(run.failed) for run in done.runs),
    "unchanged": done.unchanged,
    "code": importlib.import_module("pipeline.classify.role").__file__,
}))
"""


def run(tree: Path, step: str, data: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBTRENDS_")}
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, step, str(data)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_an_edited_classifier_module_makes_the_next_reparse_relabel(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    skip = shutil.ignore_patterns("__pycache__")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=skip)
    data = tmp_path / "data"

    first = run(tree, "ingest", data)
    assert str(first["code"]).startswith(str(tree)), "the copy, not the checkout, must run"
    assert first["fetches"] > 0 and first["failed"] == 0
    assert first["unchanged"] == first["fetches"], "an unchanged night must be skipped"

    role = tree / "pipeline" / "classify" / "role.py"
    role.write_text(role.read_text(encoding="utf-8") + "\nEDITED_IN_A_COPY = True\n")
    second = run(tree, "reparse", data)
    assert second["fetches"] == first["fetches"]
    assert second["unchanged"] == 0, "a classifier edit must re-label, not skip"

    third = run(tree, "reparse", data)
    assert third["unchanged"] == third["fetches"], "once re-labelled, the night is unchanged"


def test_the_key_digests_the_parser_its_imports_and_the_classifier() -> None:
    from ingest.key import _code_files

    files = _code_files(["pipeline.sources.hn", *ALWAYS])
    assert {"pipeline.sources.hn", "pipeline.sources.hn_comments", "pipeline.sources.base"} <= set(
        files
    )
    assert {"pipeline.labels", "pipeline.html", "warehouse.load"} <= set(files)
    assert "pipeline.classify/data/roles.toml" in files
    assert "pipeline.sources.greenhouse" not in files, "a sibling parser is not called"
    assert code_digest("pipeline.sources.hn") != code_digest("pipeline.sources.greenhouse")


def test_the_label_key_follows_what_the_classifier_reads_and_nothing_else() -> None:
    night = date(2026, 3, 2)
    base = posting("1", salary=(150_000, 190_000))
    key = label_key(base, None, night)

    moved = [
        label_key(replace(base, title="LLM Engineer"), None, night),
        label_key(replace(base, description=base.description + " Remote."), None, night),
        label_key(base, "fintech", night),
        label_key(base, None, date(2025, 8, 1)),
    ]
    unmoved = [
        label_key(replace(base, url="https://example.test/2", source_id="2"), None, night),
        label_key(base, None, date(2026, 3, 3)),
    ]

    assert key not in moved and len(set(moved)) == len(moved)
    assert unmoved == [key, key], "id, URL and night (same rates) are not read"
