"""The stored copies of `canonical_jobs` and `int_week_jobs`, kept equal to their definitions
at a night's cost.

Every weekly mart reads `int_week_jobs` (a row per week and job open in it), which reads
`canonical_jobs` (a row per job, built from all of its sightings). Computed on read, every
mart would group every posting ever seen and join every job with every week (about 20 s and
37 s at a million postings) each time a report or a user reads it. So both are stored
(`canonical_job_rows`, `week_job_rows`) and refreshed after every grouping:

- each posting's staging row is hashed (`int_canonical_job_inputs`) and compared with the hash
  the last refresh stored; only the jobs a changed, new or gone posting belongs to (before or
  after) are rebuilt, from their members alone, with the same table macro
  (`canonical_jobs_of`) that `canonical_jobs_computed` applies to every posting;
- those jobs' week rows are rewritten, and a week that appeared (or went) since the last
  refresh gets (or loses) the rows of every job open in it, with the macro
  (`int_week_jobs_of`) that `int_week_jobs_computed` applies to everything.

What is stored therefore equals the computed views once the refresh has run, whichever nights
were loaded in whichever order. A change to the SQL that defines either (staging, canonical
jobs, weeks, week jobs) or to DuckDB's version (whose `hash` made the stored hashes) drops the
copies, and the view files rebuild them whole.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

import duckdb

DEFINED_BY = (
    "10_stg_postings.sql",
    "15_canonical_jobs.sql",
    "20_weeks.sql",
    "24_int_week_jobs.sql",
)
STORED = ("canonical_job_rows", "canonical_job_inputs", "week_job_rows", "week_job_weeks")
TEMP_TABLES = (
    "mat_now",
    "mat_changed",
    "mat_jobs",
    "mat_members",
    "mat_weeks",
    "mat_weeks_added",
    "mat_weeks_removed",
)
TEMP_VIEWS = ("mat_rebuilt", "mat_unchanged")


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What a refresh rebuilt: jobs (their row and week rows) and weeks added or removed."""

    jobs: int
    weeks_added: int
    weeks_removed: int


def signature() -> str:
    """Changes whenever what the stored rows are computed from does."""
    sql = resources.files("warehouse.sql")
    text = "".join(sql.joinpath(name).read_text(encoding="utf-8") for name in DEFINED_BY)
    return hashlib.sha256(f"{text}{duckdb.__version__}".encode()).hexdigest()[:16]


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Before the view files run: drop stored copies made by other definitions, so that the
    files' `CREATE TABLE IF NOT EXISTS` rebuild them from the current ones."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS materialized_state"
        " (name VARCHAR PRIMARY KEY, signature VARCHAR NOT NULL)"
    )
    wanted = signature()
    stored = con.execute("SELECT signature FROM materialized_state WHERE name = 'jobs'").fetchone()
    if stored is not None and stored[0] == wanted:
        return
    for table in STORED:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("DELETE FROM materialized_state")
    con.execute("INSERT INTO materialized_state VALUES ('jobs', ?)", [wanted])


def refresh_stored(con: duckdb.DuckDBPyConnection) -> Refreshed:
    """Bring the stored jobs and week rows up to date with the postings, labels, grouping and
    runs. Runs inside the caller's transaction, so the copies change together with whatever
    changed their inputs."""
    try:
        jobs = _rebuild_jobs(con)
        added, removed = _rebuild_weeks(con)
        return Refreshed(jobs, added, removed)
    finally:
        for table in TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        for view in TEMP_VIEWS:
            con.execute(f"DROP VIEW IF EXISTS {view}")


def _rebuild_jobs(con: duckdb.DuckDBPyConnection) -> int:
    """The jobs of the postings whose staging row moved into `mat_jobs`, their stored rows
    rebuilt; returns how many."""
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
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mat_jobs AS"
        " SELECT new_job AS canonical_job_id FROM mat_changed WHERE new_job IS NOT NULL"
        " UNION SELECT old_job FROM mat_changed WHERE old_job IS NOT NULL"
    )
    (jobs,) = con.execute("SELECT count(*) FROM mat_jobs").fetchone()
    if not jobs:
        return 0
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
    return jobs


def _rebuild_weeks(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Rewrite the week rows of the rebuilt jobs (`mat_jobs`) for every week, and those of
    every other job for the weeks that appeared; drop the rows of weeks that went. Returns
    the weeks added and removed."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mat_weeks AS SELECT week, week_start, week_end FROM weeks"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mat_weeks_added AS FROM mat_weeks EXCEPT FROM week_job_weeks"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mat_weeks_removed AS"
        " FROM week_job_weeks EXCEPT FROM mat_weeks"
    )
    (added,) = con.execute("SELECT count(*) FROM mat_weeks_added").fetchone()
    (removed,) = con.execute("SELECT count(*) FROM mat_weeks_removed").fetchone()
    if removed:
        con.execute("DELETE FROM week_job_rows WHERE week IN (SELECT week FROM mat_weeks_removed)")
    con.execute(
        "DELETE FROM week_job_rows WHERE canonical_job_id IN"
        " (SELECT canonical_job_id FROM mat_jobs)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP VIEW mat_rebuilt AS FROM canonical_job_rows"
        " WHERE canonical_job_id IN (SELECT canonical_job_id FROM mat_jobs)"
    )
    con.execute("INSERT INTO week_job_rows FROM int_week_jobs_of('mat_weeks', 'mat_rebuilt')")
    if added:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW mat_unchanged AS FROM canonical_job_rows"
            " WHERE canonical_job_id NOT IN (SELECT canonical_job_id FROM mat_jobs)"
        )
        con.execute(
            "INSERT INTO week_job_rows FROM int_week_jobs_of('mat_weeks_added', 'mat_unchanged')"
        )
    if added or removed:
        con.execute("DELETE FROM week_job_weeks")
        con.execute("INSERT INTO week_job_weeks FROM mat_weeks")
    return added, removed
