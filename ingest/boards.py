"""Boards at scale: import, check and discover registry boards, estimate a night, keep health.

A check or a discovery asks each board's API once, through the one HTTP client with the
per-host limits of its source, and only counts what answered: it never parses or loads. Every
answer becomes an attempt for `warehouse.registry.record_results`: a 404 or an empty board is
an outcome recorded with its reason, never an exception that stops the other boards. The
nightly run reports its boards here too (`record_night`), which is how a board that keeps
answering 404 becomes `gone` and drops out of the plan.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from config import ConfigError, Settings, read_file
from ingest.plan import configured_source, http_settings
from ingest.records import FETCH_FAILED, NOT_REACHED, BoardOutcome, BoardSummary, PlannedBoard
from pipeline.http import HostPolicy, HttpClient, HttpError, NotFound
from pipeline.models import Board
from pipeline.sources import REGISTRY
from pipeline.sources.base import Source
from warehouse import registry
from warehouse.db import Connection, open_warehouse

GONE_AFTER_NIGHTS = 3
"""Nights in a row a board must be "not found" before the plan stops reading it."""
ASSUMED_LATENCY = 1.0
"""Seconds one board response is assumed to take when estimating a night (a large board's
single response takes seconds, most take well under one)."""
NOT_FOUND_ERRORS = (f"{FETCH_FAILED}NotFound:", f"{FETCH_FAILED}UnknownBoard:")
DEFAULT_REGISTRY = "boards.csv"


@dataclass(frozen=True, slots=True)
class Probe:
    """How to ask one board's API whether it exists and how many postings it lists."""

    path: str
    params: dict[str, str | int]
    count: Callable[[Any], int | None]
    """Postings in the decoded answer; `None` when the answer is an API's way of saying the
    board does not exist (Workable's account with no name and no jobs)."""


def _jobs(data: Any) -> int:
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ValueError("no `jobs` list in the answer")
    return len(data["jobs"])


def _lever(data: Any) -> int:
    if not isinstance(data, list):
        raise ValueError("not a JSON array")
    return len(data)


def _workable(data: Any) -> int | None:
    jobs = _jobs(data)
    return None if jobs == 0 and not data.get("name") else jobs


def _smartrecruiters(data: Any) -> int:
    if not isinstance(data, dict) or not isinstance(data.get("totalFound"), int):
        raise ValueError("no `totalFound` in the answer")
    return int(data["totalFound"])


PROBES: dict[str, Probe] = {
    "greenhouse": Probe("{token}/jobs", {}, _jobs),
    "lever": Probe("{token}", {"mode": "json"}, _lever),
    "ashby": Probe("{token}", {}, _jobs),
    "workable": Probe("{token}", {}, _workable),
    "smartrecruiters": Probe("{token}/postings", {"limit": 1}, _smartrecruiters),
}
"""The applicant-tracking systems whose boards are one company each, and so can be
registered, checked and discovered; the aggregators are configured in sources.toml only."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One board asked once: `outcome` is one of `warehouse.registry.OUTCOMES`."""

    source: str
    token: str
    outcome: str
    postings: int | None = None
    error: str | None = None
    company: str | None = None
    at: datetime | None = None


def board_source(name: str) -> str:
    """The name, if it is a registry source; otherwise a `ConfigError` naming the valid ones."""
    if name not in PROBES:
        raise ConfigError(f"unknown board source {name!r}; valid: {', '.join(sorted(PROBES))}")
    return name


def source_for(settings: Settings, name: str) -> Source:
    """The source as sources.toml configures it (its base URL and rate), else its defaults."""
    cfg = settings.sources.get(name)
    if cfg is not None:
        return configured_source(cfg, settings.config_path)
    return REGISTRY[name]()


def probe(client: HttpClient, source: Source, token: str) -> Attempt:
    """Ask one board's API once; every way it can go wrong becomes the attempt's reason."""
    spec = PROBES[source.name]
    url = f"{source.base_url}/{spec.path.format(token=token)}"
    try:
        resp = client.get(url, params=spec.params or None)
        found = spec.count(_decode(resp.body))
    except NotFound as exc:
        return Attempt(source.name, token, "not_found", error=str(exc), at=client.now())
    except HttpError as exc:
        return Attempt(source.name, token, "error", error=str(exc), at=client.now())
    except ValueError as exc:
        return Attempt(source.name, token, "error", error=f"{url}: {exc}", at=client.now())
    if found is None:
        reason = f"{url}: answered with no account and no jobs (unknown board)"
        return Attempt(source.name, token, "not_found", error=reason, at=client.now())
    return Attempt(source.name, token, "ok", postings=found, at=client.now())


def _decode(body: bytes) -> Any:
    import json

    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON ({type(exc).__name__})") from exc


def client_for(settings: Settings, sources: Iterable[Source]) -> HttpClient:
    """A client with each source's per-host limit, the same as a night's, that asks once:
    a check records what a board answered now, and retrying an offline or dead board with
    backoff would only make a check of thousands of boards take hours."""
    client = HttpClient(replace(http_settings(settings), max_retries=0))
    for source in sources:
        policy = HostPolicy(source.settings.min_interval, source.settings.max_concurrency)
        hosts = source.hosts(Board(source.name, "", ""))
        for host in hosts:
            client.set_host_policy(host, policy)
        client.allow_hosts(hosts)
    return client


def probe_all(
    client: HttpClient, jobs: Sequence[tuple[Source, str]], workers: int | None = None
) -> list[Attempt]:
    """Probe many boards at once; the client's host gates keep each host within its limits,
    so the pool only needs as many threads as all hosts together may have in flight."""
    if not jobs:
        return []
    caps = {s.name: max(1, s.settings.max_concurrency) for s, _ in jobs}
    with ThreadPoolExecutor(workers or sum(caps.values())) as pool:
        return list(pool.map(lambda job: probe(client, *job), jobs))


def import_file(con: Connection, path: str | Path | None) -> registry.ImportCounts:
    """Import a CSV of `source,token[,company]` (extra columns such as `industry` and
    `last_seen_answering` are kept); no path imports the shipped default registry."""
    text = read_file(path, DEFAULT_REGISTRY, "")
    origin = "default registry" if path is None else f"import {Path(path).name}"
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or not {"source", "token"} <= set(rows[0]):
        raise ConfigError(f"{path or DEFAULT_REGISTRY}: needs a header with source,token")
    frame = pd.DataFrame(rows)
    frame["source"] = frame["source"].str.strip().str.lower()
    frame["token"] = frame["token"].str.strip()
    unknown = sorted(set(frame["source"]) - set(PROBES))
    if unknown:
        raise ConfigError(
            f"{path or DEFAULT_REGISTRY}: unknown source(s) {', '.join(unknown)}; "
            f"valid: {', '.join(sorted(PROBES))}"
        )
    frame = frame[frame["token"] != ""]
    if "origin" not in frame:
        frame["origin"] = origin
    return registry.import_boards(con, frame)


def check(
    settings: Settings,
    source: str | None = None,
    limit: int | None = None,
    client: HttpClient | None = None,
) -> list[Attempt]:
    """Probe registered boards (never-checked and longest-unread first) and record each
    answer. A check is a deliberate look, so one "not found" marks a board `gone` at once,
    and a gone board that answers again is back in the plan."""
    wanted = {board_source(source)} if source else set(PROBES)
    con = open_warehouse(settings.db_path)
    try:
        rows = con.execute(
            """
            SELECT source, token FROM board_registry WHERE enabled
            ORDER BY status <> 'unchecked', last_attempt_at NULLS FIRST, source, token
            """
        ).fetchall()
        rows = [(s, t) for s, t in rows if s in wanted][:limit]
        sources = {name: source_for(settings, name) for name in {s for s, _ in rows}}
        client = client or client_for(settings, sources.values())
        attempts = probe_all(client, [(sources[s], t) for s, t in rows])
        record(con, attempts, datetime.now(UTC).date(), "check", gone_after=1)
    finally:
        con.close()
    return attempts


def record(
    con: Connection, attempts: Sequence[Attempt], night: date, via: str, gone_after: int
) -> int:
    """Write attempts to the registry in one batch; returns how many boards changed status."""
    if not attempts:
        return 0
    now = datetime.now(UTC)
    frame = pd.DataFrame(
        [
            {
                "source": a.source,
                "token": a.token,
                "company": a.company,
                "outcome": a.outcome,
                "postings": a.postings,
                "error": a.error,
                "attempted_at": a.at or now,
            }
            for a in attempts
        ]
    )
    return registry.record_results(con, frame, night, via, gone_after)


def candidates(name_or_domain: str) -> list[str]:
    """The tokens a company is likely to use on an ATS: its name or domain squashed, hyphened
    and (for the case-sensitive SmartRecruiters ids) in its own capitals."""
    text = name_or_domain.strip()
    if "." in text and " " not in text:
        host = re.sub(r"^[a-z]+://", "", text.lower()).split("/")[0]
        labels = [p for p in host.split(".") if p not in ("www", "jobs", "careers")]
        text = labels[0] if labels else host
    words = re.findall(r"[A-Za-z0-9]+", text)
    words = [w for w in words if w.lower() not in ("inc", "ltd", "llc", "gmbh", "corp")] or words
    out = ["".join(words).lower(), "-".join(words).lower(), "".join(words)]
    return [c for c in dict.fromkeys(out) if c]


def discover(
    settings: Settings,
    names: Sequence[str],
    client: HttpClient | None = None,
    add: bool = False,
) -> dict[str, list[Attempt]]:
    """Try each name's likely tokens on every ATS's public API; per name, what answered.

    SmartRecruiters answers an unknown id like an empty board, so an empty answer there is
    not reported as found. With `add`, the boards that answered join the registry.
    """
    sources = {name: source_for(settings, name) for name in PROBES}
    client = client or client_for(settings, sources.values())
    jobs: list[tuple[Source, str]] = []
    owner: list[str] = []
    for name in names:
        for source in sources.values():
            tokens = candidates(name)
            if source.name != "smartrecruiters":
                tokens = list(dict.fromkeys(t.lower() for t in tokens))
            jobs += [(source, t) for t in tokens]
            owner += [name] * len(tokens)
    found: dict[str, list[Attempt]] = {name: [] for name in names}
    for name, attempt in zip(owner, probe_all(client, jobs), strict=True):
        if attempt.outcome == "ok" and (attempt.postings or attempt.source != "smartrecruiters"):
            found[name].append(attempt)
    if add:
        answered = [
            {"source": a.source, "token": a.token, "company": name, "origin": f"discover {name}"}
            for name, attempts in found.items()
            for a in attempts
        ]
        if answered:
            con = open_warehouse(settings.db_path)
            try:
                registry.import_boards(con, pd.DataFrame(answered))
                record(
                    con,
                    [a for v in found.values() for a in v],
                    datetime.now(UTC).date(),
                    "discover",
                    1,
                )
            finally:
                con.close()
    return found


@dataclass(frozen=True, slots=True)
class HostEstimate:
    host: str
    source: str
    boards: int
    max_concurrency: int
    min_interval: float
    seconds: float

    def line(self) -> str:
        return (
            f"{self.boards:,} {self.source} boards at {self.max_concurrency} concurrent, "
            f"{self.min_interval:g} s apart: about {_duration(self.seconds)}"
        )


def estimate(
    planned: Sequence[PlannedBoard], latency: float = ASSUMED_LATENCY
) -> list[HostEstimate]:
    """How long each host's boards take, one list request per board: a host sends no faster
    than one request per `min_interval` (the client's gate spaces all its requests) and no
    faster than `max_concurrency` responses per `latency`. Hosts run side by side, so the
    night takes about as long as its slowest host. Sources that make one call per posting
    (SmartRecruiters, Greenhouse with `fetch_pay`) take longer than this."""
    groups: dict[tuple[str, str], list[PlannedBoard]] = {}
    for item in planned:
        host = (item.source.hosts(item.board) or [item.source.name])[0]
        groups.setdefault((host, item.source.name), []).append(item)
    out = []
    for (host, name), items in sorted(groups.items()):
        settings = items[0].source.settings
        cap = max(1, settings.max_concurrency)
        seconds = len(items) * max(settings.min_interval, latency / cap)
        out.append(HostEstimate(host, name, len(items), cap, settings.min_interval, seconds))
    return out


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"


def estimate_lines(planned: Sequence[PlannedBoard], budget: float | None) -> list[str]:
    """The estimate as printed before a run, with the night's total and its budget."""
    hosts = estimate(planned)
    lines = [h.line() for h in hosts]
    total = max((h.seconds for h in hosts), default=0.0)
    tail = f"night: {len(planned):,} boards, about {_duration(total)}"
    if budget:
        tail += f" (budget {_duration(budget)}"
        tail += "; boards not reached are read first next night)" if total > budget else ")"
    return [*lines, tail]


def not_reached(
    item: PlannedBoard, night: date, run_id: str, mode: str, budget: float
) -> BoardOutcome:
    """A board the night's time budget ran out before: recorded, tried first next night."""
    reason = f"{NOT_REACHED}the night's budget of {_duration(budget)} ran out first"
    return BoardOutcome.unfetched(item, night, run_id, mode, reason)


def split_not_reached(
    outcomes: Sequence[BoardOutcome],
) -> tuple[list[BoardOutcome], list[BoardSummary]]:
    """The outcomes to load, and a summary for each board the budget left untried: those
    are not failures, so nothing about them goes into the runs table."""
    reached, skipped = [], []
    for o in outcomes:
        if (o.error or "").startswith(NOT_REACHED):
            skipped.append(BoardSummary(o.source, o.board, "not-reached", error=o.error))
        else:
            reached.append(o)
    return reached, skipped


def outcome_of(summary: BoardSummary) -> str:
    """A night's board result as a registry outcome."""
    if summary.status == "success":
        return "ok"
    error = summary.error or ""
    if error.startswith(NOT_REACHED):
        return "not_reached"
    return "not_found" if error.startswith(NOT_FOUND_ERRORS) else "error"


def record_night(
    db_path: str | Path,
    night: date,
    summaries: Sequence[BoardSummary],
    gone_after: int = GONE_AFTER_NIGHTS,
) -> int:
    """Record a live night's board results as registry health; the boards changing status."""
    attempts = [
        Attempt(
            s.source,
            s.board,
            outcome_of(s),
            postings=s.fetched if s.status == "success" else None,
            error=s.error,
        )
        for s in summaries
        if s.source in PROBES and s.status != "dry-run"
    ]
    con = open_warehouse(db_path)
    try:
        return record(con, attempts, night, "nightly", gone_after)
    finally:
        con.close()


def deadline_passed(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline
