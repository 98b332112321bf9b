"""The recorded sample: its manifest (boards and nights) and each night's responses.

Read through `importlib.resources`, so an installed package finds the data beside its code.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from importlib import resources
from typing import Any

SAMPLE_PACKAGE = "sample.data"


def sample_manifest() -> dict[str, Any]:
    return json.loads(resources.files(SAMPLE_PACKAGE).joinpath("manifest.json").read_text())


def sample_night(night: date) -> dict[str, dict[str, Any]]:
    """The recorded responses of one sample night, keyed by `pipeline.snapshot.snapshot_key`."""
    name = sample_manifest()["nights"][night.isoformat()]
    data = resources.files(SAMPLE_PACKAGE).joinpath(name).read_bytes()
    return json.loads(gzip.decompress(data))


def truth_groups() -> list[list[str]]:
    """The sample's postings known to be one job (`source:source_id` groups), as generated."""
    return sample_manifest()["duplicates"].get("groups", [])
