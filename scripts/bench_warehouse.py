"""Benchmark the warehouse on synthetic postings: load rate, unchanged rerun, views.

Usage: `python scripts/bench_warehouse.py [--postings 100000] [--boards 100] [--db PATH]`.
Synthesises postings spread over boards and companies, loads night 1 (timed as rows/s,
including building the DataFrames), reloads the same night (the unchanged rerun), loads
night 2 with 5% changed, 3% gone and 3% new postings, refreshes canonical jobs, then times a
full read of every staging view and mart. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from pipeline.labels import label_postings
from pipeline.models import Posting, Salary
from warehouse.canonical import refresh_canonical
from warehouse.db import open_warehouse
from warehouse.load import BoardLoad, load_board

TITLES = (
    "Machine Learning Engineer",
    "Senior Data Scientist",
    "Research Scientist",
    "LLM Engineer",
    "Computer Vision Engineer",
    "MLOps Engineer",
    "Data Engineer",
    "Data Analyst",
    "Software Engineer",
    "Account Executive",
    "Prompt Engineer",
    "AI Product Manager",
)
CITIES = ("San Francisco, CA", "New York, NY", "London, United Kingdom", "Remote", "Austin, TX")
WORDS = tuple(f"w{i}" for i in range(3000))


def synthesise(count: int, boards: int, seed: int = 7) -> dict[str, list[Posting]]:
    rng = random.Random(seed)
    by_board: dict[str, list[Posting]] = {f"board{b}": [] for b in range(boards)}
    for i in range(count):
        board = f"board{i % boards}"
        salary = rng.randrange(90, 300) * 1000
        by_board[board].append(
            Posting(
                source="greenhouse",
                source_id=str(i),
                company=f"Company {i % boards}",
                title=rng.choice(TITLES),
                description=" ".join(rng.choices(WORDS, k=80)),
                locations=[rng.choice(CITIES)],
                workplace_type=rng.choice(("remote", "hybrid", "onsite", None)),
                salary=Salary(salary, salary + 40000, "USD", "year") if i % 3 else None,
                board=board,
                raw_payload_id="0" * 64,
            )
        )
    return by_board


def night_loads(by_board: dict[str, list[Posting]], night: date, run_id: str) -> list[BoardLoad]:
    return [
        BoardLoad(
            run_id=run_id,
            mode="bench",
            source="greenhouse",
            board=board,
            as_of=night,
            fetch_id=f"{board}-{night}",
            started_at=time_now(),
            pages=[],
            postings=postings,
            labels=label_postings(postings),
        )
        for board, postings in by_board.items()
    ]


def time_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<46} {elapsed:8.3f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--db", help="DuckDB file (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = open_warehouse(args.db or Path(tmp) / "bench.duckdb")
        con.execute("SET enable_progress_bar = false")
        n1, n2 = date(2026, 9, 1), date(2026, 9, 2)
        night1 = synthesise(args.postings, args.boards)
        loads = night_loads(night1, n1, "bench-1")
        first = timed("night 1 load", lambda: [load_board(con, x) for x in loads])
        print(f"{'  upsert rate':<46} {args.postings / first:8.0f} rows/s")
        rerun = timed("night 1 rerun (unchanged)", lambda: [load_board(con, x) for x in loads])
        print(f"{'  first load / rerun':<46} {first / rerun:8.1f} x")
        rng = random.Random(11)
        night2: dict[str, list[Posting]] = {}
        next_id = args.postings
        for board, postings in night1.items():
            kept = []
            for p in postings:
                roll = rng.random()
                if roll < 0.03:
                    continue
                if roll < 0.08:
                    p = Posting(**{**_fields(p), "title": p.title + " II"})
                kept.append(p)
            for _ in range(len(postings) * 3 // 100):
                kept.append(Posting(**{**_fields(postings[0]), "source_id": str(next_id)}))
                next_id += 1
            night2[board] = kept
        loads2 = night_loads(night2, n2, "bench-2")
        timed(
            "night 2 load (5% changed, 3% closed, 3% new)",
            lambda: [load_board(con, x) for x in loads2],
        )
        timed("refresh_canonical (full)", lambda: refresh_canonical(con))
        timed("refresh_canonical (unchanged, skipped)", lambda: refresh_canonical(con))
        views = [
            r[0]
            for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
            ).fetchall()
        ]
        for view in views:
            timed(f"view {view}", lambda v=view: con.execute(f"SELECT * FROM {v}").fetchall())
        con.close()


def _fields(p: Posting) -> dict:
    return {name: getattr(p, name) for name in p.__slots__}


if __name__ == "__main__":
    main()
