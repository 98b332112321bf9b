"""A recorded response that is not JSON (HTML pages, robots.txt, sitemaps) or not a 200."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Raw:
    text: str
    content_type: str
    status: int = 200
