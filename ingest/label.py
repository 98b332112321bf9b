"""Label: classify one board's parsed postings into the rows stored beside them.

The board's configured industry beats the classifier's guess, and the night the pages were
fetched picks the dated currency table. Each posting is labelled on its own: one the
classifier cannot label becomes a `ParseError` and leaves the board's others labelled.

A label is a function of its `ingest.key.label_key`, so a posting whose key equals the one
stored with its label (`known`) is not classified again: on a board where one posting of a
hundred changed, one is labelled. Its stored label stays as it is, and the load writes none.
A key read before the load can be stale by the time the load runs (an earlier load of the
run moved it, or a cached parse is read on a later night), so every load first confirms the
keys its postings rely on (`confirm_labels`) and labels the few that moved.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.key import label_key
from pipeline.labels import LabelRow, label_each
from pipeline.models import Board, ParseError, Posting
from warehouse.db import Connection, WarehouseError, WarehouseLocked, connect
from warehouse.load import BoardLoad, confirmed_label_keys, stored_label_keys

KEY_CHUNK_BOARDS = 200
"""Planned boards whose stored label keys one query reads (see `StoredLabelKeys`)."""


@dataclass(slots=True)
class BoardLabels:
    """A board's postings that load (labelled now, or with a label stored under the same
    key), the rows of the ones labelled now, the ones the classifier failed on, and every
    loading posting's label key by source id."""

    postings: list[Posting]
    labels: list[LabelRow]
    errors: list[ParseError]
    keys: dict[str, str]


def industry_of(board: Board) -> str | None:
    """The industry a board's config gives, which beats the classifier's guess."""
    return board.options.get("industry")


def label_board(
    postings: Sequence[Posting],
    industry: str | None,
    fetched_on: date,
    known: Mapping[str, str] | None = None,
) -> BoardLabels:
    """Label the postings whose key differs from the stored one in `known` (source id to
    label key; None or empty: label all)."""
    keyed = [(p, label_key(p, industry, fetched_on)) for p in postings]
    stored = known or {}
    todo = [p for p, key in keyed if stored.get(p.source_id) != key]
    labelled = label_each(todo, industry, fetched_on)
    failed = {id(p) for p in todo} - {id(p) for p in labelled.postings}
    kept = [(p, key) for p, key in keyed if id(p) not in failed]
    return BoardLabels(
        [p for p, _ in kept], labelled.labels, labelled.errors, {p.source_id: k for p, k in kept}
    )


def confirm_labels(con: Connection, loads: Sequence[BoardLoad]) -> None:
    """Settle, in place and just before they load, which of the loads' postings keep their
    stored label, with one query for the batch (`confirmed_label_keys`).

    A posting whose stored label carries its key keeps it: a row the load carries for it
    (from a parse given no keys, or a cached one) is dropped, being that same label. One the
    parse left to a stored label that no longer carries its key is labelled here. So a load
    writes labels exactly for its new and changed content, and never keeps one not its own.
    """
    confirmed = confirmed_label_keys(con, loads)
    for load in loads:
        labelled = {r.source_id for r in load.labels}
        stale = {
            source_id
            for source_id in load.label_keys
            if source_id not in labelled and (load.source, source_id) not in confirmed
        }
        load.labels = [r for r in load.labels if (load.source, r.source_id) not in confirmed]
        if stale:
            _label_stale(load, stale)


def _label_stale(load: BoardLoad, stale: set[str]) -> None:
    """Label the postings of `load` in `stale` (source ids), with the industry and night its
    parse used; one the classifier fails on leaves the load with its reason."""
    todo = [p for p in load.postings if p.source_id in stale]
    fetched_on = load.pages[0].fetched_at.date() if load.pages else load.as_of
    fresh = label_board(todo, load.industry, fetched_on)
    failed = {p.source_id for p in todo} - set(fresh.keys)
    load.postings = [p for p in load.postings if p.source_id not in failed]
    load.labels += fresh.labels
    load.errors += fresh.errors
    load.label_keys = {k: v for k, v in load.label_keys.items() if k not in failed}
    load.label_keys.update(fresh.keys)


class StoredLabelKeys:
    """The stored label keys of a night's planned boards, for their parses to compare with.

    Read one query per `chunk` planned boards, when the first board of a chunk asks, and
    handed out board by board (an entry is dropped once taken), so a night of thousands of
    boards holds a few chunks' keys, never the whole warehouse's. Thread-safe: a streamed
    night's fetch threads take their board's keys as their fetch ends. A warehouse that does
    not exist yet or cannot be read gives no keys, so every posting is labelled: never wrong,
    only slower; `failure` keeps why (the nightly flow logs it).
    """

    def __init__(
        self,
        db_path: str | Path,
        boards: Sequence[tuple[str, str]],
        *,
        chunk: int = KEY_CHUNK_BOARDS,
        wait_seconds: float = 30.0,
    ) -> None:
        self._db_path = Path(db_path)
        self._boards = list(dict.fromkeys(boards))
        self._chunk_of = {board: i // chunk for i, board in enumerate(self._boards)}
        self._chunk = chunk
        self._wait_seconds = wait_seconds
        self._read: set[int] = set()
        self._keys: dict[tuple[str, str], dict[str, str]] = {}
        self._lock = threading.Lock()
        self.failure: str | None = None

    def take(self, source: str, board: str) -> dict[str, str]:
        """The board's stored keys by source id (empty for a board not planned)."""
        wanted = (source, board)
        with self._lock:
            n = self._chunk_of.get(wanted)
            if n is None:
                return {}
            if n not in self._read:
                self._read.add(n)
                start = n * self._chunk
                self._keys.update(self._query(self._boards[start : start + self._chunk]))
            return self._keys.pop(wanted, {})

    def _query(self, boards: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
        """One chunk's keys; after one failure none is tried again, so a warehouse held by
        another process costs the night one wait, not one per chunk."""
        if self.failure is not None or not self._db_path.exists():
            return {}
        try:
            con = connect(self._db_path, wait_seconds=self._wait_seconds)
            try:
                return stored_label_keys(con, boards)
            finally:
                con.close()
        except (WarehouseError, WarehouseLocked) as exc:
            self.failure = f"stored label keys not read, every posting labelled: {exc}"
            return {}
