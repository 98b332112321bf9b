"""Recorded captures archived as the nights they were fetched (`jobtrends import-history`),
then replayed through the same parse -> label -> load -> group engine as `reparse`.

Nothing here writes a posting: each fresh capture goes into the raw archive exactly as a live
fetch's page would (stored, then a complete attempt's manifest written once, with the
capture's own `fetched_at`), and the replay engine does the rest. Refused captures (not the source's
shape) become failed run rows with their reason, which is how a live fetch's failure is kept.
Run ids are fixed per night (`import-<night>`) and attempt ids are digests of the captures, so
importing the same captures again adds no attempt and the replay finds every fetch unchanged:
the warehouse stays as it was.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from config import Settings
from ingest.captures import (
    EVERY_CAPTURE,
    Capture,
    CaptureFilter,
    CaptureStats,
    night_count,
    read_captures,
)
from ingest.replay import ReplayResult, default_workers, replay
from pipeline.models import RawPage
from warehouse.archive import AttemptExists, RawArchive
from warehouse.db import Connection, open_warehouse
from warehouse.load import page_record, record_failed_fetch

RUN_PREFIX = "import"
MODE = "live"
"""Captures are real responses, so their runs count as live data, not the sample."""
REFUSED = "capture refused: "


@dataclass(slots=True)
class ImportResult:
    captures: CaptureStats
    first_night: date | None = None
    last_night: date | None = None
    archive_seconds: float = 0.0
    replay: ReplayResult | None = None
    night_seconds: dict[date, float] = field(default_factory=dict)
    """Wall seconds the replay spent on each night (parse, label and load)."""

    @property
    def postings(self) -> int:
        return self.replay.postings if self.replay else 0

    @property
    def failed(self) -> int:
        if self.replay is None:
            return self.captures.refused
        return self.captures.refused + sum(len(r.failed) for r in self.replay.runs)


def import_history(
    settings: Settings,
    path: Path,
    wanted: CaptureFilter = EVERY_CAPTURE,
    *,
    workers: int | None = None,
    show_progress: bool | None = None,
) -> ImportResult:
    """Archive the fresh captures under `path` as their nights' fetches, then replay them.

    `show_progress` defaults to whether stderr is a terminal. The replay covers the nights
    the captures span, so any other fetch archived on those nights is replayed with them.
    """
    stats = CaptureStats()
    result = ImportResult(stats)
    archive = RawArchive(settings.archive_dir)
    captures = read_captures(path, wanted, stats)
    con = open_warehouse(settings.db_path)
    try:
        with _display(show_progress) as display:
            started = perf_counter()
            reading = display.add_task(
                "archive", total=night_count(path, wanted.since, wanted.until) or None, detail=""
            )
            for capture in _by_night(captures, display, reading, stats):
                result.first_night = min(result.first_night or capture.night, capture.night)
                result.last_night = max(result.last_night or capture.night, capture.night)
                if capture.refused:
                    _record_refused(con, capture)
                else:
                    _archive(archive, capture)
            result.archive_seconds = perf_counter() - started
            if result.first_night is None or result.last_night is None:
                return result
            first = result.first_night
            nights = (result.last_night - first).days + 1
            replaying = display.add_task("replay", total=nights, detail="")
            clock = _NightClock(result.night_seconds)
            done = {"boards": 0, "postings": 0}

            def advance(night: date, boards_done: int, postings: int) -> None:
                clock.tick(night)
                done["boards"] += boards_done
                done["postings"] += postings
                display.update(
                    replaying,
                    completed=(night - first).days + 1,
                    description=f"replay {night}",
                    detail=f"{done['boards']} fetches, {done['postings']} postings",
                )

            result.replay = replay(
                con,
                settings.archive_dir,
                {},
                run_prefix=RUN_PREFIX,
                mode=MODE,
                since=result.first_night,
                until=result.last_night,
                workers=default_workers() if workers is None else workers,
                progress=advance,
            )
            display.update(replaying, completed=nights)
    finally:
        con.close()
    return result


def _by_night(
    captures: Iterator[Capture], display: Progress, task: TaskID, stats: CaptureStats
) -> Iterator[Capture]:
    """The captures, moving the display on at each new night."""
    night: date | None = None
    for capture in captures:
        if capture.night != night:
            night = capture.night
            display.update(
                task,
                completed=stats.nights,
                description=f"archive {night}",
                detail=(
                    f"{len(stats.boards)} boards, {stats.fresh} fresh, {stats.stale} stale, "
                    f"{stats.refused} refused"
                ),
            )
        yield capture
    display.update(task, completed=stats.nights, total=stats.nights)


def _archive(archive: RawArchive, capture: Capture) -> None:
    """The capture as the one page of a complete fetch attempt of its board that night, filed
    as a live fetch files one. The attempt id is a digest of the capture, so importing the
    same capture again finds its attempt archived and adds nothing."""
    page = RawPage(
        source=capture.source,
        board=capture.board,
        url=capture.url,
        status=200,
        content_type="application/json",
        body=capture.body,
        fetched_at=capture.fetched_at,
        fetch_id=_attempt_id(capture),
        seq=0,
    )
    path = archive.store(page)
    try:
        archive.commit(
            capture.night,
            page.fetch_id,
            capture.source,
            capture.board,
            [page_record(page, path)],
            complete=True,
        )
    except AttemptExists:
        return


def _attempt_id(capture: Capture) -> str:
    key = f"{RUN_PREFIX}:{capture.source}:{capture.board}:{capture.night}:{capture.fetched_at}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _record_refused(con: Connection, capture: Capture) -> None:
    record_failed_fetch(
        con,
        f"{RUN_PREFIX}-{capture.night.isoformat()}",
        MODE,
        capture.source,
        capture.board,
        capture.night,
        datetime.now(UTC),
        [],
        f"{REFUSED}{capture.refused}",
    )


@dataclass(slots=True)
class _NightClock:
    """Wall time per replayed night: what it took to prepare and load each of its batches."""

    seconds: dict[date, float]
    started: float = field(default_factory=perf_counter)

    def tick(self, night: date) -> None:
        """Charge the time since the last batch to `night`, whose batch just loaded."""
        now = perf_counter()
        self.seconds[night] = self.seconds.get(night, 0.0) + now - self.started
        self.started = now


@contextmanager
def _display(show: bool | None) -> Iterator[Progress]:
    console = Console(stderr=True)
    enabled = console.is_terminal if show is None else show
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TextColumn("nights"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[detail]}"),
        console=console,
        disable=not enabled,
        transient=False,
    )
    with progress:
        yield progress
    sys.stderr.flush()
