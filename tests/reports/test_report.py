"""Rendering escapes whatever strangers wrote into titles and company names: Markdown and HTML
metacharacters, invisible bidi and zero-width controls, and CSV cells a spreadsheet would run;
and writes values for people (`$79K`, `31%`, role names)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from reports import display
from reports.guide_check import pct, signed, span
from reports.markdown import cell, table
from reports.safe import csv_cell, visible


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


def test_invisible_controls_are_stripped_from_rendered_cells() -> None:
    spoofed = "Acme\u202egpj.exe\u202c \u200bAI\u2066\u2069\ufeff"
    assert visible(spoofed) == "Acmegpj.exe AI"
    assert cell(spoofed) == "Acmegpj.exe AI"


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ('=HYPERLINK("http://evil.test","click")', '\'=HYPERLINK("http://evil.test","click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd", "'-2+3+cmd"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\u202e=1+1", "'=1+1"),
        ("+15% to +30%", "'+15% to +30%"),
        ("-6%", "-6%"),
        ("+12%", "+12%"),
        ("-0.5", "-0.5"),
        ("Acme AI", "Acme AI"),
        (-3, -3),
        (None, None),
    ],
)
def test_csv_cells_that_could_start_a_formula_are_quoted(raw: object, written: object) -> None:
    assert csv_cell(raw) == written


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        (display.money(79000), "$79K"),
        (display.money(1_250_000), "$1.2M"),
        (display.money(float("nan")), ""),
        (display.share(0.314), "31%"),
        (display.share(None), "n/a"),
        (display.change(-0.06), "-6%"),
        (display.change(None), "new"),
        (display.count(59.0), "59"),
        (display.count(6650), "6,650"),
        (display.role("ml_engineer"), "Machine Learning Engineer"),
        (display.role("sf_bay_area"), "sf bay area"),
        (display.label("next: prompt_engineer 29%"), "next: Prompt Engineer 29%"),
        (span(0.32, 0.72, pct), "32%–72%"),
        (span(-0.54, 0.9, signed), "-54% to +90%"),
    ],
)
def test_values_are_written_for_people(shown: str, expected: str) -> None:
    assert shown == expected
