"""The real nightly and weekly flows under a Prefect test server, on the bundled sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
import responses

from flows.nightly import nightly, replay_sample
from flows.weekly import weekly
from ingest.plan import sample_nights
from tests.support import (
    greenhouse_boards,
    greenhouse_job,
    greenhouse_listing,
    live_config_text,
    snapshot,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_sample_replay_loads_two_sources_and_reruns_change_nothing(replayed) -> None:
    nights = sample_nights()[:3]
    db, first = replayed(nights)
    con = duckdb.connect(str(db), read_only=True)
    sources = dict(con.execute("SELECT source, count(*) FROM postings GROUP BY 1").fetchall())
    closed = con.execute("SELECT count(*) FROM postings WHERE closed_at IS NOT NULL").fetchone()[0]
    con.close()
    assert set(sources) == {
        "greenhouse",
        "lever",
        "ashby",
        "workable",
        "smartrecruiters",
        "remoteok",
        "remotive",
        "hn",
        "jsonld",
    }
    assert sources["greenhouse"] > 50 and sources["lever"] > 50
    assert closed > 0

    replay_sample(nights=nights)
    assert snapshot(db) == first


def test_weekly_report_for_latest_week_mentions_sample(data_dir: Path) -> None:
    night = sample_nights()[-1]
    nightly(night=night, mode="sample")
    path = Path(weekly())
    assert path.parent.name == f"{night.isocalendar().year}-W{night.isocalendar().week:02d}"
    text = path.read_text()
    assert "Sample data" in text
    assert "## Does the guide hold?" in text and "## Role demand" in text
    for claim in ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8"):
        assert f"| **{claim}**" in text
    assert (path.parent / "report.html").exists() and (path.parent / "guide_check.csv").exists()
    shown = latest_artifact("weekly-report")
    assert (path.parent / "report.html").resolve().as_uri() in shown.data
    assert "## Does the guide hold?" in shown.data and "](data:image/svg+xml;base64," in shown.data
    assert latest_artifact("weekly-report-html").data.endswith("/report.html)")


def latest_artifact(key: str):
    """What the Prefect UI shows under `key`: the newest artifact with that key."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC,
            limit=1,
        )
    return artifact


def test_weekly_report_for_unknown_week_says_no_data(data_dir: Path) -> None:
    nightly(night=sample_nights()[0], mode="sample")
    path = Path(weekly(week="2020-W01"))
    assert "no data" in path.read_text()


LIVE_CONFIG = live_config_text(
    greenhouse_boards(("goodco", "Good Co"), ("brokenco", "Broken Co"))
    + '[sources.lever]\nmin_interval = 0\nboards = [{ token = "leverco", company = "Lever Co" }]\n',
    max_retries=1,
    orchestration="fetch_retries = 0",
)


@responses.activate
def test_a_failing_board_is_recorded_and_the_others_load(data_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(LIVE_CONFIG)
    gh = "https://boards-api.greenhouse.io/v1/boards"
    responses.get(
        f"{gh}/goodco/jobs",
        json=greenhouse_listing(greenhouse_job()),
    )
    responses.get(f"{gh}/brokenco/jobs", status=503)
    responses.get("https://api.lever.co/v0/postings/leverco", body="<html>not json</html>")

    state = nightly(night=date(2026, 11, 20), config_path=str(config), return_state=True)

    assert state.name == "Partially failed"
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    runs = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT board, status, error, pages FROM runs ORDER BY board"
        ).fetchall()
    }
    titles = con.execute("SELECT source, title FROM postings").fetchall()
    archived = con.execute("SELECT count(*) FROM raw_payloads WHERE board = 'leverco'").fetchone()
    con.close()
    assert runs["goodco"][0] == "success"
    assert runs["brokenco"][0] == "failed" and "503" in runs["brokenco"][1]
    assert runs["leverco"][0] == "failed" and "not JSON" in runs["leverco"][1]
    assert runs["leverco"][2] == 1
    assert titles == [("greenhouse", "ML Engineer")]
    assert archived == (1,)
    assert len(responses.calls) == 1 + 2 + 1
