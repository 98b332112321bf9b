"""Markdown rendering escapes whatever strangers wrote into titles and company names."""

from __future__ import annotations

import re

import pandas as pd

from reports.markdown import cell, table


def test_cells_escape_html_and_table_breakers() -> None:
    assert cell("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert cell("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert cell("| broken | table |") == "\\| broken \\| table \\|"
    assert cell("line\nbreak") == "line break"
    assert cell(3) == "3" and cell(None) == ""


def test_table_keeps_one_row_per_record() -> None:
    frame = pd.DataFrame({"title": ["a | b", "[x](javascript:alert(1))"], "n": [1, 2]})
    lines = table(frame).strip().splitlines()
    assert len(lines) == 4
    assert all(len(re.split(r"(?<!\\)\|", line)) == 4 for line in lines)


def test_empty_table_says_so() -> None:
    assert table(pd.DataFrame({"a": []})) == "_No rows._\n"
