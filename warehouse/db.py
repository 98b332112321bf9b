"""Opening the warehouse file and bringing its schema up to date.

Migrations are numbered SQL files applied in order inside one transaction each and recorded
in `schema_migrations`, so opening an up-to-date file is a no-op and a half-applied migration
cannot exist. They only go forward: a released migration is never edited, a new one is added.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from warehouse import materialize

Connection = duckdb.DuckDBPyConnection
"""The warehouse connection, named here so the layers above never import `duckdb`."""
WarehouseError = duckdb.Error
"""What a failed statement raises; the engine catches it to record a board's load as failed."""
MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
WRITER_MEMORY_LIMIT = "1GB"
"""DuckDB's memory cap on the load connection. Its default is 80% of the machine's RAM, which
the buffer pool fills as the warehouse grows; above the cap, joins and sorts spill to the
temp directory beside the file instead, so the writer's memory stays flat in N."""


class WarehouseLocked(RuntimeError):
    """Another process holds the DuckDB file open for writing."""


def connect(
    path: str | Path,
    *,
    read_only: bool = False,
    wait_seconds: float = 30.0,
    config: dict[str, str | bool | int] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting a while if another writer holds it, then fail with a clear message.

    DuckDB allows one writing process per file. A user's open `duckdb` session must not make
    the nightly run corrupt anything, only wait and then say who to ask.
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(config or {}))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"{path} is locked by another process (close other DuckDB sessions on it "
                    f"and retry): {exc}"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
"""For SQL a person types (`jobtrends sql`): no file, network, ATTACH, COPY or INSTALL, and
no SET that could turn any of it back on. Order matters: the lock comes last."""


def open_sandboxed(path: str | Path, *, wait_seconds: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A read-only connection that can see the warehouse's tables and views and nothing else.

    A query such as `read_csv('/etc/passwd')`, `COPY ... TO '/anywhere'` or `INSTALL ...`
    fails with DuckDB's `PermissionException` instead of doing it.
    """
    return connect(path, read_only=True, wait_seconds=wait_seconds, config=SANDBOX_CONFIG)


class QueryError(RuntimeError):
    """A query the sandbox refused or DuckDB could not run, in DuckDB's first line."""


def query_sandboxed(path: str | Path, query: str) -> pd.DataFrame:
    """Run one person-typed query on a sandboxed connection; errors become `QueryError`."""
    try:
        con = open_sandboxed(path)
    except duckdb.Error as exc:
        raise QueryError(_first_line(exc)) from exc
    try:
        return con.execute(query).df()
    except duckdb.Error as exc:
        raise QueryError(_first_line(exc)) from exc
    finally:
        con.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def migrations() -> list[tuple[int, str, str]]:
    """Every bundled migration as (version, name, sql), in order."""
    found = []
    for entry in resources.files("warehouse.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


@contextmanager
def transaction(con: Connection, **frames: pd.DataFrame) -> Iterator[None]:
    """All or nothing: the block's statements commit together or roll back together (an
    interrupt included), with each of `frames` readable by its name meanwhile and never
    left registered on the connection afterwards. BEGIN comes first: it completes any
    result still pending on the connection, which `register` would refuse to run beside."""
    con.execute("BEGIN TRANSACTION")
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in frames:
            con.unregister(name)


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply the migrations the file lacks (up to `target`); return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done or (target is not None and version > target):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the staging and mart views, in file order. Views hold no data, except
    the stored copies of `canonical_jobs` and `int_week_jobs` (`warehouse.materialize`),
    which the files build when missing and which a change to their definitions drops first."""
    materialize.prepare(con)
    for entry in sorted(resources.files("warehouse.sql").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            con.execute(entry.read_text(encoding="utf-8"))


def open_warehouse(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Connect, migrate and refresh views: the one way the project gets a connection."""
    con = connect(path, read_only=read_only)
    if not read_only:
        migrate(con)
        create_views(con)
    return con


def open_for_load(path: str | Path, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """`open_warehouse` with the caller's patience for another writer's lock (the flow waits
    briefly here and retries its task after a delay, so each wait shows in the run's
    history) and the writer's memory bounded by `WRITER_MEMORY_LIMIT`."""
    con = connect(path, wait_seconds=wait_seconds)
    try:
        con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
        con.execute("SET temp_directory = ?", [f"{Path(path)}.tmp"])
        migrate(con)
        create_views(con)
    except BaseException:
        con.close()
        raise
    return con
