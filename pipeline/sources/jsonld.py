"""Employers' own career pages that embed schema.org `JobPosting` JSON-LD (Google for Jobs).

A board lists pages through its options: `urls` (a list) and/or `sitemap` (an XML sitemap
whose `<loc>` entries on the same host and port are followed; a sitemap index is followed
one level down), capped by `max_pages` (default 200). Every URL, and every redirect target,
is checked against its host's robots.txt first (`pipeline.robots`, fetched through the
shared client): a disallowed URL is never requested. It is recorded instead as a placeholder
page (status 0, content type `SKIPPED_CONTENT_TYPE`) so the skip is archived with the fetch
and `parse` reports it as a `ParseError`; so is a page whose redirect the client refused.
Each career site's host gets the source's polite spacing (see `hosts`).

JSON-LD in the wild is loose, so values are normalised defensively: blocks may be one
object, an array or `{"@graph": [...]}` (nested anywhere); `hiringOrganization`, `address`,
`identifier` and `applicantLocationRequirements` may each be a string or an object (or a
list); `baseSalary.value` may be a `QuantitativeValue` (min/max or a single `value`) or a
bare number. Workplace: `jobLocationType: TELECOMMUTE` means remote. Schema.org cannot say
"hybrid"; Google's guidance is that TELECOMMUTE *with* a `jobLocation` means remote or in
office, which is still remote-eligible, so it stays `remote` with
`extras["telecommute_with_location"]` and `extras["workplace_hint"] = "telecommute"`, which
lets the classifier read hybrid or on-site wording in the text. No TELECOMMUTE gives no
workplace (many sites omit the field for hybrid jobs). Identifiers are only unique within
one employer, so `source_id` is `"{board}:{identifier}"`, or `"{board}:{sha256(url, title)}"`
when the posting has none.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from lxml import etree

from pipeline.html import html_to_text
from pipeline.http import HttpClient, NotFound, RedirectRefused
from pipeline.models import Board, ParseError, ParseResult, Posting, RawPage, Salary
from pipeline.robots import RobotsChecker
from pipeline.sources.base import (
    SKIPPED_CONTENT_TYPE,
    MalformedPayload,
    PageFetcher,
    Source,
    compact,
    guard,
    register,
)
from pipeline.surrogates import scrub_surrogates
from pipeline.timeparse import parse_iso

DEFAULT_MAX_PAGES = 200
MAX_SITEMAPS = 20
_HTML_PARSER = etree.HTMLParser()
_LD_SCRIPTS = etree.XPath("//script[@type='application/ld+json']")
UNITS = {
    "HOUR": "hour",
    "DAY": "day",
    "WEEK": "week",
    "MONTH": "month",
    "YEAR": "year",
    "ANNUAL": "year",
}
EMPLOYMENT = {
    "FULL_TIME": "full_time",
    "PART_TIME": "part_time",
    "CONTRACTOR": "contract",
    "TEMPORARY": "temporary",
    "INTERN": "internship",
}


@register
class JsonLd(Source):
    name = "jsonld"
    default_base_url = ""
    default_min_interval = 2.0
    default_max_concurrency = 1

    def hosts(self, board: Board) -> list[str]:
        """Every career site is its own host, so each gets the source's rate limit."""
        urls = [str(u) for u in board.options.get("urls") or []]
        urls += [str(board.options["sitemap"])] if board.options.get("sitemap") else []
        return sorted({urlsplit(u).hostname or "" for u in urls} - {""})

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        pages = PageFetcher(self.name, client, board, fetch_id)
        allowed = RobotsChecker(client).allowed
        urls = [str(u) for u in board.options.get("urls") or []]
        sitemaps = [str(board.options["sitemap"])] if board.options.get("sitemap") else []
        limit = int(board.options.get("max_pages", DEFAULT_MAX_PAGES))
        for _ in range(MAX_SITEMAPS):
            if not sitemaps:
                break
            sitemap = sitemaps.pop(0)
            if not allowed(sitemap):
                yield pages.skipped(sitemap, "disallowed by robots.txt")
                continue
            page = pages.get(sitemap, may_follow=allowed)
            yield page
            if not _is_sitemap(page):
                raise MalformedPayload(
                    f"{sitemap}: not a sitemap (no <urlset> or <sitemapindex>); an error page "
                    "read as a sitemap with no jobs would close every posting on the site"
                )
            children, locs = sitemap_entries(page.body)
            sitemaps.extend(u for u in children if _same_host(u, sitemap))
            urls.extend(u for u in locs if _same_host(u, sitemap))
        for url in list(dict.fromkeys(urls))[:limit]:
            if not allowed(url):
                yield pages.skipped(url, "disallowed by robots.txt")
                continue
            try:
                yield pages.get(url, may_follow=allowed)
            except NotFound:
                yield pages.skipped(url, "HTTP 404: page gone")
            except RedirectRefused as exc:
                yield pages.skipped(url, exc.reason)

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        explicit = {str(u) for u in board.options.get("urls") or []}
        seen: set[str] = set()
        for page in pages:
            if page.content_type == SKIPPED_CONTENT_TYPE:
                reason = json.loads(page.body).get("reason", "skipped")
                result.errors.append(
                    ParseError(
                        self.name, board.token, page.sha256, f"not fetched: {reason}", page.url
                    )
                )
                continue
            if _is_sitemap(page):
                continue
            nodes, broken = job_postings(page.body)
            for reason in broken:
                result.errors.append(
                    ParseError(self.name, board.token, page.sha256, reason, page.url)
                )
            if not nodes and not broken and page.url in explicit:
                result.errors.append(
                    ParseError(
                        self.name, board.token, page.sha256, "no JobPosting JSON-LD", page.url
                    )
                )
            for node in nodes:
                posting, reason = guard(_posting, node, board, page.url, page.sha256)
                if posting is None:
                    result.errors.append(
                        ParseError(self.name, board.token, page.sha256, reason or "", page.url)
                    )
                elif posting.source_id not in seen:
                    seen.add(posting.source_id)
                    result.postings.append(posting)
        return result


def _same_host(url: str, base: str) -> bool:
    """Same host and same port: another port on a career site's host is another service."""
    return _origin(url) is not None and _origin(url) == _origin(base)


def _origin(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    except ValueError:
        return None
    return (parts.hostname or "", port)


def _is_sitemap(page: RawPage) -> bool:
    """Sitemaps are told apart by their root element: XHTML pages are XML too."""
    head = page.body[:2000]
    return b"<urlset" in head or b"<sitemapindex" in head


def sitemap_entries(body: bytes) -> tuple[list[str], list[str]]:
    """(child sitemaps, page URLs) of a sitemap or sitemap index."""
    soup = BeautifulSoup(body, "lxml-xml")
    if soup.find("sitemapindex"):
        return [loc.get_text(strip=True) for loc in soup.find_all("loc")], []
    return [], [loc.get_text(strip=True) for loc in soup.find_all("loc")]


def job_postings(body: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """Every JobPosting object in a page's JSON-LD blocks, and a reason per broken block."""
    found: list[dict[str, Any]] = []
    broken: list[str] = []
    for n, text in enumerate(_ld_blocks(body)):
        try:
            data = scrub_surrogates(json.loads(text))
        except json.JSONDecodeError as exc:
            broken.append(f"JSON-LD block {n} is not JSON: {exc}")
            continue
        except RecursionError:
            broken.append(f"JSON-LD block {n} is nested too deeply to decode")
            continue
        found.extend(node for node in _walk(data) if _is_job_posting(node))
    return found, broken


def _ld_blocks(body: bytes) -> list[str]:
    """The text of every `<script type="application/ld+json">` in a page, in order.

    lxml's HTML parser over the page decoded as UTF-8 finds them about ten times faster than
    BeautifulSoup builds its tree over the same parser. A page that is not UTF-8, or that lxml
    refuses (a NUL byte, an encoding declaration), goes through BeautifulSoup, whose encoding
    detection reads the page's declared charset.
    """
    try:
        root = etree.fromstring(body.decode("utf-8"), _HTML_PARSER)
    except (UnicodeDecodeError, ValueError, etree.ParserError):
        root = None
    if root is None:
        soup = BeautifulSoup(body, "lxml")
        return [
            script.string or script.get_text()
            for script in soup.find_all("script", type="application/ld+json")
        ]
    return [script.text or "" for script in _LD_SCRIPTS(root)]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON value, in document order.

    Iterative: a hostile page nests JSON as deep as the decoder allows, and a recursive walk
    would then run out of stack on top of it.
    """
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(v for v in reversed(list(item.values())) if isinstance(v, dict | list))


def _is_job_posting(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1].endswith("JobPosting") for k in kinds)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _name(value: Any) -> str | None:
    """A string, or the `name` of an object (Organization, Country, State...)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    return None


def _address(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if not isinstance(value, dict):
        return None
    parts = [
        value.get("addressLocality"),
        value.get("addressRegion"),
        _name(value.get("addressCountry")),
    ]
    text = ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return text or _name(value)


def _place(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _address(value.get("address")) or _name(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def _salary(value: Any) -> Salary | None:
    amount = next((v for v in _items(value) if isinstance(v, dict)), None)
    if amount is None:
        return None
    quantity = amount.get("value")
    unit = amount.get("unitText")
    if isinstance(quantity, dict):
        low = _number(quantity.get("minValue"))
        high = _number(quantity.get("maxValue"))
        single = _number(quantity.get("value"))
        low, high = low if low is not None else single, high if high is not None else single
        unit = quantity.get("unitText") or unit
    else:
        low = high = _number(quantity)
    if low is None and high is None:
        return None
    low = low if low is not None else high
    high = high if high is not None else low
    currency = amount.get("currency")
    return Salary(
        low,
        high,
        currency.strip().upper() if isinstance(currency, str) and currency.strip() else None,
        UNITS.get(str(unit or "").strip().upper()),  # type: ignore[arg-type]
        "structured",
    )


def _identifier(value: Any) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    if isinstance(value, dict):
        return _identifier(value.get("value")) or _identifier(value.get("@id"))
    if isinstance(value, list):
        return next((i for i in map(_identifier, value) if i), None)
    return None


def _posting(node: dict[str, Any], board: Board, page_url: str, payload_id: str) -> Posting:
    title = node.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("JobPosting without a title")
    title = html.unescape(title).strip()
    url = node.get("url") if isinstance(node.get("url"), str) else page_url
    identifier = _identifier(node.get("identifier"))
    key = identifier or hashlib.sha256(f"{url}\x1f{title}".encode()).hexdigest()[:24]
    description = node.get("description") if isinstance(node.get("description"), str) else ""
    places = [p for p in map(_place, _items(node.get("jobLocation"))) if p]
    applicants = [n for n in map(_name, _items(node.get("applicantLocationRequirements"))) if n]
    kinds = {str(k).strip().upper() for k in _items(node.get("jobLocationType"))}
    telecommute = "TELECOMMUTE" in kinds
    employment = [str(e).strip().upper() for e in _items(node.get("employmentType"))]
    return Posting(
        source="jsonld",
        source_id=f"{board.token}:{key}",
        company=_name(node.get("hiringOrganization")) or board.company,
        title=title,
        description=html_to_text(description, unescape_first="&lt;" in description),
        locations=list(dict.fromkeys(places or (applicants if telecommute else []))),
        workplace_type="remote" if telecommute else None,
        salary=_salary(node.get("baseSalary")),
        posted_at=parse_iso(node.get("datePosted")),
        url=url,
        employment_type=next((EMPLOYMENT[e] for e in employment if e in EMPLOYMENT), None),
        board=board.token,
        raw_payload_id=payload_id,
        extras=compact(
            {
                "identifier": identifier,
                "page_url": page_url,
                "valid_through": node.get("validThrough"),
                "employment_type_raw": employment,
                "applicant_locations": applicants,
                "telecommute_with_location": (telecommute and bool(places)) or None,
                "workplace_hint": "telecommute" if telecommute and places else None,
                "direct_apply": node.get("directApply"),
            }
        ),
    )
