"""Reading recorded board responses (captures) as the fetches they were.

Users hold the same kind of data the observatory fetches: cron jobs that saved board
responses, git-scraping repositories, an older tool's dumps. Two forms are read:

- a directory `PATH/<YYYY-MM-DD>/<source>/<board token>.json` (or `.json.gz`), one body per
  board and night, the capture time from an optional sidecar `<token>.meta.json`
  (`{"fetched_at": ...}`) or else the night itself;
- the compact Greenhouse history (`versions.jsonl.gz` + `nights.jsonl.gz`), where each
  night's body is rebuilt as `{"jobs": [...versions...], "meta": {"total": n}}`.

A capture is an observation only when it is fresh: a scraper leaves a board's last file in
place when a later fetch fails, so a capture whose `fetched_at` equals the board's previous
one is no new fetch and is not yielded at all (it must not move `last_seen`, close anything
or count as a night the board was checked). Captures that cannot be what the source's API
returns are yielded with a `refused` reason instead of a body, so the importer records them
and carries on.

Both readers stream: the compact form keeps only the version texts of the selected boards,
in a temporary file indexed by version id, read in step with the nights (version ids are
assigned in order of first appearance), so neither the history nor its version table is
ever held in memory.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, Any

from pipeline.sources import REGISTRY, get_source

COMPACT_FILES = ("versions.jsonl.gz", "nights.jsonl.gz")
TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
"""Board tokens a capture may name: nothing that could climb out of a directory."""
GREENHOUSE_LISTING = "https://boards-api.greenhouse.io/v1/boards/{token}/jobs"
"""The endpoint the compact history's scraper called (the listing, without `content`)."""
MISSING = -1
VERSION_HEAD = re.compile(r'^\{"v":\s*(\d+),\s*"board":\s*"([^"\\]*)"')
"""A version line's id and board, read without decoding the job: a slice of the history
skips most versions, and decoding them would cost most of its time."""


class CaptureError(ValueError):
    """The path is not a capture directory or compact history; the message says why."""


@dataclass(frozen=True, slots=True)
class Capture:
    """One fresh board capture: the body a fetch of `board` on `night` would have archived,
    or, when `refused` is set, why it cannot be taken as one (and no body)."""

    night: date
    source: str
    board: str
    fetched_at: datetime
    url: str
    body: bytes = b""
    refused: str | None = None


@dataclass(slots=True)
class CaptureStats:
    """What a reader saw, for the progress display and the import's summary."""

    nights: int = 0
    fresh: int = 0
    stale: int = 0
    refused: int = 0
    postings: int = 0
    boards: set[str] = field(default_factory=set)


def form_of(path: Path) -> str:
    """`compact` or `directory`; `CaptureError` naming both forms when it is neither."""
    if all((path / name).is_file() for name in COMPACT_FILES):
        return "compact"
    if path.is_dir() and any(_night(p.name) for p in path.iterdir() if p.is_dir()):
        return "directory"
    raise CaptureError(
        f"{path}: not a capture folder: expected {' + '.join(COMPACT_FILES)} or "
        "<YYYY-MM-DD>/<source>/<board>.json[.gz] folders"
    )


@dataclass(frozen=True, slots=True)
class CaptureFilter:
    """Which captures to take: one source, a night range, the first `boards` boards the
    captures show (by first night, then name) or just the boards in `tokens`. The API, the
    import and the reader all pass this one record, so a new filter is added in one place."""

    source: str | None = None
    since: date | None = None
    until: date | None = None
    boards: int | None = None
    tokens: frozenset[str] = frozenset()


EVERY_CAPTURE = CaptureFilter()


def read_captures(
    path: Path, wanted: CaptureFilter = EVERY_CAPTURE, stats: CaptureStats | None = None
) -> Iterator[Capture]:
    """The fresh captures under `path` that `wanted` takes, night by night (then source and
    board). Captures before `since` are still read to judge the freshness of the first night
    in range, but not yielded.
    """
    pick = _Selection(wanted.boards, wanted.tokens)
    seen = stats if stats is not None else CaptureStats()
    since, until = wanted.since, wanted.until
    if form_of(path) == "compact":
        if wanted.source not in (None, "greenhouse"):
            raise CaptureError(f"{path}: the compact history holds greenhouse boards only")
        return _compact(path, since, until, pick, seen)
    return _directory(path, wanted.source, since, until, pick, seen)


def night_count(path: Path, since: date | None = None, until: date | None = None) -> int:
    """How many nights the captures hold in the range, for a progress display's total.

    The compact form is scanned for its nights alone (no JSON decoding, no versions).
    """
    if form_of(path) == "compact":
        with gzip.open(path / "nights.jsonl.gz", "rt", encoding="utf-8") as fh:
            found = {_night(line[10:20]) for line in fh if line.startswith('{"night":"')}
    else:
        found = {_night(p.name) for p in path.iterdir() if p.is_dir()}
    return sum(
        1
        for night in found
        if night is not None and not (since and night < since) and not (until and night > until)
    )


@dataclass(slots=True)
class _Selection:
    limit: int | None
    tokens: frozenset[str]
    chosen: dict[str, bool] = field(default_factory=dict)

    def __call__(self, board: str) -> bool:
        """Whether `board` is in the slice; decided on first sight, so stable in a stream."""
        known = self.chosen.get(board)
        if known is None:
            if self.tokens:
                known = board in self.tokens
            else:
                known = self.limit is None or sum(self.chosen.values()) < self.limit
            self.chosen[board] = known
        return known


def _night(name: str) -> date | None:
    try:
        return date.fromisoformat(name) if len(name) == 10 else None
    except ValueError:
        return None


def _timestamp(value: Any) -> datetime | None:
    """An ISO time as UTC (the history's times carry no zone: the scraper ran in UTC)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def greenhouse_problem(body: Any) -> str | None:
    """Why a decoded body is not a Greenhouse `/jobs` listing, or None when it is one.

    Checks the fields the listing endpoint always returns, so an older tool's simplified
    objects (a string `location`, `url` for `absolute_url`) are refused, not half-parsed.
    """
    if not isinstance(body, dict) or not isinstance(body.get("jobs"), list):
        return "not Greenhouse's listing shape: expected an object with a 'jobs' array"
    for job in body["jobs"]:
        problem = _greenhouse_job_problem(job)
        if problem:
            return f"not Greenhouse's listing shape: {problem}"
    return None


def _greenhouse_job_problem(job: Any) -> str | None:
    if not isinstance(job, dict):
        return "a job is not an object"
    ref = f"job {job.get('id')!r}"
    if not isinstance(job.get("location"), dict | None):
        return f"{ref} has a {type(job['location']).__name__} 'location', not an object"
    missing = [k for k in ("id", "title", "absolute_url", "updated_at") if k not in job]
    return f"{ref} lacks {', '.join(missing)}" if missing else None


def _compact(
    folder: Path,
    since: date | None,
    until: date | None,
    pick: _Selection,
    stats: CaptureStats,
) -> Iterator[Capture]:
    previous: dict[str, str] = {}
    last_night: date | None = None
    with (
        _VersionStore(folder / "versions.jsonl.gz", pick) as versions,
        gzip.open(folder / "nights.jsonl.gz", "rt", encoding="utf-8") as fh,
    ):
        for line in fh:
            row = json.loads(line)
            board, night = row["board"], date.fromisoformat(row["night"])
            if until and night > until:
                break
            if not pick(board):
                continue
            stamp = row.get("fetched_at")
            stale = stamp is not None and previous.get(board) == stamp
            previous[board] = stamp
            if since and night < since:
                continue
            if night != last_night:
                stats.nights += 1
                last_night = night
            if stale:
                stats.stale += 1
                continue
            fetched_at = _timestamp(stamp) or datetime.combine(night, time(), UTC)
            url = GREENHOUSE_LISTING.format(token=board)
            capture = versions.capture(night, board, fetched_at, url, row["jobs"])
            if not capture.refused:
                stats.postings += len(row["jobs"])
            yield _counted(stats, capture)


def _counted(stats: CaptureStats, capture: Capture) -> Capture:
    stats.boards.add(capture.board)
    if capture.refused:
        stats.refused += 1
    else:
        stats.fresh += 1
    return capture


class _VersionStore:
    """The selected boards' job objects by version id, in a temporary file read in step
    with the nights: a night's versions have always been read before the night needs them."""

    def __init__(self, path: Path, pick: _Selection) -> None:
        self._source = gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115 (closed in __exit__)
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="jobtrends-versions-")  # noqa: SIM115
        self._pick = pick
        self._offsets = array("q")
        self._lengths = array("l")
        self._shape_ok = array("b")
        self._end = 0
        self._next = 0

    def __enter__(self) -> _VersionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self._source.close()
        self._file.close()

    def capture(
        self, night: date, board: str, fetched_at: datetime, url: str, ids: list[int]
    ) -> Capture:
        if ids:
            self._read_through(max(ids))
            self._file.flush()
        wrong = next((v for v in ids if not self._shape_ok[v]), None)
        if wrong is not None:
            job = json.loads(self._text(wrong))
            reason = f"not Greenhouse's listing shape: {_greenhouse_job_problem(job)}"
            return Capture(night, "greenhouse", board, fetched_at, url, refused=reason)
        jobs = b", ".join(self._text(v) for v in ids)
        body = b'{"jobs": [' + jobs + b'], "meta": {"total": ' + str(len(ids)).encode() + b"}}"
        return Capture(night, "greenhouse", board, fetched_at, url, body)

    def _text(self, v: int) -> bytes:
        if v >= len(self._offsets) or self._offsets[v] == MISSING:
            raise CaptureError(f"version {v} is listed before it is defined")
        return os.pread(self._file.fileno(), self._lengths[v], self._offsets[v])

    def _read_through(self, needed: int) -> None:
        while self._next <= needed:
            line = self._source.readline()
            if not line:
                raise CaptureError(f"versions.jsonl.gz ends before version {needed}")
            head = VERSION_HEAD.match(line)
            row = None if head else json.loads(line)
            v, board = (int(head[1]), head[2]) if head else (row["v"], row["board"])
            while len(self._offsets) <= v:
                self._offsets.append(MISSING)
                self._lengths.append(0)
                self._shape_ok.append(0)
            self._next = max(self._next, v + 1)
            if not self._pick(board):
                continue
            row = row or json.loads(line)
            text = json.dumps(row["job"]).encode()
            self._file.seek(self._end)
            self._file.write(text)
            self._offsets[v], self._lengths[v] = self._end, len(text)
            self._shape_ok[v] = _greenhouse_job_problem(row["job"]) is None
            self._end += len(text)


def _directory(
    root: Path,
    source: str | None,
    since: date | None,
    until: date | None,
    pick: _Selection,
    stats: CaptureStats,
) -> Iterator[Capture]:
    previous: dict[tuple[str, str], datetime] = {}
    nights = sorted((n, p) for p in root.iterdir() if p.is_dir() and (n := _night(p.name)))
    for night, night_dir in nights:
        if until and night > until:
            break
        counted = False
        for source_dir in sorted(p for p in night_dir.iterdir() if p.is_dir()):
            if source is not None and source_dir.name != source:
                continue
            for token, body_path in _bodies(source_dir):
                if not pick(token):
                    continue
                fetched_at, problem = _sidecar(source_dir / f"{token}.meta.json", night)
                key = (source_dir.name, token)
                stale = previous.get(key) == fetched_at
                previous[key] = fetched_at
                if since and night < since:
                    continue
                if not counted:
                    stats.nights += 1
                    counted = True
                if stale:
                    stats.stale += 1
                    continue
                yield _counted(
                    stats,
                    _file_capture(night, source_dir.name, token, fetched_at, body_path, problem),
                )


def _bodies(source_dir: Path) -> Iterator[tuple[str, Path]]:
    """(token, body file) per board, `.json` before `.json.gz` for the same token."""
    found: dict[str, Path] = {}
    for path in sorted(source_dir.iterdir()):
        name = path.name
        if name.endswith(".meta.json") or not path.is_file():
            continue
        for suffix in (".json.gz", ".json"):
            if name.endswith(suffix):
                found.setdefault(name[: -len(suffix)], path)
                break
    yield from sorted(found.items())


def _sidecar(path: Path, night: date) -> tuple[datetime, str | None]:
    """The capture time a sidecar states, else the night's midnight (UTC)."""
    default = datetime.combine(night, time(), UTC)
    if not path.is_file():
        return default, None
    try:
        stated = _timestamp(json.loads(path.read_text(encoding="utf-8")).get("fetched_at"))
    except (ValueError, AttributeError, UnicodeDecodeError):
        stated = None
    if stated is None:
        return default, f"{path.name}: no readable 'fetched_at'"
    return stated, None


def _file_capture(
    night: date, source: str, token: str, fetched_at: datetime, path: Path, problem: str | None
) -> Capture:
    if source not in REGISTRY:
        url, problem = "", f"unknown source {source!r}; known: {', '.join(sorted(REGISTRY))}"
    elif source == "greenhouse":
        url = GREENHOUSE_LISTING.format(token=token)
    else:
        url = f"{get_source(source).base_url}/{token}"
    if not TOKEN.match(token):
        problem = f"{token!r} is not a board token (letters, digits, '.', '_' and '-')"
    if problem:
        return Capture(night, source, token, fetched_at, url, refused=problem)
    try:
        raw = path.read_bytes()
        body = gzip.decompress(raw) if path.name.endswith(".gz") else raw
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return Capture(night, source, token, fetched_at, url, refused=f"unreadable: {exc}")
    if source == "greenhouse":
        try:
            problem = greenhouse_problem(json.loads(body))
        except ValueError as exc:
            problem = f"not JSON: {exc}"
        if problem:
            return Capture(night, source, token, fetched_at, url, refused=problem)
    return Capture(night, source, token, fetched_at, url, body)
