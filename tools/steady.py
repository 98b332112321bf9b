"""Steady-state nights: what a night costs once the warehouse holds months of history.

A slice of the real Greenhouse history (`../shared/data/greenhouse_history/`, see its
README) is replayed night by night into one warehouse: each board whose listing differs from
its previous night goes through the real Greenhouse `parse`, the labeller (given the board's
stored label keys, as a replay's workers are, so only changed postings are classified) and
`load_outcomes`, then the night is grouped (`ingest.group`). A board whose listing is the
same as the night before is not loaded, as the skip key skips an equal fetch. The first two
nights carry the scraper's earlier, non-Greenhouse job objects and are skipped.

Every night is loaded, but grouped only on the nights reported and the night before each:
the grouping is a function of the postings, so a reported night starts from the same stored
state as after nightly grouping, and the bench saves a grouping pass per night.

Timed per reported night: the whole night (parse, label, load, group) and the grouping
alone; then a full regroup (`refresh_canonical(force=True)`, what every night cost
before grouping was incremental) is timed right after, on the same warehouse, so the two are
side by side. Without the history folder the replay is a synthetic one (`synthetic_nights`):
the same boards every night with a few percent of their jobs changed.
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ingest.group import group
from ingest.load import finish, load_outcomes
from ingest.parse import parse_board
from ingest.records import BoardOutcome, PlannedBoard
from pipeline.models import Board, RawPage
from pipeline.sources import get_source
from warehouse.archive import new_attempt_id
from warehouse.canonical import refresh_canonical
from warehouse.db import open_for_load
from warehouse.load import page_record, stored_label_keys

REPORTED = (30, 150, 300)
"""Night numbers reported, counted from the history's first night (0)."""
FIRST_GREENHOUSE_NIGHT = 2
SYNTHETIC_NIGHTS = 12
SYNTHETIC_REPORTED = (2, 6, 11)
SYNTHETIC_JOBS = 40
SYNTHETIC_CHURN = 0.04


@dataclass(frozen=True, slots=True)
class BoardNight:
    token: str
    company: str
    jobs: list[dict[str, Any]]


def history_nights(folder: Path, boards: int) -> Iterator[tuple[int, date, list[BoardNight]]]:
    """The first `boards` boards (by name) night by night, each listed on the nights its
    listing differs from its previous one; nights numbered from the history's first."""
    path = folder / "nights.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        names = {json.loads(line)["board"] for line in fh}
    chosen = set(sorted(names)[:boards])
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [r for r in map(json.loads, fh) if r["board"] in chosen]
    wanted = {v for r in rows for v in r["jobs"]}
    jobs: dict[int, dict[str, Any]] = {}
    with gzip.open(folder / "versions.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item["v"] in wanted:
                jobs[item["v"]] = item["job"]
    dates = sorted({r["night"] for r in rows})
    number = {d: i for i, d in enumerate(dates)}
    by_night: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_night.setdefault(r["night"], []).append(r)
    last: dict[str, list[int]] = {}
    for night in dates:
        changed = []
        for r in by_night[night]:
            if last.get(r["board"]) != r["jobs"]:
                last[r["board"]] = r["jobs"]
                changed.append(BoardNight(r["board"], r["company"], [jobs[v] for v in r["jobs"]]))
        if number[night] >= FIRST_GREENHOUSE_NIGHT:
            yield number[night], date.fromisoformat(night), changed


def synthetic_nights(boards: int, seed: int = 17) -> Iterator[tuple[int, date, list[BoardNight]]]:
    """The CI stand-in: `boards` boards of `SYNTHETIC_JOBS` jobs; each night a few percent
    of the jobs are replaced or retitled, and only the boards so touched are listed."""
    rng = random.Random(seed)
    titles = ("Machine Learning Engineer", "Data Scientist", "Recruiter", "Account Executive")
    state = {
        f"board{b:03d}": [_job(b * 1000 + j, rng.choice(titles)) for j in range(SYNTHETIC_JOBS)]
        for b in range(boards)
    }
    serial = boards * 1000
    for n in range(SYNTHETIC_NIGHTS):
        changed = set(state) if n == 0 else set()
        for token, listing in state.items():
            for i in range(len(listing)):
                if n and rng.random() < SYNTHETIC_CHURN:
                    serial += 1
                    listing[i] = _job(serial, rng.choice(titles))
                    changed.add(token)
        night = date(2026, 1, 1 + n)
        yield n, night, [BoardNight(t, t, list(state[t])) for t in sorted(changed)]


def _job(job_id: int, title: str) -> dict[str, Any]:
    return {
        "id": job_id,
        "title": f"{title} {job_id % 7}",
        "location": {"name": ("Remote", "New York, NY", "London, UK")[job_id % 3]},
        "absolute_url": f"https://example.test/jobs/{job_id}",
        "updated_at": "2026-01-01T00:00:00-05:00",
    }


def replay(
    db_path: Path,
    nights: Iterator[tuple[int, date, list[BoardNight]]],
    reported: Sequence[int],
) -> dict[str, Any]:
    """Replay `nights` into the warehouse at `db_path`; the timings of the `reported` ones."""
    source = get_source("greenhouse")
    out: dict[str, Any] = {"night_s": {}, "group_s": {}, "full_regroup_s": {}, "postings": {}}
    con = open_for_load(db_path, 30.0)
    try:
        for number, night, boards in nights:
            t0 = time.perf_counter()
            known = stored_label_keys(con, [("greenhouse", b.token) for b in boards])
            outcomes = [
                _outcome(source, b, night, known.get(("greenhouse", b.token))) for b in boards
            ]
            load_outcomes(con, outcomes)
            t1 = time.perf_counter()
            if number in reported or number + 1 in reported:
                group(con)
            t2 = time.perf_counter()
            if number in reported:
                key = str(number)
                out["night_s"][key] = t2 - t0
                out["group_s"][key] = t2 - t1
                t3 = time.perf_counter()
                refresh_canonical(con, force=True)
                out["full_regroup_s"][key] = time.perf_counter() - t3
                (open_now, seen) = con.execute(
                    "SELECT count(*) FILTER (WHERE closed_at IS NULL), count(*) FROM postings"
                ).fetchone()
                out["postings"][key] = {"open": open_now, "seen": seen, "boards": len(boards)}
    finally:
        con.close()
    return out


def _outcome(
    source: Any, board_night: BoardNight, night: date, known: dict[str, str] | None
) -> BoardOutcome:
    board = Board("greenhouse", board_night.token, board_night.company, {})
    fid = new_attempt_id()
    fetched = datetime(night.year, night.month, night.day, 3, tzinfo=UTC)
    page = RawPage(
        "greenhouse",
        board.token,
        f"{source.base_url}/{board.token}/jobs?content=true",
        200,
        "application/json",
        json.dumps({"jobs": board_night.jobs, "meta": {"total": len(board_night.jobs)}}).encode(),
        fetched,
        fid,
    )
    outcome = BoardOutcome(
        "steady",
        "bench",
        "greenhouse",
        board.token,
        night,
        fetched,
        [page_record(page, "-")],
        fetch_id=fid,
    )
    return finish(outcome, PlannedBoard(source, board), parse_board(source, board, [page], known))


def measure(workdir: Path, boards: int, history: Path | None) -> dict[str, Any]:
    """The steady-state figures, from the real history when present, else synthetic."""
    db = workdir / "steady.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    if history is not None and (history / "nights.jsonl.gz").is_file():
        result = replay(db, history_nights(history, boards), REPORTED)
        result["kind"] = "greenhouse_history"
        reported = REPORTED
    else:
        result = replay(db, synthetic_nights(boards), SYNTHETIC_REPORTED)
        result["kind"] = "synthetic"
        reported = SYNTHETIC_REPORTED
    result["boards"] = boards
    first, last = str(reported[0]), str(reported[-1])
    seconds = result["night_s"]
    result["growth"] = seconds[last] / seconds[first] if seconds.get(first) else 0.0
    return result
