"""Benchmark the warehouse on synthetic postings: load rate, unchanged rerun, views.

Usage: `python tools/bench_warehouse.py [--postings 100000] [--boards 100] [--db PATH]`.
Synthesises postings spread over boards and companies, loads night 1 as the nightly flow
does, one transaction for the source's boards (timed as rows/s, DataFrames included),
reloads the same night (the unchanged rerun), loads night 2 with 5% changed, 3% gone and 3%
new postings, refreshes canonical jobs, then times every view, computed in full into a temp
table (so Python conversion is not counted). `--view-postings N` also times the views over
N postings written straight into the tables with SQL (52 weekly nights, labels and
canonical ids), which is how 1,000,000 is checked. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from ingest.group import group
from pipeline.labels import label_postings
from pipeline.models import Posting, Salary
from warehouse.db import open_warehouse
from warehouse.load import BoardLoad, load_boards
from warehouse.materialize import refresh_stored
from warehouse.measure import time_views as time_views_of

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


def churn(
    by_board: dict[str, list[Posting]], first_id: int, seed: int = 11
) -> dict[str, list[Posting]]:
    """The next night of `by_board`: 5% retitled, 3% gone, 3% new (ids from `first_id`)."""
    rng = random.Random(seed)
    serial = first_id
    out = {}
    for board, postings in by_board.items():
        kept = []
        for p in postings:
            roll = rng.random()
            if roll < 0.03:
                continue
            kept.append(replace(p, title=p.title + " II") if roll < 0.08 else p)
        for _ in range(len(postings) * 3 // 100):
            kept.append(replace(postings[0], source_id=str(serial)))
            serial += 1
        out[board] = kept
    return out


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
    parser.add_argument("--view-postings", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = open_warehouse(args.db or Path(tmp) / "bench.duckdb")
        con.execute("SET enable_progress_bar = false")
        n1, n2 = date(2026, 9, 1), date(2026, 9, 2)
        night1 = synthesise(args.postings, args.boards)
        loads = night_loads(night1, n1, "bench-1")
        first = timed("night 1 load", lambda: load_boards(con, loads))
        print(f"{'  upsert rate':<46} {args.postings / first:8.0f} rows/s")
        rerun = timed("night 1 rerun (unchanged)", lambda: load_boards(con, loads))
        print(f"{'  first load / rerun':<46} {first / rerun:8.1f} x")
        loads2 = night_loads(churn(night1, args.postings), n2, "bench-2")
        timed(
            "night 2 load (5% changed, 3% closed, 3% new)",
            lambda: load_boards(con, loads2),
        )
        timed("group (full)", lambda: group(con))
        timed("group (unchanged)", lambda: group(con))
        time_views(con)
        con.close()
    if args.view_postings:
        with tempfile.TemporaryDirectory() as tmp:
            con = open_warehouse(Path(tmp) / "views.duckdb")
            con.execute("SET enable_progress_bar = false")
            timed(
                f"write {args.view_postings} postings with SQL",
                lambda: fill(con, args.view_postings),
            )
            timed("store canonical jobs", lambda: refresh_stored(con))
            time_views(con)
            con.close()


def time_views(con) -> None:
    for view, seconds in time_views_of(con).items():
        print(f"{'view ' + view:<46} {seconds:8.3f} s")


def fill(con, count: int) -> None:
    """Postings, labels, canonical ids and 52 weekly nights of runs, written by SQL."""
    con.execute(
        """
        INSERT INTO runs (run_id, source, board, as_of, mode, status, started_at, finished_at)
        SELECT 'r' || w, 'greenhouse', 'b' || b, DATE '2025-01-06' + 7 * w::INTEGER, 'bench',
               'success', now(), now()
        FROM range(52) AS t(w), range(100) AS u(b)
        """
    )
    con.execute(
        """
        INSERT INTO postings
        SELECT CASE WHEN i % 4 = 0 THEN 'lever' ELSE 'greenhouse' END, i::VARCHAR,
               'b' || (i % 100), 'Company ' || (i % 500), 'Title ' || (i % 40),
               'description ' || i, ['City ' || (i % 30)], NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, '0', NULL, md5(i::VARCHAR),
               DATE '2025-01-06' + 7 * (i % 52)::INTEGER,
               DATE '2025-01-06' + 7 * least(51, i % 52 + i % 9)::INTEGER,
               CASE WHEN i % 3 = 0
                    THEN DATE '2025-01-06' + 7 * least(51, i % 52 + i % 9 + 1)::INTEGER END
        FROM range(?) AS t(i)
        """,
        [count],
    )
    con.execute(
        """
        INSERT INTO posting_labels (source, source_id, classifier_version, role, is_ai,
            ai_signal, role_confidence, role_evidence, seniority, work_arrangement, remote_scope,
            salary_usd_min, salary_usd_max, salary_flag, country, metro, degree, skills,
            industry, employment_type, detail)
        WITH keyed AS (
            SELECT source, source_id, (hash(source_id) % 1000000)::BIGINT AS h,
                   (hash(company) % 3)::BIGINT AS c, (hash(title) % 4)::BIGINT AS t
            FROM postings
        )
        SELECT source, source_id, 'bench',
               (['ml_engineer', 'data_scientist', 'software_engineer', 'other',
                 'nlp_llm_engineer'])[1 + h % 5],
               h % 5 <> 2, NULL, NULL, NULL, (['entry', 'mid', 'senior', 'unknown'])[1 + t],
               (['remote', 'hybrid', 'onsite', 'unknown'])[1 + h % 4], NULL,
               CASE WHEN h % 2 = 0 THEN 100000 + h % 150000 END,
               CASE WHEN h % 2 = 0 THEN 150000 + h % 150000 END,
               NULL, 'US', (['sf_bay_area', 'new_york', NULL])[1 + c],
               (['bachelors', 'masters', NULL])[1 + h % 3], ['python', 'sql'],
               'Tech/Software', 'full_time', NULL
        FROM keyed
        """
    )
    con.execute(
        """
        INSERT INTO posting_canonical
        SELECT source, source_id, md5(company || title || (source_id::BIGINT // 3)::VARCHAR),
               md5(company || title), 'self'
        FROM postings
        """
    )


if __name__ == "__main__":
    main()
