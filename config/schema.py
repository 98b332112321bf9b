"""The sources TOML's schema: which keys each table takes, their types and their ranges.

TOML parsing alone accepts any key, so a misspelt `min_intervall` used to be carried along
and ignored, and `max_concurrency = "2"` failed hours later inside a fetch. Every table is
checked here when the file is read; the first problem stops it with the file, the key and
the line it is on (`tomllib` keeps no positions, so the line is found in the text). `[http]`
keys belong to the HTTP client and are named by `ingest.plan.http_settings`, which knows
them; their values are typed here only where they are plainly numbers or text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from config.errors import ConfigError

Check = Callable[[Any], str | None]
"""A value check: `None` when fine, else what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Key:
    kinds: tuple[type, ...]
    check: Check | None = None

    def problem(self, value: Any) -> str | None:
        """Why `value` does not fit (bools are not numbers here, though Python says so)."""
        if isinstance(value, bool) and bool not in self.kinds:
            return f"must be {_kind_names(self.kinds)}, not a boolean"
        if not isinstance(value, self.kinds):
            return f"must be {_kind_names(self.kinds)}, not {type(value).__name__} {value!r}"
        return self.check(value) if self.check else None


def _kind_names(kinds: tuple[type, ...]) -> str:
    names = {str: "text", int: "an integer", float: "a number", bool: "true or false"}
    names |= {dict: "a table", list: "an array"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def at_least(low: float) -> Check:
    return lambda value: None if value >= low else f"must be at least {low:g}, not {value!r}"


def positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, not {value!r}"


def fraction(value: float) -> str | None:
    return None if 0 < value <= 1 else f"must be a fraction in (0, 1], not {value!r}"


def one_of(*choices: str) -> Check:
    return lambda value: (
        None if value in choices else f"must be one of {', '.join(choices)}, not {value!r}"
    )


def cron(value: str) -> str | None:
    fields = value.split()
    return None if len(fields) == 5 else f"must be a 5-field cron line, not {value!r}"


def url_or_empty(value: str) -> str | None:
    ok = value == "" or re.match(r"^https?://[^\s/]+", value)
    return None if ok else f"must be an http(s) URL or empty, not {value!r}"


def non_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


TEXT = Key((str,))
NUMBER = Key((int, float), at_least(0))
COUNT = Key((int,), at_least(0))
TABLE = Key((dict,))

TOP = {
    "mode": Key((str,), one_of("sample", "live")),
    "timezone": TEXT,
    "data_dir": Key((str,), non_empty),
    "db_path": Key((str,), non_empty),
    "http": TABLE,
    "sources": TABLE,
    "schedule": TABLE,
    "orchestration": TABLE,
    "runner": TABLE,
    "notify": TABLE,
}
TABLES = {
    "schedule": {"nightly": Key((str,), cron), "weekly": Key((str,), cron)},
    "orchestration": {
        "fetch_retries": COUNT,
        "retry_delay_seconds": NUMBER,
        "fetch_timeout_seconds": Key((int, float), positive),
        "parse_timeout_seconds": Key((int, float), positive),
        "load_retries": COUNT,
        "lock_wait_seconds": NUMBER,
        "night_budget_seconds": Key((int, float), positive),
    },
    "runner": {
        "kind": Key((str,), one_of("thread", "dask")),
        "address": TEXT,
        "n_workers": Key((int,), at_least(1)),
    },
    "notify": {"webhook_url": Key((str,), url_or_empty)},
}
SOURCE = {
    "boards": Key((list,)),
    "base_url": Key((str,), url_or_empty),
    "min_interval": NUMBER,
    "max_concurrency": Key((int,), at_least(1)),
    "enabled": Key((bool,)),
    "suspect_fraction": Key((int, float), fraction),
}
BOARD = {
    "token": Key((str,), non_empty),
    "company": TEXT,
    "options": TABLE,
}
HTTP_VALUE = Key((str, int, float, bool))


def validate(raw: dict[str, Any], text: str, origin: str) -> None:
    """Raise `ConfigError` on the first key that is unknown, mistyped or out of range."""
    _table(raw, TOP, "", text, origin)
    for name, keys in TABLES.items():
        _table(raw.get(name, {}), keys, name, text, origin)
    for key, value in raw.get("http", {}).items():
        _value(HTTP_VALUE, value, "http", key, text, origin)
    for name, body in raw.get("sources", {}).items():
        where = f"sources.{name}"
        if not isinstance(body, dict):
            raise ConfigError(f"{origin}: [{where}] must be a table{_line(text, '', 'sources')}")
        _table(body, SOURCE, where, text, origin)
        for board in body.get("boards", []):
            if not isinstance(board, dict):
                raise ConfigError(
                    f"{origin}: every board in [{where}] must be a table like "
                    f'{{ token = "acme" }}, not {board!r}{_line(text, where, "boards")}'
                )
            _table(board, BOARD, where, text, origin, inline="board")


def _table(
    body: dict[str, Any],
    keys: dict[str, Key],
    where: str,
    text: str,
    origin: str,
    inline: str = "",
) -> None:
    label = f"{inline} in [{where}]" if inline else (f"[{where}]" if where else "the top level")
    for key, value in body.items():
        rule = keys.get(key)
        if rule is None:
            raise ConfigError(
                f"{origin}: unknown key {key!r} in {label}{_line(text, where, key)}; "
                f"valid: {', '.join(keys)}"
            )
        _value(rule, value, where, key, text, origin)
    if inline == "board" and "token" not in body:
        raise ConfigError(
            f"{origin}: a board in [{where}] has no token{_line(text, where, 'boards')}"
        )


def _value(rule: Key, value: Any, where: str, key: str, text: str, origin: str) -> None:
    problem = rule.problem(value)
    if problem:
        name = f"{where}.{key}" if where else key
        raise ConfigError(f"{origin}: {name} {problem}{_line(text, where, key)}")


def _line(text: str, table: str, key: str) -> str:
    """`(line N)` for where `key` is first set inside `[table]` (or at the top), else ''."""
    current = ""
    pattern = re.compile(rf"(?:^|[{{,\s]){re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0].strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]$", stripped)
        if header:
            current = header.group(1)
            continue
        if current == table and pattern.search(stripped):
            return f" (line {number})"
    return ""
