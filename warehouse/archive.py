"""The raw archive: every response body as received, compressed and content-addressed.

Bodies are written before anything parses them, so a parser bug never loses data and any
night can be parsed again. File names come only from SHA-256 digests and our own fetch ids,
never from payload values, so a hostile id such as `../../etc/passwd` cannot steer a write.
Each board fetch also gets a small manifest (its pages in order with URL, status and time),
which is what `reparse` reads back without the network or the warehouse.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline.models import RawPage

HEX = re.compile(r"^[0-9a-f]{16,64}$")


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

    def put(self, page: RawPage, as_of: date) -> str:
        """Store the body (once per content) and append the page to its fetch manifest."""
        path = self.body_path(page.sha256)
        if not path.exists():
            _atomic_write(path, gzip.compress(page.body, compresslevel=6, mtime=0))
        manifest = self.manifest_path(as_of, page.fetch_id)
        entries = json.loads(manifest.read_text()) if manifest.exists() else []
        entries = [e for e in entries if e["seq"] != page.seq]
        entries.append(
            {
                "seq": page.seq,
                "source": page.source,
                "board": page.board,
                "url": page.url,
                "status": page.status,
                "content_type": page.content_type,
                "sha256": page.sha256,
                "bytes": len(page.body),
                "fetched_at": page.fetched_at.isoformat(),
            }
        )
        entries.sort(key=lambda e: e["seq"])
        _atomic_write(manifest, json.dumps(entries, indent=1).encode())
        return str(path.relative_to(self.root))

    def read_body(self, sha256: str) -> bytes:
        return gzip.decompress(self.body_path(sha256).read_bytes())

    def manifest(self, as_of: date, fetch_id: str) -> list[dict[str, Any]]:
        """One fetch's page entries in order (seq, source, board, url, status, content type,
        sha256, bytes, fetched_at), read without touching the bodies."""
        entries: list[dict[str, Any]] = json.loads(self.manifest_path(as_of, fetch_id).read_text())
        return entries

    def fetch_pages(self, as_of: date, fetch_id: str) -> list[RawPage]:
        """The pages of one archived board fetch, in order, ready for a source's `parse`."""
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
        """Every archived (night, fetch id), oldest night first."""
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
                yield night, manifest.stem


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a crash never leaves a torn archive file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
