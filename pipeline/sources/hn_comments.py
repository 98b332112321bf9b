"""Reading one Hacker News "Who is hiring?" comment: who is hiring, for what, where, for how much.

A comment is written by a person, so the same facts arrive in several forms, and each form is
read by its own step rather than by position:

- a header line of segments, `Company | Role | Location | REMOTE | Pay`, separated by pipes
  or, as many posters write it, by dashes ("Acme (Remote US) — Backend Engineer — $150k");
  the segments are reordered, dropped and padded with taglines, URLs and tech stacks, so each
  is classified on its own. The header may sit on the second line, under a title line or a
  sentence naming the company;
- `Company: ... / Role: ... / Location: ...` lines;
- role lines in the body: bullets, or short title-like lines under "Open roles:", each
  with its own link, place or pay after a dash ("Senior iOS Engineer - $178,500 USD");
- sentences: "Acme is hiring a Rust engineer and a product designer", "We're hiring:
  product engineers, ...".

Every role found is one role dict titled with the role's own words (never the header line, a
sentence or a bullet of the pitch); the company, place, remote scope and pay of the header
apply to each, and a role line's own pay wins over the header's. A header that names roles
only in bulk ("Software Engineers", "Multiple roles") gives way to the list in the body.
A comment that names no role and has no header (a question, a reply, a link to an aggregator,
someone seeking work) gives no role at all; a clear header, or a sentence saying a named
company "is hiring", without any role gives one role whose title is the header's own bulk
words ("Multiple roles", "Engineering") or `ROLE_NOT_STATED`.

Everything here is pure text work so `tools/score_hn.py` can score it against real
comments. Pay is read from the header and role lines only (bodies are full of "$200B market"
figures); its numbers come with `source="text"` because a person typed them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.classify.location import parse_location
from pipeline.html import html_to_text

ROLE_WORDS = (
    r"engineers?|engineering\s+managers?|developers?|devs?|scientists?|researchers?|"
    r"managers?|designers?|architects?|analysts?|leads?|head\s+of|directors?|vps?|cto|cfo|coo|"
    r"swes?|sdes?|sres?|mles?|devops|recruiters?|specialists?|administrators?|consultants?|"
    r"writers?|marketers?|representatives?|executives?|pms?|owners?|coordinators?|"
    r"technicians?|interns?|programmers?|hackers?|advocates?|strategists?|officers?|"
    r"accountants?|counsel|operators?|associates?|generalists?|tutors?|trainers?|teamers?|"
    r"evaluators?|instructors?|auditors?|planners?|partners?|co-?founders?|faculty|"
    r"professors?|postdocs?|fellows?|physicists?|mathematicians?|economists?|quants?|"
    r"traders?|editors?|producers?|animators?|artists?|illustrators?|nurses?|clinicians?|"
    r"experts?|tpms?|ems?|(?-i:AMs?|AEs|SDRs?|BDRs?|CSMs?)|"
    r"members?\s+of\s+(?:the\s+)?technical\s+staff|mts"
)
ROLE_NOUN = re.compile(rf"\b(?:{ROLE_WORDS})\b", re.IGNORECASE)
ROLE_AT_END = re.compile(rf"\b(?:{ROLE_WORDS})$|^(?:head|director|vp|chief)\b", re.IGNORECASE)
NOT_A_ROLE = re.compile(r"\bhiring\s+managers?\b", re.IGNORECASE)
GENERIC_ROLES = re.compile(
    r"\b(?:multiple|various|several|many|numerous|lots of|open|all|many more|a number of)\s+"
    r"(?:\w+\s+)?(?:roles|positions|openings|jobs|profiles?)\b|^(?:roles|positions|hiring)$",
    re.IGNORECASE,
)
DEPARTMENT = re.compile(
    r"^(?:(?:engineering|product|design|sales|marketing|operations|ops|data|research|gtm|"
    r"growth|finance|legal|support|people|hr|security|infrastructure|infra|ai|ml|r&d|business|"
    r"development|consulting|software|mobile|qa|it|platform|frontend|backend|full-?stack|fe|"
    r"web|ios|android|macos|hardware|firmware|robotics|customer success|"
    r"(?:mid|senior|junior)(?:-(?:senior|level))?)"
    r"(?:\s*(?:&|and|,|/|\+)\s*|\s+|$))+$",
    re.IGNORECASE,
)
TECH = re.compile(
    r"\b(?:python|typescript|javascript|react|rust|golang|postgres(?:ql)?|aws|gcp|kubernetes|"
    r"k8s|node(?:\.js)?|django|rails|ruby|java|kotlin|swift|c\+\+|elixir|scala|llms?|"
    r"pytorch|terraform|next\.js|vue|laravel|php)\b",
    re.IGNORECASE,
)
WORKPLACE_WORDS = re.compile(
    r"\b(?:remote|hybrid|on-?site|on\s+site|in[- ]office|in[- ]person|office[- ]based|wfh)\b",
    re.IGNORECASE,
)
EMPLOYMENT_WORDS = re.compile(
    r"\b(?:full[- ]?time|part[- ]?time|contract(?:or)?|freelance|internships?|interns?|"
    r"permanent|temporary|ft|pt|fte|w2|1099|and|or|perm|hiring|flexible|contract[- ]to[- ]hire)\b",
    re.IGNORECASE,
)
GENDER_NOTE = re.compile(r"\s*\((?:[mfwdx]\s*/\s*)+[mfwdx]\)", re.IGNORECASE)
URL = re.compile(r"https?://\S+|\bwww\.\S+")
DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")
VISA = re.compile(r"\bvisa\b|\bsponsorship\b|\brelocation\b", re.IGNORECASE)
PROSE = re.compile(
    r"(?<![\w-])(?:we|we're|we’re|we've|you|you'll|you’ll|your|our|(?-i:us)|i|i'm|i’m|me|my|is|are|"
    r"was|be|will|would|can|who|which|that|this|these|have|has|had|to|looking|join|work|"
    r"working|help|build|building|love|want|need|please|apply|email|contact|experience|"
    r"years?|yrs)(?![\w-])",
    re.IGNORECASE,
)
PRONOUNS = re.compile(
    r"(?<![\w-])(?:we|we're|we’re|you|your|our|(?-i:us)|i|i'm|i’m|me|my|is|are|will|can|who)(?![\w-])",
    re.IGNORECASE,
)
KEY_PREFIX = re.compile(
    r"^(?:location|role|title|position|company|salary|compensation)\s*:\s*", re.IGNORECASE
)
GENERIC_PREFIX = re.compile(
    r"^(?:multiple|various|several|open|many)\s+(?:roles|positions|openings)\s*[:–—-]\s*", re.I
)
IS_HIRING = re.compile(
    r"^(?P<company>[A-Z][\w.&'’-]*(?:\s+[A-Z0-9][\w.&'’-]*){0,3})\s+is\s+hiring\s+"
    r"(?:(?:an?|for|for an?)\s+)?(?P<role>.+)$"
)
HIRING_SENTENCE = re.compile(r"\b(?:is|are)\s+(?:now\s+|actively\s+)?hiring\b", re.I)
PAY_HINT = re.compile(
    r"[$€£₹¥]\s*\d|\d\s*[kK]\b|\b(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|SGD|INR)\b|\d{2,3}[,.]\d{3}|"
    r"\bsalary\b|\bcompensation\b|\bOTE\b",
    re.IGNORECASE,
)
PAY_TAIL = re.compile(r"[$€£₹¥]\s*\d|\d{2,3}[,.]\d{3}|\d\s*[kK]\b")
SEEKING_WORK = re.compile(
    r"^\W*(?:i(?:'|’)?m\s+|i am\s+)?(?:seeking|looking for)\s+(?:\w+\s+){0,4}?"
    r"(?:opportunit|work\b|employment|(?:a\s+)?(?:new\s+)?(?:job|role|position)s?\b)"
    r"|\bresum[eé]\s*:|\bopen to work\b",
    re.IGNORECASE,
)
EDIT_NOTE = re.compile(r"^(?:edit|update|edited|updated)\b", re.IGNORECASE)
KEY_VALUE = re.compile(
    r"^(?P<key>company|role|roles|title|position|positions|job title|job|location|locations|"
    r"remote|compensation|salary|pay|type|commitment|employment|visa|who is hiring|hiring)"
    r"\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)
ROLE_KEYS = {"role", "roles", "title", "position", "positions", "job title", "job", "hiring"}
PIPES = re.compile(r"\s*\|\s*")
STRONG_DASH = re.compile(r"\s+(?:—|–|--|·|•)\s+")
WEAK_DASH = re.compile(r"\s+-\s+")
ROLE_AT = re.compile(
    r"^(?P<role>.+?)\s+(?:@\s*|at\s+)(?P<company>[A-Z0-9][^,(]*?)\s*(?:\((?P<note>[^)]*)\))?"
    r"(?:,\s.*)?$"
)
HIRING_PREFIX = re.compile(r"^(?:we(?:'|’)?re\s+|we\s+are\s+|now\s+)?hiring\s*[:!–—-]?\s*", re.I)
WANTED = re.compile(r"\s+(?:wanted|needed)$", re.IGNORECASE)
TAG = re.compile(r"^\[[^\]]*\]\s*")
BULLET = re.compile(r"^\s*(?:[-–—*•·+>]+|/{2,}|\d{1,2}[.)]|\(\d{1,2}\))\s*(\S.*)$")
LINE_CUT = re.compile(
    r"(?<=\w{3})\.\s+(?=[A-Z])|(?:\s+|(?<=\)))[-–—]\s+|\s*:\s+|:$|\s+https?://|\s*[-–—]\s*https?://"
)
STATED = re.compile(
    r"(?:^|(?<=[.!?] )|(?<![\w-])(?:we|we're|we’re|we are|i'm|i’m|i am|is|are|currently|"
    r"actively|also|now|still)\s+(?:\w+\s+)?)(?:hiring|looking for|looking to (?:hire|add)|"
    r"seeking|searching for|"
    r"recruiting|in need of|need|have (?:\w+\s+)?openings for)(?![\w-])"
    r"(?:\s+(?:for|an?|the)(?![\w-]))*\s*:?\s*"
    r"|\b(?:open roles|open positions|openings|positions|roles)\s*:\s*",
    re.IGNORECASE | re.MULTILINE,
)
STATED_CUT = re.compile(
    r"[.!?](?:\s|$)|[;(\n]|\s[-–—]\s|(?<![\w-])(?:to|who|that|which|with|from|for|in|at|on|"
    r"based|across|located|joining|like|than|so|because|if|as)(?![\w-])",
    re.IGNORECASE,
)
FILLER = re.compile(
    r"^(?:(?:an?|the|one|two|three|four|five|several|multiple|some|more|few|additional|"
    r"\d+(?:[-–]\d+)?|"
    r"[a-z]+-[a-z]+-based|\S+-based|talented|experienced|seasoned|passionate|strong|great|"
    r"exceptional|motivated|skilled|driven|brilliant|amazing|awesome|top|new|fully|remote|"
    r"hybrid|onsite|full-time|part-time|u\.s\.-based|another|our|first|second|third|turn around|"
    r"[a-z]+-[a-z]+)\s+)+",
    re.IGNORECASE,
)
ROLE_SPLIT = re.compile(r"(\s*(?:,\s*(?:and\b|&)?|;|\s/\s|\s&\s|\band\b|\s\+\s)\s*)", re.IGNORECASE)
MORE_TAIL = re.compile(
    r"(?:,?\s*(?:and|\+|&)\s*(?:many\s+)?(?:more|others)\b.*|,?\s*etc\.?)$", re.I
)
ARTICLE = re.compile(r"^(?:an?|the|one|two|three|several|multiple)\s+", re.IGNORECASE)
NUM = r"\d{1,3}(?:[,.]\d{3})+|\d+(?:\.\d+)?"
CODES = r"USD|EUR|GBP|CAD|AUD|CHF|SEK|SGD|INR|NZD|HKD|JPY"
SYMBOL = r"(?:CA|C|AU|A|S|NZ|HK|US)?\$|€|£|₹|¥"
PAY_RANGE = re.compile(
    rf"(?P<c1>{SYMBOL}|(?:{CODES})\s?)?\s*(?P<lo>{NUM})\s*(?P<lk>[kKmM])?\s*"
    rf"(?:-|–|—|to)\s*(?P<c2>{SYMBOL})?\s*(?P<hi>{NUM})\s*(?P<hk>[kKmM])?(?![\d.]*\s*%)"
    rf"(?:\s*(?P<c3>{CODES})\b)?"
)
PAY_SINGLE = re.compile(
    rf"(?P<c1>{SYMBOL})\s*(?P<lo>{NUM})\s*(?P<lk>[kKmM])?(?![\d.]*\s*%)(?:\s*(?P<c3>{CODES})\b)?"
)
EQUITY = re.compile(r"\d+(?:\.\d+)?\s*(?:-|–|to)\s*\d+(?:\.\d+)?\s*%|\d+(?:\.\d+)?\s*%")
SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "¥": "JPY",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "S$": "SGD",
    "NZ$": "NZD",
    "HK$": "HKD",
}
HOURLY = re.compile(r"/\s*h(?:ou)?r\b|\bper\s+hour\b|\bhourly\b|\ban\s+hour\b", re.IGNORECASE)
MONTHLY = re.compile(r"/\s*mo(?:nth)?\b|\bper\s+month\b|\bmonthly\b", re.IGNORECASE)
REMOTE_REGION = re.compile(
    r"\bremote\b\s*(?:\(([^)]*)\)|[-–:,]?\s*([A-Za-z][\w /&.,+-]*))?", re.IGNORECASE
)
LIST_INTRO = re.compile(
    r"\b(?:roles|positions|openings|vacancies)\b[^:]{0,40}:$|\bhiring(?:\s+for)?\s*:$",
    re.IGNORECASE,
)
MORE = re.compile(r"^(?:and\s+)?(?:more|others?|many more|etc)\b", re.IGNORECASE)
ABBREVIATIONS = {
    "swe": ("software", "engineer"),
    "sde": ("software", "engineer"),
    "mle": ("machine", "learning", "engineer"),
    "ml": ("machine", "learning"),
    "pm": ("product", "manager"),
    "pms": ("product", "manager"),
    "em": ("engineering", "manager"),
    "sre": ("site", "reliability", "engineer"),
    "sr": ("senior",),
    "jr": ("junior",),
    "eng": ("engineer",),
    "dev": ("developer",),
}
_WORD = r"(?:[\w&'’-]|\.(?=\w))*"
_NAME = rf"((?:[A-Z0-9]{_WORD}\s+(?:(?:of|for|and|&)\s+)?){{0,3}}[A-Z]{_WORD})"
_NOTE = r"(?:\s*\([^)]*\))?"
PROSE_COMPANY = tuple(
    re.compile(pattern)
    for pattern in (
        rf"{_NAME}{_NOTE}\s+(?:is|are)\s+(?:now\s+|actively\s+)?"
        r"(?:hiring|looking|seeking|recruiting)\b",
        rf"^At\s+{_NAME}{_NOTE}(?:,|\s+we\b)",
        rf"^{_NAME}{_NOTE}\s+(?:is|are)\s+(?:a|an|the|building)\b",
        rf"\bhiring at\s+{_NAME}",
        rf"\b(?:hiring|looking for)\b[^.!?]{{0,60}}?\s(?:at|@)\s*{_NAME}",
        rf"^([\w.&'’-]+){_NOTE}\s+is\s+hiring\b",
        rf"\bjoin\s+{_NAME}\s+(?:full-time|as)\b",
    )
)
GREETING = re.compile(r"^(?:Hey|Hi|Hello)\s+HN\s*[—–-]?\s*")
PARENS = re.compile(r"\s*\([^)]*\)")
NOTES = re.compile(r"\(([^)]*)\)")
PAREN_TAIL = re.compile(r"\s*\(([^)]*)\)\s*$")
PLACE_TAIL = re.compile(r"(?:\s+[-–—]\s+|,\s+)([^,–—]+(?:,\s*[A-Z]{2})?)$")
SPACES = re.compile(r"\s+")
TRIGGER_WORDS = re.compile(
    r"hiring|looking|seeking|searching|recruiting|need|openings|roles|positions", re.IGNORECASE
)
LEVEL = re.compile(r"(?<=\w)\s+I{1,3}(?=$|[\s,(/)-])")
YEARS_OR_MONEY = re.compile(r"\d+\+?\s*(?:years?|yrs?)\b|[$%€£]", re.IGNORECASE)
QUOTES = re.compile(r"[\"“”]")
HEAD_OF_WHAT = re.compile(r"\s+of\s+[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)?")
POSSESSIVE_PLURAL = re.compile(r"(?i)\b(\w+)['’]s\b")
ROLE_NOT_STATED = "Role not stated"
MAX_ROLE_WORDS = 10
MAX_LINE_ROLE_WORDS = 8
TITLE_REACH = 160


@dataclass
class Header:
    """What the header (or the key-value lines) of a comment says."""

    company: str | None = None
    roles: list[str] = field(default_factory=list)
    bulk: str | None = None
    locations: list[str] = field(default_factory=list)
    workplace: str | None = None
    regions: list[str] = field(default_factory=list)
    employment: str | None = None
    pay: str | None = None
    visa: str | None = None
    found: bool = False


def parse_comment(markup: str | None) -> list[dict[str, Any]]:
    """One dict per role the comment advertises; `[]` when it is not a job posting.

    Raises `ValueError` for an empty comment, which a live thread only has when a
    comment is deleted (the adapter skips those before asking).
    """
    text = html_to_text(markup)
    if not text:
        raise ValueError("empty comment")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if SEEKING_WORK.search(lines[0]):
        return []
    header, body = _read_header(lines)
    listed = _listed_roles(body)
    stated = _stated_roles(lines, named_elsewhere=bool(header.roles or listed))
    roles = _merge(header.roles, listed, [(r, None) for r in stated])
    company = header.company or _prose_company(lines) or ""
    if not roles:
        hiring = any(HIRING_SENTENCE.search(line) for line in lines[:2])
        if not (company and (header.found or hiring)):
            return []
        roles = [(None, None)]
    out = []
    for title, own_pay in roles:
        pay_text = own_pay or header.pay
        pay = parse_pay(pay_text) if pay_text else None
        out.append(
            {
                "company": company,
                "title": title or header.bulk or ROLE_NOT_STATED,
                "role_stated": title is not None,
                "locations": list(header.locations),
                "workplace_type": header.workplace,
                "remote_regions": list(header.regions),
                "employment_type": header.employment,
                "salary_text": pay_text,
                "salary_min": pay["min"] if pay else None,
                "salary_max": pay["max"] if pay else None,
                "salary_currency": pay["currency"] if pay else None,
                "salary_period": pay["period"] if pay else None,
                "equity": _equity(pay_text),
                "visa": header.visa,
            }
        )
    return out


def clean_company(segment: str) -> str:
    """The first segment minus URLs, a parenthesised domain or note and a " - tagline"."""
    name = re.sub(r"\((?:[^)]*\.[a-z]{2,}[^)]*)\)", " ", segment, flags=re.IGNORECASE)
    name = URL.sub(" ", name)
    name = re.split(r"\s+[-–—:]\s+|\s+-\s*$", name)[0]
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    return re.sub(r"\s+", " ", name).strip(" ,;-–—!")


def _read_header(lines: list[str]) -> tuple[Header, list[str]]:
    """The header of the comment and the lines after it (all lines when there is none).

    A header is looked for in the first three lines: an edit note or a title line may come
    first. A lone role line or a company sentence just above the header belongs to it.
    """
    for i, line in enumerate(lines[:3]):
        if EDIT_NOTE.match(line) or BULLET.match(line):
            continue
        header = _segment_header(line)
        if header is None:
            continue
        for above in lines[:i]:
            if EDIT_NOTE.match(above):
                continue
            role = _role_line(above)
            if role is not None:
                header.roles.insert(0, role[0])
            elif header.company is None and len(above.split()) <= 4 and not PROSE.search(above):
                header.company = clean_company(above) or None
        return header, lines[i + 1 :]
    keyed = _key_values(lines)
    return keyed if keyed is not None else (Header(), lines)


def _key_values(lines: list[str]) -> tuple[Header, list[str]] | None:
    """`Company: X` / `Role: Y` lines near the top, when they name a company or a role."""
    header = Header()
    used: set[int] = set()
    for i, line in enumerate(lines[:12]):
        match = KEY_VALUE.match(line)
        if not match:
            continue
        key, value = match.group("key").lower(), match.group("value").strip()
        used.add(i)
        if key in ("company", "who is hiring"):
            header.company = header.company or clean_company(value) or None
        elif key in ROLE_KEYS:
            trusted = len(value.split()) <= 6 and not PROSE.search(value)
            trusted = trusted and not (WORKPLACE_WORDS.search(value) or _is_place(value))
            if trusted or _looks_like_role(value):
                header.roles.extend(split_roles(value, trust=trusted))
        elif key in ("compensation", "salary", "pay"):
            header.pay = header.pay or (value if PAY_TAIL.search(value) else None)
        elif key in ("type", "commitment", "employment"):
            header.employment = header.employment or _employment(value)
        elif key == "visa":
            header.visa = value
        else:
            _place(value, header)
    if header.company is None and not header.roles:
        return None
    header.found = True
    return header, [line for i, line in enumerate(lines) if i not in used]


def _segments(line: str) -> list[str]:
    """The pieces of a header line: by pipes, else by dashes (a spaced hyphen only when the
    line has no longer dash, and never inside a pay range such as "$150k - $200k")."""
    for splitter in (PIPES, STRONG_DASH, WEAK_DASH):
        parts = [p.strip() for p in splitter.split(line) if p.strip()]
        if splitter is WEAK_DASH:
            merged: list[str] = []
            for part in parts:
                if merged and re.search(r"\d[kK]?$", merged[-1]) and re.match(r"^[$€£]?\d", part):
                    merged[-1] = f"{merged[-1]} - {part}"
                else:
                    merged.append(part)
            parts = merged
        if len(parts) >= 2:
            return parts
    return [line.strip()]


def _segment_header(line: str) -> Header | None:
    """A header read from one line of segments, or None when the line is not one."""
    segments = _segments(line)
    piped = "|" in line
    at = ROLE_AT.match(line)
    if len(segments) < 2 and not (at and _looks_like_role(at.group("role"), MAX_ROLE_WORDS)):
        return None
    lead = segments[0]
    prose_lead = len(lead.split()) > MAX_ROLE_WORDS or PRONOUNS.search(lead)
    if len(segments) >= 2 and not piped and prose_lead and not IS_HIRING.match(lead):
        return None
    header = Header()
    hiring_first = bool(HIRING_PREFIX.match(segments[0]))
    if hiring_first:
        segments[0] = HIRING_PREFIX.sub("", segments[0])
    unclaimed: list[tuple[int, str]] = []
    for i, raw in enumerate(segments):
        first = i == 0 and not hiring_first
        if not _classify(raw, header, first=first and piped, lead=first):
            unclaimed.append((i, raw))
    for i, raw in unclaimed:
        name = clean_company(raw)
        if not name or len(name.split()) > 6 or (PRONOUNS.search(name) and not (piped and i == 0)):
            continue
        if header.company is None and (i == 0 or piped or hiring_first or not header.roles):
            header.company = name
        elif header.roles and i > 0 and not piped and not header.company:
            header.roles[-1] = f"{header.roles[-1]} – {name}"
        elif i > 0:
            header.locations.append(name)
    claimed = header.roles or header.workplace or header.pay or header.locations
    others = header.employment or header.bulk or header.visa
    if not (claimed or others or (piped and header.company and len(segments) > len(unclaimed))):
        return None
    header.found = header.company is not None or bool(claimed)
    return header if header.found else None


def _classify(raw: str, header: Header, first: bool, lead: bool) -> bool:
    """Put one segment's meaning into `header`; False when it is none of the known kinds
    (a company name or a tagline). The first piped segment is the company unless its name
    part is plainly a role (ending in a singular role noun: "Apex Dental Partners" is a
    firm), a place or a work arrangement; a domain leading a header is the company's name
    ("Bliro.io - ...")."""
    segment = KEY_PREFIX.sub("", GENERIC_PREFIX.sub("", URL.sub(" ", raw).strip()))
    if lead and DOMAIN.match(segment):
        return False
    if not segment or DOMAIN.match(segment):
        return True
    hiring = IS_HIRING.match(segment)
    if hiring:
        header.company = header.company or hiring.group("company")
        segment = hiring.group("role")
        first = False
    if len(segment.split()) > MAX_ROLE_WORDS and PROSE.search(segment):
        return True
    at = ROLE_AT.match(segment)
    if at and ROLE_NOUN.search(at.group("role")) and not PROSE.search(at.group("role")):
        company = at.group("company")
        place = re.search(r"\s+in\s+(.+)$", company)
        if place:
            header.locations.append(place.group(1))
            company = company[: place.start()]
        header.company = header.company or clean_company(company) or None
        if at.group("note"):
            _place(at.group("note"), header)
        segment = at.group("role")
    notes = NOTES.findall(segment)
    core = PARENS.sub("", segment).strip()
    core = WANTED.sub("", core)
    is_role = bool(ROLE_NOUN.search(core)) and not NOT_A_ROLE.search(core)
    name = clean_company(core)
    named_role = ROLE_AT_END.search(name) and not _plural(name)
    if first and name and not (named_role or _is_place(name) or WORKPLACE_WORDS.search(name)):
        for note in notes:
            if WORKPLACE_WORDS.search(note) or _is_place(note):
                _place(note, header)
        tagline = core[core.find(name) + len(name) :]
        if WORKPLACE_WORDS.search(tagline):
            header.workplace = _merge_workplace(header.workplace, _workplace(tagline))
        return False
    if PAY_HINT.search(segment) and not is_role:
        header.pay = header.pay or segment
        return True
    if not EMPLOYMENT_WORDS.sub("", segment).strip(" -–,/&+()"):
        header.employment = header.employment or _employment(segment)
        return True
    if VISA.search(segment) and not is_role:
        header.visa = header.visa or segment
        return True
    if GENERIC_ROLES.search(segment) or (DEPARTMENT.match(core) and not is_role):
        header.bulk = header.bulk or _tidy_title(core) or None
        for note in notes:
            _place(note, header)
        return True
    if is_role:
        for note in notes:
            if WORKPLACE_WORDS.search(note) or _is_place(note):
                _place(note, header)
            elif GENERIC_ROLES.search(note):
                header.bulk = header.bulk or note
        kept = [n for n in notes if not (WORKPLACE_WORDS.search(n) or _is_place(n))]
        kept = [n for n in kept if not GENERIC_ROLES.search(n)]
        title = core + "".join(f" ({n})" for n in kept)
        header.roles.extend(split_roles(title))
        return True
    if WORKPLACE_WORDS.search(core) or _is_place(core):
        _place(segment, header)
        return True
    if TECH.search(segment):
        return True
    for note in notes:
        if WORKPLACE_WORDS.search(note) or _is_place(note):
            _place(note, header)
    return False


def _place(text: str, header: Header) -> None:
    """A location or work-arrangement segment (or parenthesised note) into `header`."""
    if WORKPLACE_WORDS.search(text):
        header.workplace = _merge_workplace(header.workplace, _workplace(text))
        header.regions.extend(_regions(text))
        if WORKPLACE_WORDS.sub("", text).strip(" -–,/&+()"):
            header.locations.append(text)
    elif text.strip() and not TECH.search(text):
        header.locations.append(text.strip())


def _is_place(text: str) -> bool:
    """Whether the classifier's gazetteer knows `text` as a place with a country: what tells
    "Barcelona" in "(Barcelona)" from "Skyfall" in "(Skyfall)"."""
    text = text.strip()
    if len(text) <= 2 or len(text.split()) > 6 or ROLE_NOUN.search(text):
        return False
    return parse_location(text)["country"] is not None


def split_roles(text: str, trust: bool = False) -> list[str]:
    """Split "A Engineer, B Engineer and C Scientist" into titles, keeping "X, Platform" whole.

    A piece without a role noun ("Pretraining", "Backend focused", "Staff") belongs to its
    neighbour, so commas inside a title ("Research Engineer, Pretraining") survive. `trust`
    is for a value the poster labelled as the role ("Role: Growth & Partnerships"), which
    stays whole when it names no role noun at all.
    """
    text = GENDER_NOTE.sub("", text)
    if trust and not ROLE_NOUN.search(text):
        return [t for t in [_tidy_title(text)] if t]
    parts = ROLE_SPLIT.split(text)
    roles: list[str] = []
    for i in range(0, len(parts), 2):
        piece = parts[i].strip()
        if not piece:
            continue
        if roles and (not ROLE_NOUN.search(piece) or not ROLE_NOUN.search(roles[-1])):
            roles[-1] = roles[-1] + parts[i - 1] + piece
        else:
            roles.append(piece)
    return [t for t in (_tidy_title(r) for r in roles) if t]


def _tidy_title(title: str) -> str:
    """The title without bullets, tags, gender notes and a trailing place ("Tech Lead - San
    Francisco", "Software Engineer, Colorado Springs, CO"): the place is the header's."""
    title = MORE_TAIL.sub("", GENDER_NOTE.sub("", TAG.sub("", title.strip())))
    tail = PLACE_TAIL.search(title)
    while tail and ROLE_NOUN.search(title[: tail.start()]):
        bare = PARENS.sub("", tail.group(1))
        if not (_is_place(bare) or WORKPLACE_WORDS.match(bare.strip())):
            break
        title = title[: tail.start()]
        tail = PLACE_TAIL.search(title)
    title = ARTICLE.sub("", title.strip(" -–—*•·:!.,;\t"))
    return SPACES.sub(" ", title).strip()


def _role_line(line: str, announced: bool = False) -> tuple[str, str | None] | None:
    """(title, its own pay) when a line is a role: a bullet or a short title-like line,
    perhaps followed by a dash and a link, a place, pay or a few words about the team.
    A bullet under a line announcing roles ("We're hiring for 12 roles:") is a role even
    without a role noun ("GTM", "Growth & Partnerships")."""
    match = BULLET.match(line)
    bulleted = match is not None
    if not bulleted and len(line.split()) > 2 * MAX_ROLE_WORDS:
        return None
    if not (announced and bulleted) and not ROLE_NOUN.search(line[:TITLE_REACH]):
        return None
    rest = TAG.sub("", match.group(1) if match else line).strip()
    rest = re.sub(r"\s*\(\s*(?:https?://|www\.)[^)]*\)", "", rest)
    rest = re.sub(r"^[-–—]\s*", "", rest)
    rest = re.sub(r"^\((?:[^)]*\b(?:remote|hybrid|on-?site)\b[^)]*)\)\s*", "", rest, flags=re.I)
    piped = PIPES.split(rest)
    pieces = LINE_CUT.split(piped[0])
    title = pieces[0].strip()
    after = URL.sub(" ", rest[len(title) :]).strip(" -–—|:")
    pay = after if PAY_TAIL.search(after) and not PRONOUNS.search(after) else None
    for piece in pieces[1:]:
        piece = piece.strip()
        if (
            PAY_TAIL.search(piece)
            or not EMPLOYMENT_WORDS.sub("", piece).strip(" -–,/&+()")
            or not piece
            or URL.search(piece)
            or len(piece.split()) > 4
            or PROSE.search(piece)
            or re.search(r"\d", piece)
            or not piece[0].isupper()
            or WORKPLACE_WORDS.search(piece)
            or _is_place(piece)
        ):
            break
        title = f"{title} - {piece}"
    paren = PAREN_TAIL.search(title)
    while paren:
        note = paren.group(1)
        if PAY_TAIL.search(note):
            pay = note
        elif not (WORKPLACE_WORDS.search(note) or _is_place(note) or "," in note):
            break
        title = title[: paren.start()]
        paren = PAREN_TAIL.search(title)
    title = _tidy_title(title)
    if not title:
        return None
    if announced and bulleted and not ROLE_NOUN.search(title):
        plain = len(title.split()) <= 4 and title[0].isupper() and not PROSE.search(title)
        plain = plain and len(rest) == len(title)
        return (title, pay) if plain and not MORE.match(title) else None
    if not _looks_like_role(title, MAX_LINE_ROLE_WORDS):
        return None
    last = PARENS.sub("", title).split()[-1]
    if last[:1].islower() and not ROLE_AT_END.search(last):
        return None
    if not bulleted and not (title[0].isupper() and len(line.split()) <= 2 * MAX_ROLE_WORDS):
        return None
    if re.match(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)?,\s", title) and not ROLE_NOUN.search(
        title.split(",")[0]
    ):
        return None
    return title, pay


def _listed_roles(lines: list[str]) -> list[tuple[str | None, str | None]]:
    """Every role line of the body, in order (duplicates too: the same title in two cities
    is two postings)."""
    out: list[tuple[str | None, str | None]] = []
    announced = False
    for line in lines:
        role = _role_line(line, announced)
        if role is not None:
            out.append(role)
            announced = announced and not line.endswith(":")
        elif LIST_INTRO.search(line):
            announced = True
        elif not BULLET.match(line):
            announced = False
    return out


def _stated_roles(lines: list[str], named_elsewhere: bool) -> list[str]:
    """Roles named in sentences: "is hiring a Rust engineer and a designer", "we're
    hiring: product engineers, ...", "looking for a seasoned UI engineer who ...". Each
    piece keeps only the words up to its role noun, minus articles and praise. When the
    header or a list already names roles, a sentence naming one role mostly describes one of
    them again in other words ("we need an engineer who ..."), so only sentences that list
    several roles add to them."""
    out: list[str] = []
    for line in lines:
        if not TRIGGER_WORDS.search(line):
            continue
        for match in STATED.finditer(line):
            tail = line[match.end() :]
            if match.group(0).rstrip().endswith(":"):
                titles = _colon_list(tail)
            else:
                cut = STATED_CUT.search(tail)
                phrase = tail[: cut.start()] if cut else tail
                titles = [t for t in (_stated_title(p) for p in split_roles(phrase)) if t]
            if named_elsewhere and len(titles) < 2:
                continue
            for title in titles:
                if title.lower() not in (t.lower() for t in out):
                    out.append(title)
    return out


def _colon_list(tail: str) -> list[str]:
    """The roles after "We are looking for:", to the end of the sentence: items apart by
    dashes or semicolons, each item split like a header's role segment ("Staff and Senior
    SWEs, Full Stack and Backend focused" stays one role) and cut before its description
    ("An Engineering Manager for our MLE team")."""
    sentence = re.split(r"[.!?](?:\s|$)", tail)[0]
    out = []
    for item in re.split(r"\s+[-–—•]\s+|;", sentence):
        for piece in split_roles(item):
            cut = STATED_CUT.search(piece)
            title = _stated_title(piece[: cut.start()] if cut else piece)
            if title:
                out.append(title)
    return out


def _stated_title(piece: str) -> str | None:
    """The words of a sentence's piece up to its last role noun ("Head of X" keeps its X),
    without quotes, articles and praise, capitalised as a title ("Backend engineers", but
    "iOS engineer" stays); None when that is no title."""
    piece = FILLER.sub("", QUOTES.sub("", piece).strip(" :,.'")).strip()
    nouns = list(ROLE_NOUN.finditer(piece))
    if not nouns:
        return None
    end = nouns[-1].end()
    of = HEAD_OF_WHAT.match(piece[end:])
    title = piece[: end + (of.end() if of else 0)].strip()
    title = POSSESSIVE_PLURAL.sub(r"\1s", title)
    if len(title.split()) > 6 or PROSE.search(title) or GENERIC_ROLES.search(title):
        return None
    if not title or NOT_A_ROLE.search(title):
        return None
    return title[0].upper() + title[1:] if title[:2].islower() else title


def _merge(
    header: list[str],
    listed: list[tuple[str | None, str | None]],
    stated: list[tuple[str | None, str | None]],
) -> list[tuple[str | None, str | None]]:
    """Header roles, then the body's role lines, then roles named in sentences.

    A later role that is the same as an earlier one ("Senior Backend Engineer" named in the
    header and again in a sentence, or a bare "engineers") is dropped, except that a plural
    header role ("Software Engineers") gives way to the specific roles the body lists.
    """
    roles: list[tuple[str | None, str | None]] = [(r, None) for r in header]
    for group in (listed, stated):
        added: list[tuple[str | None, str | None]] = []
        for title, pay in group:
            if title is None:
                continue
            earlier = roles + added if group is stated else roles
            same = [r for r in earlier if r[0] is not None and _same_role(r[0], title)]
            bulk = [r for r in same if r[0] is not None and _plural(r[0])]
            if same and len(bulk) == len(same) and group is listed:
                roles = [r for r in roles if r not in bulk]
                added.append((title, pay))
            elif not same:
                added.append((title, pay))
        roles.extend(added)
    return roles


def _words(title: str) -> set[str]:
    """The title's words, singular and with the thread's usual abbreviations spelled out, so
    "Staff SWE, AI" in a header and "Staff Software Engineer, AI" in the body are one role."""
    out: set[str] = set()
    for word in re.findall(r"\w+", title.lower()):
        word = word[:-1] if word.endswith("s") and len(word) > 3 else word
        out.update(ABBREVIATIONS.get(word, (word,)))
    return out


def _same_role(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return wa <= wb or wb <= wa


def _plural(title: str) -> bool:
    last = ROLE_NOUN.findall(title)
    return bool(last) and last[-1].lower().endswith("s") and not last[-1].lower().endswith("ss")


def _prose_company(lines: list[str]) -> str | None:
    """The company a sentence names: "Acme is hiring ...", "At Acme, we ...", "Acme is a
    ...", "We are hiring at Acme!"."""
    for line in lines[:2]:
        for pattern in PROSE_COMPANY:
            match = pattern.search(line)
            if match:
                company = GREETING.sub("", match.group(1)).rstrip(".,;:!")
                if company and not PROSE.fullmatch(company.split()[0]):
                    return company
    return None


def _looks_like_role(text: str, max_words: int = MAX_ROLE_WORDS) -> bool:
    """A title, not a sentence: a role noun, few words, no pronoun or verb of the pitch
    (a level numeral "Engineer I" is not the pronoun), no years asked, no money."""
    words = text.split()
    return (
        bool(ROLE_NOUN.search(text))
        and not NOT_A_ROLE.search(text)
        and 0 < len(words) <= max_words
        and not PROSE.search(LEVEL.sub("", text))
        and not YEARS_OR_MONEY.search(text)
    )


def _workplace(segment: str) -> str | None:
    lower = segment.lower()
    if "hybrid" in lower:
        return "hybrid"
    if "remote" in lower or "wfh" in lower:
        return "remote"
    return "onsite"


def _merge_workplace(current: str | None, new: str | None) -> str | None:
    """Remote anywhere in the header wins ("ONSITE | REMOTE" offers both)."""
    ranking = {None: 0, "onsite": 1, "hybrid": 2, "remote": 3}
    return new if ranking[new] > ranking[current] else current


def _regions(segment: str) -> list[str]:
    out = []
    for match in REMOTE_REGION.finditer(segment):
        region = (match.group(1) or match.group(2) or "").strip(" -–,.")
        if region and not WORKPLACE_WORDS.fullmatch(region):
            out.append(region)
    return out


def _employment(segment: str) -> str | None:
    lower = segment.lower()
    if re.search(r"contract|freelance|1099", lower):
        return "contract"
    if "intern" in lower:
        return "internship"
    if re.search(r"part[- ]?time|\bpt\b", lower):
        return "part_time"
    if re.search(r"full[- ]?time|\bft\b|\bfte\b|permanent", lower):
        return "full_time"
    if "temporary" in lower:
        return "temporary"
    return None


def _amount(number: str, suffix: str | None) -> float:
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", number):
        number = re.sub(r"[,.]", "", number)
    value = float(number)
    if suffix and suffix.lower() == "k":
        value *= 1000
    elif suffix and suffix.lower() == "m":
        value *= 1_000_000
    return value


def parse_pay(text: str) -> dict[str, Any] | None:
    """Min, max, currency and period from a pay segment such as "$170-225K + equity".

    A "k" on the upper bound only ("150-250k") applies to both. A figure without a currency
    symbol or code keeps `currency` None: guessing dollars would be wrong for EU posts.
    """
    match = PAY_RANGE.search(text)
    if match and (
        match.group("c1")
        or match.group("c2")
        or match.group("lk")
        or match.group("hk")
        or _amount(match.group("lo"), None) >= 1000
    ):
        low = _amount(match.group("lo"), match.group("lk"))
        high = _amount(match.group("hi"), match.group("hk"))
        if match.group("hk") and not match.group("lk") and low < 1000 <= high:
            low *= 1000 if match.group("hk").lower() == "k" else 1_000_000
        symbol = match.group("c1") or match.group("c2") or match.group("c3")
    else:
        match = PAY_SINGLE.search(text)
        if not match:
            return None
        low = high = _amount(match.group("lo"), match.group("lk"))
        symbol = match.group("c1") or match.group("c3")
    currency = SYMBOLS.get((symbol or "").strip(), (symbol or "").strip().upper() or None)
    if HOURLY.search(text):
        period = "hour"
    elif MONTHLY.search(text):
        period = "month"
    else:
        period = "year" if high >= 1000 else None
    return {"min": low, "max": high, "currency": currency, "period": period}


def _equity(pay_text: str | None) -> str | None:
    if not pay_text:
        return None
    match = EQUITY.search(pay_text)
    return re.sub(r"\s+", "", match.group(0)) if match else None
