"""Text helpers shared by the classifiers.

Descriptions run to several kilobytes and a regex alternation over 5 KB costs about a
millisecond, which alone would break the 1,500 postings/s budget. So descriptions are
tokenised once, word lists are looked up in the token set, and regexes only run on short
windows around cheap substring anchors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")
_TITLE_JUNK = re.compile(r"[^a-z0-9+#]+")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789+#")
_NOT_WORD_BYTES = bytes(byte if byte in _WORD_BYTES else 32 for byte in range(256))


def normalise_title(title: str) -> str:
    """Lower case, "&" as "and", accents dropped, punctuation as spaces:
    "Sr. ML/AI Eng" -> "sr ml ai eng", "Científico de Datos" -> "cientifico de datos"."""
    text = title.lower().replace("&", " and ")
    if not text.isascii():
        folded = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _TITLE_JUNK.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text as a padded word string (for phrase lookups) and a word set (for cheap pre-checks)."""

    padded: str
    words: frozenset[str]

    def __add__(self, other: Tokens) -> Tokens:
        """Both texts as one, so a title is searched with its description without re-tokenising."""
        return Tokens(self.padded + other.padded[1:], self.words | other.words)


def tokenise(text: str) -> Tokens:
    """The words `_TOKEN` finds in the lower-cased text, without running it.

    `_TOKEN` matches ASCII only, so every other character separates words: the UTF-8 bytes are
    translated (every byte outside [a-z0-9+#], including all bytes of a non-ASCII character,
    to a space) and split, about twice as fast as `findall`. A word cannot start
    with "+" or "#", so those are stripped from the front of a run, which only happens when one
    starts the text or follows a space ("c++" and "3+" need nothing).
    """
    runs = text.lower().encode("utf-8", "surrogatepass").translate(_NOT_WORD_BYTES).decode("ascii")
    words = runs.split()
    if runs.startswith(("+", "#")) or " +" in runs or " #" in runs:
        words = [word for word in (run.lstrip("+#") for run in words) if word]
    return Tokens(" " + " ".join(words) + " ", frozenset(words))


class PhraseSet:
    """Whole-word phrase lookup: each phrase is checked only if its first word occurs at all.

    Phrases are indexed by first word, so a lookup intersects that index with the text's word
    set and visits only the phrases whose first word is present, instead of all of them. A
    longer phrase is searched for in the text only if all its other words occur too.
    """

    def __init__(self, phrases: Mapping[str, str] | Iterable[str]) -> None:
        items = phrases.items() if isinstance(phrases, Mapping) else ((p, p) for p in phrases)
        self._entries: list[tuple[str, frozenset[str], str, str]] = []
        self._by_first: dict[str, list[int]] = {}
        for phrase, label in items:
            words = _TOKEN.findall(phrase.lower())
            if words:
                self._by_first.setdefault(words[0], []).append(len(self._entries))
                padded = " " + " ".join(words) + " "
                self._entries.append((padded, frozenset(words[1:]), padded.strip(), label))
        self._firsts = frozenset(self._by_first)

    def found(self, tokens: Tokens) -> list[tuple[str, str]]:
        """(phrase, label) pairs present in `tokens`, in the order the phrases were given."""
        present = self._firsts & tokens.words
        if not present:
            return []
        hits = []
        for index in sorted(i for first in present for i in self._by_first[first]):
            padded, rest, phrase, label = self._entries[index]
            if not rest or (rest <= tokens.words and padded in tokens.padded):
                hits.append((phrase, label))
        return hits


def anchor_regex(anchors: Iterable[str]) -> re.Pattern[str]:
    """A regex matching, at any position, the longest of `anchors` that starts there.

    It is the anchors' trie ("b(?:\\.s(?:c)?|achelor)"), so a scan tries one branch per first
    letter instead of every anchor, and a longer anchor is preferred because each optional tail
    is greedy. Passed to `windows`, it finds every anchor in one pass; that beats one str.find
    per anchor when a long list starts with few distinct letters (the 28 degree anchors start
    with 5: about 40 us instead of 100 us on 4.5 KB), but not for short lists of common letters.
    """
    trie: dict[str, dict] = {}
    for anchor in anchors:
        node = trie
        for char in anchor:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: dict[str, dict]) -> str:
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def windows(
    text: str,
    anchors: Iterable[str] | re.Pattern[str],
    before: int = 80,
    after: int = 120,
    source: str | None = None,
) -> str:
    """Snippets around every occurrence of any anchor in `text`, merged and joined by newlines.

    Regexes then run on a few hundred characters instead of the whole description. With
    `source` (the original of a lower-cased `text`), the snippets are cut from it, so
    case-sensitive patterns ("US" but not "us") still work. `anchors` may be an `anchor_regex`:
    it reports only the longest anchor at each position, but a shorter one starting there has
    the same window start and an earlier end, so the merged snippets are the same.
    """
    cut = source if source is not None and len(source) == len(text) else text
    spans: list[tuple[int, int]] = []
    n = len(text)
    if isinstance(anchors, re.Pattern):
        match = anchors.search(text)
        while match is not None:
            start, end = match.span()
            spans.append((max(0, start - before), min(n, end + after)))
            match = anchors.search(text, start + 1)
    else:
        for anchor in anchors:
            start = text.find(anchor)
            while start != -1:
                spans.append((max(0, start - before), min(n, start + len(anchor) + after)))
                start = text.find(anchor, start + 1)
    if not spans:
        return ""
    spans.sort()
    merged = [spans[0]]
    for lo, hi in spans[1:]:
        if lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return "\n".join(cut[lo:hi] for lo, hi in merged)
