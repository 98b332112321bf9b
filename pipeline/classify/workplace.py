"""Work arrangement (remote / hybrid / onsite / unknown) and the region a remote hire must live in.

Evidence is read in order of trust: the board's structured field, then the location strings,
then the description, and what decided is kept as the basis (taxonomy.md "Work arrangement"):
`structured`, `stated`, or `inferred` for a located posting that says nothing about remote
work, which labour-market trackers count as onsite. How far a field is trusted depends on its
kind: a three-way field decides, while a legacy yes/no flag, a remote-only board or JSON-LD
TELECOMMUTE beside a place gives way to what the text states (see `decide_workplace`).

In the description, perks ("work from anywhere two weeks a year", "in-office lunch") are cut
out first; role-level statements ("this role is onsite", "not a remote position", "this role is
fully remote") beat wording about the company ("we offer a hybrid work model"); and fewer than
five office days a week is hybrid, whatever word the header uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.classify._data import Alternation, any_of, load
from pipeline.classify.location import parse_locations
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
_KIND_ARRANGEMENT = {
    "onsite_strong": "onsite",
    "remote_strong": "remote",
    "office_days": "hybrid",
    "hybrid": "hybrid",
    "remote": "remote",
    "onsite": "onsite",
}
_KINDS = tuple(_KIND_ARRANGEMENT)
_DESCRIPTION = tuple(
    (kind, arrangement, any_of(_DESC[kind], re.IGNORECASE | re.MULTILINE))
    for kind, arrangement in _KIND_ARRANGEMENT.items()
)
_OVERRIDES: dict[tuple[str, str], tuple[str, ...]] = {
    (rule["hint"], rule["field"]): tuple(rule["text_wins"]) for rule in _DATA["overrides"]
}
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


_SOURCE_HINTS: dict[str, str] = _DATA["source_hints"]


def workplace_hint(source: str, extras: dict[str, object]) -> str | None:
    """What kind of field a posting's `workplace_type` came from (see `decide_workplace`)."""
    hint = extras.get("workplace_hint")
    return hint if isinstance(hint, str) else _SOURCE_HINTS.get(source)


def structured_arrangement(value: str | None) -> str | None:
    if value is None:
        return None
    return _STRUCTURED.get(str(value).strip().lower())


def _from_locations(locations: list[str]) -> tuple[str, str] | None:
    for arrangement, regex in _LOCATION:
        for loc in locations:
            if regex.search(loc.lower()):
                return arrangement, loc
    return None


def _from_description(
    description: str, kinds: tuple[str, ...] = _KINDS
) -> tuple[str | None, str | None]:
    """(arrangement, phrase) of the first of `kinds` (in `_KINDS` order) the description states."""
    snippet = windows(description.lower(), _ANCHORS, before=120, after=120)
    if not snippet:
        return None, None
    snippet = _PERKS.sub(" ", snippet)
    for kind, arrangement, regex in _DESCRIPTION:
        if kind in kinds:
            match = regex.search(snippet)
            if match:
                return arrangement, match.group(0).strip()
    return None, None


def _stated(
    locations: list[str], description: str, kinds: tuple[str, ...] = _KINDS
) -> tuple[str | None, str | None]:
    """What the text says: a location string first ("Chicago-Hybrid"), then the description."""
    found = _from_locations(locations)
    if found is not None and found[0] in {_KIND_ARRANGEMENT[k] for k in kinds}:
        return found
    return _from_description(description, kinds)


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
    workplace_type: str | None,
    locations: list[str],
    description: str = "",
    hint: str | None = None,
) -> Workplace:
    """Arrangement, remote scope, basis and evidence for one posting (taxonomy.md "Work
    arrangement"). `hint` says what kind of field `workplace_type` came from:

    - None: a three-way field (Lever/Ashby `workplaceType`, SmartRecruiters): it decides;
    - "flag": a legacy yes/no flag (Ashby `isRemote`) that only says remote work is allowed, so
      stated office days or hybrid working make it hybrid;
    - "remote_board": a remote-only board (RemoteOK, Remotive): remote unless the text requires
      office presence;
    - "telecommute": JSON-LD TELECOMMUTE with a jobLocation, "remote or at this place": hybrid
      or on-site wording decides, else remote;
    - "header": a word of a free-text header (HN "ONSITE"): stated office days make it hybrid.

    With no field, what the text states decides; a posting that names a place and says nothing
    about remote work is onsite (basis `inferred`), as labour-market trackers count it.
    """
    structured = structured_arrangement(workplace_type)
    field = f"workplace_type: {workplace_type}" + (f" ({hint})" if hint else "")
    arrangement: str | None = None
    basis: str | None = None
    evidence: str | None = None
    if structured is not None:
        overrides = _OVERRIDES.get((hint or "", structured), ())
        if overrides:
            arrangement, evidence = _stated(locations, description, overrides)
            basis = "stated"
        if arrangement is None:
            arrangement, basis, evidence = structured, "structured", field
            if hint == "header":
                basis = "stated"
    else:
        arrangement, evidence = _stated(locations, description)
        basis = "stated"
        if arrangement is None and _located(locations):
            arrangement, basis, evidence = "onsite", "inferred", "; ".join(locations)
    if arrangement is None:
        return Workplace("unknown", None, None, None)
    scope = None
    if arrangement == "remote":
        scope = remote_scope(locations)
        if scope is None and description:
            near = windows(description.lower(), _REMOTE_WORDS, 60, 80, source=description)
            scope = remote_scope([near]) if near else None
    return Workplace(arrangement, scope, basis, evidence)


def _located(locations: list[str]) -> bool:
    """Does any location name a physical place (a city or a country)?"""
    return any(loc["city"] or loc["country"] for loc in parse_locations(locations))


def classify_workplace(
    workplace_type: str | None, locations: list[str], description: str = ""
) -> tuple[str, str | None, str]:
    """(arrangement, remote_scope, evidence) for one posting; see `decide_workplace`."""
    found = decide_workplace(workplace_type, locations, description)
    return found.arrangement, found.remote_scope, found.evidence or "no field, place or phrase"
