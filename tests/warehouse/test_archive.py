"""The raw archive: content-addressed, compressed, replayable, and blind to payload values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipeline.models import RawPage
from warehouse.archive import RawArchive

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


def test_put_then_read_back_a_fetch_in_order(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.put(page(b"[2]", seq=1), NIGHT)
    path = archive.put(page(b"[1]", seq=0), NIGHT)
    pages = archive.fetch_pages(NIGHT, "ab" * 16)
    assert [p.body for p in pages] == [b"[1]", b"[2]"]
    assert pages[0].board == "../../etc/passwd" and pages[0].sha256 == page(b"[1]").sha256
    assert path.startswith("objects/") and ".." not in path
    assert list(archive.fetches()) == [(NIGHT, "ab" * 16)]


def test_identical_bodies_are_stored_once(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.put(page(b"same", fetch_id="cd" * 16), NIGHT)
    archive.put(page(b"same", fetch_id="ef" * 16), date(2026, 11, 16))
    assert len(list((tmp_path / "objects").rglob("*.gz"))) == 1


def test_writing_again_replaces_the_page_entry(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.put(page(b"v1"), NIGHT)
    archive.put(page(b"v2"), NIGHT)
    assert [p.body for p in archive.fetch_pages(NIGHT, "ab" * 16)] == [b"v2"]


def test_paths_never_come_from_untrusted_values(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    with pytest.raises(ValueError):
        archive.body_path("../../etc/passwd")
    with pytest.raises(ValueError):
        archive.manifest_path(NIGHT, "../x")
    assert all(tmp_path in p.parents for p in tmp_path.rglob("*"))
