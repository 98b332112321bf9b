"""The monthly "Ask HN: Who is hiring?" threads for the fictional market, as Algolia serves them.

The thread search lists every month's three `whoishiring` stories (hiring, wants to be
hired, freelancer) up to the night; the latest hiring thread's item tree holds one
top-level comment per group of cross-posted jobs (a company's jobs opened in the same
sample week share a comment, at most three roles each, written as a role list or as bullet
lines), plus what real threads also hold: a deleted comment, a question that is not a job,
and a reply. Comments are HTML with HN's entity escaping (`&#x2F;`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from typing import Any

from pipeline.snapshot import snapshot_key
from pipeline.sources.hn import SEARCH_PARAMS, HackerNews
from sample.text import SYMBOL
from sample.world import FIRST_NIGHT, Job

FIRST_MONTH = date(2026, 6, 1)
ROLES_PER_COMMENT = 3
STORY_TITLES = (
    "Ask HN: Who is hiring? ({})",
    "Ask HN: Who wants to be hired? ({})",
    "Ask HN: Freelancer? Seeking freelancer? ({})",
)


def months_until(night: date) -> list[date]:
    out, month = [], FIRST_MONTH
    while month <= night:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def story_id(month: date, kind: int = 0) -> int:
    return 47000000 + 100000 * ((month.year - 2026) * 12 + month.month) + kind


def edition(night: date) -> str:
    """The thread a night's comments belong to."""
    return str(story_id(months_until(night)[-1]))


def _at(day: date, hour: int = 15) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def comment_groups(world: list[Job], night: date) -> list[list[Job]]:
    """The comments of the night's latest thread, each a list of one company's jobs."""
    thread = months_until(night)[-1]
    groups: dict[tuple[str, int], list[Job]] = defaultdict(list)
    for job in world:
        if "hn" not in job.also_on or job.opened > night:
            continue
        if job.closed is not None and job.closed <= thread:
            continue
        week = max(0, math.ceil((job.opened - FIRST_NIGHT).days / 7))
        groups[(job.company.name, week)].append(job)
    out = []
    for _, jobs in sorted(groups.items()):
        jobs.sort(key=lambda j: j.key)
        out += [jobs[i : i + ROLES_PER_COMMENT] for i in range(0, len(jobs), ROLES_PER_COMMENT)]
    return out


def listed(world: list[Job], night: date) -> list[Job]:
    return [job for group in comment_groups(world, night) for job in group]


def _pay(job: Job) -> str | None:
    if not job.salary or job.salary_shown == "none":
        return None
    low, high, currency, period = job.salary
    symbol = SYMBOL.get(currency, currency + " ")
    if period == "hour":
        return f"{symbol}{low:.0f}-{symbol}{high:.0f}/hr"
    return f"{symbol}{low / 1000:.0f}K-{symbol}{high / 1000:.0f}K"


def _hn_escape(text: str) -> str:
    return escape(text, quote=True).replace("/", "&#x2F;")


def comment_html(jobs: list[Job]) -> str:
    first = jobs[0]
    company = first.company
    domain = company.name.lower().replace(" ", "") + ".example"
    where = "REMOTE (US)" if first.workplace == "remote" else first.places[0].label
    arrangement = {"remote": "", "hybrid": " | Hybrid", "onsite": " | ONSITE"}[first.workplace]
    link = f'<a href="https://{domain}/careers" rel="nofollow">https://{domain}/careers</a>'
    pitch = f"<p>We are {company.name}: {company.industry} with a small, senior team.</p>"
    if len(jobs) > 1 and first.key % 2:
        bullets = "".join(f"\n- {j.title}" + (f" ({_pay(j)})" if _pay(j) else "") for j in jobs)
        header = f"{company.name} ({domain}) | {where}{arrangement} | Full-time{bullets}"
    else:
        pays = [p for p in map(_pay, jobs) if p]
        pay = f" | {pays[0]}" if pays else ""
        titles = ", ".join(j.title for j in jobs)
        header = f"{company.name} | {titles} | {where}{arrangement}{pay}"
    return _hn_escape(header) + pitch + f"<p>Apply: {link}</p>"


def _comment(
    cid: int, story: int, when: datetime, author: str | None, text: str | None
) -> dict[str, Any]:
    return {
        "id": cid,
        "created_at": when.isoformat().replace("+00:00", "Z"),
        "created_at_i": int(when.timestamp()),
        "type": "comment",
        "author": author,
        "text": text,
        "points": None,
        "parent_id": story,
        "story_id": story,
        "options": [],
        "children": [],
    }


def thread_json(world: list[Job], night: date) -> dict[str, Any]:
    month = months_until(night)[-1]
    story = story_id(month)
    children = [
        _comment(story + 1, story, _at(month, 16), None, None),
        _comment(
            story + 2,
            story,
            _at(month, 17),
            "curious_dev",
            "Is anyone hiring in Denver? Would love to see more onsite options this month.",
        ),
    ]
    for jobs in comment_groups(world, night):
        opened = max(_at(month), _at(max(j.opened for j in jobs), 18))
        cid = story + 10 + jobs[0].key
        when = opened + timedelta(minutes=jobs[0].key % 240)
        author = jobs[0].company.name.split()[0].lower() + "_hiring"
        children.append(_comment(cid, story, when, author, comment_html(jobs)))
    if len(children) > 2:
        reply = _comment(
            story + 3, children[2]["id"], _at(month, 20), "asker", "Is this open to EU?"
        )
        reply["story_id"] = story
        children[2]["children"].append(reply)
    return {
        "id": story,
        "created_at": _at(month).isoformat().replace("+00:00", "Z"),
        "created_at_i": int(_at(month).timestamp()),
        "type": "story",
        "author": "whoishiring",
        "title": STORY_TITLES[0].format(month.strftime("%B %Y")),
        "url": None,
        "text": "<p>Please state the location and include REMOTE for remote work.</p>",
        "points": 400,
        "parent_id": None,
        "story_id": story,
        "options": [],
        "children": children,
    }


def search_json(night: date) -> dict[str, Any]:
    hits = []
    for month in reversed(months_until(night)):
        for kind, title in enumerate(STORY_TITLES):
            sid = story_id(month, kind)
            hits.append(
                {
                    "objectID": str(sid),
                    "title": title.format(month.strftime("%B %Y")),
                    "author": "whoishiring",
                    "created_at": _at(month).isoformat().replace("+00:00", "Z"),
                    "created_at_i": int(_at(month).timestamp()),
                    "num_comments": 400,
                    "points": 300,
                    "story_id": sid,
                    "_tags": ["story", "author_whoishiring", f"story_{sid}", "ask_hn"],
                }
            )
    return {"hits": hits, "nbHits": len(hits), "page": 0, "nbPages": 1, "hitsPerPage": 50}


def render(world: list[Job], night: date) -> dict[str, Any]:
    base = HackerNews.default_base_url
    story = story_id(months_until(night)[-1])
    return {
        snapshot_key(f"{base}/search_by_date", SEARCH_PARAMS): search_json(night),
        snapshot_key(f"{base}/items/{story}"): thread_json(world, night),
    }
