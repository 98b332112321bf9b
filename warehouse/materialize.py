"""The stored copy of `canonical_jobs`, kept equal to its definition at a night's cost.

Every weekly mart reads `canonical_jobs`, one row per job built from all of the job's
sightings. Computed on read, each mart would group every posting ever seen (about 20 s at a
million postings) every time a report or a user reads it. So the rows are stored
(`canonical_job_rows`) and refreshed after every grouping: each posting's staging row is
hashed (`int_canonical_job_inputs`), compared with the hashes the last refresh stored, and
only the jobs a changed, new or gone posting belongs to (before or after) are rebuilt, from
their members alone, with the same definition (`canonical_jobs_of`) that `int_canonical_jobs`
applies to every posting. What is stored therefore always equals `int_canonical_jobs` once
the refresh has run, whichever nights were loaded in whichever order.

A change to the SQL that defines the rows (staging or canonical jobs) or to DuckDB's version
(whose `hash` made the stored hashes) drops the copy, and the view files rebuild it whole.
"""

from __future__ import annotations

import hashlib
from importlib import resources

import duckdb

Connection = duckdb.DuckDBPyConnection

DEFINED_BY = ("10_stg_postings.sql", "15_canonical_jobs.sql")
STORED = ("canonical_job_rows", "canonical_job_inputs")
TEMP_TABLES = ("mat_now", "mat_changed", "mat_jobs", "mat_members")


def signature() -> str:
    """Changes whenever what the stored rows are computed from does."""
    sql = resources.files("warehouse.sql")
    text = "".join(sql.joinpath(name).read_text(encoding="utf-8") for name in DEFINED_BY)
    return hashlib.sha256(f"{text}{duckdb.__version__}".encode()).hexdigest()[:16]


def prepare(con: Connection) -> None:
    """Before the view files run: drop a stored copy made by other definitions, so that the
    files' `CREATE TABLE IF NOT EXISTS` rebuild it from the current ones."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS materialized_state"
        " (name VARCHAR PRIMARY KEY, signature VARCHAR NOT NULL)"
    )
    wanted = signature()
    stored = con.execute(
        "SELECT signature FROM materialized_state WHERE name = 'canonical_jobs'"
    ).fetchone()
    if stored is not None and stored[0] == wanted:
        return
    for table in STORED:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("INSERT OR REPLACE INTO materialized_state VALUES ('canonical_jobs', ?)", [wanted])


def refresh_canonical_jobs(con: Connection) -> int:
    """Rebuild the stored rows of the jobs whose sightings changed since the last refresh;
    returns how many jobs were rebuilt. Runs inside the caller's transaction, so the rows
    change together with whatever changed the sightings."""
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE mat_now AS FROM int_canonical_job_inputs")
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE mat_changed AS
            SELECT coalesce(n.source, o.source) AS source,
                   coalesce(n.source_id, o.source_id) AS source_id,
                   n.canonical_job_id AS new_job, o.canonical_job_id AS old_job, n.inputs
            FROM mat_now AS n
            FULL OUTER JOIN canonical_job_inputs AS o
              ON n.source = o.source AND n.source_id = o.source_id
            WHERE n.inputs IS DISTINCT FROM o.inputs
            """
        )
        (changed,) = con.execute("SELECT count(*) FROM mat_changed").fetchone()
        if not changed:
            return 0
        con.execute(
            "CREATE OR REPLACE TEMP TABLE mat_jobs AS"
            " SELECT new_job AS canonical_job_id FROM mat_changed WHERE new_job IS NOT NULL"
            " UNION SELECT old_job FROM mat_changed WHERE old_job IS NOT NULL"
        )
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE mat_members AS
            FROM stg_postings AS s
            WHERE EXISTS (
                SELECT 1 FROM mat_now AS n JOIN mat_jobs AS j USING (canonical_job_id)
                WHERE n.source = s.source AND n.source_id = s.source_id
            )
            """
        )
        con.execute(
            "DELETE FROM canonical_job_rows WHERE canonical_job_id IN"
            " (SELECT canonical_job_id FROM mat_jobs)"
        )
        con.execute("INSERT INTO canonical_job_rows FROM canonical_jobs_of('mat_members')")
        con.execute(
            "DELETE FROM canonical_job_inputs AS i USING mat_changed AS c"
            " WHERE i.source = c.source AND i.source_id = c.source_id"
        )
        con.execute(
            "INSERT INTO canonical_job_inputs SELECT source, source_id, new_job, inputs"
            " FROM mat_changed WHERE inputs IS NOT NULL"
        )
        (jobs,) = con.execute("SELECT count(*) FROM mat_jobs").fetchone()
        return jobs
    finally:
        for table in TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
