"""Degree, skills, industry and employment type: the attributes the guide's claims need.

All four read the same tokenised description (see `text.py`) or short windows of it, and all
rules are data (`attributes.toml`, `skills.toml`, `industries.toml`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.classify._data import any_of, load
from pipeline.classify.role import normalise_company
from pipeline.classify.text import PhraseSet, Tokens, anchor_regex, tokenise, windows

_ATTR = load("attributes")
_DEGREE = _ATTR["degree"]
_DEGREE_ANCHORS = anchor_regex(_DEGREE["anchors"])
_DEGREE_WORDS = frozenset(_DEGREE["words"])
_LEVELS = ("none", "bachelors", "masters", "phd")
_DEGREE_RES = tuple((level, any_of(_DEGREE[level])) for level in ("phd", "masters", "bachelors"))
_PREFERRED = any_of(_DEGREE["preferred"])
_NO_DEGREE = any_of(_DEGREE["no_degree"])
# Sentence breaks: a full stop and spaces, unless after "e.g"-style or one-letter
# abbreviations; a run of ; newline • ·; or " - ". That is
# r"(?<![a-z]\.[a-z])(?<!\b[a-z])\.\s+|[;\n•·]+|\s-\s", written to start with a character
# class so the regex engine jumps between candidate characters instead of trying every
# position (3x faster): the class takes a break's first character and lookbehinds tell which
# kind of break it starts.
_SENTENCE = re.compile(
    r"[.;\n•·\s](?:(?<=\.)(?<![a-z]\.[a-z]\.)(?<!\b[a-z]\.)\s+|(?<=[;\n•·])[;\n•·]*|(?<=\s)-\s)"
)

_EMPLOYMENT = _ATTR["employment"]
_EMPLOYMENT_ORDER = ("internship", "contract", "temporary", "part_time", "full_time")
_EMPLOYMENT_RES = tuple((kind, any_of(_EMPLOYMENT[kind])) for kind in _EMPLOYMENT_ORDER)
_EMPLOYMENT_ANCHORS = tuple(_EMPLOYMENT["anchors"])
_STRUCTURED_EMPLOYMENT = {
    value.lower(): kind for kind, values in _EMPLOYMENT["structured"].items() for value in values
}

_SKILLS = load("skills")
_SKILL_PHRASES = PhraseSet(
    {phrase: skill for skill, phrases in _SKILLS["skills"].items() for phrase in phrases}
)

_IND = load("industries")
_COMPANIES: dict[str, str] = _IND["companies"]
_INDUSTRY_TERMS = tuple((label, PhraseSet(terms)) for label, terms in _IND["keywords"].items())
_INDUSTRY_MIN = int(_IND["inference"]["min_terms"])


def classify_degree(description: str, tokens: Tokens | None = None) -> tuple[str, bool]:
    """(highest required degree, advanced degree only preferred).

    Sentence by sentence: alternatives in one sentence ("Master's or PhD") require the lowest
    of them; a sentence with "preferred"/"a plus" states a wish, not a requirement. `tokens`
    (the tokenised description) lets a description that names no degree skip the scan.
    """
    if tokens is not None and not tokens.words & _DEGREE_WORDS:
        return "none", False
    lower = description.lower()
    snippet = windows(lower, _DEGREE_ANCHORS, before=150, after=150)
    required = 0
    preferred = 0
    for sentence in _SENTENCE.split(snippet):
        said = _sentence_degree(sentence)
        if said is None:
            continue
        level, is_preferred = said
        if is_preferred:
            preferred = max(preferred, level)
        else:
            required = max(required, level)
    advanced = _LEVELS.index("masters")
    return _LEVELS[required], preferred >= advanced and required < advanced


@lru_cache(maxsize=8192)
def _sentence_degree(sentence: str) -> tuple[int, bool] | None:
    """(level, only preferred) one sentence states, or None: the highest level it names when
    it states a wish, else the lowest; None when it names none or says none is needed.

    Cached because the three degree regexes are most of `classify_degree`'s cost and the same
    requirement sentences ("A bachelor's degree in computer science or a related field")
    recur across a board's postings; the answer depends on the sentence alone.
    """
    levels = [_LEVELS.index(level) for level, regex in _DEGREE_RES if regex.search(sentence)]
    if not levels or _NO_DEGREE.search(sentence):
        return None
    if _PREFERRED.search(sentence):
        return max(levels), True
    return min(levels), False


def classify_skills(tokens: Tokens) -> list[str]:
    """Skill ids mentioned, in the fixed order of `skills.toml`."""
    seen = {skill for _, skill in _SKILL_PHRASES.found(tokens)}
    return [skill for skill in _SKILLS["skills"] if skill in seen]


@lru_cache(maxsize=16384)
def _name_terms(company: str) -> tuple[frozenset[str], ...]:
    """Industry terms in a company name, per industry; cached as names repeat across postings."""
    name = tokenise(company)
    return tuple(frozenset(p for p, _ in phrases.found(name)) for _, phrases in _INDUSTRY_TERMS)


def classify_industry(company: str, tokens: Tokens) -> tuple[str, str]:
    """(industry, evidence): the configured company map first, else description keywords.

    Words in the company name count double ("Meridian Bank" says more than one "bank" in a
    benefits paragraph). Tech/Software is the last label in the file so that ties go to the
    more specific industry.
    """
    key = normalise_company(company)
    if key in _COMPANIES:
        return _COMPANIES[key], f"configured company '{key}'"
    best_label, best_score, best_terms = "Other", 0, []
    for (label, phrases), in_name in zip(_INDUSTRY_TERMS, _name_terms(company), strict=True):
        terms = {p for p, _ in phrases.found(tokens)}
        score = len(terms | in_name) + len(in_name)
        if score > best_score:
            best_label, best_score, best_terms = label, score, sorted(terms | in_name)
    if best_score < _INDUSTRY_MIN:
        return "Other", "no configured company and too few industry terms"
    return best_label, f"terms: {', '.join(best_terms[:4])}"


def classify_employment(structured: str | None, title: str, description: str) -> str | None:
    """full_time / part_time / contract / internship / temporary, or None when nothing says."""
    if structured:
        kind = _STRUCTURED_EMPLOYMENT.get(structured.strip().lower().replace("_", " "))
        kind = kind or _STRUCTURED_EMPLOYMENT.get(structured.strip().lower())
        if kind:
            return kind
    lower_title = title.lower()
    for kind, regex in _EMPLOYMENT_RES:
        if regex.search(lower_title):
            return kind
    snippet = windows(description.lower(), _EMPLOYMENT_ANCHORS, before=40, after=60)
    if snippet:
        for kind, regex in _EMPLOYMENT_RES:
            if regex.search(snippet):
                return kind
    return None
