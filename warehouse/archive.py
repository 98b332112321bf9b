"""The raw archive: every response body as received, compressed and content-addressed.

Bodies are written before anything parses them, so a parser bug never loses data and any
night can be parsed again. File names come only from SHA-256 digests and our own fetch ids,
never from payload values, so a hostile id such as `../../etc/passwd` cannot steer a write.

The archive is append-only, like a load package: each fetch attempt of a board gets its own
id (`new_attempt_id`) and one manifest, written once when the attempt ends (`commit`) with
its pages in order and whether it completed, and never rewritten. A failed refetch or a
retry with fewer pages is a new attempt beside the old one, so the pages a load used stay
exactly as they were. Objects are checked against their digest when read (`read_body`) and
rewritten when the same body arrives again while the stored copy is damaged (`store`);
`verify` reports every missing or corrupt object a manifest refers to.

A fetch the server answered with 304 (conditional requests, see `ingest.fetch`) is an attempt
like any other: its manifest lists the pages of the attempt it repeats (`same_as`) under its
own id, the same content-addressed bodies, so nothing is rewritten and a reparse reads it as
it reads a full fetch. `validators` keeps what the server said identifies a one-page
listing (URL, `ETag`, `Last-Modified`, and a digest of the board's config).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import re
import secrets
import tempfile
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline.models import RawPage
from warehouse.load import PageRecord

HEX = re.compile(r"^[0-9a-f]{16,64}$")
MANIFEST_FORMAT = 2
"""Manifests before it were a bare list of page entries, rewritten as pages arrived."""


class ArchiveError(Exception):
    """The archive cannot give back what a manifest promises; the message says what and why."""


class MissingObject(ArchiveError):
    pass


class CorruptObject(ArchiveError):
    pass


class DiskFull(ArchiveError):
    """The archive's disk has no room: said as such, not as an unexpected `OSError`."""


class AttemptExists(ArchiveError):
    """A manifest is written once; a second fetch of the board must be a new attempt."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One fetch attempt's manifest. `complete` is None for manifests written before attempts
    were recorded as such (format 1), which said nothing about it."""

    night: date
    fetch_id: str
    source: str
    board: str
    complete: bool | None
    error: str | None
    pages: list[dict[str, Any]]
    validators: dict[str, str] | None = None
    same_as: str | None = None
    """The attempt whose pages a 304 said were still current (its night and fetch id)."""


@dataclass(slots=True)
class VerifyReport:
    """What `verify` found: objects checked, and each damaged one with the attempts using it."""

    manifests: int = 0
    objects: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)
    corrupt: dict[str, str] = field(default_factory=dict)
    bad_manifests: dict[str, str] = field(default_factory=dict)
    users: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt or self.bad_manifests)

    def lines(self) -> list[str]:
        """One line per problem, naming the object and the attempts that need it."""
        out = [
            f"missing object {sha}: used by {', '.join(used)}" for sha, used in self.missing.items()
        ]
        out += [
            f"corrupt object {sha} ({reason}): used by {', '.join(self.users.get(sha, []))}"
            for sha, reason in self.corrupt.items()
        ]
        out += [
            f"unreadable manifest {name}: {reason}" for name, reason in self.bad_manifests.items()
        ]
        return out


def new_attempt_id() -> str:
    """A fresh fetch id: the time in nanoseconds then random bits, 32 hex digits, so a
    night's attempts list in the order they were made and two never collide."""
    return f"{time.time_ns():016x}{secrets.token_hex(8)}"


class RawArchive:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def body_path(self, sha256: str) -> Path:
        if not HEX.match(sha256):
            raise ValueError(f"not a hex digest: {sha256!r}")
        return self.root / "objects" / sha256[:2] / sha256[2:4] / f"{sha256}.gz"

    def manifest_path(self, as_of: date, fetch_id: str) -> Path:
        if not HEX.match(fetch_id):
            raise ValueError(f"not a fetch id: {fetch_id!r}")
        return self.root / "fetches" / as_of.isoformat() / f"{fetch_id}.json"

    def store(self, page: RawPage) -> str:
        """Store the body once per content; a stored copy that no longer matches its digest
        (torn, flipped bits) is replaced by this good one. Returns the path under the root."""
        path = self.body_path(page.sha256)
        if not path.exists() or self._damage(page.sha256) is not None:
            _atomic_write(path, gzip.compress(page.body, compresslevel=6, mtime=0))
        return str(path.relative_to(self.root))

    def commit(
        self,
        as_of: date,
        fetch_id: str,
        source: str,
        board: str,
        pages: Sequence[PageRecord],
        *,
        complete: bool,
        error: str | None = None,
        validators: dict[str, str] | None = None,
        same_as: str | None = None,
    ) -> None:
        """Write one attempt's manifest, once, after its pages' bodies are stored: nothing
        refers to an attempt before its manifest is whole. Raises `AttemptExists` rather than
        overwrite."""
        extra: dict[str, Any] = {"validators": validators} if validators else {}
        if same_as:
            extra["same_as"] = same_as
        doc = {
            "format": MANIFEST_FORMAT,
            "fetch_id": fetch_id,
            "source": source,
            "board": board,
            "night": as_of.isoformat(),
            "complete": complete,
            "error": error,
            "pages": [_entry(p) for p in sorted(pages, key=lambda p: p.seq)],
            **extra,
        }
        path = self.manifest_path(as_of, fetch_id)
        try:
            _exclusive_write(path, json.dumps(doc, indent=1).encode())
        except FileExistsError:
            raise AttemptExists(
                f"fetch attempt {fetch_id} of {as_of} is already archived"
            ) from None

    def read_body(self, sha256: str) -> bytes:
        """The body, checked against its digest; `MissingObject` or `CorruptObject` if not."""
        path = self.body_path(sha256)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise MissingObject(f"archive object {sha256} is missing") from None
        try:
            body = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise CorruptObject(f"archive object {sha256} is not valid gzip: {exc}") from None
        if hashlib.sha256(body).hexdigest() != sha256:
            raise CorruptObject(f"archive object {sha256} does not match its digest")
        return body

    def attempt(self, as_of: date, fetch_id: str) -> Attempt:
        """One attempt's manifest, in either format; `ArchiveError` if it cannot be read."""
        path = self.manifest_path(as_of, fetch_id)
        try:
            doc = json.loads(path.read_text())
        except FileNotFoundError:
            raise ArchiveError(f"no manifest for fetch {fetch_id} of {as_of}") from None
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"manifest {as_of}/{fetch_id} is unreadable: {exc}") from None
        if isinstance(doc, list):
            first = doc[0] if doc else {}
            return Attempt(
                as_of, fetch_id, first.get("source", ""), first.get("board", ""), None, None, doc
            )
        if not isinstance(doc, dict) or not isinstance(doc.get("pages"), list):
            raise ArchiveError(f"manifest {as_of}/{fetch_id} is not a fetch manifest")
        return Attempt(
            as_of,
            fetch_id,
            doc["source"],
            doc["board"],
            doc.get("complete"),
            doc.get("error"),
            doc["pages"],
            doc.get("validators") if isinstance(doc.get("validators"), dict) else None,
            doc.get("same_as") if isinstance(doc.get("same_as"), str) else None,
        )

    def manifest(self, as_of: date, fetch_id: str) -> list[dict[str, Any]]:
        """One fetch's page entries in order (seq, source, board, url, status, content type,
        sha256, bytes, fetched_at), read without touching the bodies."""
        return self.attempt(as_of, fetch_id).pages

    def fetch_pages(self, as_of: date, fetch_id: str) -> list[RawPage]:
        """The pages of one archived board fetch, in order, ready for a source's `parse`;
        every body checked against its digest."""
        return [
            RawPage(
                source=e["source"],
                board=e["board"],
                url=e["url"],
                status=e["status"],
                content_type=e["content_type"],
                body=self.read_body(e["sha256"]),
                fetched_at=datetime.fromisoformat(e["fetched_at"]),
                fetch_id=fetch_id,
                seq=e["seq"],
            )
            for e in self.manifest(as_of, fetch_id)
        ]

    def fetches(
        self, since: date | None = None, until: date | None = None
    ) -> Iterator[tuple[date, str]]:
        """Every archived (night, fetch id), oldest night first, a night's attempts in the
        order they were made."""
        base = self.root / "fetches"
        if not base.exists():
            return
        for night_dir in sorted(base.iterdir()):
            try:
                night = date.fromisoformat(night_dir.name)
            except ValueError:
                continue
            if (since and night < since) or (until and night > until):
                continue
            for manifest in sorted(night_dir.glob("*.json")):
                if HEX.match(manifest.stem):
                    yield night, manifest.stem

    def verify(self) -> VerifyReport:
        """Check every object every manifest refers to: present, valid gzip, matching its
        digest. Each object is read once however many attempts share it."""
        report = VerifyReport()
        for night, fid in self.fetches():
            name = f"{night.isoformat()}/{fid}"
            try:
                attempt = self.attempt(night, fid)
                shas = [str(e["sha256"]) for e in attempt.pages]
            except (ArchiveError, KeyError, TypeError) as exc:
                report.bad_manifests[name] = str(exc)
                continue
            report.manifests += 1
            for sha in shas:
                report.users.setdefault(sha, []).append(name)
        for sha, used in report.users.items():
            report.objects += 1
            problem = self._damage(sha)
            if isinstance(problem, MissingObject):
                report.missing[sha] = used
            elif problem is not None:
                report.corrupt[sha] = str(problem)
        return report

    def _damage(self, sha256: str) -> ArchiveError | None:
        try:
            self.read_body(sha256)
        except ValueError as exc:
            return CorruptObject(str(exc))
        except ArchiveError as exc:
            return exc
        return None


def _entry(page: PageRecord) -> dict[str, Any]:
    return {
        "seq": page.seq,
        "source": page.source,
        "board": page.board,
        "url": page.url,
        "status": page.status,
        "content_type": page.content_type,
        "sha256": page.sha256,
        "bytes": page.bytes,
        "fetched_at": page.fetched_at.isoformat(),
    }


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a crash never leaves a torn archive file."""
    _write_whole(path, data, exclusive=False)


def _exclusive_write(path: Path, data: bytes) -> None:
    """Write a whole file under a name that must not exist yet: a temp file hard-linked into
    place, which fails if the name is taken and never shows a half-written file."""
    _write_whole(path, data, exclusive=True)


def _write_whole(path: Path, data: bytes, *, exclusive: bool) -> None:
    """A temp file beside `path`, then renamed over it or (exclusive) hard-linked to it."""
    with _no_space_is_disk_full(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            if exclusive:
                os.link(tmp, path)
            else:
                os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)


@contextmanager
def _no_space_is_disk_full(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(f"disk full: no space left to archive under {path.parent}") from None
        raise
