"""Work arrangement (remote / hybrid / onsite / unknown) and the region a remote hire must live in.

Evidence is read in order of trust: the board's structured field, then the location strings,
then the description. In the description, perks ("work from anywhere two weeks a year") are cut
out first and role-level negations ("this role is onsite", "not a remote position") beat any
remote wording about the company ("remote-friendly team").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.classify._data import Alternation, any_of, load
from pipeline.classify.text import windows

_DATA = load("workplace")
_STRUCTURED = {
    value: arrangement
    for arrangement in ("remote", "hybrid", "onsite")
    for value in _DATA["structured"][arrangement]
}
_LOCATION = tuple(
    (arrangement, any_of(_DATA["location"][arrangement]))
    for arrangement in ("hybrid", "remote", "onsite")
)
_DESC = _DATA["description"]
_ANCHORS = tuple(_DESC["anchors"])
_PERKS = Alternation(_DESC["perks"])
_DESCRIPTION = tuple(
    (arrangement, any_of(_DESC[key], re.IGNORECASE | re.MULTILINE))
    for arrangement, key in (
        ("onsite", "onsite_strong"),
        ("hybrid", "hybrid"),
        ("remote", "remote"),
        ("onsite", "onsite"),
    )
)
_SCOPES = tuple((scope["name"], re.compile(scope["pattern"])) for scope in _DATA["scope"])
_REMOTE_WORDS = tuple(_DESC["scope_anchors"])


@dataclass(frozen=True, slots=True)
class Workplace:
    """One posting's arrangement and why: `basis` is `structured` (a board's field decided),
    `stated` (the location or description says so), `inferred` (a located posting silent
    about remote work) or None (unknown); `evidence` is the field value or text that decided."""

    arrangement: str
    remote_scope: str | None
    basis: str | None
    evidence: str | None


def structured_arrangement(value: str | None) -> str | None:
    if value is None:
        return None
    return _STRUCTURED.get(str(value).strip().lower())


def _from_locations(locations: list[str]) -> str | None:
    lowered = [loc.lower() for loc in locations]
    for arrangement, regex in _LOCATION:
        if any(regex.search(loc) for loc in lowered):
            return arrangement
    return None


def _from_description(description: str) -> tuple[str | None, str]:
    snippet = windows(description.lower(), _ANCHORS, before=120, after=120)
    if not snippet:
        return None, ""
    snippet = _PERKS.sub(" ", snippet)
    for arrangement, regex in _DESCRIPTION:
        match = regex.search(snippet)
        if match:
            return arrangement, match.group(0).strip()
    return None, ""


def remote_scope(texts: list[str]) -> str | None:
    """Regions named in `texts` ("UK, EU"); "Worldwide" only when nothing narrower is named,
    since "Remote (anywhere in the US)" is a US-only role."""
    named = {name for text in texts for name in _scopes_in(text)}
    names = [name for name, _ in _SCOPES if name in named]
    if len(names) > 1 and "Worldwide" in names:
        names.remove("Worldwide")
    return ", ".join(names) or None


@lru_cache(maxsize=4096)
def _scopes_in(text: str) -> frozenset[str]:
    """Names of the regions one text names. Cached since location strings repeat by the
    thousand across postings; the bound keeps one-off description windows from piling up."""
    return frozenset(name for name, regex in _SCOPES if regex.search(text))


def decide_workplace(
    workplace_type: str | None, locations: list[str], description: str = ""
) -> Workplace:
    """Arrangement, remote scope, basis and evidence for one posting."""
    arrangement = structured_arrangement(workplace_type)
    basis, evidence = "structured", f"workplace_type: {workplace_type}"
    if arrangement is None:
        arrangement = _from_locations(locations)
        basis, evidence = "stated", "; ".join(locations)
    if arrangement is None:
        arrangement, evidence = _from_description(description)
    if arrangement is None:
        return Workplace("unknown", None, None, None)
    scope = None
    if arrangement == "remote":
        scope = remote_scope(locations)
        if scope is None and description:
            near = windows(description.lower(), _REMOTE_WORDS, 60, 80, source=description)
            scope = remote_scope([near]) if near else None
    return Workplace(arrangement, scope, basis, evidence)


def classify_workplace(
    workplace_type: str | None, locations: list[str], description: str = ""
) -> tuple[str, str | None, str]:
    """(arrangement, remote_scope, evidence) for one posting; see `decide_workplace`."""
    found = decide_workplace(workplace_type, locations, description)
    return found.arrangement, found.remote_scope, found.evidence or "no field, place or phrase"
