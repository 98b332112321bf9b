"""Plan: which boards tonight reads, each with its configured source, and which night it is.

The config package holds the file as written; this step turns it into `Source` objects (the
source class supplies every default the file leaves out) and is where a source name or an
`[http]` key the code does not know fails, naming the ones it does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from config import ConfigError, Settings, SourceConfig
from ingest.records import PlannedBoard
from pipeline.http import HttpSettings
from pipeline.models import Board
from pipeline.sources import REGISTRY, get_source
from pipeline.sources.base import Source, SourceSettings
from sample.recorded import sample_manifest
from warehouse import registry
from warehouse.db import WarehouseLocked, open_warehouse

REGISTRY_SOURCES = frozenset({"greenhouse", "lever", "ashby", "workable", "smartrecruiters"})
"""Sources whose boards are one company each: the ones the board registry holds."""
log = logging.getLogger(__name__)


def sample_nights() -> list[date]:
    return sorted(date.fromisoformat(n) for n in sample_manifest()["nights"])


def default_night(settings: Settings) -> date:
    """Today in the configured timezone, so a 02:00 run files under the night it ran in;
    in sample mode the sample's last night."""
    if settings.mode == "sample":
        return sample_nights()[-1]
    return datetime.now(ZoneInfo(settings.timezone)).date()


class NightRefused(ConfigError):
    """A night a run must not file fetches under."""


def refuse_future_night(settings: Settings, night: date) -> None:
    """Refuse a night after tomorrow in the configured timezone: a clock jump or a typo,
    whose listing would be every posting's newest sighting until real time caught up."""
    tomorrow = datetime.now(ZoneInfo(settings.timezone)).date() + timedelta(days=1)
    if night > tomorrow:
        raise NightRefused(f"night {night} is after tomorrow ({tomorrow})")


def check_night(settings: Settings, night: date, *, force: bool = False) -> None:
    """What a person may ask a run for: not a night after tomorrow, and in live mode not a
    past night unless `force`, since a live fetch reads today's boards and, filed under a
    past night, would date today's postings back to it."""
    refuse_future_night(settings, night)
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    if settings.mode == "live" and night < today and not force:
        raise NightRefused(
            f"night {night} is in the past: a live run fetches today's boards and would file "
            f"them under {night}; pass --force to record them as a new attempt of that night"
        )


def http_settings(settings: Settings) -> HttpSettings:
    """The client settings from `[http]`; an unknown or missing key fails naming the valid ones."""
    try:
        return HttpSettings(**settings.http)
    except TypeError as exc:
        valid = ", ".join(f.name for f in fields(HttpSettings))
        raise ConfigError(f"[http] in {settings.config_path}: {exc}; valid keys: {valid}") from exc


def configured_source(cfg: SourceConfig, origin: str = "config") -> Source:
    """The source a `[sources.NAME]` table describes, with the class's defaults filled in."""
    cls = REGISTRY.get(cfg.name)
    if cls is None:
        raise ConfigError(
            f"{origin}: unknown source [sources.{cfg.name}]; known: {', '.join(sorted(REGISTRY))}"
        )
    return cls(
        SourceSettings(
            base_url=cfg.base_url if cfg.base_url is not None else cls.default_base_url,
            min_interval=(
                cfg.min_interval if cfg.min_interval is not None else cls.default_min_interval
            ),
            max_concurrency=(
                cfg.max_concurrency
                if cfg.max_concurrency is not None
                else cls.default_max_concurrency
            ),
            options=dict(cfg.options),
        )
    )


def live_boards(settings: Settings) -> list[PlannedBoard]:
    """Every enabled configured board with its source; fails on a source the code lacks."""
    planned = []
    for cfg in settings.sources.values():
        source = configured_source(cfg, settings.config_path)
        if cfg.enabled:
            planned += [
                PlannedBoard(source, Board(cfg.name, b.token, b.company, dict(b.options)))
                for b in cfg.boards
            ]
    return planned


def with_registry(settings: Settings, pinned: list[PlannedBoard]) -> list[PlannedBoard]:
    """The pinned boards plus the registry's enabled, not-gone ones, minus any pin the
    registry has disabled or found gone. A pin keeps its own options; a registry board of a
    source sources.toml configures gets that source's rate and base URL, and none of a
    source the file disables. Each carries its last loaded attempt, for conditional
    requests."""
    if not settings.db_path.exists():
        return pinned
    try:
        con = open_warehouse(settings.db_path)
    except WarehouseLocked as exc:
        log.warning("board registry not read, pinned boards only: %s", exc)
        return pinned
    try:
        skip = registry.skipped(con)
        extra = registry.to_read(con, set(REGISTRY_SOURCES))
        previous = registry.last_attempts(con)
    finally:
        con.close()
    sources: dict[str, Source] = {}
    for name in {b.source for b in extra}:
        cfg = settings.sources.get(name)
        if cfg is None:
            sources[name] = get_source(name)
        elif cfg.enabled:
            sources[name] = configured_source(cfg, settings.config_path)
    pinned_keys = {(p.board.source, p.board.token) for p in pinned}
    kept = [p for p in pinned if (p.board.source, p.board.token) not in skip]
    for b in extra:
        if b.source in sources and (b.source, b.token) not in pinned_keys:
            options = {"industry": b.industry} if b.industry else {}
            kept.append(
                PlannedBoard(
                    sources[b.source], Board(b.source, b.token, b.company or b.token, options)
                )
            )
    return [replace(p, previous=previous.get((p.board.source, p.board.token))) for p in kept]


def check(settings: Settings) -> None:
    """Fail now, not at 02:00, on what only the code can judge: sources and `[http]` keys."""
    http_settings(settings)
    live_boards(settings)


def sample_boards() -> list[PlannedBoard]:
    """The sample's own boards, its industry in each board's options like sources.toml."""
    return [
        PlannedBoard(
            get_source(b["source"]),
            Board(
                b["source"], b["token"], b["company"], {**b["options"], "industry": b["industry"]}
            ),
        )
        for b in sample_manifest()["boards"]
    ]


def plan(
    settings: Settings,
    sources: Sequence[str] | None = None,
    companies: Sequence[str] | None = None,
) -> list[PlannedBoard]:
    """The boards this run reads: the sample's own boards, or the live ones (pinned in
    sources.toml, then the board registry's)."""
    check(settings)
    boards = (
        sample_boards()
        if settings.mode == "sample"
        else with_registry(settings, live_boards(settings))
    )
    wanted_sources = set(sources) if sources else None
    wanted_companies = {c.lower() for c in companies} if companies else None
    return [
        item
        for item in boards
        if (wanted_sources is None or item.board.source in wanted_sources)
        and (
            wanted_companies is None
            or {item.board.token.lower(), item.board.company.lower()} & wanted_companies
        )
    ]
