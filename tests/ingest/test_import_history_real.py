"""A slice of the real Greenhouse history (10 boards x 30 nights) replayed through
`import-history`, checked against facts read straight from the history files: each job's
first and last fresh sighting, how many were open on a night, and that stale captures (the
scraper's carried-over files) closed nothing. Skips when ../shared/data is absent."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from config import load_settings
from ingest.captures import CaptureFilter
from ingest.history import import_history
from tests.integrity import problems
from warehouse.db import open_warehouse

SINCE, UNTIL = date(2025, 10, 28), date(2025, 11, 26)
MIDDLE = date(2025, 11, 12)
BOARDS = 10


@dataclass
class Facts:
    """What the history files say about the slice, computed without the pipeline."""

    boards: list[str] = field(default_factory=list)
    fresh_nights: dict[str, list[date]] = field(default_factory=lambda: defaultdict(list))
    listed: dict[tuple[str, date], set[str]] = field(default_factory=dict)
    stale: int = 0

    def first_last(self) -> dict[tuple[str, str], tuple[date, date]]:
        spans: dict[tuple[str, str], tuple[date, date]] = {}
        for (board, night), ids in self.listed.items():
            for job_id in ids:
                first, last = spans.get((board, job_id), (night, night))
                spans[(board, job_id)] = (min(first, night), max(last, night))
        return spans

    def open_on(self, night: date) -> int:
        total = 0
        for board in self.boards:
            checked = [n for n in self.fresh_nights[board] if n <= night]
            if checked:
                total += len(self.listed[(board, checked[-1])])
        return total


def history_facts(folder: Path) -> Facts:
    facts = Facts()
    previous: dict[str, str] = {}
    lines = []
    with gzip.open(folder / "nights.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            night = date.fromisoformat(row["night"])
            if night > UNTIL:
                break
            if row["board"] not in facts.boards and len(facts.boards) < BOARDS:
                facts.boards.append(row["board"])
            if row["board"] not in facts.boards:
                continue
            fresh = previous.get(row["board"]) != row["fetched_at"]
            previous[row["board"]] = row["fetched_at"]
            if night >= SINCE:
                lines.append((night, row["board"], row["jobs"], fresh))
    needed = {v for _, _, jobs, _ in lines for v in jobs}
    ids: dict[int, str] = {}
    with gzip.open(folder / "versions.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["v"] in needed:
                ids[row["v"]] = str(row["job"]["id"])
            if len(ids) == len(needed):
                break
    for night, board, jobs, fresh in lines:
        if not fresh:
            facts.stale += 1
            continue
        facts.fresh_nights[board].append(night)
        facts.listed[(board, night)] = {ids[v] for v in jobs}
    return facts


@pytest.fixture
def facts(shared_data: Path) -> Facts:
    return history_facts(shared_data / "greenhouse_history")


def test_a_real_slice_matches_the_history_files(
    shared_data: Path, facts: Facts, data_dir: Path
) -> None:
    history = shared_data / "greenhouse_history"
    settings = load_settings(None)
    db = data_dir / "warehouse.duckdb"

    first = import_history(
        settings, history, CaptureFilter(since=SINCE, until=MIDDLE, boards=BOARDS), workers=0
    )
    open_mid = _rows(db, "SELECT count(*) FROM postings WHERE closed_at IS NULL")[0][0]
    import_history(
        settings, history, CaptureFilter(since=SINCE, until=UNTIL, boards=BOARDS), workers=0
    )

    nights = {n for ns in facts.fresh_nights.values() for n in ns}
    assert max(nights) - min(nights) >= timedelta(days=25)
    assert first.captures.stale > 0, "the slice should hold stale captures to ignore"
    assert open_mid == facts.open_on(MIDDLE)
    assert _rows(db, "SELECT count(*) FROM postings WHERE closed_at IS NULL")[0][0] == (
        facts.open_on(UNTIL)
    )
    stored = {
        (board, source_id): (first_seen, last_seen, closed_at)
        for board, source_id, first_seen, last_seen, closed_at in _rows(
            db, "SELECT board, source_id, first_seen, last_seen, closed_at FROM postings"
        )
    }
    spans = facts.first_last()
    assert set(stored) == set(spans)
    assert {k: v[:2] for k, v in stored.items()} == spans
    for (board, _), (_, last_seen, closed_at) in stored.items():
        if closed_at is not None:
            assert closed_at in facts.fresh_nights[board], "closed on a stale night"
            after = [n for n in facts.fresh_nights[board] if n > last_seen]
            assert closed_at == after[0]
    checked = _rows(db, "SELECT board, as_of FROM runs WHERE status = 'success'")
    assert sorted(checked) == sorted(
        (board, night) for board, nights in facts.fresh_nights.items() for night in nights
    )
    assert problems(db) == []


def _rows(db: Path, sql: str) -> list[tuple]:
    con = open_warehouse(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
