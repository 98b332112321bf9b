"""The raw archive: content-addressed, compressed, replayable, append-only, checked against
its digests, and blind to payload values."""

from __future__ import annotations

import errno
import gzip
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipeline.models import RawPage
from warehouse.archive import (
    HEX,
    AttemptExists,
    CorruptObject,
    DiskFull,
    MissingObject,
    RawArchive,
    new_attempt_id,
)
from warehouse.load import page_record

NIGHT = date(2026, 11, 15)


def page(body: bytes, seq: int = 0, fetch_id: str = "ab" * 16) -> RawPage:
    return RawPage(
        "lever",
        "../../etc/passwd",
        "https://x/y",
        200,
        "application/json",
        body,
        datetime(2026, 11, 15, 2, tzinfo=UTC),
        fetch_id,
        seq,
    )


def test_store_and_commit_then_read_back_a_fetch_in_order(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    pages = [page(b"[2]", seq=1), page(b"[1]", seq=0)]
    paths = [archive.store(p) for p in pages]
    records = [page_record(p, path) for p, path in zip(pages, paths, strict=True)]
    archive.commit(NIGHT, "ab" * 16, "lever", "../../etc/passwd", records, complete=True)
    read = archive.fetch_pages(NIGHT, "ab" * 16)
    assert [p.body for p in read] == [b"[1]", b"[2]"]
    assert read[0].board == "../../etc/passwd" and read[0].sha256 == page(b"[1]").sha256
    assert all(p.startswith("objects/") and ".." not in p for p in paths)
    assert list(archive.fetches()) == [(NIGHT, "ab" * 16)]


def test_identical_bodies_are_stored_once(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(page(b"same", fetch_id="cd" * 16))
    archive.store(page(b"same", fetch_id="ef" * 16))
    assert len(list((tmp_path / "objects").rglob("*.gz"))) == 1


def test_paths_never_come_from_untrusted_values(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    with pytest.raises(ValueError):
        archive.body_path("../../etc/passwd")
    with pytest.raises(ValueError):
        archive.manifest_path(NIGHT, "../x")
    assert all(tmp_path in p.parents for p in tmp_path.rglob("*"))


def _attempt(archive: RawArchive, bodies: list[bytes], *, complete: bool = True) -> str:
    """Archive one fetch attempt of `bodies` the way the engine does: bodies, then manifest."""
    fid = new_attempt_id()
    pages = [page(body, seq=i, fetch_id=fid) for i, body in enumerate(bodies)]
    records = [page_record(p, archive.store(p)) for p in pages]
    archive.commit(
        NIGHT, fid, "lever", "acme", records, complete=complete, error=None if complete else "x"
    )
    return fid


def test_attempt_ids_are_unique_valid_and_in_the_order_made() -> None:
    ids = [new_attempt_id() for _ in range(50)]
    assert len(set(ids)) == 50 and ids == sorted(ids)
    assert all(HEX.match(i) and len(i) == 32 for i in ids)


def test_a_manifest_is_written_once_and_never_rewritten(tmp_path: Path) -> None:
    """Finding 1: a rerun of a night must be a new attempt, never an overwrite."""
    archive = RawArchive(tmp_path)
    fid = _attempt(archive, [b"[1]"])
    before = archive.manifest_path(NIGHT, fid).read_bytes()
    with pytest.raises(AttemptExists):
        archive.commit(NIGHT, fid, "lever", "acme", [], complete=False)
    assert archive.manifest_path(NIGHT, fid).read_bytes() == before
    assert not list(archive.manifest_path(NIGHT, fid).parent.glob(".tmp-*"))


def test_a_failed_refetch_and_a_shorter_retry_leave_the_good_attempt_intact(
    tmp_path: Path,
) -> None:
    """Findings 2 and 3: each attempt keeps exactly its own pages and completeness."""
    archive = RawArchive(tmp_path)
    good = _attempt(archive, [b"[1]", b"[2]", b"[3]"])
    failed = _attempt(archive, [b"truncated"], complete=False)
    retry = _attempt(archive, [b"[1]", b"[2]"])
    assert [fid for _, fid in archive.fetches()] == [good, failed, retry]
    assert [p.body for p in archive.fetch_pages(NIGHT, good)] == [b"[1]", b"[2]", b"[3]"]
    assert [p.body for p in archive.fetch_pages(NIGHT, retry)] == [b"[1]", b"[2]"]
    attempt = archive.attempt(NIGHT, failed)
    assert (attempt.complete, attempt.error, attempt.source) == (False, "x", "lever")
    assert archive.attempt(NIGHT, good).complete is True


def test_objects_are_checked_against_their_digest_on_read(tmp_path: Path) -> None:
    """Finding 5: a missing, torn or altered object is a named error, never silent."""
    archive = RawArchive(tmp_path)
    missing, torn, altered = (page(b) for b in (b"[1]", b"[2]", b"[3]"))
    for p in (missing, torn, altered):
        archive.store(p)
    archive.body_path(missing.sha256).unlink()
    raw = archive.body_path(torn.sha256).read_bytes()
    archive.body_path(torn.sha256).write_bytes(raw[: len(raw) // 2])
    archive.body_path(altered.sha256).write_bytes(gzip.compress(b"[4]"))
    with pytest.raises(MissingObject, match=f"{missing.sha256} is missing"):
        archive.read_body(missing.sha256)
    with pytest.raises(CorruptObject, match="not valid gzip"):
        archive.read_body(torn.sha256)
    with pytest.raises(CorruptObject, match="does not match its digest"):
        archive.read_body(altered.sha256)


def test_a_damaged_object_is_healed_when_the_same_body_arrives_again(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    body = page(b'{"jobs": []}')
    archive.store(body)
    archive.body_path(body.sha256).write_bytes(b"\x1f\x8b garbage")
    archive.store(body)
    assert archive.read_body(body.sha256) == b'{"jobs": []}'


def test_verify_reports_missing_and_corrupt_objects_and_bad_manifests(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    good = _attempt(archive, [b"[1]", b"[2]"])
    assert archive.verify().ok
    other = _attempt(archive, [b"[2]", b"[3]"])
    archive.body_path(page(b"[3]").sha256).unlink()
    archive.body_path(page(b"[2]").sha256).write_bytes(b"not gzip")
    broken = archive.manifest_path(NIGHT, new_attempt_id())
    broken.write_text("{")
    report = archive.verify()
    assert not report.ok and (report.manifests, report.objects) == (2, 3)
    assert report.missing == {page(b"[3]").sha256: [f"{NIGHT}/{other}"]}
    assert list(report.corrupt) == [page(b"[2]").sha256]
    assert list(report.bad_manifests) == [f"{NIGHT}/{broken.stem}"]
    lines = report.lines()
    assert len(lines) == 3 and f"{NIGHT}/{good}" in lines[1]


def test_manifests_written_before_attempts_still_read(tmp_path: Path) -> None:
    """Format 1: a bare list of page entries, rewritten as pages arrived."""
    archive = RawArchive(tmp_path)
    body = page(b"[1]")
    archive.store(body)
    entry = {
        "seq": 0,
        "source": "lever",
        "board": "acme",
        "url": body.url,
        "status": 200,
        "content_type": body.content_type,
        "sha256": body.sha256,
        "bytes": 3,
        "fetched_at": body.fetched_at.isoformat(),
    }
    manifest = archive.manifest_path(NIGHT, "ab" * 16)
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps([entry]))
    attempt = archive.attempt(NIGHT, "ab" * 16)
    assert attempt.complete is None and attempt.source == "lever" and len(attempt.pages) == 1


def test_a_full_disk_is_reported_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 9: "disk full", not "unexpected OSError"; nothing half-written is left."""
    archive = RawArchive(tmp_path)
    real = os.fdopen

    class Full:
        def __init__(self, fd: int, mode: str) -> None:
            self.fh = real(fd, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(DiskFull, match="disk full"):
        archive.store(page(b"[1]"))
    with pytest.raises(DiskFull):
        archive.commit(NIGHT, new_attempt_id(), "lever", "acme", [], complete=True)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
