"""Settings: where data lives, which boards to read, and how politely.

Resolution order for every path: explicit argument, then environment variable, then the
config file, then the default under `./data`. Environment variables:

- `JOBTRENDS_CONFIG`: path to a sources TOML (default: the bundled `config/sources.toml`)
- `JOBTRENDS_MODE`: `sample` or `live`
- `JOBTRENDS_DATA_DIR`: root for the warehouse, raw archive and reports (default `./data`)
- `JOBTRENDS_DB`: the DuckDB file (default `<data dir>/warehouse.duckdb`)
- `JOBTRENDS_TIMEZONE`: the IANA zone the schedules and "tonight" are read in
- `JOBTRENDS_TASK_RUNNER`: `thread` or `dask`; `JOBTRENDS_DASK_ADDRESS`: an existing scheduler

This package stands alone at the bottom of the tree, so every layer can read the settings
without dragging in another: it reads the file into plain values and checks it against
`config.schema` (every key known, of the right type, in range: a misspelt `min_intervall`
fails naming the file, the key and its line instead of being ignored). What needs the code
above it (which sources exist, their defaults, which `[http]` keys the client takes) is
checked where that code lives, `ingest.plan.check`, before anything runs.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.errors import ConfigError
from config.schema import validate

Mode = Literal["sample", "live"]
RunnerKind = Literal["thread", "dask"]


@dataclass(frozen=True, slots=True)
class BoardConfig:
    token: str
    company: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One `[sources.NAME]` table as written; `None` means the source's own default."""

    name: str
    boards: tuple[BoardConfig, ...]
    base_url: str | None = None
    min_interval: float | None = None
    max_concurrency: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Orchestration:
    """How the flows are scheduled, retried and scaled: `[schedule]`, `[orchestration]`,
    `[runner]` and `[notify]` in the config file. Defaults suit one machine running nightly."""

    nightly_cron: str = "0 2 * * *"
    weekly_cron: str = "0 6 * * 1"
    fetch_retries: int = 2
    retry_delay_seconds: float = 300.0
    fetch_timeout_seconds: float = 1800.0
    parse_timeout_seconds: float = 600.0
    load_retries: int = 3
    lock_wait_seconds: float = 30.0
    night_budget_seconds: float = 6 * 3600.0
    """Longest a night may spend fetching; boards not reached by then are read first next
    night. 0 means no budget."""
    runner: RunnerKind = "thread"
    dask_address: str | None = None
    dask_workers: int = 2
    webhook_url: str | None = None


TUNING_KEYS = frozenset(
    {
        "fetch_retries",
        "retry_delay_seconds",
        "fetch_timeout_seconds",
        "parse_timeout_seconds",
        "load_retries",
        "lock_wait_seconds",
        "night_budget_seconds",
    }
)


@dataclass(frozen=True, slots=True)
class Settings:
    mode: Mode
    data_dir: Path
    db_path: Path
    archive_dir: Path
    reports_dir: Path
    http: dict[str, Any]
    """The `[http]` table as written: `pipeline.http.HttpSettings` keyword arguments."""
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    timezone: str = "UTC"
    config_path: str = "<bundled>"
    orchestration: Orchestration = field(default_factory=Orchestration)


def load_settings(
    config_path: str | Path | None = None,
    *,
    mode: str | None = None,
    data_dir: str | Path | None = None,
    db_path: str | Path | None = None,
) -> Settings:
    raw, origin = _read(config_path or os.environ.get("JOBTRENDS_CONFIG"))
    chosen = mode or os.environ.get("JOBTRENDS_MODE") or raw.get("mode", "sample")
    if chosen not in ("sample", "live"):
        raise ConfigError(f"mode must be 'sample' or 'live', not {chosen!r}")
    root = Path(data_dir or os.environ.get("JOBTRENDS_DATA_DIR") or raw.get("data_dir") or "data")
    db = Path(
        db_path or os.environ.get("JOBTRENDS_DB") or raw.get("db_path") or root / "warehouse.duckdb"
    )
    http = raw.get("http", {})
    if not isinstance(http, dict):
        raise ConfigError(f"{origin}: [http] must be a table")
    return Settings(
        mode=chosen,  # type: ignore[arg-type]
        data_dir=root,
        db_path=db,
        archive_dir=root / "raw",
        reports_dir=root / "reports",
        http=http,
        sources={
            name: _source(name, body, origin) for name, body in raw.get("sources", {}).items()
        },
        timezone=_timezone(os.environ.get("JOBTRENDS_TIMEZONE") or raw.get("timezone"), origin),
        config_path=origin,
        orchestration=_orchestration(raw, origin),
    )


def _timezone(name: str | None, origin: str) -> str:
    """Fail at load time, not at 02:00, when the zone name is misspelt."""
    name = name or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{origin}: unknown timezone {name!r}") from exc
    return name


def _orchestration(raw: dict[str, Any], origin: str) -> Orchestration:
    schedule = raw.get("schedule", {})
    tuning = raw.get("orchestration", {})
    runner = raw.get("runner", {})
    kind = os.environ.get("JOBTRENDS_TASK_RUNNER") or runner.get("kind", "thread")
    if kind not in ("thread", "dask"):
        raise ConfigError(f"{origin}: [runner] kind must be 'thread' or 'dask', not {kind!r}")
    unknown = set(tuning) - TUNING_KEYS
    if unknown:
        raise ConfigError(f"{origin}: unknown [orchestration] keys {sorted(unknown)}")
    defaults = Orchestration()
    try:
        return Orchestration(
            nightly_cron=str(schedule.get("nightly", defaults.nightly_cron)),
            weekly_cron=str(schedule.get("weekly", defaults.weekly_cron)),
            fetch_retries=int(tuning.get("fetch_retries", defaults.fetch_retries)),
            retry_delay_seconds=float(
                tuning.get("retry_delay_seconds", defaults.retry_delay_seconds)
            ),
            fetch_timeout_seconds=float(
                tuning.get("fetch_timeout_seconds", defaults.fetch_timeout_seconds)
            ),
            parse_timeout_seconds=float(
                tuning.get("parse_timeout_seconds", defaults.parse_timeout_seconds)
            ),
            load_retries=int(tuning.get("load_retries", defaults.load_retries)),
            lock_wait_seconds=float(tuning.get("lock_wait_seconds", defaults.lock_wait_seconds)),
            night_budget_seconds=float(
                tuning.get("night_budget_seconds", defaults.night_budget_seconds)
            ),
            runner=kind,
            dask_address=os.environ.get("JOBTRENDS_DASK_ADDRESS") or runner.get("address"),
            dask_workers=int(runner.get("n_workers", defaults.dask_workers)),
            webhook_url=raw.get("notify", {}).get("webhook_url") or None,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin}: {exc}") from exc


def read_file(path: str | Path | None, bundled: str, what: str) -> str:
    """The text of `path`, or of the file `bundled` in this package when no path is given:
    the config and the board registry both ship a default the user may replace, and an
    unreadable file is one line naming it (`what` says which kind), never a traceback."""
    if path is None:
        return resources.files("config").joinpath(bundled).read_text(encoding="utf-8")
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {what}{path}: {exc.strerror or exc}") from exc


def _read(path: str | Path | None) -> tuple[dict[str, Any], str]:
    text = read_file(path, "sources.toml", "config ")
    origin = "<bundled config/sources.toml>" if path is None else str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: {exc}") from exc
    validate(raw, text, origin)
    return raw, origin


def _source(name: str, body: dict[str, Any], origin: str) -> SourceConfig:
    known = {"boards", "base_url", "min_interval", "max_concurrency", "enabled"}
    options = {k: v for k, v in body.items() if k not in known}
    boards = []
    for entry in body.get("boards", []):
        if not isinstance(entry, dict) or not entry.get("token"):
            raise ConfigError(f"{origin}: every [sources.{name}] board needs a token: {entry!r}")
        boards.append(
            BoardConfig(
                token=str(entry["token"]),
                company=str(entry.get("company") or entry["token"]),
                options=dict(entry.get("options", {})),
            )
        )
    return SourceConfig(
        name=name,
        boards=tuple(boards),
        base_url=_optional(body, "base_url", str),
        min_interval=_optional(body, "min_interval", float),
        max_concurrency=_optional(body, "max_concurrency", int),
        options=options,
        enabled=bool(body.get("enabled", True)),
    )


def _optional(body: dict[str, Any], key: str, kind: type) -> Any:
    return None if body.get(key) is None else kind(body[key])
