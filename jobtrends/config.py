"""Settings: where data lives, which boards to read, and how politely.

Resolution order for every path: explicit argument, then environment variable, then the
config file, then the default under `./data`. Environment variables:

- `JOBTRENDS_CONFIG`: path to a sources TOML (default: the bundled `jobtrends/sources.toml`)
- `JOBTRENDS_MODE`: `sample` or `live`
- `JOBTRENDS_DATA_DIR`: root for the warehouse, raw archive and reports (default `./data`)
- `JOBTRENDS_DB`: the DuckDB file (default `<data dir>/warehouse.duckdb`)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pipeline.http import HttpSettings
from pipeline.models import Board
from pipeline.sources import REGISTRY
from pipeline.sources.base import SourceSettings

Mode = Literal["sample", "live"]


class ConfigError(ValueError):
    """The config file or environment asks for something that cannot work."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    settings: SourceSettings
    boards: tuple[Board, ...]
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Settings:
    mode: Mode
    data_dir: Path
    db_path: Path
    archive_dir: Path
    reports_dir: Path
    http: HttpSettings
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    timezone: str = "UTC"
    config_path: str = "<bundled>"


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
    http_raw = raw.get("http", {})
    try:
        http = HttpSettings(**http_raw)
    except TypeError as exc:
        raise ConfigError(f"[http] in {origin}: {exc}") from exc
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
        timezone=raw.get("timezone", "UTC"),
        config_path=origin,
    )


def _read(path: str | Path | None) -> tuple[dict[str, Any], str]:
    if path is None:
        text = resources.files("jobtrends").joinpath("sources.toml").read_text(encoding="utf-8")
        origin = "<bundled jobtrends/sources.toml>"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        origin = str(path)
    try:
        return tomllib.loads(text), origin
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: {exc}") from exc


def _source(name: str, body: dict[str, Any], origin: str) -> SourceConfig:
    if name not in REGISTRY:
        raise ConfigError(f"{origin}: unknown source [sources.{name}]; known: {sorted(REGISTRY)}")
    cls = REGISTRY[name]
    known = {"boards", "base_url", "min_interval", "max_concurrency", "enabled"}
    options = {k: v for k, v in body.items() if k not in known}
    boards = []
    for entry in body.get("boards", []):
        if not isinstance(entry, dict) or not entry.get("token"):
            raise ConfigError(f"{origin}: every [sources.{name}] board needs a token: {entry!r}")
        boards.append(
            Board(
                source=name,
                token=str(entry["token"]),
                company=str(entry.get("company") or entry["token"]),
                options=dict(entry.get("options", {})),
            )
        )
    return SourceConfig(
        name=name,
        settings=SourceSettings(
            base_url=str(body.get("base_url", cls.default_base_url)),
            min_interval=float(body.get("min_interval", cls.default_min_interval)),
            max_concurrency=int(body.get("max_concurrency", cls.default_max_concurrency)),
            options=options,
        ),
        boards=tuple(boards),
        enabled=bool(body.get("enabled", True)),
    )
