"""Export the warehouse as Hive-partitioned Parquet, for readers that do not speak DuckDB.

Postings are partitioned by the ISO week they were first seen and by source
(`postings/week=2026-W46/source=greenhouse/*.parquet`), so a reader that wants one week or
one board reads only those files. Each mart and `canonical_jobs` becomes one Parquet file
under `marts/`. DuckDB's `COPY ... TO` writes everything; nothing passes through Python.

An export is written whole into a staging folder inside `--out` and then swapped into place
(`postings/` and `marts/` each in one atomic exchange where the kernel offers it), so a
reader or a killed export never sees half of one: the previous complete export stays until
the new one replaces it. Nothing else in `--out` is touched, and files a person put inside
`postings/` or `marts/` are carried into the new export (hard-linked, never copied over).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

EXPORTED_VIEWS_PREFIXES = ("mart_", "canonical_jobs")
STAGING_PREFIX = ".jobtrends-export-"
PARTS = ("postings", "marts")
PREVIOUS_SUFFIX = ".previous"
OURS = {
    "postings": re.compile(r"week=[^/]+/source=[^/]+/data_\d+\.parquet"),
    "marts": re.compile(r"(mart_[a-z0-9_]+|canonical_jobs)\.parquet"),
}
"""The files an export writes; anything else under `postings/` or `marts/` is the user's."""
RENAME_EXCHANGE = 2
AT_FDCWD = -100


@dataclass(frozen=True, slots=True)
class ExportResult:
    out_dir: Path
    postings: int
    marts: dict[str, int]


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: str | Path) -> ExportResult:
    """Write postings (partitioned by week and source) and every mart, then swap them in."""
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    _sweep(out)
    stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        (stage / "marts").mkdir()
        postings = con.execute(
            f"""
            COPY (
                SELECT strftime(s.first_seen_week, '%G-W%V') AS week, s.*, p.description
                FROM stg_postings AS s
                JOIN postings AS p USING (source, source_id)
            ) TO {_literal(stage / "postings")}
            (FORMAT parquet, PARTITION_BY (week, source))
            """
        ).fetchone()[0]
        marts = {}
        for (view,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
        ).fetchall():
            if view.startswith(EXPORTED_VIEWS_PREFIXES):
                target = _literal(stage / "marts" / f"{view}.parquet")
                marts[view] = con.execute(f"COPY {view} TO {target} (FORMAT parquet)").fetchone()[0]
        (stage / "postings").mkdir(exist_ok=True)
        for part in PARTS:
            _carry_over(out / part, stage / part, OURS[part])
            _swap(stage / part, out / part)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return ExportResult(out, postings, marts)


def _sweep(out: Path) -> None:
    """Remove what killed exports left, first putting back a part caught mid-swap."""
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        for part in PARTS:
            previous = stale / f"{part}{PREVIOUS_SUFFIX}"
            if previous.is_dir() and not (out / part).exists():
                previous.rename(out / part)
        shutil.rmtree(stale, ignore_errors=True)


def _carry_over(old: Path, new: Path, ours: re.Pattern[str]) -> None:
    """Hard-link every file of `old` that the export did not write into the same place in
    `new`, so the swap keeps it. A link, not a move: until the swap it is in both."""
    if not old.is_dir():
        return
    for path in sorted(old.rglob("*")):
        relative = path.relative_to(old)
        if not (path.is_symlink() or path.is_file()) or ours.fullmatch(relative.as_posix()):
            continue
        target = new / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(path, target, follow_symlinks=False)


def _swap(new: Path, current: Path) -> None:
    """Put `new` where `current` is, leaving the old one at `new` (or nowhere) to delete."""
    if not current.exists():
        new.rename(current)
        return
    if _exchange(new, current):
        return
    previous = new.with_name(new.name + PREVIOUS_SUFFIX)
    current.rename(previous)
    new.rename(current)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux's `renameat2(RENAME_EXCHANGE)`; False where
    the system or file system does not offer it."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _literal(path: Path) -> str:
    """COPY takes its target as a literal, not a parameter: quote our own path safely."""
    return "'" + str(path).replace("'", "''") + "'"
