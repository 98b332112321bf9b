"""Location strings to city, region, ISO country and the guide's metro areas.

A metro is a metropolitan area, so the gazetteer lists suburbs under it (Palo Alto ->
sf_bay_area) and lists same-named towns elsewhere without it (London, ON; Paris, TX). A city
shared by several entries resolves through the string's region or country; a bare shared name
takes the configured default, or stays unresolved rather than guess (a bare "Cambridge").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.classify._data import load

_DATA = load("gazetteer")
_COUNTRIES: dict[str, str] = _DATA["countries"]
_REGIONS: dict[str, list[str]] = _DATA["regions"]
_ALIASES: dict[str, str] = _DATA["aliases"]
_DEFAULTS: dict[str, str] = _DATA["defaults"]
_ISO = frozenset(_COUNTRIES.values())
_CODED = re.compile(r"^([A-Z]{2})-([A-Z0-9]{1,3})-(.+)$")
_COUNTRY_CODED = re.compile(r"^([A-Z]{2})-([A-Za-z][^,;]*)")
_SPLIT = re.compile(r"\s*(?:,|\(|\)|;|\s[-–—|/]\s|\|| or )\s*")
_NOT_PLACES = frozenset(_DATA["non_places"]["words"])
_REGION_WORDS = frozenset(_DATA["non_places"]["regions"])
_ARRANGEMENT = r"(?:remote|hybrid|on-?site|on site|in[- ]office|wfh)"
_LEADING = re.compile(rf"^(?:{_ARRANGEMENT}|anywhere in(?: the)?|based in|within(?: the)?)\s+")
_TRAILING = re.compile(
    rf"(?:\s*[-–]\s*|\s+)(?:{_ARRANGEMENT}|office|offices|hq|headquarters|campus|hub)$"
)


@dataclass(frozen=True, slots=True)
class _Place:
    city: str
    region: str
    country: str
    metro: str


_BY_NAME: dict[str, list[_Place]] = {}
for _city, _region, _country, _metro in _DATA["places"]["cities"]:
    _BY_NAME.setdefault(_city.lower(), []).append(_Place(_city, _region, _country, _metro))


def _known(part: str) -> bool:
    return part in _COUNTRIES or part in _REGIONS or part.upper() in _ISO


def _qualifies(place: _Place, part: str) -> bool:
    """Does a qualifier ("CA", "Canada", "Karnataka", "GB") agree with this place?"""
    if _COUNTRIES.get(part) == place.country or part.upper() == place.country:
        return True
    region = _REGIONS.get(part)
    return region is not None and region[0] == place.region and region[1] == place.country


def _pick(candidates: list[_Place], name: str, qualifiers: list[str]) -> _Place | None:
    qualifiers = [q for q in qualifiers if _known(q)]
    if qualifiers:
        agreeing = [p for p in candidates if all(_qualifies(p, q) for q in qualifiers)]
        if not agreeing:
            agreeing = [p for p in candidates if any(_qualifies(p, q) for q in qualifiers)]
        return agreeing[0] if len(agreeing) == 1 else None
    if len(candidates) == 1:
        return candidates[0]
    default = _DEFAULTS.get(name)
    if default is None:
        return None
    country, _, region = default.partition("/")
    for place in candidates:
        if place.country == country and (not region or place.region == region):
            return place
    return None


@lru_cache(maxsize=65536)
def parse_location(raw: str) -> dict[str, str | None]:
    """{"raw", "city", "region", "country", "metro"} for one location; unknown parts are None.

    Cached: boards repeat the same few hundred location strings across thousands of postings.
    Workday's "US-CA-San Francisco" is read as "San Francisco, CA, US".
    """
    text = _canonical(raw.strip())
    parts = [_bare(p) for p in _SPLIT.split(text)]
    parts = [p for p in parts if p and not p.startswith("remote")]
    result: dict[str, str | None] = dict.fromkeys(("city", "region", "country", "metro"))
    result["raw"] = raw
    led_by_region = bool(parts) and parts[0] in _REGION_WORDS
    parts = [p for p in parts if p not in _NOT_PLACES and p not in _REGION_WORDS]
    if not parts or (led_by_region and len(parts) > 1):
        return result
    head, qualifiers = parts[0], parts[1:]
    name = _ALIASES.get(head, head)
    candidates = _BY_NAME.get(name)
    if candidates:
        place = _pick(candidates, name, qualifiers)
        if place is not None:
            result.update(
                city=place.city,
                region=place.region or None,
                country=place.country,
                metro=place.metro or None,
            )
            return result
        result["city"] = candidates[0].city
    elif head in _COUNTRIES or head in _REGIONS or (len(head) == 2 and head.upper() in _ISO):
        qualifiers = parts
    else:
        result["city"] = text.split(",")[0].strip() or None
        trailing = _trailing_country(head)
        if trailing is not None:
            result["country"] = trailing
    for part in reversed(qualifiers):
        if part in _COUNTRIES:
            result["country"] = _COUNTRIES[part]
        elif part in _REGIONS:
            code, country = _REGIONS[part]
            result["region"] = code
            result["country"] = result["country"] or country
        elif len(part) == 2 and part.upper() in _ISO:
            result["country"] = part.upper()
    return result


def _canonical(text: str) -> str:
    """Workday's "US-CA-San Francisco" as "San Francisco, CA, US"; "US-San Francisco, US-Chicago"
    as "San Francisco, US" (the first place is the primary one)."""
    coded = _CODED.match(text)
    if coded:
        return f"{coded.group(3)}, {coded.group(2)}, {coded.group(1)}"
    country_coded = _COUNTRY_CODED.match(text)
    if country_coded and country_coded.group(1) in _ISO:
        return f"{country_coded.group(2).strip()}, {country_coded.group(1)}"
    return text


def _bare(part: str) -> str:
    """A location part without arrangement words and office suffixes: "New York City-Hybrid",
    "NYC Office", "Remote Ireland", "Anywhere in the United States" name only the place."""
    part = part.strip(" .").lower()
    while True:
        stripped = _TRAILING.sub("", _LEADING.sub("", part)).strip(" .")
        if stripped == part:
            return part
        part = stripped


def _trailing_country(head: str) -> str | None:
    """The country that ends an unknown place name: company-and-region labels ("Acme US",
    "Acme UK") and vague areas ("Midwest US", "West Coast United States")."""
    words = head.split()
    for size in range(min(3, len(words) - 1), 0, -1):
        country = _COUNTRIES.get(" ".join(words[-size:]))
        if country is not None:
            return country
    return None


def parse_locations(raws: list[str]) -> list[dict[str, str | None]]:
    return [parse_location(raw) for raw in raws if raw and raw.strip()]
