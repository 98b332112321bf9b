"""Hacker News "Ask HN: Who is hiring?" threads, read through the Algolia HN API.

Two steps: `search_by_date?tags=story,author_whoishiring` lists the monthly threads (the
same account also posts "Who wants to be hired?" and "Freelancer? Seeking freelancer?", so
titles are filtered), then `items/{story_id}` returns each thread's whole comment tree. The
board option `months` (default 1) says how many of the latest threads to read; search pages
are followed only until that many threads are found.

Only top-level comments (`parent_id == story_id`) are postings; replies are conversation
and deleted comments arrive with `author` and `text` null. A comment naming several roles
becomes one posting per role with `source_id = "{comment_id}-{n}"`; the comment parsing
itself is in `pipeline.sources.hn_comments`. Pay is typed by hand, so it is stored with
`source="text"`. A thread keeps old comments, and a job that was filled is not edited out,
so absence means nothing: `closes_missing = False`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from pipeline.html import html_to_text
from pipeline.http import HttpClient
from pipeline.models import Board, ParseError, ParseResult, Posting, RawPage, Salary
from pipeline.sources.base import (
    MalformedPayload,
    PageFetcher,
    Source,
    compact,
    decode_json,
    guard,
    register,
)
from pipeline.sources.hn_comments import parse_comment
from pipeline.timeparse import from_epoch, parse_iso

THREAD_TITLE = re.compile(r"^Ask HN: Who is hiring\?", re.IGNORECASE)
SEARCH_PARAMS: dict[str, str | int] = {
    "tags": "story,author_whoishiring",
    "query": "who is hiring",
    "hitsPerPage": 50,
}
MAX_SEARCH_PAGES = 10
ITEM_URL = "https://news.ycombinator.com/item?id={}"


@register
class HackerNews(Source):
    name = "hn"
    default_base_url = "https://hn.algolia.com/api/v1"
    default_min_interval = 1.0
    default_max_concurrency = 1
    closes_missing = False

    def fetch(self, client: HttpClient, board: Board, fetch_id: str) -> Iterator[RawPage]:
        pages = PageFetcher(self.name, client, board, fetch_id)
        months = max(1, int(board.options.get("months", 1)))
        threads: dict[int, int] = {}
        for n in range(MAX_SEARCH_PAGES):
            params = dict(SEARCH_PARAMS, page=n) if n else SEARCH_PARAMS
            page = pages.get(f"{self.base_url}/search_by_date", params)
            yield page
            search = _search(page)
            threads.update(_threads(search))
            if len(threads) >= months or n + 1 >= int(search.get("nbPages") or 1):
                break
        if not threads:
            raise MalformedPayload(f"{board.token}: no 'Ask HN: Who is hiring?' thread found")
        latest = sorted(threads, key=lambda story: threads[story], reverse=True)[:months]
        for story_id in latest:
            yield pages.get(f"{self.base_url}/items/{story_id}")

    def parse(self, pages: Sequence[RawPage], board: Board) -> ParseResult:
        result = ParseResult()
        seen: set[str] = set()
        for page in pages:
            data = decode_json(page)
            if isinstance(data, dict) and "hits" in data:
                continue
            if not isinstance(data, dict) or not isinstance(data.get("children"), list):
                raise MalformedPayload(f"{page.url}: expected a story item with children")
            thread = {"id": data.get("id"), "title": data.get("title")}
            for comment in data["children"]:
                if not _top_level_live(comment, data.get("id")):
                    continue
                postings, reason = guard(_postings, comment, board, thread, page.sha256)
                if postings is None:
                    ref = str(comment.get("id", "")) if isinstance(comment, dict) else ""
                    result.errors.append(
                        ParseError(self.name, board.token, page.sha256, reason or "", ref)
                    )
                    continue
                for posting in postings:
                    if posting.source_id not in seen:
                        seen.add(posting.source_id)
                        result.postings.append(posting)
        return result


def _search(page: RawPage) -> dict[str, Any]:
    data = decode_json(page)
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        raise MalformedPayload(f"{page.url}: expected a search result with 'hits'")
    return data


def _threads(search: dict[str, Any]) -> dict[int, int]:
    """Story id → creation time of every hiring thread among the hits."""
    out = {}
    for hit in search["hits"]:
        if not isinstance(hit, dict) or not THREAD_TITLE.match(str(hit.get("title") or "")):
            continue
        story = str(hit.get("objectID") or hit.get("story_id") or "")
        if story.isdigit():
            out[int(story)] = int(hit.get("created_at_i") or 0)
    return out


def _top_level_live(comment: Any, story_id: Any) -> bool:
    """A posting candidate: a direct reply to the story that was not deleted."""
    if not isinstance(comment, dict):
        return True
    if comment.get("parent_id") != story_id:
        return False
    return comment.get("author") is not None and comment.get("text") is not None


def _postings(
    comment: dict[str, Any], board: Board, thread: dict[str, Any], payload_id: str
) -> list[Posting]:
    comment_id = comment["id"]
    if isinstance(comment_id, bool) or not isinstance(comment_id, int | str):
        raise ValueError("comment without an id")
    roles = parse_comment(comment["text"])
    description = html_to_text(comment["text"])
    posted = from_epoch(comment.get("created_at_i"), millis=False) or parse_iso(
        comment.get("created_at")
    )
    out = []
    for n, role in enumerate(roles):
        salary = None
        if role["salary_text"]:
            salary = Salary(
                role["salary_min"],
                role["salary_max"],
                role["salary_currency"],
                role["salary_period"],
                "text",
                role["salary_text"],
            )
        out.append(
            Posting(
                source="hn",
                source_id=f"{comment_id}-{n}",
                company=role["company"],
                title=role["title"],
                description=description,
                locations=role["locations"],
                workplace_type=role["workplace_type"],
                salary=salary,
                posted_at=posted,
                url=ITEM_URL.format(comment_id),
                employment_type=role["employment_type"],
                board=board.token,
                raw_payload_id=payload_id,
                extras=compact(
                    {
                        "thread_id": thread["id"],
                        "thread_title": thread["title"],
                        "author": comment.get("author"),
                        "roles_in_comment": len(roles),
                        "role_not_stated": not role["role_stated"] or None,
                        "remote_regions": role["remote_regions"],
                        "equity": role["equity"],
                        "visa": role["visa"],
                    }
                ),
            )
        )
    return out
