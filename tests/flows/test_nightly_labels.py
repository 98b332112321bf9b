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
from ingest import label
from ingest import parse as parse_step
from tests.support import (
    count_classifier_calls,
    greenhouse_boards,
    greenhouse_job,
    greenhouse_listing,
    label_counts,
    snapshot,
    write_live_config,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")

GH = "https://boards-api.greenhouse.io/v1/boards"
NIGHTS = [date(2026, 11, 16) + timedelta(days=n) for n in range(4)]
TITLES = ("Machine Learning Engineer", "Data Scientist", "Recruiter", "Senior Data Analyst")
FACTS = ("postings", "posting_labels", "posting_observations", "posting_versions")
"""What two runs of the same nights must agree on (`raw_payloads` also holds the live fetch
times, which differ between them)."""
BETA = greenhouse_listing(greenhouse_job(40, "Recruiter", url="https://x/beta/40"))


def _acme(retitled: dict[int, str] | None = None) -> dict[str, Any]:
    """Twelve jobs, those in `retitled` under their new titles."""
    titles = {i: TITLES[i % len(TITLES)] for i in range(1, 13)} | (retitled or {})
    return greenhouse_listing(
        *(greenhouse_job(i, title, url=f"https://x/acme/{i}") for i, title in titles.items())
    )


def _night(config: str, night: date, acme: dict[str, Any]) -> None:
    responses.reset()
    responses.get(f"{GH}/acme/jobs", json=acme)
    responses.get(f"{GH}/beta/jobs", json=BETA)
    nightly(night=night, config_path=config)


def _from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, listings: list[dict[str, Any]]
) -> dict[str, list[tuple]]:
    """The same nights run into a fresh data directory (its own archive and parse cache)
    with no stored label key handed to any parse."""
    with monkeypatch.context() as patch:
        patch.setenv("JOBTRENDS_DATA_DIR", str(tmp_path / "scratch"))
        patch.setattr(label.StoredLabelKeys, "take", lambda self, source, board: {})
        for night, acme in zip(NIGHTS, listings, strict=False):
            _night(config, night, acme)
    return snapshot(tmp_path / "scratch" / "warehouse.duckdb", FACTS)


@responses.activate
def test_a_night_with_one_changed_posting_classifies_that_posting_alone(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_live_config(tmp_path, greenhouse_boards("acme", "beta"))
    listings = [_acme(), _acme({12: "LLM Engineer"})]
    _night(config, NIGHTS[0], listings[0])
    calls = count_classifier_calls(monkeypatch)

    _night(config, NIGHTS[1], listings[1])

    db = data_dir / "warehouse.duckdb"
    assert calls == ["LLM Engineer"]
    assert label_counts(db, NIGHTS[0]) == {"acme": (12, 0), "beta": (1, 0)}
    assert label_counts(db, NIGHTS[1]) == {"acme": (1, 11), "beta": (0, 1)}
    assert snapshot(db, FACTS) == _from_scratch(tmp_path, monkeypatch, config, listings)


@responses.activate
def test_a_cached_parse_relying_on_a_moved_label_is_labelled_again(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Night 4 lists what night 2 did, so its parse is read from the cache: a result that
    left job 1 to the label stored before night 2. Night 3 retitled job 1, so that label has
    moved, and job 1 is labelled again at the load: the one classification of the night."""
    config = write_live_config(tmp_path, greenhouse_boards("acme", "beta"))
    listings = [_acme(), _acme({12: "LLM Engineer"}), _acme({1: "Recruiter", 12: "LLM Engineer"})]
    for night, acme in zip(NIGHTS, listings, strict=False):
        _night(config, night, acme)
    listings.append(listings[1])
    parsed: list[str] = []
    parse = parse_step.parse_board

    def counting(source: Any, board: Any, pages: Any, known: Any = None) -> Any:
        parsed.append(board.token)
        return parse(source, board, pages, known)

    monkeypatch.setattr(parse_step, "parse_board", counting)
    calls = count_classifier_calls(monkeypatch)

    _night(config, NIGHTS[3], listings[3])

    db = data_dir / "warehouse.duckdb"
    assert parsed == [], "both boards list what an earlier night did: read from the cache"
    assert calls == [TITLES[1]]
    assert label_counts(db, NIGHTS[3]) == {"acme": (1, 11), "beta": (0, 1)}
    monkeypatch.setattr(parse_step, "parse_board", parse)
    assert snapshot(db, FACTS) == _from_scratch(tmp_path, monkeypatch, config, listings)
