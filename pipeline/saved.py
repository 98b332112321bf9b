"""Saved response bodies, in every shape people keep them, turned back into raw API pages.

Job-board payloads saved by other tools are rarely the bare API body: a scraper wraps a
Greenhouse listing as `{company, fetched_at, job_count, jobs}`, a test fixture keeps one
Lever posting or one SmartRecruiters detail object instead of the list, an HN scraper keeps
a flat list of thread comments instead of the Algolia item tree. This module rebuilds, from
such a body, the `RawPage`s the source's own `parse` takes, so the nightly parse and
labelling run on it unchanged (there is no second parser to drift from the real one). It is
pure: bytes in, pages out; reading files is the caller's business.

Shapes (see `../shared/data/realdata/PROVENANCE.md`):

- greenhouse: the API body `{jobs, meta}`; the `{company, fetched_at, job_count, jobs}`
  wrapper; one job object (the `jobs/<id>` endpoint);
- ashby: `{apiVersion?, jobs}`; lever: the postings array or one posting object;
- smartrecruiters: a list page `{offset, limit, totalFound, content}` or one detail object
  (given as a one-row list page plus its detail page, as a fetch would have produced);
- hn: an Algolia item tree `{id, title, children}`, a thread saved as
  `{sources: {who_is_hiring_thread_id, ...}, jobs: [...]}`, or a plain list of comments
  `[{id, by|author, time|created_at_i, text}]`; entries that are not thread comments
  (`source: "direct"` job stories) are counted as skipped, not parsed;
- remotive, remoteok, workable: the API body as is; jsonld: an HTML page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline.models import Board, ParseResult, Posting, RawPage
from pipeline.sources import get_source
from pipeline.timeparse import parse_iso

SAVED_URL = "saved:{}"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HN_THREAD_ENTRY = "who_is_hiring"


class UnsupportedShape(ValueError):
    """A saved body that is none of the shapes its source is known to be kept in."""


@dataclass(slots=True)
class SavedPayload:
    """The pages rebuilt from one saved body and what the body itself held.

    `records` counts the postings (HN: top-level thread comments) the saved body carries, so
    a reader can compare it with what the parser made of them; `skipped` counts entries that
    are deliberately not parsed (HN job stories), with `skipped_reason`.
    """

    source: str
    board: Board
    pages: list[RawPage]
    records: int
    skipped: int = 0
    skipped_reason: str | None = None
    comment_ids: list[str] = field(default_factory=list)


def saved_payload(
    source: str,
    body: bytes,
    name: str,
    board_token: str | None = None,
    fetched_at: datetime | None = None,
) -> SavedPayload:
    """Rebuild the raw API pages of `source` from one saved body.

    `name` (a file name) becomes the page URL `saved:<name>` and, unless `board_token` is
    given, the board token; it is only ever a label, never a path. Raises `UnsupportedShape`
    when the body is not JSON (HTML for jsonld) or not a shape this source is saved in.
    """
    token = board_token or name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    url = SAVED_URL.format(name)
    if source == "jsonld":
        board = Board("jsonld", token, token, {"urls": [url]})
        return SavedPayload(source, board, [_page(source, token, url, body, fetched_at)], 1)
    data = _decode(body)
    return _REBUILDERS.get(source, _as_is)(source, data, token, url, fetched_at)


def parse_saved(
    source: str,
    body: bytes,
    name: str,
    board_token: str | None = None,
    fetched_at: datetime | None = None,
) -> tuple[SavedPayload, ParseResult]:
    """Rebuild the pages of one saved body and run the source's own parser over them.

    Raises `UnsupportedShape`, or the parser's `SourceError` for a body it rejects whole.
    """
    payload = saved_payload(source, body, name, board_token, fetched_at)
    return payload, get_source(source).parse(payload.pages, payload.board)


def posting_key(source: str, stem: str, posting: Posting) -> str:
    """`<source>:<file stem>:<source_id>`, the key `labels.jsonl` uses for a saved posting.

    A JSON-LD `source_id` is `<board>:<identifier>` (identifiers are only unique per site);
    the key keeps just the identifier, as the file stem already names the site.
    """
    source_id = posting.source_id
    if source == "jsonld":
        source_id = source_id.removeprefix(f"{posting.board}:")
    return f"{source}:{stem}:{source_id}"


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnsupportedShape(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise UnsupportedShape(f"not JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise UnsupportedShape("JSON nested too deeply to decode") from exc


def _page(
    source: str, token: str, url: str, body: bytes, fetched_at: datetime | None, seq: int = 0
) -> RawPage:
    return RawPage(
        source=source,
        board=token,
        url=url,
        status=200,
        content_type="text/html" if source == "jsonld" else "application/json",
        body=body,
        fetched_at=fetched_at or EPOCH,
        fetch_id=f"saved:{token}",
        seq=seq,
    )


def _json_page(
    source: str, token: str, url: str, data: Any, fetched_at: datetime | None, seq: int = 0
) -> RawPage:
    body = json.dumps(data, ensure_ascii=False).encode()
    return _page(source, token, url, body, fetched_at, seq)


def _count(data: Any, key: str) -> int:
    return len(data[key]) if isinstance(data, dict) and isinstance(data.get(key), list) else 0


def _as_is(
    source: str, data: Any, token: str, url: str, fetched_at: datetime | None
) -> SavedPayload:
    """A body already in the API's own shape; the parser judges it."""
    records = len(data) if isinstance(data, list) else _count(data, "jobs")
    page = _json_page(source, token, url, data, fetched_at)
    return SavedPayload(source, Board(source, token, token), [page], records)


def _board(source: str, token: str, company: str | None = None) -> Board:
    return Board(source, token, company or token)


def _greenhouse(
    source: str, data: Any, token: str, url: str, fetched_at: datetime | None
) -> SavedPayload:
    if not isinstance(data, dict):
        raise UnsupportedShape("expected a Greenhouse object ({jobs: [...]} or one job)")
    if isinstance(data.get("jobs"), list):
        wrapped_at = parse_iso(data.get("fetched_at")) if "company" in data else None
        company = data.get("company") if isinstance(data.get("company"), str) else None
        jobs = data["jobs"]
        page = _json_page("greenhouse", token, url, {"jobs": jobs}, wrapped_at or fetched_at)
        return SavedPayload(source, _board("greenhouse", token, company), [page], len(jobs))
    if "id" in data and "title" in data and ("absolute_url" in data or "internal_job_id" in data):
        page = _json_page("greenhouse", token, url, {"jobs": [data]}, fetched_at)
        return SavedPayload(source, _board("greenhouse", token), [page], 1)
    raise UnsupportedShape("expected a Greenhouse object with a 'jobs' array, or one job")


def _ashby(
    source: str, data: Any, token: str, url: str, fetched_at: datetime | None
) -> SavedPayload:
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise UnsupportedShape("expected an Ashby job board object with a 'jobs' array")
    page = _json_page("ashby", token, url, data, fetched_at)
    unlisted = sum(1 for j in data["jobs"] if isinstance(j, dict) and j.get("isListed") is False)
    return SavedPayload(
        source,
        _board("ashby", token),
        [page],
        len(data["jobs"]),
        skipped=unlisted,
        skipped_reason="unlisted (isListed: false), dropped by the parser" if unlisted else None,
    )


def _lever(
    source: str, data: Any, token: str, url: str, fetched_at: datetime | None
) -> SavedPayload:
    if isinstance(data, dict) and {"id", "text", "categories"} <= data.keys():
        data = [data]
    if not isinstance(data, list):
        raise UnsupportedShape("expected a Lever postings array or one posting object")
    page = _json_page("lever", token, url, data, fetched_at)
    return SavedPayload(source, _board("lever", token), [page], len(data))


def _smartrecruiters(
    source: str, data: Any, token: str, url: str, fetched_at: datetime | None
) -> SavedPayload:
    if not isinstance(data, dict):
        raise UnsupportedShape("expected a SmartRecruiters list page or posting object")
    company = data.get("company") if isinstance(data.get("company"), dict) else {}
    if isinstance(data.get("content"), list):
        first = next((r for r in data["content"] if isinstance(r, dict)), {})
        name = (first.get("company") or {}).get("name") if isinstance(first, dict) else None
        page = _json_page("smartrecruiters", token, url, data, fetched_at)
        board = _board("smartrecruiters", token, name if isinstance(name, str) else None)
        return SavedPayload(source, board, [page], len(data["content"]))
    if "id" in data and "name" in data and ("jobAd" in data or "company" in data):
        listing = {"offset": 0, "limit": 1, "totalFound": 1, "content": [data]}
        pages = [
            _json_page("smartrecruiters", token, url, listing, fetched_at),
            _json_page("smartrecruiters", token, url, data, fetched_at, seq=1),
        ]
        name = company.get("name")
        board = _board("smartrecruiters", token, name if isinstance(name, str) else None)
        return SavedPayload(source, board, pages, 1)
    raise UnsupportedShape("expected a SmartRecruiters list page or posting object")


def _hn(source: str, data: Any, token: str, url: str, fetched_at: datetime | None) -> SavedPayload:
    """An Algolia item tree as is; anything else is rebuilt as one.

    Saved comment lists have no parent ids, so every comment becomes a top-level child of
    the thread (the thread id the save names, else 0): the parser's own top-level rule then
    keeps all of them.
    """
    if isinstance(data, dict) and isinstance(data.get("children"), list):
        story = data.get("id")
        top = [c for c in data["children"] if isinstance(c, dict) and c.get("parent_id") == story]
        page = _json_page("hn", token, url, data, fetched_at)
        ids = [str(c.get("id")) for c in top]
        return SavedPayload(source, _board("hn", token), [page], len(top), comment_ids=ids)
    thread: dict[str, Any] = {}
    if isinstance(data, dict) and isinstance(data.get("jobs"), list):
        sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}
        thread = {
            "id": sources.get("who_is_hiring_thread_id"),
            "title": sources.get("who_is_hiring_thread_title"),
        }
        fetched_at = parse_iso(data.get("fetched_at")) or fetched_at
        entries = data["jobs"]
    elif isinstance(data, list):
        entries = data
    else:
        raise UnsupportedShape(
            "expected an HN Algolia item tree, a saved thread {sources, jobs} or a list of "
            "comments [{id, by, time, text}]"
        )
    story = thread.get("id") if isinstance(thread.get("id"), int) else 0
    comments = [e for e in entries if _is_thread_comment(e)]
    skipped = len(entries) - len(comments)
    children = [
        {
            "id": c.get("id"),
            "author": c.get("author", c.get("by")),
            "text": c.get("text"),
            "created_at_i": c.get("created_at_i", c.get("time")),
            "parent_id": story,
            "story_id": story,
            "type": "comment",
            "children": [],
        }
        for c in comments
    ]
    tree = {"id": story, "title": thread.get("title"), "children": children}
    page = _json_page("hn", token, url, tree, fetched_at)
    return SavedPayload(
        source,
        _board("hn", token),
        [page],
        len(children),
        skipped=skipped,
        skipped_reason="not thread comments (job stories or non-objects)" if skipped else None,
        comment_ids=[str(c["id"]) for c in children],
    )


def _is_thread_comment(entry: Any) -> bool:
    return isinstance(entry, dict) and entry.get("source", HN_THREAD_ENTRY) == HN_THREAD_ENTRY


_REBUILDERS = {
    "greenhouse": _greenhouse,
    "ashby": _ashby,
    "lever": _lever,
    "smartrecruiters": _smartrecruiters,
    "hn": _hn,
}
