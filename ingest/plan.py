"""Plan: which boards tonight reads, each with its configured source, and which night it is.

The config package holds the file as written; this step turns it into `Source` objects (the
source class supplies every default the file leaves out) and is where a source name or an
`[http]` key the code does not know fails, naming the ones it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

from config import ConfigError, Settings, SourceConfig
from ingest.records import PlannedBoard
from pipeline.http import HttpSettings
from pipeline.models import Board
from pipeline.sources import REGISTRY, get_source
from pipeline.sources.base import Source, SourceSettings
from sample.recorded import sample_manifest


def sample_nights() -> list[date]:
    return sorted(date.fromisoformat(n) for n in sample_manifest()["nights"])


def default_night(settings: Settings) -> date:
    """Today in the configured timezone, so a 02:00 run files under the night it ran in;
    in sample mode the sample's last night."""
    if settings.mode == "sample":
        return sample_nights()[-1]
    return datetime.now(ZoneInfo(settings.timezone)).date()


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
    """The boards this run reads: the sample's own boards, or the configured live ones."""
    check(settings)
    boards = sample_boards() if settings.mode == "sample" else live_boards(settings)
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
