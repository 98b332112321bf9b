"""One nightly ingest per warehouse at a time: an advisory lock beside the DuckDB file.

DuckDB's own file lock only covers the moment of loading; two nightly runs started together
would both fetch, both archive and then race for the writer, and the second would load a
night the first already changed under it. `run_lock` is taken for the whole run instead, with
`fcntl.flock` on `<db>.lock`: the kernel drops it when the holder dies (even by SIGKILL), so a
crashed run never leaves a stale lock to clean by hand. The holder writes its pid into the
file so the one that waits can say whom it waited for.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RunLocked(RuntimeError):
    """Another process is running an ingest against the same warehouse."""

    def __init__(self, lock_path: Path, holder: str, waited: float) -> None:
        self.lock_path = lock_path
        self.holder = holder
        super().__init__(
            f"another ingest (pid {holder or 'unknown'}) holds {lock_path}; "
            f"waited {waited:.0f}s. Let it finish, or stop that process and retry."
        )


def lock_path_for(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".lock")


@contextmanager
def run_lock(
    db_path: str | Path, *, wait_seconds: float = 0.0, poll: float = 0.2
) -> Iterator[Path]:
    """Hold the warehouse's run lock for the block; wait up to `wait_seconds`, then `RunLocked`."""
    path = lock_path_for(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait_seconds:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    raise RunLocked(path, holder, waited) from None
                time.sleep(min(poll, max(0.0, wait_seconds - waited)))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
