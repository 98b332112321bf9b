"""The merge scans only the boards it loads, plus the boards of ids it finds elsewhere, so
a posting listed by another board of its source still merges into its own row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.support import board_load, posting, warehouse
from warehouse.load import load_board


def test_a_posting_listed_by_another_board_of_its_source_merges_into_its_row(
    tmp_path: Path,
) -> None:
    con = warehouse(tmp_path)
    first, second = date(2026, 9, 1), date(2026, 9, 2)
    load_board(con, board_load([posting("7", board="a"), posting("8", board="a")], first))
    moved = posting("7", "LLM Engineer", board="b")

    counts = load_board(con, board_load([moved], second, board="b"))

    assert (counts.new, counts.updated) == (0, 1)
    assert con.execute(
        "SELECT board, title, first_seen, last_seen FROM postings WHERE source_id = '7'"
    ).fetchall() == [("b", "LLM Engineer", first, second)]
    assert con.execute("SELECT role FROM posting_labels WHERE source_id = '7'").fetchall() == [
        ("nlp_llm_engineer",)
    ]
