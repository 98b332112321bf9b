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
    markup = scrub_surrogates(markup)
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return _tidy(soup.get_text())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\x00", "").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
