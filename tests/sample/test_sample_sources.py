"""The offline sample feeds every adapter through the real fetch path and parses cleanly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pipeline.http import HttpClient, HttpSettings
from pipeline.models import Board
from pipeline.snapshot import SnapshotAdapter
from pipeline.sources import REGISTRY, get_source
from sample import AGGREGATORS, boards, duplicates, render_nights
from sample.world import build_world, nights


@pytest.fixture(scope="module")
def last_night() -> tuple[date, dict[str, dict[str, Any]]]:
    night = nights()[-1]
    return night, render_nights()[night]


def replay(responses: dict[str, dict[str, Any]]) -> tuple[HttpClient, SnapshotAdapter]:
    client = HttpClient(HttpSettings(user_agent="jobtrends-test"), sleep=lambda s: None)
    adapter = SnapshotAdapter(responses)
    client.session.mount("https://", adapter)
    return client, adapter


def test_every_source_has_sample_boards_that_parse(last_night: tuple[date, dict]) -> None:
    night, responses = last_night
    client, adapter = replay(responses)
    seen: dict[str, int] = {}
    world = build_world()
    for spec in boards():
        board = Board(spec["source"], spec["token"], spec["company"], spec["options"])
        source = get_source(board.source)
        result = source.parse(list(source.fetch(client, board, "t")), board)
        assert result.postings, board
        assert {e.reason for e in result.errors} <= {"not fetched: disallowed by robots.txt"}
        seen[board.source] = seen.get(board.source, 0) + len(result.postings)
    assert set(seen) == set(REGISTRY)
    assert not [url for url in adapter.requested if "/internal/" in url]
    for aggregator in AGGREGATORS:
        assert seen[aggregator.source] == len(aggregator.listed(world, night))


def test_duplicates_block_counts_cross_posted_jobs() -> None:
    counts = duplicates()
    assert counts["cross_posted_jobs"] > 0
    assert counts["duplicate_sightings"] == sum(counts["sightings_by_source"].values())
    assert counts["duplicate_sightings"] >= counts["cross_posted_jobs"]
