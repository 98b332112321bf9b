"""The benchmark harness runs end to end on a tiny night and reports every field.

Only the shape of the results is checked: speed is judged by the ratios the benchmark
prints, never by timing assertions in tests.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from jobtrends.cli import main
from tools.benchgen import SHARES, generate, read_boards

STAGES = {"read", "parse", "classify", "load"}


def test_bench_command_writes_every_field(tmp_path: Path) -> None:
    results_dir = tmp_path / "results"
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "--postings",
            "300",
            "--workdir",
            str(tmp_path / "w"),
            "--results",
            str(results_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "| 300 |" in result.output and "naive baseline" in result.output

    [written] = list(results_dir.glob("*.json"))
    doc = json.loads(written.read_text())
    assert set(doc["machine"]) == {"nproc", "ram_gb", "cpu", "python", "duckdb"}
    size = doc["sizes"]["300"]
    assert size["postings"] >= 300
    for run in ("first", "rerun", "ceiling"):
        assert size[run]["postings"] == size["postings"]
        assert size[run]["postings_per_s"] > 0
        assert set(size[run]["stage_shares"]) == STAGES
    assert size["ceiling_fraction"] > 0 and size["rerun_speedup"] > 0
    assert size["peak_rss_mb"] > 0
    assert {"stg_postings", "mart_weekly_postings"} <= set(size["views_s"])
    assert doc["naive"]["ratio"] > 0 and doc["workers"]["speedup"] > 0
    assert doc["naive"]["naive"]["postings"] == doc["naive"]["ours"]["postings"]


def test_generated_archive_holds_every_source_and_is_reused(tmp_path: Path) -> None:
    boards = generate(tmp_path, 300)
    assert {b.source for b in boards} == set(SHARES)
    assert read_boards(tmp_path) == generate(tmp_path, 300)


def test_worker_processes_write_the_same_archive(tmp_path: Path) -> None:
    one = generate(tmp_path / "one", 300)
    two = generate(tmp_path / "two", 300, workers=2)
    assert one == two
    assert sorted(p.name for p in (tmp_path / "one").rglob("*.gz")) == sorted(
        p.name for p in (tmp_path / "two").rglob("*.gz")
    )
