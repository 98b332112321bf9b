"""Bulk, transactional, idempotent loads of board fetches.

Everything the boards of one source produced on one night goes in inside a single
transaction: the archive index, the postings (merged on their primary key), their labels, the
records that failed to parse, the postings that vanished from a board (closed), the night's
observations, any new content version and each board's run row. Either all of it lands or
none of it does, so a failure mid-load leaves the warehouse as it was. Rows travel as pandas
DataFrames registered with DuckDB and merged set-based (`INSERT ... SELECT`, `UPDATE ...
FROM`), never row by row. Loading the same fetch twice changes nothing: each statement
anti-joins away the rows the warehouse already holds, and a fetch whose skip key matches the
night's last load is not merged at all, so rerunning an unchanged night writes only run rows.

A fetch that succeeds but returns far fewer postings than the board had open (an API hiccup,
an empty page served with 200) would otherwise close most of the board; such a fetch loads
what it returned, closes nothing, and says so in the run's `warning`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from pipeline.labels import LabelRow
from pipeline.models import ParseError, Posting, RawPage
from warehouse.db import transaction

SUSPECT_FRACTION = 0.5
"""A fetch returning fewer than this share of the board's open postings closes nothing."""
SUSPECT_MIN_OPEN = 10
"""Boards with fewer open postings than this are small enough that a big drop is plausible."""
LATEST_NIGHT_AHEAD = timedelta(days=2)
"""How far past today's UTC date a night may lie: tomorrow in the furthest-ahead timezone."""


class FutureNight(ValueError):
    """A load dated after tomorrow: a clock jump or a typo, never a real night's listing."""


def check_night(as_of: date) -> None:
    """Refuse a night after tomorrow in every timezone: its listing would be every posting's
    newest sighting, so its content would win until real time caught up."""
    latest = datetime.now(UTC).date() + LATEST_NIGHT_AHEAD
    if as_of > latest:
        raise FutureNight(f"night {as_of} is after tomorrow (latest allowed: {latest})")


@dataclass(frozen=True, slots=True)
class PageRecord:
    fetch_id: str
    seq: int
    source: str
    board: str
    url: str
    status: int
    content_type: str
    sha256: str
    bytes: int
    fetched_at: datetime
    archive_path: str


def page_record(page: RawPage, archive_path: str) -> PageRecord:
    return PageRecord(
        page.fetch_id,
        page.seq,
        page.source,
        page.board,
        page.url,
        page.status,
        page.content_type,
        page.sha256,
        len(page.body),
        page.fetched_at,
        archive_path,
    )


@dataclass(slots=True)
class BoardLoad:
    """What one successful board fetch hands to the warehouse."""

    run_id: str
    mode: str
    source: str
    board: str
    as_of: date
    fetch_id: str
    started_at: datetime
    pages: list[PageRecord]
    postings: list[Posting]
    labels: list[LabelRow]
    errors: list[ParseError] = field(default_factory=list)
    closes_missing: bool = True
    suspect_fraction: float | None = None
    """Overrides SUSPECT_FRACTION for this board (a source's `suspect_fraction` option)."""
    parse_key: str | None = None
    """What was parsed (pages, board config, code); see `parse_keys` and `record_unchanged`."""
    label_keys: dict[str, str] = field(default_factory=dict)
    """Each posting's label key by source id, stored beside its label (`stored_label_keys`);
    a posting with a key and no row in `labels` keeps the label stored under that key."""
    industry: str | None = None
    """The board's configured industry its labels were computed with: what a posting whose
    stored label moved is labelled again with, just before the load."""


@dataclass(frozen=True, slots=True)
class LoadCounts:
    fetched: int
    new: int
    updated: int
    closed: int
    parse_errors: int
    labelled: int = 0
    """Postings the load wrote a label for (new, or their label key moved)."""
    labels_reused: int = 0
    """Postings that kept the label stored under their unchanged key (`label_counts`)."""

    def columns(self) -> tuple[int, int, int, int, int]:
        """The counts in the order `runs` and `BoardSummary` store them, after `pages`."""
        return (self.fetched, self.new, self.updated, self.closed, self.parse_errors)


POSTING_COLUMNS = (
    "source",
    "source_id",
    "board",
    "company",
    "title",
    "description",
    "locations",
    "workplace_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_source",
    "salary_text",
    "employment_type",
    "department",
    "posted_at",
    "updated_at",
    "url",
    "raw_payload_id",
    "extras",
    "content_hash",
)
RUN_COLUMNS = (
    "run_id",
    "source",
    "board",
    "as_of",
    "mode",
    "status",
    "started_at",
    "finished_at",
    "pages",
    "fetched",
    "new",
    "updated",
    "closed",
    "parse_errors",
    "error",
    "warning",
    "load_digest",
    "parse_key",
    "fetch_id",
    "labelled",
    "labels_reused",
)
MUTABLE_POSTING_COLUMNS = tuple(c for c in POSTING_COLUMNS if c not in ("source", "source_id"))
LABEL_COLUMNS = ", ".join(LabelRow.__slots__)
COMPARED_LABELS = (
    "role",
    "is_ai",
    "seniority",
    "work_arrangement",
    "work_arrangement_basis",
    "remote_scope",
    "salary_usd_min",
    "salary_usd_max",
    "salary_flag",
    "country",
    "metro",
    "degree",
    "skills",
    "industry",
    "employment_type",
)
"""The labels a reclassify reports moves for (evidence text and confidence are not labels)."""


def postings_frame(postings: Sequence[Posting]) -> pd.DataFrame:
    """The postings as columns; built column-wise because per-row dicts cost twice the time."""
    salaries = [p.salary for p in postings]
    columns: dict[str, list[Any]] = {
        "source": [p.source for p in postings],
        "source_id": [p.source_id for p in postings],
        "board": [p.board for p in postings],
        "company": [p.company for p in postings],
        "title": [p.title for p in postings],
        "description": [p.description for p in postings],
        "locations": [list(p.locations) for p in postings],
        "workplace_type": [p.workplace_type for p in postings],
        "salary_min": [s.min if s else None for s in salaries],
        "salary_max": [s.max if s else None for s in salaries],
        "salary_currency": [s.currency if s else None for s in salaries],
        "salary_period": [s.period if s else None for s in salaries],
        "salary_source": [s.source if s else None for s in salaries],
        "salary_text": [s.text if s else None for s in salaries],
        "employment_type": [p.employment_type for p in postings],
        "department": [p.department for p in postings],
        "posted_at": [p.posted_at for p in postings],
        "updated_at": [p.updated_at for p in postings],
        "url": [p.url for p in postings],
        "raw_payload_id": [p.raw_payload_id for p in postings],
        "extras": [
            json.dumps(p.extras, sort_keys=True, default=str) if p.extras else None
            for p in postings
        ],
        "content_hash": [p.content_hash() for p in postings],
    }
    frame = pd.DataFrame(columns, columns=list(POSTING_COLUMNS))
    for column in ("posted_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("salary_min", "salary_max"):
        frame[column] = frame[column].astype("float64")
    return frame


def _columns(records: Sequence[Any], names: Sequence[str]) -> pd.DataFrame:
    """A DataFrame of slotted records, built column by column."""
    return pd.DataFrame({n: [getattr(r, n) for r in records] for n in names}, columns=list(names))


def load_board(con: duckdb.DuckDBPyConnection, load: BoardLoad) -> LoadCounts:
    """Merge one board fetch into the warehouse in one transaction."""
    return load_boards(con, [load])[0]


def load_boards(con: duckdb.DuckDBPyConnection, loads: Sequence[BoardLoad]) -> list[LoadCounts]:
    """Merge several board fetches of one night in a single transaction; counts per board.

    A source's boards from one run go in together: every statement then runs once for all of
    them, so a night of a hundred small boards does not pay a hundred times each statement's
    fixed cost (a join against the whole postings table). Either every board lands or none.
    A board whose latest successful load of this night had the same skip key (`parse_key`,
    from `ingest.key`) would change nothing, so only its run's row is written: that is what
    makes rerunning a night cheap. That row names the attempt the earlier load used, whose
    pages are the same and already indexed (`_carry_over`).
    """
    if not loads:
        return []
    if len({load.as_of for load in loads}) > 1:
        raise ValueError("load_boards takes fetches of one night; load other nights separately")
    as_of = loads[0].as_of
    check_night(as_of)
    previous = _last_loads(con, as_of)
    results: list[tuple[LoadCounts, str | None]] = []
    pending: list[int] = []
    loads = list(loads)
    for i, load in enumerate(loads):
        before = previous.get((load.source, load.board))
        if _unchanged(load, before):
            loads[i] = _carry_over(load, before)
            fetched = len(_unique(load.postings))
            results.append((LoadCounts(fetched, 0, 0, 0, len(set(load.errors))), before.warning))
        else:
            results.append((LoadCounts(0, 0, 0, 0, 0), None))
            pending.append(i)
    batch = [loads[i] for i in pending]
    reload = any((load.source, load.board) in previous for load in batch)
    con.execute("BEGIN TRANSACTION")
    try:
        if batch:
            merged = _merge(con, batch, as_of, reload)
            for i, outcome in zip(pending, merged, strict=True):
                results[i] = outcome
        unchanged = [load for i, load in enumerate(loads) if i not in frozenset(pending)]
        if unchanged:
            _index_pages(con, unchanged, as_of)
        for i, load in enumerate(loads):
            labelled, reused = label_counts(load)
            counts, warning = results[i]
            results[i] = (replace(counts, labelled=labelled, labels_reused=reused), warning)
        _record_runs(con, loads, results)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return [counts for counts, _ in results]


@dataclass(frozen=True, slots=True)
class LastLoad:
    parse_key: str | None
    counts: LoadCounts
    warning: str | None
    fetch_id: str | None


def _carry_over(load: BoardLoad, before: LastLoad) -> BoardLoad:
    """An unchanged load as its run records it: under the attempt the earlier load used (a
    refetch with the same pages is a new attempt of the same content), so the archive index
    gains nothing and reparse loads the attempt already indexed."""
    if before.fetch_id is None:
        return load
    return replace(
        load,
        fetch_id=before.fetch_id,
        pages=[replace(p, fetch_id=before.fetch_id) for p in load.pages],
    )


def _unchanged(load: BoardLoad, before: LastLoad | None) -> bool:
    """Whether the board's last load of the night had this load's skip key; a load without
    one (built by hand, not by the engine) is always merged."""
    return before is not None and load.parse_key is not None and before.parse_key == load.parse_key


def _last_loads(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[tuple[str, str], LastLoad]:
    """Each board's latest successful load of a night: what a rerun of it compares against."""
    return {
        (source, board): LastLoad(key, LoadCounts(fetched, 0, 0, 0, errors), warning, fid)
        for source, board, key, fetched, errors, warning, fid in con.execute(
            """
            SELECT source, board, parse_key, fetched, parse_errors, warning, fetch_id
            FROM runs WHERE as_of = ? AND status = 'success'
            QUALIFY row_number() OVER (PARTITION BY source, board ORDER BY finished_at DESC) = 1
            """,
            [as_of],
        ).fetchall()
    }


def stored_label_keys(
    con: duckdb.DuckDBPyConnection, boards: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, str]]:
    """Per (source, board): the label key stored with each of its postings' labels, what a
    parse of the board compares its postings' keys with to label only the changed ones."""
    if not boards:
        return {}
    sources, tokens = zip(*dict.fromkeys(boards), strict=True)
    rows = con.execute(
        """
        SELECT p.source, p.board, list(p.source_id), list(l.label_key)
        FROM (SELECT unnest(?::VARCHAR[]) AS source, unnest(?::VARCHAR[]) AS board) AS w
        JOIN postings AS p ON p.source = w.source AND p.board = w.board
        JOIN posting_labels AS l ON l.source = p.source AND l.source_id = p.source_id
        WHERE l.label_key IS NOT NULL
        GROUP BY p.source, p.board
        """,
        [list(sources), list(tokens)],
    ).fetchall()
    return {(source, board): dict(zip(ids, keys, strict=True)) for source, board, ids, keys in rows}


def confirmed_label_keys(
    con: duckdb.DuckDBPyConnection, loads: Sequence[BoardLoad]
) -> set[tuple[str, str]]:
    """The loads' postings whose stored label already carries the key the load gives them
    (one join for the whole batch): their label is stored, whatever the load carries. A
    posting a load leaves unlabelled (a key, no row) that is not among them relied on a key
    that went stale (read while earlier loads were queued, or by a cached parse); the caller
    must label it before loading."""
    keyed = [
        (load.source, source_id, key)
        for load in loads
        for source_id, key in load.label_keys.items()
    ]
    if not keyed:
        return set()
    rows = con.execute(
        """
        SELECT r.source, r.source_id
        FROM (SELECT unnest(?::VARCHAR[]) AS source, unnest(?::VARCHAR[]) AS source_id,
                     unnest(?::VARCHAR[]) AS key) AS r
        JOIN posting_labels AS l USING (source, source_id)
        WHERE l.label_key = r.key
        """,
        [list(column) for column in zip(*keyed, strict=True)],
    ).fetchall()
    return set(rows)


def label_counts(load: BoardLoad) -> tuple[int, int]:
    """How many of the load's postings get a label written (new, or their key moved), and
    how many keep the one stored under their unchanged key; once `ingest.label.
    confirm_labels` has run, the load carries rows for the first kind only (a night carried
    over parses nothing: 0, 0)."""
    labelled = {r.source_id for r in load.labels}
    return len(labelled), sum(1 for source_id in load.label_keys if source_id not in labelled)


def parse_keys(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[tuple[str, str], str]:
    """The parse key of each board's latest successful load of a night, where it has one."""
    return {
        key: run.parse_key
        for key, run in _last_loads(con, as_of).items()
        if run.parse_key is not None
    }


def record_unchanged(
    con: duckdb.DuckDBPyConnection, loads: Sequence[BoardLoad]
) -> list[LoadCounts]:
    """Record fetches whose `parse_key` matches their board's latest successful load of the
    night, without their postings: a load of the same parse would change nothing.

    Each gets a run row carrying that load's fetched and parse-error counts, its warning and
    its attempt (`_carry_over`), and its pages are re-indexed, all in one transaction. A fetch
    whose key no longer matches raises `ValueError` and records nothing: the caller must
    parse it.
    """
    if not loads:
        return []
    as_of = loads[0].as_of
    if any(load.as_of != as_of or load.parse_key is None for load in loads):
        raise ValueError("record_unchanged takes keyed fetches of one night")
    previous = _last_loads(con, as_of)
    matched = [previous.get((load.source, load.board)) for load in loads]
    stale = [
        f"{load.source}/{load.board}"
        for load, before in zip(loads, matched, strict=True)
        if before is None or before.parse_key != load.parse_key
    ]
    if stale:
        raise ValueError(f"parse key changed since the last load: {', '.join(stale)}")
    loads = [
        _carry_over(load, before) for load, before in zip(loads, matched, strict=True) if before
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        _index_pages(con, loads, as_of)
        _record_runs(con, loads, [(before.counts, before.warning) for before in matched])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return [before.counts for before in matched]


def _frames(loads: Sequence[BoardLoad]) -> dict[str, pd.DataFrame]:
    """The batch's rows as DataFrames; a key listed twice keeps its last listing."""
    postings = postings_frame(_unique([p for load in loads for p in load.postings]))
    labels = _columns([r for load in loads for r in load.labels], LabelRow.__slots__)
    labels["label_key"] = [load.label_keys.get(r.source_id) for load in loads for r in load.labels]
    errors = pd.DataFrame(
        [
            (load.fetch_id, e.source, e.board, load.as_of, e.raw_payload_id, e.record_ref, e.reason)
            for load in loads
            for e in load.errors
        ],
        columns=["fetch_id", "source", "board", "as_of", "sha256", "record_ref", "reason"],
    )
    boards = pd.DataFrame(
        {
            "source": [load.source for load in loads],
            "board": [load.board for load in loads],
            "ids": [[p.source_id for p in load.postings] for load in loads],
        }
    )
    return {
        "incoming_pages": _columns([p for load in loads for p in load.pages], PageRecord.__slots__),
        "incoming_postings": postings,
        "incoming_labels": labels.drop_duplicates(subset=["source", "source_id"], keep="last"),
        "incoming_errors": errors.drop_duplicates(
            subset=["fetch_id", "sha256", "record_ref", "reason"]
        ),
        "incoming_boards": boards,
    }


def _merge(
    con: duckdb.DuckDBPyConnection, loads: Sequence[BoardLoad], as_of: date, reload: bool
) -> list[tuple[LoadCounts, str | None]]:
    """The merge itself, per batch; statements whose inputs are empty are not run at all."""
    frames = _frames(loads)
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        _upsert_pages(con, as_of)
        listed = not frames["incoming_postings"].empty
        frames["merge_boards"] = _scope(con, postings=listed)
        per_board = _board_counts(con)
        new = sum(c["new"] for c in per_board.values())
        updated = sum(c["updated"] for c in per_board.values())
        if not frames["incoming_labels"].empty:
            _upsert_labels(con, as_of)
        _upsert_postings(con, as_of, inserts=new > 0, updates=updated > 0)
        _record_observations(con, as_of, reload=reload, listed=listed)
        warnings, since = _relist(con, loads, per_board, as_of)
        closed = _close_missing(con, since)
        if not frames["incoming_errors"].empty:
            con.execute("INSERT OR IGNORE INTO parse_errors SELECT * FROM incoming_errors")
        errors = frames["incoming_errors"].groupby(["source", "board"]).size().to_dict()
        return [
            (
                LoadCounts(
                    fetched=per_board[(load.source, load.board)]["fetched"],
                    new=per_board[(load.source, load.board)]["new"],
                    updated=per_board[(load.source, load.board)]["updated"],
                    closed=closed.get((load.source, load.board), 0),
                    parse_errors=int(errors.get((load.source, load.board), 0)),
                ),
                warnings.get((load.source, load.board)),
            )
            for load in loads
        ]
    finally:
        for name in frames:
            con.unregister(name)


def _in_scope(alias: str) -> str:
    """A filter keeping `alias`'s rows on the batch's boards (`_scope`), put in front of
    every join with a warehouse table: the board column is cheap to scan and the join then
    probes only those rows, so a merge's cost follows the boards touched, not the table."""
    return (
        f"{alias}.board IN (SELECT board FROM merge_boards) "
        f"AND {alias}.source IN (SELECT source FROM merge_boards)"
    )


def _scope(con: duckdb.DuckDBPyConnection, *, postings: bool) -> pd.DataFrame:
    """Register `merge_boards`: the boards whose stored postings the batch can touch.

    Those are the batch's own boards and, for a posting stored under another board of its
    source (an id listed by a different board), that board; only ids not found on the
    batch's boards are looked for elsewhere, usually the night's few new ones. `postings`:
    whether the batch lists any (an empty frame has no column types to compare).
    """
    boards = "SELECT DISTINCT source, board FROM incoming_boards"
    if not postings:
        frame = con.execute(boards).df()
        con.register("merge_boards", frame)
        return frame
    frame = con.execute(
        f"""
        {boards}
        UNION
        SELECT DISTINCT p.source, p.board FROM postings AS p
        WHERE p.source IN (SELECT source FROM incoming_boards)
          AND p.source_id IN (
              SELECT i.source_id FROM incoming_postings AS i
              WHERE NOT EXISTS (
                  SELECT 1 FROM postings AS s
                  WHERE {_in_scope_of_batch("s")}
                    AND s.source = i.source AND s.source_id = i.source_id))
        """
    ).df()
    con.register("merge_boards", frame)
    return frame


def _in_scope_of_batch(alias: str) -> str:
    return (
        f"{alias}.board IN (SELECT board FROM incoming_boards) "
        f"AND {alias}.source IN (SELECT source FROM incoming_boards)"
    )


def _board_counts(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict[str, int]]:
    """Per board of the batch: postings fetched, new and changed."""
    rows = con.execute(
        f"""
        WITH listed AS (
            SELECT b.source, b.board, unnest(b.ids) AS source_id FROM incoming_boards AS b
        ),
        fetched AS (
            SELECT l.source, l.board, count(DISTINCT l.source_id) AS fetched,
                   count(DISTINCT l.source_id) FILTER (WHERE p.source IS NULL) AS new,
                   count(DISTINCT l.source_id) FILTER (
                       WHERE p.source IS NOT NULL AND p.content_hash <> i.content_hash
                   ) AS updated
            FROM listed AS l
            JOIN incoming_postings AS i USING (source, source_id)
            LEFT JOIN (SELECT source, source_id, content_hash FROM postings AS p
                       WHERE {_in_scope("p")}) AS p USING (source, source_id)
            GROUP BY l.source, l.board
        )
        SELECT DISTINCT b.source, b.board, coalesce(f.fetched, 0), coalesce(f.new, 0),
               coalesce(f.updated, 0)
        FROM incoming_boards AS b
        LEFT JOIN fetched AS f USING (source, board)
        """
    ).fetchall()
    return {
        (source, board): {"fetched": fetched, "new": new, "updated": updated}
        for source, board, fetched, new, updated in rows
    }


STORED_LABEL_COLUMNS = f"{LABEL_COLUMNS}, label_key"
INCOMING_LABEL_COLUMNS = ", ".join(f"l.{c}" for c in (*LabelRow.__slots__, "label_key"))


def _upsert_labels(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Write the batch's new and moved labels.

    Runs before the postings merge, which is what lets it compare the stored content hash
    with the incoming one. A label is written where the posting has none, or where its label
    key or classifier version moved (for rows without a key, built by hand, where the
    content moved); rewriting an equal label would cost a delete and an insert in the key's
    index. Labels follow the posting's newest sighting: an older night loaded late labels
    nothing, as it changes no content (see `_upsert_postings`).
    """
    con.execute(
        f"""
        INSERT OR REPLACE INTO posting_labels ({STORED_LABEL_COLUMNS})
        SELECT {INCOMING_LABEL_COLUMNS}
        FROM incoming_labels AS l
        JOIN incoming_postings AS i USING (source, source_id)
        LEFT JOIN (SELECT source, source_id, last_seen, content_hash FROM postings AS p
                   WHERE {_in_scope("p")}) AS p USING (source, source_id)
        LEFT JOIN posting_labels AS e USING (source, source_id)
        WHERE (p.source IS NULL OR p.last_seen <= ?::DATE)
          AND (e.source IS NULL OR e.classifier_version <> l.classifier_version
               OR e.label_key IS DISTINCT FROM l.label_key
               OR (l.label_key IS NULL AND p.content_hash <> i.content_hash))
        """,
        [as_of],
    )


def _upsert_postings(
    con: duckdb.DuckDBPyConnection, as_of: date, *, inserts: bool, updates: bool
) -> None:
    """Insert new postings, update changed ones, extend re-sighted ones' first and last seen.

    Content is only overwritten by a sighting at least as recent as the stored one, so a
    posting's content is that of its newest sighting whatever order nights load in. Closing
    and reopening are `_close_missing`'s. Each case is its own set-based statement, so the
    common ones (a new posting, a posting seen again unchanged) never take the costlier path.
    """
    if inserts:
        con.execute(
            f"""
            INSERT INTO postings
            SELECT {", ".join("i." + c for c in POSTING_COLUMNS)}, ?::DATE AS first_seen,
                   ?::DATE AS last_seen, NULL AS closed_at
            FROM incoming_postings AS i
            WHERE NOT EXISTS (
                SELECT 1 FROM postings AS p
                WHERE {_in_scope("p")} AND p.source = i.source AND p.source_id = i.source_id
            )
            """,
            [as_of, as_of],
        )
    if updates:
        assignments = ", ".join(f"{c} = i.{c}" for c in MUTABLE_POSTING_COLUMNS)
        con.execute(
            f"""
            UPDATE postings SET {assignments}
            FROM incoming_postings AS i
            WHERE {_in_scope("postings")}
              AND postings.source = i.source AND postings.source_id = i.source_id
              AND postings.content_hash <> i.content_hash AND postings.last_seen <= ?::DATE
            """,
            [as_of],
        )
    con.execute(
        f"""
        UPDATE postings SET
            first_seen = least(postings.first_seen, ?::DATE),
            last_seen = greatest(postings.last_seen, ?::DATE)
        FROM incoming_postings AS i
        WHERE {_in_scope("postings")}
          AND postings.source = i.source AND postings.source_id = i.source_id
          AND (postings.last_seen < ?::DATE OR postings.first_seen > ?::DATE)
        """,
        [as_of] * 4,
    )


def _record_observations(
    con: duckdb.DuckDBPyConnection, as_of: date, *, reload: bool, listed: bool
) -> None:
    """The night's sightings, and a version row per content (through the key's index: a
    new one inserted, a known one's validity extended); `reload`: night seen before,
    `listed`: the batch lists any posting.

    Sightings are facts and only accumulate: a second load of a night adds what it lists and
    drops nothing, so a rerun that hiccups (an empty page served with 200) cannot erase what
    the night's first load saw. Its content becomes the night's; a version the first load
    recorded stays, since that content was listed too.
    """
    con.execute(
        """
        INSERT INTO posting_observations
        SELECT i.source, i.source_id, ?::DATE, i.content_hash, i.board
        FROM incoming_postings AS i
        WHERE NOT EXISTS (
            SELECT 1 FROM posting_observations AS o
            WHERE o.source = i.source AND o.source_id = i.source_id AND o.night = ?::DATE
        )
        """,
        [as_of, as_of],
    )
    if reload:
        con.execute(
            """
            UPDATE posting_observations AS o SET content_hash = i.content_hash
            FROM incoming_postings AS i
            WHERE o.source = i.source AND o.source_id = i.source_id AND o.night = ?::DATE
              AND o.content_hash <> i.content_hash
            """,
            [as_of],
        )
    if not listed:
        return
    con.execute(
        """
        INSERT INTO posting_versions
        SELECT i.source, i.source_id, i.content_hash, i.title, md5(i.description),
               i.locations, i.workplace_type, i.salary_min, i.salary_max, i.salary_currency,
               i.salary_period, ?::DATE, ?::DATE
        FROM incoming_postings AS i
        ON CONFLICT (source, source_id, content_hash) DO UPDATE SET
            valid_from = least(posting_versions.valid_from, excluded.valid_from),
            valid_to = greatest(posting_versions.valid_to, excluded.valid_to)
        WHERE posting_versions.valid_from > excluded.valid_from
           OR posting_versions.valid_to < excluded.valid_to
        """,
        [as_of, as_of],
    )


def _relist(
    con: duckdb.DuckDBPyConnection,
    loads: Sequence[BoardLoad],
    per_board: dict[tuple[str, str], dict[str, int]],
    as_of: date,
) -> tuple[dict[tuple[str, str], str], pd.DataFrame]:
    """Record the batch's listings and re-derive which of each board's listings close.

    A listing that can close is a suspect drop, closing nothing, when it lists fewer than the
    board's `suspect_fraction` of the postings open before it (boards with at least
    `SUSPECT_MIN_OPEN` open). What was open before a listing depends on which earlier ones
    closed, so this walks the board's listings in night order, but only from its last closing
    listing before this night: there the open postings are exactly the ones it listed, and
    listings before it cannot change. In the nightly case that is one or two listings.

    A night loaded twice lists what either load listed, so only a drop against the earlier
    nights is suspect; a load that returned too few is still warned about, since the run
    should say so even when an earlier load of the night keeps everything open.

    Returns the warning of each suspect board of this night, and per board the night the
    walk started from (`since`, NULL when it walked all), which bounds the postings whose
    closing `_close_missing` must re-derive.
    """
    listings = pd.DataFrame(
        {
            "source": [load.source for load in loads],
            "board": [load.board for load in loads],
            "night": [as_of] * len(loads),
            "fetch_id": [load.fetch_id for load in loads],
            "listed": [per_board[(load.source, load.board)]["fetched"] for load in loads],
            "can_close": [load.closes_missing for load in loads],
            "suspect_fraction": [load.suspect_fraction for load in loads],
            "closing": [load.closes_missing for load in loads],
        }
    ).drop_duplicates(subset=["source", "board"], keep="last")
    con.register("incoming_listings", listings)
    try:
        con.execute(
            """
            INSERT INTO board_listings SELECT * FROM incoming_listings
            ON CONFLICT (source, board, night) DO UPDATE SET
                fetch_id = excluded.fetch_id, listed = excluded.listed,
                can_close = board_listings.can_close OR excluded.can_close,
                suspect_fraction = excluded.suspect_fraction
            """
        )
        since = con.execute(
            """
            SELECT b.source, b.board,
                   max(l.night) FILTER (WHERE l.closing AND l.night < ?::DATE) AS since
            FROM incoming_listings AS b
            JOIN board_listings AS l USING (source, board)
            GROUP BY b.source, b.board
            """,
            [as_of],
        ).df()
    finally:
        con.unregister("incoming_listings")
    con.register("relisting", since)
    try:
        walk = con.execute(
            """
            SELECT l.source, l.board, l.night, l.can_close, l.suspect_fraction, l.closing,
                   r.since
            FROM board_listings AS l JOIN relisting AS r USING (source, board)
            WHERE r.since IS NULL OR l.night >= r.since
            ORDER BY l.source, l.board, l.night
            """
        ).fetchall()
        listed: dict[tuple[str, str, date], set[str]] = {}
        for source, board, night, ids in con.execute(
            """
            SELECT o.source, o.board, o.night, list(o.source_id)
            FROM posting_observations AS o JOIN relisting AS r USING (source, board)
            WHERE (r.since IS NULL OR o.night >= r.since)
              AND EXISTS (SELECT 1 FROM board_listings AS l
                          WHERE l.source = r.source AND l.board = r.board AND l.can_close
                            AND l.night >= coalesce(r.since, l.night))
            GROUP BY ALL
            """
        ).fetchall():
            listed[(source, board, night)] = set(ids)
    finally:
        con.unregister("relisting")
    closes = {(load.source, load.board): load.closes_missing for load in loads}
    incoming = {(load.source, load.board): {p.source_id for p in load.postings} for load in loads}
    warnings: dict[tuple[str, str], str] = {}
    changed: list[tuple[str, str, date, bool]] = []
    open_ids: dict[tuple[str, str], set[str]] = {}
    for source, board, night, can_close, fraction, closing, start in walk:
        ids = listed.get((source, board, night), set())
        before = open_ids.setdefault((source, board), set())
        if night == start:
            open_ids[(source, board)] = set(ids)
            continue
        share = SUSPECT_FRACTION if fraction is None else fraction
        suspect = can_close and len(before) >= SUSPECT_MIN_OPEN and len(ids) < share * len(before)
        if night == as_of and closes.get((source, board)):
            returned = incoming[(source, board)]
            was_open = len(before | (ids - returned))
            if was_open >= SUSPECT_MIN_OPEN and len(returned) < share * was_open:
                warnings[(source, board)] = (
                    f"suspect fetch: {len(returned)} postings returned while {was_open} were "
                    f"open (below {share:.0%}); nothing closed"
                )
        now_closing = can_close and not suspect
        open_ids[(source, board)] = set(ids) if now_closing else before | ids
        if now_closing != closing:
            changed.append((source, board, night, now_closing))
    if changed:
        con.register(
            "relisted", pd.DataFrame(changed, columns=["source", "board", "night", "closing"])
        )
        try:
            con.execute(
                """
                UPDATE board_listings AS l SET closing = r.closing
                FROM relisted AS r
                WHERE l.source = r.source AND l.board = r.board AND l.night = r.night
                """
            )
        finally:
            con.unregister("relisted")
    return warnings, since


def _close_missing(
    con: duckdb.DuckDBPyConnection, since: pd.DataFrame
) -> dict[tuple[str, str], int]:
    """Derive `closed_at` as the first closing listing of the board after the posting's last
    sighting (NULL: open), for the postings a load can have changed; counts per board of the
    postings this load closed.

    Those are the night's postings and, per board, the ones last seen on or after `since`: a
    posting last seen before it closed at or before that listing, which no later night moves.
    """
    con.register("relisting", since)
    try:
        rows = con.execute(
            f"""
            WITH affected AS (
                SELECT p.source, p.source_id FROM postings AS p
                JOIN relisting AS r ON p.source = r.source AND p.board = r.board
                WHERE {_in_scope("p")}
                  AND (p.last_seen >= r.since
                       OR (r.since IS NULL AND EXISTS (
                           SELECT 1 FROM board_listings AS l
                           WHERE l.source = r.source AND l.board = r.board AND l.closing)))
                UNION
                SELECT source, source_id FROM incoming_postings
            ),
            derived AS (
                SELECT p.source, p.source_id,
                       (SELECT min(l.night) FROM board_listings AS l
                        WHERE l.source = p.source AND l.board = p.board AND l.closing
                          AND l.night > p.last_seen) AS closed_at
                FROM postings AS p JOIN affected AS a USING (source, source_id)
                WHERE {_in_scope("p")}
            )
            UPDATE postings SET closed_at = d.closed_at
            FROM derived AS d
            WHERE {_in_scope("postings")}
              AND postings.source = d.source AND postings.source_id = d.source_id
              AND postings.closed_at IS DISTINCT FROM d.closed_at
            RETURNING postings.source, postings.board, postings.closed_at
            """
        ).fetchall()
    finally:
        con.unregister("relisting")
    closed: dict[tuple[str, str], int] = {}
    for source, board, closed_at in rows:
        if closed_at is not None:
            closed[(source, board)] = closed.get((source, board), 0) + 1
    return closed


def _record_runs(
    con: duckdb.DuckDBPyConnection,
    loads: Sequence[BoardLoad],
    results: Sequence[tuple[LoadCounts, str | None]],
) -> None:
    """One successful run row per board of the batch, written as one insert. `load_digest`
    is left empty: the skip key in `parse_key` replaced it."""
    finished = datetime.now(UTC)
    runs = pd.DataFrame(
        [
            (
                load.run_id,
                load.source,
                load.board,
                load.as_of,
                load.mode,
                "success",
                load.started_at,
                finished,
                len(load.pages),
                counts.fetched,
                counts.new,
                counts.updated,
                counts.closed,
                counts.parse_errors,
                None,
                warning,
                None,
                load.parse_key,
                load.fetch_id,
                counts.labelled,
                counts.labels_reused,
            )
            for load, (counts, warning) in zip(loads, results, strict=True)
        ],
        columns=list(RUN_COLUMNS),
    )
    con.register("incoming_runs", runs)
    try:
        con.execute(
            f"INSERT OR REPLACE INTO runs ({', '.join(RUN_COLUMNS)}) "
            f"SELECT {', '.join(RUN_COLUMNS)} FROM incoming_runs"
        )
    finally:
        con.unregister("incoming_runs")


def _index_pages(con: duckdb.DuckDBPyConnection, loads: Sequence[BoardLoad], as_of: date) -> None:
    """Re-point `raw_payloads` at an unchanged load's pages.

    Archives from before fetch attempts used one fetch id per board and night, so a failed
    fetch may have indexed a different body under the same (fetch_id, seq) (a truncated
    page, say); the rerun that loads nothing new must still say which bytes its postings
    came from. For an attempt of its own this finds every row in place and writes nothing.
    """
    con.register(
        "incoming_pages", _columns([p for load in loads for p in load.pages], PageRecord.__slots__)
    )
    try:
        _upsert_pages(con, as_of)
    finally:
        con.unregister("incoming_pages")


def _upsert_pages(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Index archived pages; a rerun with identical bodies keeps the first fetch's row."""
    con.execute(
        """
        INSERT INTO raw_payloads
        SELECT fetch_id, seq, source, board, ?::DATE, url, status, content_type, sha256,
               bytes, fetched_at, archive_path
        FROM incoming_pages
        ON CONFLICT (fetch_id, seq) DO UPDATE SET
            url = excluded.url, status = excluded.status,
            content_type = excluded.content_type, sha256 = excluded.sha256,
            bytes = excluded.bytes, fetched_at = excluded.fetched_at,
            archive_path = excluded.archive_path
        WHERE raw_payloads.sha256 <> excluded.sha256
        """,
        [as_of],
    )


def record_failed_fetch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    mode: str,
    source: str,
    board: str,
    as_of: date,
    started_at: datetime,
    pages: Sequence[PageRecord],
    error: str | None,
    fetch_id: str | None = None,
) -> None:
    """A failed board keeps what it received (indexed for reparse) and its reason; no postings.

    `fetch_id` names the failed attempt (by default its pages' own)."""
    frame = pd.DataFrame([vars_of(p) for p in pages], columns=list(PageRecord.__slots__))
    with transaction(con, incoming_pages=frame):
        _upsert_pages(con, as_of)
        record_run(
            con,
            run_id,
            source,
            board,
            as_of,
            mode,
            "failed",
            started_at,
            pages=len(pages),
            error=error,
            fetch_id=fetch_id or (pages[0].fetch_id if pages else None),
        )


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    board: str,
    as_of: date,
    mode: str,
    status: str,
    started_at: datetime,
    *,
    pages: int = 0,
    counts: LoadCounts | None = None,
    error: str | None = None,
    warning: str | None = None,
    fetch_id: str | None = None,
) -> None:
    """One row per run, source and board; a retried run overwrites its own row."""
    c = counts or LoadCounts(0, 0, 0, 0, 0)
    con.execute(
        f"""
        INSERT OR REPLACE INTO runs ({", ".join(RUN_COLUMNS)})
        VALUES ({", ".join("?" * len(RUN_COLUMNS))})
        """,
        [
            run_id,
            source,
            board,
            as_of,
            mode,
            status,
            started_at,
            datetime.now(UTC),
            pages,
            *c.columns(),
            error,
            warning,
            None,
            None,
            fetch_id,
            None,
            None,
        ],
    )


def _unique(postings: Sequence[Posting]) -> list[Posting]:
    """A board listing the same id twice keeps the last: ON CONFLICT may touch a row once."""
    by_key = {(p.source, p.source_id): p for p in postings}
    return list(by_key.values())


def vars_of(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


@dataclass
class LabelChanges:
    """What a relabelling moved: rows relabelled, rows with any label moved, rows that had
    no labels before, and `(label, old, new) -> rows` for every move."""

    relabelled: int = 0
    changed: int = 0
    unlabelled_before: int = 0
    moves: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def per_label(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for (label, _, _), n in self.moves.items():
            out[label] += n
        return dict(out.most_common())


def _as_text(side: str, column: str) -> str:
    value = f"CAST({side}.{column} AS VARCHAR[])" if column == "skills" else f"{side}.{column}"
    return f"CAST({value} AS VARCHAR)"


def _count_changes(con: duckdb.DuckDBPyConnection, changes: LabelChanges) -> None:
    """Compare `incoming_labels` with the stored labels, set-based, before they are replaced."""
    moved = " OR ".join(
        f"{_as_text('e', c)} IS DISTINCT FROM {_as_text('i', c)}" for c in COMPARED_LABELS
    )
    changed, unlabelled = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE e.source IS NOT NULL AND ({moved})),
               count(*) FILTER (WHERE e.source IS NULL)
        FROM incoming_labels AS i
        LEFT JOIN posting_labels AS e USING (source, source_id)
        """
    ).fetchone()
    pairs = " UNION ALL ".join(
        f"SELECT '{c}' AS label, {_as_text('e', c)} AS old, {_as_text('i', c)} AS new "
        "FROM incoming_labels AS i JOIN posting_labels AS e USING (source, source_id) "
        f"WHERE {_as_text('e', c)} IS DISTINCT FROM {_as_text('i', c)}"
        for c in COMPARED_LABELS
    )
    rows = con.execute(
        f"SELECT label, old, new, count(*) FROM ({pairs}) GROUP BY label, old, new"
    ).fetchall()
    changes.changed += changed
    changes.unlabelled_before += unlabelled
    for label, old, new, n in rows:
        changes.moves[(label, str(old), str(new))] += n


def replace_labels(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[LabelRow],
    changes: LabelChanges | None = None,
) -> int:
    """Swap in new labels for existing postings in one set-based statement.

    With `changes`, first add to it what the new labels move (one set-based comparison).
    """
    frame = pd.DataFrame([vars_of(r) for r in rows], columns=list(LabelRow.__slots__))
    con.register("incoming_labels", frame)
    try:
        if changes is not None:
            _count_changes(con, changes)
            changes.relabelled += len(frame)
        con.execute(
            f"INSERT OR REPLACE INTO posting_labels ({LABEL_COLUMNS}) "
            f"SELECT {LABEL_COLUMNS} FROM incoming_labels"
        )
    finally:
        con.unregister("incoming_labels")
    return len(frame)
