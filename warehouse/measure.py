"""Measurements of the warehouse itself, for the benchmark (`tools/bench.py`): the memory
DuckDB holds, how long each report-facing view takes to evaluate, and the bulk-insert
ceiling a load is compared against.

They live here because this package is the only one that speaks DuckDB; the benchmark only
times them. (Its row-by-row baseline stays in the benchmark: it is the thing measured, a
first version the warehouse must never become.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from warehouse.db import Connection, connect


def memory_mb(con: Connection) -> float:
    """Megabytes DuckDB's buffer manager holds for this connection's database."""
    row = con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0) / 2 ^ 20 FROM duckdb_memory()"
    ).fetchone()
    return float(row[0]) if row else 0.0


def view_seconds(db_path: str | Path) -> dict[str, float]:
    """Seconds to fully evaluate each view a report or a user reads, on the file read-only."""
    con = connect(db_path, read_only=True)
    try:
        return time_views(con)
    finally:
        con.close()


def time_views(con: Connection) -> dict[str, float]:
    """Seconds to fully evaluate each view of the database (staging, intermediate, canonical
    jobs and marts), by name.

    Each view is written whole into a temp table: a `count(*)` over it would let DuckDB drop
    the columns nobody reads, and with them most of the aggregates the view computes.
    """
    names = [
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary ORDER BY 1"
        ).fetchall()
    ]
    out = {}
    for name in names:
        t0 = time.perf_counter()
        con.execute(f'CREATE OR REPLACE TEMP TABLE measured AS FROM "{name}"')
        out[name] = time.perf_counter() - t0
        con.execute("DROP TABLE measured")
    return out


def description_kb(db_path: str | Path) -> float:
    """Mean description size of the company boards' postings (HN comments left out)."""
    con = connect(db_path, read_only=True)
    try:
        row = con.execute(
            "SELECT avg(strlen(description)) / 1024 FROM postings WHERE source <> 'hn'"
        ).fetchone()
        return float(row[0]) if row and row[0] is not None else 0.0
    finally:
        con.close()


def postings_of(db_path: str | Path, boards: pd.DataFrame) -> pd.DataFrame:
    """The finished posting rows of some boards (`source`, `board` columns), as stored."""
    con = connect(db_path, read_only=True)
    try:
        con.register("batch_boards", boards)
        return con.execute(
            "SELECT p.* FROM postings AS p JOIN batch_boards USING (source, board)"
        ).df()
    finally:
        con.close()


def insert_postings(con: Connection, rows: pd.DataFrame) -> None:
    """Finished posting rows into `postings` in one INSERT from a DataFrame: the ceiling a
    load's merge is measured against."""
    con.register("incoming", rows)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO postings SELECT * FROM incoming")
        con.execute("COMMIT")
    finally:
        con.unregister("incoming")
