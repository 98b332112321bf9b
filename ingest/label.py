"""Label: classify one board's parsed postings into the rows stored beside them.

The board's configured industry beats the classifier's guess, and the night the pages were
fetched picks the dated currency table. Each posting is labelled on its own: one the
classifier cannot label becomes a `ParseError` and leaves the board's others labelled.

A label is a function of its `ingest.key.label_key`, so a posting whose key equals the one
stored with its label (`known`) is not classified again: on a board where one posting of a
hundred changed, one is labelled. Its stored label stays as it is, and the load writes none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ingest.key import label_key
from pipeline.labels import LabelRow, label_each
from pipeline.models import Board, ParseError, Posting
from warehouse.load import BoardLoad


@dataclass(slots=True)
class BoardLabels:
    """A board's postings that load (labelled now, or with a label stored under the same
    key), the rows of the ones labelled now, the ones the classifier failed on, and every
    loading posting's label key by source id."""

    postings: list[Posting]
    labels: list[LabelRow]
    errors: list[ParseError]
    keys: dict[str, str]


def label_board(
    postings: Sequence[Posting],
    board: Board,
    fetched_on: date,
    known: Mapping[str, str] | None = None,
) -> BoardLabels:
    """Label the postings whose key differs from the stored one in `known` (source id to
    label key; None or empty: label all)."""
    industry = board.options.get("industry")
    keyed = [(p, label_key(p, industry, fetched_on)) for p in postings]
    stored = known or {}
    todo = [p for p, key in keyed if stored.get(p.source_id) != key]
    labelled = label_each(todo, industry, fetched_on)
    failed = {id(p) for p in todo} - {id(p) for p in labelled.postings}
    kept = [(p, key) for p, key in keyed if id(p) not in failed]
    return BoardLabels(
        [p for p, _ in kept], labelled.labels, labelled.errors, {p.source_id: k for p, k in kept}
    )


def label_stale(load: BoardLoad, board: Board, stale: set[tuple[str, str]]) -> None:
    """Label, in place, the postings of `load` in `stale` (see
    `warehouse.load.unconfirmed_label_keys`), which its parse left to a stored label that has
    since moved; one the classifier fails on leaves the load with its reason."""
    todo = [p for p in load.postings if (p.source, p.source_id) in stale]
    if not todo:
        return
    fetched_on = load.pages[0].fetched_at.date() if load.pages else load.as_of
    fresh = label_board(todo, board, fetched_on)
    failed = {p.source_id for p in todo} - set(fresh.keys)
    load.postings = [p for p in load.postings if p.source_id not in failed]
    load.labels += fresh.labels
    load.errors += fresh.errors
    load.label_keys = {k: v for k, v in load.label_keys.items() if k not in failed}
    load.label_keys.update(fresh.keys)
