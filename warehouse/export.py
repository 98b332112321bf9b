"""Export the warehouse as Hive-partitioned Parquet, for readers that do not speak DuckDB.

Postings are partitioned by the ISO week they were first seen and by source
(`postings/week=2026-W46/source=greenhouse/*.parquet`), so a reader that wants one week or
one board reads only those files. Each mart and `canonical_jobs` becomes one Parquet file
under `marts/`. DuckDB's `COPY ... TO` writes everything; nothing passes through Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

EXPORTED_VIEWS_PREFIXES = ("mart_", "canonical_jobs")


@dataclass(frozen=True, slots=True)
class ExportResult:
    out_dir: Path
    postings: int
    marts: dict[str, int]


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> ExportResult:
    """Write postings (partitioned by week and source) and every mart; replaces older files."""
    out = Path(out_dir).resolve()
    (out / "marts").mkdir(parents=True, exist_ok=True)
    postings = con.execute(
        f"""
        COPY (
            SELECT strftime(s.first_seen_week, '%G-W%V') AS week, s.*, p.description
            FROM stg_postings AS s
            JOIN postings AS p USING (source, source_id)
        ) TO {_literal(out / "postings")}
        (FORMAT parquet, PARTITION_BY (week, source), OVERWRITE true)
        """
    ).fetchone()[0]
    marts = {}
    for (view,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
    ).fetchall():
        if view.startswith(EXPORTED_VIEWS_PREFIXES):
            marts[view] = con.execute(
                f"COPY {view} TO {_literal(out / 'marts' / f'{view}.parquet')} (FORMAT parquet)"
            ).fetchone()[0]
    return ExportResult(out, postings, marts)


def _literal(path: Path) -> str:
    """COPY takes its target as a literal, not a parameter: quote our own path safely."""
    return "'" + str(path).replace("'", "''") + "'"
