"""Posting intensity on a replayed history: postings sharing a Greenhouse internal_job_id are
one job, whether posted in two locations the same week or posted again after closing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from config import load_settings
from ingest.history import import_history
from reports.real_market import build
from tests.ingest.test_import_history import job, write_capture
from warehouse.db import open_warehouse
from warehouse.market_history import posting_intensity

NEW_YORK = {"location": {"name": "New York, NY"}}


def test_intensity_counts_requisitions_not_postings(data_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "captures"
    week_one = [
        job(1, "Machine Learning Engineer, Ranking"),
        job(2, "Machine Learning Engineer, Ranking", internal_job_id=5001, **NEW_YORK),
        job(3, "Data Analyst, Growth"),
    ]
    for day in (2, 4):
        write_capture(root, date(2026, 3, day), "acme", week_one, None)
    reposted = job(4, "Data Analyst, Growth Team", internal_job_id=5003)
    write_capture(
        root,
        date(2026, 3, 9),
        "acme",
        [job(1, "Machine Learning Engineer, Ranking"), reposted],
        None,
    )
    import_history(load_settings(None), root, workers=0)

    con = open_warehouse(data_dir / "warehouse.duckdb", read_only=True)
    try:
        rows = posting_intensity(con).to_dict("records")
        document = build(con)
    finally:
        con.close()
    assert rows == [
        {
            "week": "2026-W10",
            "source": "greenhouse",
            "sightings": 3,
            "unique_jobs": 2,
            "duplicate_sightings": 1,
            "intensity": 1.5,
            "reposts": 0,
        },
        {
            "week": "2026-W11",
            "source": "greenhouse",
            "sightings": 2,
            "unique_jobs": 2,
            "duplicate_sightings": 0,
            "intensity": 1.0,
            "reposts": 1,
        },
    ]
    assert "## Duplicate sightings and posting intensity" in document
    assert "5 sightings of 4 weekly unique jobs, intensity 1.250" in document
