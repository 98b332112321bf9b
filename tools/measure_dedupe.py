"""Measure de-duplication against the sample's duplicates known by construction.

Usage: `python tools/measure_dedupe.py [--db PATH]` after `jobtrends run` (default: the
configured warehouse). The sample manifest's `duplicates` block says how many jobs were
cross-posted and how many extra sightings that made; when it also lists the groups (each a
list of `source:source_id` keys or `{"source", "source_id"}` objects), precision and recall
are computed over pairs of postings from different sources (a repost on the same board is
not a cross-post, so it is neither a hit nor a false alarm here).
Prints "by construction N, found M, precision P, recall R".
"""

from __future__ import annotations

import argparse
from itertools import combinations
from typing import Any

from config import load_settings
from ingest.group import group
from sample.recorded import sample_manifest
from warehouse.db import open_warehouse


def _key(member: Any) -> str:
    if isinstance(member, dict):
        return f"{member['source']}:{member['source_id']}"
    return str(member)


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def measure(db_path: str | None = None) -> str:
    block = sample_manifest().get("duplicates")
    con = open_warehouse(load_settings(db_path=db_path).db_path)
    try:
        group(con)
        found_jobs, found_sightings = con.execute(
            "SELECT count(*) FILTER (WHERE len(sources) > 1), sum(sightings - 1)::BIGINT "
            "FROM canonical_jobs"
        ).fetchone()
        found_groups = [
            row[0]
            for row in con.execute(
                "SELECT posting_keys FROM canonical_jobs WHERE sightings > 1"
            ).fetchall()
        ]
    finally:
        con.close()
    found = f"found {found_jobs} cross-posted jobs, {found_sightings or 0} duplicate sightings"
    if not block:
        return f"manifest has no duplicates block yet; {found}"
    jobs = block.get("cross_posted_jobs", block.get("jobs"))
    sightings = block.get("duplicate_sightings", block.get("sightings"))
    line = f"by construction {jobs} cross-posted jobs, {sightings} duplicate sightings; {found}"
    if not block.get("groups"):
        return line + "; precision/recall need the manifest's groups"
    truth = _pairs([[_key(m) for m in group] for group in block["groups"]])
    got = {p for p in _pairs(found_groups) if p[0].split(":")[0] != p[1].split(":")[0]}
    hits = len(truth & got)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(truth) if truth else 1.0
    return f"{line}; pairs: precision {precision:.3f}, recall {recall:.3f}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="DuckDB file (default: the configured warehouse)")
    print(measure(parser.parse_args().db))
