"""Reading one Hacker News "Who is hiring?" comment: who is hiring, for what, where, for how much.

The thread's convention is a first line of pipe-separated segments, `Company | Role |
Location | REMOTE | Pay`, but posters reorder, drop and add segments (a tagline, a URL,
"Visa", "Full-time"), so each segment is classified on its own rather than by position; only
the first is always the company. One comment often names several roles: in the role segment
("Frontend Engineer, ML Engineer"), as bullet lines under the header ("-- Founding Backend
Engineer"), or after "We are looking for:" in the body when the header says "Multiple
roles". Each becomes one role dict, and the adapter makes one posting per role.

Everything here is pure text work so `scripts/score_hn.py` can score it against hand-labelled
real comments. Pay is read from the header only (bodies are full of "$200B market" figures);
its numbers come with `source="text"` because a person typed them.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.html import html_to_text

ROLE_NOUN = re.compile(
    r"\b(?:engineers?|engineering\s+managers?|developers?|devs?|scientists?|researchers?|"
    r"managers?|designers?|architects?|analysts?|leads?|head\s+of|directors?|vps?|cto|cfo|coo|"
    r"swes?|sres?|devops|recruiters?|specialists?|administrators?|consultants?|writers?|"
    r"marketers?|representatives?|executives?|pms?|owners?|coordinators?|technicians?|"
    r"interns?|programmers?|hackers?|advocates?|strategists?|officers?|accountants?|"
    r"counsel|operators?|associates?|generalists?|tutors?|trainers?|mles?|teamers?|"
    r"evaluators?|instructors?)\b",
    re.IGNORECASE,
)
GENERIC_ROLES = re.compile(
    r"\b(?:multiple|various|several|many|numerous|lots of|open)\s+(?:\w+\s+)?"
    r"(?:roles|positions|openings|jobs)\b|^(?:roles|positions|hiring)$",
    re.IGNORECASE,
)
WORKPLACE_WORDS = re.compile(
    r"\b(?:remote|hybrid|on-?site|on\s+site|in[- ]office|in[- ]person|office[- ]based|wfh)\b",
    re.IGNORECASE,
)
EMPLOYMENT_WORDS = re.compile(
    r"\b(?:full[- ]?time|part[- ]?time|contract(?:or)?|freelance|internships?|interns?|"
    r"permanent|temporary|ft|pt|fte|w2|1099|and|or)\b",
    re.IGNORECASE,
)
WORKPLACE_NOTE = re.compile(
    r"\s*[(\[][^)\]]*\b(?:remote|hybrid|on-?site)\b[^)\]]*[)\]]", re.IGNORECASE
)
URL = re.compile(r"https?://\S+|\bwww\.\S+")
DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")
VISA = re.compile(r"\bvisa\b", re.IGNORECASE)
PAY_HINT = re.compile(
    r"[$€£₹¥]\s*\d|\d\s*[kK]\b|\b(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|SGD|INR)\b|\d{2,3},\d{3}|"
    r"\bsalary\b|\bcompensation\b|\bOTE\b",
    re.IGNORECASE,
)
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
BULLET = re.compile(r"^\s*(?:[-–—*•·]+|\d+[.)])\s*(\S.*)$")
ROLE_LIST = re.compile(
    r"(?:looking for|hiring for|hiring|open roles|open positions|positions|roles)\s*:\s*(.+)",
    re.IGNORECASE,
)
HIRING_A = re.compile(
    r"\bhiring (?:an? |for an? |for )?((?:[\w+#./-]+\s){0,5}?" + ROLE_NOUN.pattern[2:-2] + r")",
    re.IGNORECASE,
)
ROLE_SPLIT = re.compile(r"(\s*(?:,|;|\s/\s|\s&\s|\band\b|\s\+\s)\s*)", re.IGNORECASE)
ARTICLE = re.compile(r"^(?:an?|the|one|two|three|several|multiple)\s+", re.IGNORECASE)
MAX_ROLE_WORDS = 10


def parse_comment(markup: str | None) -> list[dict[str, Any]]:
    """One dict per role the comment advertises; `[]` when it is not a job posting.

    Raises `ValueError` for an empty comment, which a live thread only has when a
    comment is deleted (the adapter skips those before asking).
    """
    text = html_to_text(markup)
    if not text:
        raise ValueError("empty comment")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    segments = [s.strip() for s in re.split(r"\s*\|\s*", lines[0]) if s.strip()]
    if len(segments) < 2:
        return []
    header = _classify(segments[1:])
    company = clean_company(segments[0])
    if not company:
        return []
    roles: list[tuple[str | None, str | None]] = [(r, None) for r in header["roles"]]
    if not roles:
        roles = _body_roles(lines[1:])
    if not roles:
        roles = [(None, None)]
    out = []
    for title, own_pay in roles:
        pay_text = own_pay or header["pay"]
        pay = parse_pay(pay_text) if pay_text else None
        out.append(
            {
                "company": company,
                "title": title,
                "locations": list(header["locations"]),
                "workplace_type": header["workplace"],
                "remote_regions": list(header["regions"]),
                "employment_type": header["employment"],
                "salary_text": pay_text,
                "salary_min": pay["min"] if pay else None,
                "salary_max": pay["max"] if pay else None,
                "salary_currency": pay["currency"] if pay else None,
                "salary_period": pay["period"] if pay else None,
                "equity": _equity(pay_text),
                "visa": header["visa"],
                "header": lines[0],
            }
        )
    return out


def clean_company(segment: str) -> str:
    """The first segment minus URLs, a parenthesised domain and a " - tagline"."""
    name = re.sub(r"\((?:[^)]*\.[a-z]{2,}[^)]*)\)", " ", segment, flags=re.IGNORECASE)
    name = URL.sub(" ", name)
    name = re.split(r"\s+[-–—:]\s+", name)[0]
    return re.sub(r"\s+", " ", name).strip(" ,;-–—")


def _classify(segments: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "roles": [],
        "locations": [],
        "workplace": None,
        "regions": [],
        "employment": None,
        "pay": None,
        "visa": None,
    }
    for raw in segments:
        segment = URL.sub(" ", raw).strip()
        if not segment or DOMAIN.match(segment):
            continue
        has_role = bool(ROLE_NOUN.search(segment))
        if PAY_HINT.search(segment) and not has_role:
            out["pay"] = out["pay"] or segment
        elif not EMPLOYMENT_WORDS.sub("", segment).strip(" -–,/&+()"):
            out["employment"] = out["employment"] or _employment(segment)
        elif WORKPLACE_WORDS.search(segment) and has_role:
            out["workplace"] = _merge_workplace(out["workplace"], _workplace(segment))
            out["roles"].extend(split_roles(WORKPLACE_NOTE.sub("", segment)))
        elif WORKPLACE_WORDS.search(segment):
            out["workplace"] = _merge_workplace(out["workplace"], _workplace(segment))
            out["regions"].extend(_regions(segment))
            if WORKPLACE_WORDS.sub("", segment).strip(" -–,/&+()"):
                out["locations"].append(segment)
        elif VISA.search(segment):
            out["visa"] = segment
        elif GENERIC_ROLES.search(segment):
            continue
        elif has_role:
            out["roles"].extend(split_roles(segment))
        elif "," in segment or len(segment.split()) <= 4:
            out["locations"].append(segment)
    return out


def split_roles(text: str) -> list[str]:
    """Split "A Engineer, B Engineer and C Scientist" into titles, keeping "X, Platform" whole.

    A piece without a role noun ("Pretraining", "Backend focused", "Staff") belongs to its
    neighbour, so commas inside a title ("Research Engineer, Pretraining") survive.
    """
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
    title = ARTICLE.sub("", title.strip(" -–—*•·:!.\t"))
    return re.sub(r"\s+", " ", title).strip()


def _body_roles(lines: list[str]) -> list[tuple[str | None, str | None]]:
    """Roles from bullet lines, a "looking for:" list, or "hiring a ... Engineer"."""
    bullets: list[tuple[str | None, str | None]] = []
    for line in lines:
        match = BULLET.match(line)
        if not match:
            continue
        pieces = [p.strip() for p in match.group(1).split("|")]
        title = pieces[0]
        pay = next((p for p in pieces[1:] if PAY_HINT.search(p)), None)
        paren = re.search(r"\(([^)]*)\)\s*$", title)
        if paren and PAY_HINT.search(paren.group(1)):
            pay, title = paren.group(1), title[: paren.start()]
        if _looks_like_role(title):
            bullets.append((_tidy_title(title), pay))
    if bullets:
        return bullets
    for line in lines:
        match = ROLE_LIST.search(line)
        if match:
            items = re.split(r"\s+[-–—]\s+|;", match.group(1))
            found = [r for item in items for r in split_roles(item) if _looks_like_role(r)]
            if found:
                return [(r, None) for r in found]
    for line in lines:
        match = HIRING_A.search(line)
        if match:
            return [(_tidy_title(match.group(1)), None)]
    return []


def _looks_like_role(text: str) -> bool:
    words = text.split()
    return (
        bool(ROLE_NOUN.search(text))
        and 0 < len(words) <= MAX_ROLE_WORDS
        and not re.search(r"\d|\byears?\b|\bexperience\b", text, re.IGNORECASE)
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
