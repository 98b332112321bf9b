"""The nightly flow labels once per content: on a night where one posting of a board changed,
that posting alone is classified and the run records what it labelled and reused; a cached
parse that relied on a stored label which has since moved is labelled again before it
loads. Either way the warehouse holds what a run labelling every posting holds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import responses

from flows.nightly import nightly
from ingest import parse as parse_step
from ingest.records import RunSummary
from tests.support import (
    LIVE_FACTS,
    MIXED_TITLES,
    count_classifier_calls,
    count_parses,
    greenhouse_boards,
    label_counts,
    labelling_everything,
    one_job_listing,
    serve_greenhouse,
    snapshot,
    titled_listing,
    write_live_config,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")

NIGHTS = [date(2026, 11, 16) + timedelta(days=n) for n in range(4)]
RETITLED = {12: "LLM Engineer"}


def _night(config: str, night: date, acme: dict[str, Any]) -> RunSummary:
    serve_greenhouse(acme=acme, beta=one_job_listing())
    return nightly(night=night, config_path=config)


def _from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, listings: list[dict[str, Any]]
) -> dict[str, list[tuple]]:
    """The same nights run labelling every posting, into a fresh data directory."""
    with labelling_everything(monkeypatch, tmp_path) as db:
        for night, acme in zip(NIGHTS, listings, strict=False):
            _night(config, night, acme)
    return snapshot(db, LIVE_FACTS)


@responses.activate
def test_a_night_with_one_changed_posting_classifies_that_posting_alone(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_live_config(tmp_path, greenhouse_boards("acme", "beta"))
    listings = [titled_listing(), titled_listing(RETITLED)]
    _night(config, NIGHTS[0], listings[0])
    calls = count_classifier_calls(monkeypatch)

    summary = _night(config, NIGHTS[1], listings[1])

    db = data_dir / "warehouse.duckdb"
    assert calls == ["LLM Engineer"]
    assert [(r["labelled"], r["labels_reused"]) for r in summary.by_source()] == [(1, 12)]
    assert label_counts(db, NIGHTS[0]) == {"acme": (12, 0), "beta": (1, 0)}
    assert label_counts(db, NIGHTS[1]) == {"acme": (1, 11), "beta": (0, 1)}
    assert snapshot(db, LIVE_FACTS) == _from_scratch(tmp_path, monkeypatch, config, listings)


@responses.activate
def test_a_cached_parse_relying_on_a_moved_label_is_labelled_again(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Night 4 lists what night 2 did, so its parse is read from the cache: a result that
    left job 1 to the label stored before night 2. Night 3 retitled job 1, so that label has
    moved, and job 1 is labelled again at the load: the one classification of the night."""
    config = write_live_config(tmp_path, greenhouse_boards("acme", "beta"))
    listings = [
        titled_listing(),
        titled_listing(RETITLED),
        titled_listing({1: "Recruiter"} | RETITLED),
    ]
    for night, acme in zip(NIGHTS, listings, strict=False):
        _night(config, night, acme)
    listings.append(listings[1])
    parse = parse_step.parse_board
    parsed = count_parses(monkeypatch, parse_step)
    calls = count_classifier_calls(monkeypatch)

    _night(config, NIGHTS[3], listings[3])

    db = data_dir / "warehouse.duckdb"
    assert parsed == [], "both boards list what an earlier night did: read from the cache"
    assert calls == [MIXED_TITLES[1]]
    assert label_counts(db, NIGHTS[3]) == {"acme": (1, 11), "beta": (0, 1)}
    monkeypatch.setattr(parse_step, "parse_board", parse)
    assert snapshot(db, LIVE_FACTS) == _from_scratch(tmp_path, monkeypatch, config, listings)
