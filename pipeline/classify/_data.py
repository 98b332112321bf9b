"""Loading of the classifier's data files.

Every keyword list, rule and table lives in `data/*.toml` so that a change of rules is a
reviewable data diff with its own version. Files are read once per process (functools.cache): the
classifier runs on thousands of postings per second and must not touch the disk per call.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
DATA_FILES = (
    "roles",
    "seniority",
    "workplace",
    "salary",
    "currencies",
    "gazetteer",
    "skills",
    "industries",
    "attributes",
)


@cache
def load(name: str) -> dict[str, Any]:
    """Parse `data/<name>.toml`; a file without `version` is refused, since results built from
    unversioned rules could not be traced back to the rules that made them."""
    with (DATA_DIR / f"{name}.toml").open("rb") as fh:
        data = tomllib.load(fh)
    if not isinstance(data.get("version"), str):
        raise ValueError(f"data/{name}.toml has no string `version`")
    return data


def data_versions() -> dict[str, str]:
    return {name: load(name)["version"] for name in DATA_FILES}


def any_of(patterns: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One compiled alternation: a rule family costs one regex pass, not one per pattern."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
