"""Seniority band from the title, else from the years of experience the description asks for.

The title wins because it is what the employer files the job under; "Senior Engineer, 3+ years"
is senior. Manager titles are not banded on their own: a manager can be anything from a first
line lead to a department head, and the guide's bands are about experience, not reports.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.classify._data import any_of, load
from pipeline.classify.text import anchor_regex, windows

_DATA = load("seniority")
_IGNORE = any_of(_DATA["ignore"]["patterns"])
_TITLE = tuple((band["band"], any_of(band["patterns"])) for band in _DATA["title"])
_LEVELS: dict[str, str] = _DATA["levels"]["numerals"]
_LEVEL = re.compile(
    r"\b(?:"
    + "|".join(_DATA["levels"]["nouns"])
    + r")\s+("
    + "|".join(sorted((re.escape(k) for k in _LEVELS), key=len, reverse=True))
    + r")\b"
)
_WORDS: dict[str, int] = _DATA["years"]["words"]
_NUM = r"(\d{1,2}|" + "|".join(_WORDS) + ")"
_YEARS = re.compile(
    _NUM + r"\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*" + _NUM + r"\s*\+?)?\s*(?:years?|yrs?)\b['’]?s?\s*"
    r"(?:of\b|in\b|with\b|experience|exp\b|professional|relevant|industry|hands|working|building"
    r"|as\b|leading|shipping|writing|developing|post)",
    re.IGNORECASE,
)
_ENTRY_BELOW = int(_DATA["years"]["entry_below"])
_SENIOR_FROM = int(_DATA["years"]["senior_from"])
_MAX_SENSIBLE_YEARS = int(_DATA["years"]["max_years"])
_YEAR_ANCHORS = anchor_regex(("year", "yr"))
_ENTRY_STATED = any_of(_DATA["description"]["entry"])
_FOREIGN_WORDS: dict[str, int] = {**_WORDS, **_DATA["years"]["foreign_words"]}
_FOREIGN_NUM = r"(\d{1,2}|" + "|".join(_FOREIGN_WORDS) + ")"
_FOREIGN_UNITS = tuple(_DATA["years"]["foreign_units"])
_FOREIGN_YEARS = re.compile(
    r"\b"
    + _FOREIGN_NUM
    + r"\s*(?:\+|ou plus|o más|oder mehr)?\s*(?:(?:-|–|à|a|bis)\s*"
    + _FOREIGN_NUM
    + r"\s*)?(?:"
    + "|".join(_FOREIGN_UNITS)
    + r")\b\s*(?:"
    + "|".join(re.escape(after) for after in _DATA["years"]["foreign_after"])
    + ")",
    re.IGNORECASE,
)
_FOREIGN_ANCHORS = tuple(_DATA["years"]["foreign_anchors"])
_YEAR_PASSES: tuple[
    tuple[re.Pattern[str] | tuple[str, ...], re.Pattern[str], dict[str, int]], ...
] = (
    (_YEAR_ANCHORS, _YEARS, _WORDS),
    (_FOREIGN_ANCHORS, _FOREIGN_YEARS, _FOREIGN_WORDS),
)


def years_band(years: int) -> str:
    if years < _ENTRY_BELOW:
        return "entry"
    return "senior" if years >= _SENIOR_FROM else "mid"


def required_years(description: str) -> tuple[int, str] | None:
    """Smallest figure of the first experience statement ("3-5 years of ..." -> 3) and its text;
    an English statement first, then one in French, German, Spanish or Portuguese.

    Figures above `max_years` are skipped: they are company age ("25 years in business").
    """
    lowered = description.lower()
    for anchors, regex, words in _YEAR_PASSES:
        snippet = windows(lowered, anchors, before=30, after=40)
        for match in regex.finditer(snippet):
            low = match.group(1)
            years = words[low] if low in words else int(low)
            if years <= _MAX_SENSIBLE_YEARS:
                return years, match.group(0).strip()
    return None


def classify_seniority(title: str, description: str = "") -> tuple[str, str]:
    """(band, evidence) for a normalised title: intern/entry/mid/senior/executive/unknown."""
    from_title = _title_band(title)
    if from_title is not None:
        return from_title
    found = required_years(description)
    if found:
        years, said = found
        return years_band(years), f"description: '{said}'"
    entry = _ENTRY_STATED.search(description) if "ntry" in description else None
    if entry is not None:
        return "entry", f"description: '{entry.group(0)}'"
    return "unknown", "no title word, level or years stated"


@lru_cache(maxsize=16384)
def _title_band(title: str) -> tuple[str, str] | None:
    """(band, evidence) from a normalised title's words or level, or None.

    Cached: it reads the title alone, and titles repeat across postings and boards."""
    title = _IGNORE.sub(" ", title)
    for band, regex in _TITLE:
        match = regex.search(title)
        if match:
            return band, f"title: '{match.group(0)}'"
    level = _LEVEL.search(title)
    if level:
        return _LEVELS[level.group(1)], f"title level: '{level.group(0)}'"
    return None
