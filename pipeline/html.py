"""HTML to readable plain text.

Descriptions arrive as HTML written by strangers; classifiers and reports want text. Block
elements become line breaks so that bullet lists and paragraphs stay apart (a regex over
`"5+ years"` must not run into the next bullet), scripts and styles are dropped entirely.
"""

from __future__ import annotations

import html
import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from lxml import etree

from pipeline.surrogates import scrub_surrogates

BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
)
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg")
_BLOCK = frozenset(BLOCK_TAGS)
_DROP = frozenset(DROP_TAGS)
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)


def html_to_text(markup: str | None, *, unescape_first: bool = False) -> str:
    """Return the visible text of `markup`, one line per block element.

    `unescape_first` is for payloads like Greenhouse's `content`, where the HTML itself is
    entity-escaped inside the JSON string (`&lt;p&gt;`), so it must be unescaped once before
    it is parsed as markup.
    """
    if not markup:
        return ""
    if unescape_first:
        markup = html.unescape(markup)
    markup = scrub_surrogates(markup).replace("\x00", "")
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    try:
        root = etree.fromstring(markup, _PARSER)
    except (ValueError, etree.ParserError):
        return _soup_text(markup)
    if root is None:
        return _tidy(markup)
    parts: list[str] = []
    _walk(root, parts)
    return _tidy("".join(parts))


def _walk(element: etree._Element, parts: list[str]) -> None:
    """Text in document order, a line break around each block element.

    Walking lxml's tree directly is about 4.5 times faster than building BeautifulSoup's
    object tree for the same rules (measured in the benchmark); libxml2 caps nesting depth,
    so the recursion is bounded.
    """
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROP:
        return
    block = tag in _BLOCK
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


def _soup_text(markup: str) -> str:
    """BeautifulSoup for what lxml refuses outright, such as an encoding declaration."""
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return _tidy(soup.get_text())


def _tidy(text: str) -> str:
    """Collapse runs of spaces, strip each line, keep at most one blank line in a row.

    `_SPACES` never matches a newline, so one substitution over the whole text equals one per
    line, and costs one call instead of hundreds.
    """
    lines = (line.strip() for line in _SPACES.sub(" ", text.replace("\x00", "")).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
