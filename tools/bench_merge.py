"""The merge's cost against the size of the warehouse it merges into.

Usage: `python -m tools.bench_merge [--history 10000 --history 100000] [--night 5000]`.
A warehouse is filled with `history` postings by SQL (`bench_warehouse.fill`: labels,
canonical ids, 52 weekly nights of runs), then a night of `night` postings on 20 boards of
their own is loaded to give the boards a listing, then, timed, `NIGHTS` next nights, each
with 5% of the postings changed, 3% gone and 3% new, as a real night is; the median counts,
as the machine is shared. Labels are computed before the clock starts, so the figure is the
merge alone (`load_boards`). A merge whose cost follows the boards touched shows the same
rate at every history size.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from tools.bench_warehouse import churn, fill, night_loads, synthesise
from warehouse.db import open_for_load
from warehouse.load import load_boards

BOARDS = 20
NIGHTS = 3
FIRST = date(2026, 9, 1)


def measure(history: int, night: int, workdir: Path) -> dict[str, Any]:
    """Seconds and postings/s of one churned night merged into `history` postings."""
    db = workdir / f"merge-{history}.duckdb"
    con = open_for_load(db, 30.0)
    try:
        fill(con, history)
        boards = {
            f"night-{name}": [
                replace(p, source_id=f"n{p.source_id}", board=f"night-{name}") for p in postings
            ]
            for name, postings in synthesise(night, BOARDS, seed=3).items()
        }
        load_boards(con, night_loads(boards, FIRST, "merge-0"))
        timings = []
        for n in range(1, NIGHTS + 1):
            boards = churn(boards, 10**9 + n * night, seed=n)
            loads = night_loads(boards, FIRST + timedelta(days=n), f"merge-{n}")
            started = time.perf_counter()
            load_boards(con, loads)
            timings.append(time.perf_counter() - started)
    finally:
        con.close()
    merged = sum(len(postings) for postings in boards.values())
    seconds = median(timings)
    return {"history": history, "postings": merged, "seconds": seconds, "per_s": merged / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, action="append")
    parser.add_argument("--night", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for history in args.history or [10_000, 100_000]:
            print(json.dumps(measure(history, args.night, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
