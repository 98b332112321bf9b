"""Label: classify one board's parsed postings into the rows stored beside them.

The board's configured industry beats the classifier's guess, and the night the pages were
fetched picks the dated currency table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.labels import LabelRow, label_postings
from pipeline.models import Board, Posting


def label_board(postings: Sequence[Posting], board: Board, fetched_on: date) -> list[LabelRow]:
    return label_postings(postings, board.options.get("industry"), fetched_on)
