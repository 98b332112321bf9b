"""Time `import-history` of the real Greenhouse history (or a slice) into a fresh data dir.

Usage: python tools/bench_history.py [--boards N] [--workdir DIR] [--out FILE]

Prints and writes (JSON) the wall and CPU seconds of the archive and replay phases, postings
per second, peak memory of this process and of its parsing workers, and the replay's wall
time per night, with the means around nights 30, 150 and 300 that docs/history-import.md
quotes. The history is found like the tests find it (`../shared/data`, or
`$JOBTRENDS_SHARED_DATA`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import load_settings  # noqa: E402
from ingest.captures import CaptureFilter  # noqa: E402
from ingest.history import import_history  # noqa: E402
from tools.evaluate import shared_data_dir  # noqa: E402

MARKS = (30, 150, 300)
WINDOW = 10
"""Nights either side of a mark averaged: boards refresh in batches, so single nights vary."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, help="First N boards only (default: all).")
    parser.add_argument("--workdir", type=Path, default=ROOT / "data" / "bench-history")
    parser.add_argument("--out", type=Path, help="Results JSON (default: <workdir>/result.json).")
    args = parser.parse_args()
    shared = shared_data_dir()
    if shared is None:
        print("no shared data: set JOBTRENDS_SHARED_DATA or put it at ../shared/data")
        return 2
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.environ["JOBTRENDS_DATA_DIR"] = str(args.workdir)
    start, cpu = time.perf_counter(), time.process_time()
    result = import_history(
        load_settings(None),
        shared / "greenhouse_history",
        CaptureFilter(boards=args.boards),
        show_progress=False,
    )
    wall = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.replay is not None and result.first_night is not None
    first = result.first_night
    by_index = {(n - first).days + 1: s for n, s in result.night_seconds.items()}
    marks = {}
    for mark in MARKS:
        window = [by_index[i] for i in range(mark - WINDOW, mark + WINDOW + 1) if i in by_index]
        marks[str(mark)] = round(sum(window) / len(window), 3) if window else None
    figures = {
        "boards": len(result.captures.boards),
        "nights": result.captures.nights,
        "fresh_captures": result.captures.fresh,
        "stale_captures": result.captures.stale,
        "refused_captures": result.captures.refused,
        "postings": result.replay.postings,
        "wall_seconds": round(wall, 1),
        "archive_seconds": round(result.archive_seconds, 1),
        "replay_seconds": round(result.replay.seconds, 1),
        "cpu_seconds_main": round(time.process_time() - cpu, 1),
        "cpu_seconds_workers": round(children.ru_utime + children.ru_stime, 1),
        "postings_per_second": round(result.replay.postings / wall),
        "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_worker": round(children.ru_maxrss / 1024),
        "stage_shares": {k: round(v, 3) for k, v in result.replay.stages.shares().items()},
        "night_seconds_mean_around": marks,
        "load_average_1m_at_end": round(os.getloadavg()[0], 1),
        "night_seconds": {str(i): round(s, 3) for i, s in sorted(by_index.items())},
    }
    out = args.out or args.workdir / "result.json"
    out.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in figures.items() if k != "night_seconds"}, indent=1))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
