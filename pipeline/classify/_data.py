"""Loading of the classifier's data files.

Every keyword list, rule and table lives in `data/*.toml` so that a change of rules is a
reviewable data diff with its own version. Files are read once per process (functools.cache): the
classifier runs on thousands of postings per second and must not touch the disk per call.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from re import _parser
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
DATA_FILES = (
    "roles",
    "seniority",
    "workplace",
    "salary",
    "currencies",
    "gazetteer",
    "skills",
    "industries",
    "attributes",
)


@cache
def load(name: str) -> dict[str, Any]:
    """Parse `data/<name>.toml`; a file without `version` is refused, since results built from
    unversioned rules could not be traced back to the rules that made them."""
    with (DATA_DIR / f"{name}.toml").open("rb") as fh:
        data = tomllib.load(fh)
    if not isinstance(data.get("version"), str):
        raise ValueError(f"data/{name}.toml has no string `version`")
    return data


def data_versions() -> dict[str, str]:
    return {name: load(name)["version"] for name in DATA_FILES}


def any_of(patterns: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One compiled alternation: a rule family costs one regex pass, not one per pattern."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


Clause = frozenset[str]


def required_literals(pattern: str, flags: int = re.IGNORECASE) -> tuple[bool, tuple[Clause, ...]]:
    """(folded, clauses): literals a match of `pattern` must contain. Each clause names strings
    of which at least one occurs in any text the pattern matches; when `folded` (the pattern
    ignores case) they are lower case and occur in the lower-cased text.

    Only what the pattern forces is kept: a literal run outside any optional part, and a group
    or branch whose every alternative forces one. The rest (classes, lookarounds, inline flag
    groups, optional parts, non-ASCII literals) adds nothing, so the clauses may say too little
    but never too much. They hold for ASCII texts only: under IGNORECASE a non-ASCII character
    can match an ASCII letter ("ſ" matches "s", the Kelvin sign matches "k").
    """
    parsed = _parser.parse(pattern, flags)
    folded = bool(parsed.state.flags & re.IGNORECASE)
    return folded, tuple(_clauses(parsed, folded))


def _clauses(items: Iterable[tuple[Any, Any]], fold: bool) -> list[Clause]:
    clauses: list[Clause] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            clauses.append(frozenset({"".join(run)}))
            run.clear()

    for op, arg in items:
        if op is _parser.LITERAL and arg < 128:
            run.append(chr(arg).lower() if fold else chr(arg))
            continue
        end_run()
        if op is _parser.SUBPATTERN and not arg[1] and not arg[2]:
            clauses.extend(_clauses(arg[3], fold))
        elif op is _parser.ATOMIC_GROUP:
            clauses.extend(_clauses(arg, fold))
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
            if arg[0] >= 1:
                clauses.extend(_clauses(arg[2], fold))
        elif op is _parser.BRANCH:
            per_branch = [_clauses(branch, fold) for branch in arg[1]]
            if all(per_branch):
                clauses.append(frozenset().union(*(max(c, key=_strength) for c in per_branch)))
    end_run()
    return clauses


def _strength(clause: Clause) -> int:
    """How much a clause narrows the texts: its shortest literal's length."""
    return min(len(literal) for literal in clause)


class Alternation:
    """`any_of(patterns)` that skips, on ASCII texts, the patterns a text cannot match.

    A pattern whose required literals (see `required_literals`) are absent from the text fails
    at every position, so leaving it out of the alternation changes no match: at each position
    the alternation tries its patterns in order and the first that matches wins, and a left-out
    pattern would never have been that first. `sub` therefore answers exactly as
    `any_of(patterns).sub` does, while a substring test costs far less than a regex pass over a
    long text with a pattern such as `(\\w+ ){0,2}weeks? ...` that backtracks at every word.

    When every pattern stays within one line (see `within_a_line`), no match crosses a newline
    and each line reads the same on its own, so a text some pattern may match is substituted
    line by line, each line with only those of the text's patterns its own literals allow (an
    empty line has nothing to match).
    """

    def __init__(self, patterns: Sequence[str], flags: int = re.IGNORECASE) -> None:
        self.patterns = tuple(patterns)
        self.flags = flags
        self.regex = any_of(self.patterns, flags)
        self._needs = {p: required_literals(p, flags) for p in self.patterns}
        self._by_line = all(within_a_line(p, flags) for p in self.patterns)

    def possible(self, text: str, among: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """The patterns (of `among`, default all) that may match `text`; all of them unless
        the text is ASCII."""
        among = self.patterns if among is None else among
        if not text.isascii():
            return among
        lower = text.lower()
        return tuple(
            pattern
            for pattern in among
            if _holds(self._needs[pattern][1], lower if self._needs[pattern][0] else text)
        )

    def sub(self, repl: str, text: str) -> str:
        """`any_of(patterns).sub(repl, text)`, run with only the patterns that can match."""
        patterns = self.possible(text)
        if not patterns:
            return text
        if self._by_line and "\n" in text:
            return "\n".join(
                self._sub(repl, line, self.possible(line, patterns)) if line else line
                for line in text.split("\n")
            )
        return self._sub(repl, text, patterns)

    def _sub(self, repl: str, text: str, patterns: tuple[str, ...]) -> str:
        if not patterns:
            return text
        if len(patterns) == len(self.patterns):
            return self.regex.sub(repl, text)
        return _alternation(patterns, self.flags).sub(repl, text)


def _holds(clauses: tuple[Clause, ...], text: str) -> bool:
    return all(any(literal in text for literal in clause) for clause in clauses)


@lru_cache(maxsize=256)
def _alternation(patterns: tuple[str, ...], flags: int) -> re.Pattern[str]:
    return any_of(patterns, flags)


_LINE_CATEGORIES = frozenset(
    {_parser.CATEGORY_WORD, _parser.CATEGORY_DIGIT, _parser.CATEGORY_NOT_SPACE}
)


def within_a_line(pattern: str, flags: int = re.IGNORECASE) -> bool:
    """Is every match of `pattern` non-empty and free of newlines, and does it read nothing
    outside itself but word boundaries? Then a text can be matched line by line: a newline is
    not a word character, so a boundary at a line's edge reads the same on its own.

    Conservative: lookarounds, anchors, `.`, negated classes and backreferences answer no.
    """
    _, clauses = required_literals(pattern, flags)
    return bool(clauses) and _within_a_line(_parser.parse(pattern, flags))


def _within_a_line(items: Iterable[tuple[Any, Any]]) -> bool:
    for op, arg in items:
        if op is _parser.LITERAL:
            ok = arg != ord("\n")
        elif op is _parser.IN:
            ok = all(_in_a_line(item_op, item_arg) for item_op, item_arg in arg)
        elif op is _parser.AT:
            ok = arg in (_parser.AT_BOUNDARY, _parser.AT_NON_BOUNDARY)
        elif op is _parser.SUBPATTERN:
            ok = _within_a_line(arg[3])
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
            ok = _within_a_line(arg[2])
        elif op is _parser.BRANCH:
            ok = all(_within_a_line(branch) for branch in arg[1])
        elif op is _parser.ATOMIC_GROUP:
            ok = _within_a_line(arg)
        else:
            ok = False
        if not ok:
            return False
    return True


def _in_a_line(op: Any, arg: Any) -> bool:
    """Can this member of a character class never match a newline?"""
    if op is _parser.LITERAL:
        return bool(arg != ord("\n"))
    if op is _parser.RANGE:
        return not arg[0] <= ord("\n") <= arg[1]
    return op is _parser.CATEGORY and arg in _LINE_CATEGORIES
