"""Labels once per content: a board where one posting changed classifies that posting alone,
and the warehouse holds exactly what a load labelling everything holds; in a replay and in
the engine's own nights (one board after another, and streamed)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import responses

from config import Settings, load_settings
from ingest import label, replay
from ingest.history import import_history
from ingest.night import ingest_night, stream_night
from ingest.plan import plan
from tests import support
from tests.integrity import snapshot
from tests.support import (
    LIVE_FACTS,
    count_classifier_calls,
    greenhouse_boards,
    job,
    label_counts,
    labelling_everything,
    one_job_listing,
    serve_greenhouse,
    titled_listing,
    write_capture,
    write_live_config,
)

NIGHTS = [date(2026, 3, 1) + timedelta(days=n) for n in range(3)]
TITLES = ("Machine Learning Engineer", "Data Scientist", "Recruiter", "Senior Data Analyst")


def _listing(changed_title: str | None = None) -> list[dict[str, Any]]:
    """Twelve jobs; with `changed_title`, the last one retitled and the first one updated in a
    field the classifier never reads."""
    jobs = [job(i, TITLES[i % len(TITLES)]) for i in range(1, 13)]
    if changed_title is not None:
        jobs[0] = job(1, TITLES[1], updated_at="2026-03-02T10:00:00-05:00")
        jobs[-1] = job(12, changed_title)
    return jobs


def _capture(root: Path, nights: list[tuple[date, list[dict[str, Any]]]]) -> Path:
    for night, jobs in nights:
        write_capture(root, night, "acme", jobs, f"{night.isoformat()}T03:00:00")
        write_capture(root, night, "beta", [job(40, "Recruiter")], f"{night.isoformat()}T03:00:00")
    return root


def _from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, captures: Path
) -> dict[str, list[tuple]]:
    """The same captures imported into a fresh warehouse with no stored label reused."""
    monkeypatch.setenv("JOBTRENDS_DATA_DIR", str(tmp_path / "scratch"))
    monkeypatch.setattr(replay, "stored_label_keys", lambda con, boards: {})
    settings = load_settings(None)
    import_history(settings, captures, workers=0)
    return snapshot(settings.db_path)


def test_one_changed_posting_on_a_board_is_labelled_alone(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = NIGHTS[:2]
    settings = load_settings(None)
    import_history(settings, _capture(tmp_path / "n1", [(first, _listing())]), workers=0)
    calls = count_classifier_calls(monkeypatch)

    import_history(
        settings, _capture(tmp_path / "n2", [(second, _listing("LLM Engineer"))]), workers=0
    )

    assert calls == ["LLM Engineer"]
    both = _capture(tmp_path / "both", [(first, _listing()), (second, _listing("LLM Engineer"))])
    assert snapshot(settings.db_path) == _from_scratch(tmp_path, monkeypatch, both)


def test_a_posting_changed_and_changed_back_gets_its_content_s_label(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Night 3's parse is given the keys stored before night 2 loads (the replay reads a
    night's keys while the previous night is still queued), so its reused key is stale and
    must be labelled again before the load."""
    captures = _capture(
        tmp_path / "captures",
        [(NIGHTS[0], _listing()), (NIGHTS[1], _listing("LLM Engineer")), (NIGHTS[2], _listing())],
    )
    settings = load_settings(None)

    import_history(settings, captures, workers=0)

    assert snapshot(settings.db_path) == _from_scratch(tmp_path, monkeypatch, captures)


def _streamed(settings: Settings, night: date) -> None:
    stream_night(settings, night, plan(settings), f"stream-{night}")


@pytest.mark.parametrize("run", [ingest_night, _streamed], ids=["one-by-one", "streamed"])
@responses.activate
def test_the_engine_s_night_classifies_only_the_changed_posting(
    run: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_live_config(tmp_path, greenhouse_boards("acme", "beta"))
    settings = load_settings(config)
    listings = [titled_listing(), titled_listing({12: "LLM Engineer"})]
    serve_greenhouse(acme=listings[0], beta=one_job_listing())
    run(settings, NIGHTS[0])
    calls = count_classifier_calls(monkeypatch)
    reads: list[list[tuple[str, str]]] = []
    real = label.stored_label_keys
    monkeypatch.setattr(
        label, "stored_label_keys", lambda con, boards: reads.append(boards) or real(con, boards)
    )

    serve_greenhouse(acme=listings[1], beta=one_job_listing())
    run(settings, NIGHTS[1])

    assert calls == ["LLM Engineer"]
    assert reads == [[("greenhouse", "acme"), ("greenhouse", "beta")]], "one query a night"
    assert label_counts(settings.db_path, NIGHTS[1]) == {"acme": (1, 11), "beta": (0, 1)}
    with labelling_everything(monkeypatch, tmp_path) as scratch:
        for night, acme in zip(NIGHTS, listings, strict=False):
            serve_greenhouse(acme=acme, beta=one_job_listing())
            run(load_settings(config), night)
    assert support.snapshot(settings.db_path, LIVE_FACTS) == support.snapshot(scratch, LIVE_FACTS)


def test_an_unreadable_warehouse_gives_no_keys_and_says_why_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without keys every posting is labelled, which is slower, never wrong; a night of many
    chunks tries the file once."""
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(b"not a DuckDB file" * 100)
    opened: list[Path] = []
    real = label.connect
    monkeypatch.setattr(
        label, "connect", lambda path, **kw: opened.append(path) or real(path, **kw)
    )
    keys = label.StoredLabelKeys(db, [("greenhouse", "acme"), ("greenhouse", "beta")], chunk=1)

    assert keys.take("greenhouse", "acme") == {} and keys.take("greenhouse", "beta") == {}
    assert opened == [db]
    assert (keys.failure or "").startswith("stored label keys not read, every posting labelled")
