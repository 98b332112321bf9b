"""Label: classify one board's parsed postings into the rows stored beside them.

The board's configured industry beats the classifier's guess, and the night the pages were
fetched picks the dated currency table. Each posting is labelled on its own: one the
classifier cannot label becomes a `ParseError` and leaves the board's others labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.labels import Labelled, label_each
from pipeline.models import Board, Posting


def label_board(postings: Sequence[Posting], board: Board, fetched_on: date) -> Labelled:
    return label_each(postings, board.options.get("industry"), fetched_on)
