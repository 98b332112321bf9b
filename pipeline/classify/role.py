"""Role: one of the taxonomy's 18 ids, decided by the title, with the description breaking ties.

Rules come from `data/roles.toml` and are tried in order; the first that matches decides. Generic
titles ("Member of Technical Staff", "AI Engineer", "Product Manager", "Research Scientist") defer
to the description: LLM content, other strong AI content, or none. Bare "AI" in a description is
not a signal, because almost every posting mentions it now; that is what keeps nurses and sales
reps out of the AI roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.classify._data import any_of, load
from pipeline.classify.text import PhraseSet, Tokens, normalise_title, tokenise


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    regex: re.Pattern[str]
    role: str | None
    by_description: dict[str, str]
    confidence: float
    title_signal: bool
    contexts: tuple[tuple[str, PhraseSet], ...] = ()


@dataclass(frozen=True, slots=True)
class RoleResult:
    role: str
    is_ai: bool
    ai_signal: str | None
    confidence: float
    evidence: str
    llmops: bool


_DATA = load("roles")
ROLE_IDS: tuple[str, ...] = tuple(_DATA["roles"])
AI_ROLES: frozenset[str] = frozenset(r for r, spec in _DATA["roles"].items() if spec["is_ai"])
ROLE_NAMES: dict[str, str] = {r: spec["name"] for r, spec in _DATA["roles"].items()}
_RULES = tuple(
    _Rule(
        name=rule["name"],
        regex=any_of(rule["patterns"]),
        role=rule.get("role"),
        by_description=rule.get("by_description", {}),
        confidence=rule.get("confidence", 0.95),
        title_signal=rule.get("title_signal", False),
        contexts=tuple(
            (context["role"], PhraseSet(context["terms"])) for context in rule.get("by_context", [])
        ),
    )
    for rule in _DATA["title_rules"]
)
_LLMOPS = any_of(_DATA["llmops"]["patterns"])
_PLURAL = re.compile(r"\b(" + "|".join(_DATA["plural_nouns"]["nouns"]) + r")s\b")
_LLM_TERMS = PhraseSet(_DATA["description"]["llm_terms"])
_AI_TERMS = PhraseSet(_DATA["description"]["ai_terms"])
_SIGNAL_MIN = int(_DATA["description"]["signal_min_terms"])
_AI_LABS = frozenset(load("industries")["ai_labs"])
_COMPANY_SUFFIX = re.compile(r"\b(?:" + "|".join(load("industries")["legal_suffixes"]) + r")\b")

for _rule in _RULES:
    _targets = [_rule.role] if _rule.role else list(_rule.by_description.values())
    _targets += [role for role, _ in _rule.contexts]
    if any(t not in ROLE_IDS for t in _targets) or (
        _rule.role is None and set(_rule.by_description) != {"llm", "ai", "none"}
    ):
        raise ValueError(f"roles.toml rule {_rule.name!r} names an unknown role or case")


@lru_cache(maxsize=16384)
def normalise_company(company: str) -> str:
    """Company key for the configured maps: lower case, no legal suffix, single spaces.

    Cached: a board's postings all carry the same company name."""
    return " ".join(_COMPANY_SUFFIX.sub(" ", normalise_title(company)).split())


@lru_cache(maxsize=16384)
def _title_rule(title: str) -> tuple[bool, _Rule | None, str]:
    """(LLMOps title, first title rule that matches, what it matched) for a raw title. Job
    nouns are read in the singular: HN comments advertise "backend engineers", "AI Researchers".

    Cached: the rules read the title alone, and titles repeat across postings and boards."""
    norm = _PLURAL.sub(r"\1", normalise_title(title))
    llmops = bool(_LLMOPS.search(norm))
    for rule in _RULES:
        match = rule.regex.search(norm)
        if match is not None:
            return llmops, rule, match.group(0)
    return llmops, None, ""


def _context(rule: _Rule, tokens: Tokens) -> tuple[str, str] | None:
    """(role, term) of the first of a rule's contexts whose terms the title or description
    mention: an "AI Specialist" title says nothing until the work does (rating model output,
    support, pre-sales), and "Support Analyst - AI Specialist" says it in the title."""
    for role, terms in rule.contexts:
        hits = terms.found(tokens)
        if hits:
            return role, hits[0][0]
    return None


def classify_role(title: str, description: Tokens, company: str = "") -> RoleResult:
    """Role for one posting; `description` is the tokenised description (see `text.tokenise`)."""
    llmops, rule, matched = _title_rule(title)
    llm_hits = [p for p, _ in _LLM_TERMS.found(description)]
    ai_hits = [p for p, _ in _AI_TERMS.found(description)]
    ai_lab = normalise_company(company) in _AI_LABS

    if rule is None:
        role, confidence, evidence, from_title = "other", 0.6, "no title rule matched", False
        title_signal = False
    else:
        said = f"title rule {rule.name}: '{matched}'"
        context = _context(rule, tokenise(title) + description) if rule.contexts else None
        if context is not None:
            role, confidence = context[0], 0.8
            evidence = f"{said}; description mentions '{context[1]}'"
            from_title = rule.title_signal
        elif rule.role is not None:
            role, confidence, evidence = rule.role, rule.confidence, said
            from_title = True
        else:
            if llm_hits:
                case, why = "llm", f"description mentions '{llm_hits[0]}'"
            elif ai_hits:
                case, why = "ai", f"description mentions '{ai_hits[0]}'"
            elif ai_lab:
                case, why = "ai", "company is a configured AI lab"
            else:
                case, why = "none", "description has no AI terms"
            role = rule.by_description[case]
            confidence = 0.8 if case != "none" else 0.7
            evidence = f"{said}; {why}"
            from_title = rule.title_signal
        title_signal = rule.title_signal

    is_ai = role in AI_ROLES
    if from_title and (is_ai or title_signal):
        ai_signal: str | None = "title"
    elif is_ai or len(set(llm_hits) | set(ai_hits)) >= _SIGNAL_MIN:
        ai_signal = "description"
    else:
        ai_signal = None
    return RoleResult(role, is_ai, ai_signal, confidence, evidence, llmops)
