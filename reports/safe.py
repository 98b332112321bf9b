"""Text that strangers wrote, made safe for the places the report puts it.

Company names and titles arrive from job boards and aggregators where anyone can post. Two
harms survive HTML escaping: bidirectional overrides and zero-width characters make a cell
display something other than what it holds (a name that reads backwards, a lookalike that
dodges a filter), and a CSV cell that begins like a formula runs as one when the file is
opened in a spreadsheet. The warehouse keeps the text as posted; only rendered output is
cleaned, here, once.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def visible(text: str) -> str:
    """`text` without bidirectional controls and zero-width characters."""
    return _INVISIBLE.sub("", text)


def csv_cell(value: object) -> object:
    """A CSV value a spreadsheet shows as text: a string that could start a formula gets a
    leading `'` (the OWASP advice); numbers, and strings that are only a signed number or
    percentage such as `-6%`, stay as they are."""
    if not isinstance(value, str):
        return value
    text = visible(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
