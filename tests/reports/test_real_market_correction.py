"""The real-market document judges the history's shares corrected by the classifier's error on
listings (what the history's labels were made from), with the raw figures beside them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from config import load_settings
from ingest.history import import_history
from pipeline.classify import CLASSIFIER_VERSION
from reports.correction import LISTING, ai_share, load_confusions, remote_share
from reports.real_market import build
from tests.support import job, write_capture
from warehouse.db import open_warehouse

REMOTE = {"location": {"name": "Remote - US"}}
TEAMS = (
    "Ads", "Ranking", "Search", "Feeds", "Payments", "Fraud", "Risk", "Pricing", "Maps", "Voice",
    "Vision", "Speech", "Robotics", "Health", "Lending", "Growth", "Trust", "Safety", "Identity",
    "Billing", "Logistics", "Supply", "Retail", "Travel", "Music", "Video", "Gaming", "Energy",
    "Climate", "Security",
)  # fmt: skip
"""Thirty team names, so that no two of the board's jobs read as one canonical job."""


def test_claims_and_months_carry_listing_error_beside_the_raw_figures(
    data_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "captures"
    jobs = [
        job(i, f"Machine Learning Engineer, {team}", **(REMOTE if i <= 10 else {}))
        for i, team in enumerate(TEAMS, start=1)
    ]
    jobs += [job(30 + i, f"Account Executive, {team}") for i, team in enumerate(TEAMS, start=1)]
    write_capture(root, date(2026, 3, 2), "acme", jobs, None)
    import_history(load_settings(None), root, workers=0)
    con = open_warehouse(data_dir / "warehouse.duckdb", read_only=True)
    try:
        document = build(con)
    finally:
        con.close()

    confusions = load_confusions(CLASSIFIER_VERSION, view=LISTING)
    assert confusions is not None
    claims = document.split("## The guide's claims this data can test")[1].split("## Claims")[0]
    assert "| raw estimate | raw interval | raw verdict | flipped |" in claims
    assert f"label error {confusions.note()}" in claims
    remote = remote_share({"remote": 10, "onsite": 20}, confusions)
    g4 = next(line for line in claims.splitlines() if line.startswith("| G4 |"))
    cells = [c.strip() for c in g4.strip("|").split("|")]
    assert cells[4:6] == [f"{remote.estimate:.0%}", f"{remote.low:.0%}–{remote.high:.0%}"]
    assert cells[7] == "33%"
    arrangement = confusions.fields["work_arrangement"]
    hybrid = arrangement.counts[arrangement.classes.index("hybrid")]
    misread = f"{hybrid[arrangement.classes.index('onsite')]} of {hybrid.sum()} hybrid"
    assert misread in document and "read as on-site from their listing alone" in document
    months = document.split("## AI-role share of all jobs, by month")[1].split("## ")[0]
    fixed = ai_share(30, 60, confusions)
    assert f"| 2026-03 | 60 | 30 | 50.0% | {fixed.raw_low:.1%}-{fixed.raw_high:.1%} |" in months
    assert f"| {fixed.estimate:.1%} | {fixed.low:.1%}-{fixed.high:.1%} | 33% of 30 |" in months
