"""What a rules change moves in the published figures, read before anything is written.

`jobtrends reclassify --dry-run` takes a snapshot of every week's label-driven figures and the
latest week's guide-check verdicts, relabels inside a transaction, takes the same snapshot of
the relabelled warehouse, and rolls back; this module takes the snapshots and compares them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from reports.guide_check import check, evidence_for, load_claims
from warehouse import queries

TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Snapshot:
    figures: pd.DataFrame
    week: str | None
    verdicts: dict[str, str]


@dataclass(frozen=True, slots=True)
class FigureChanges:
    """Figures whose value moved (week, figure, before, after; NaN where a figure is new or
    gone) and the latest week's claims whose verdict moved (claim, before, after)."""

    figures: pd.DataFrame
    week: str | None
    verdicts: pd.DataFrame


def snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    figures = queries.week_figures(con)
    found = queries.find_week(con, None)
    if found is None:
        return Snapshot(figures, None, {})
    claims = load_claims()
    results = check(evidence_for(con, found, claims), claims)
    return Snapshot(figures, found.week, {r.claim_id: r.verdict for r in results})


def compare(before: Snapshot, after: Snapshot) -> FigureChanges:
    merged = before.figures.merge(
        after.figures, on=["week", "figure"], how="outer", suffixes=("_before", "_after")
    )
    old, new = merged["value_before"], merged["value_after"]
    moved = (old.isna() != new.isna()) | ((old - new).abs() > TOLERANCE)
    figures = merged[moved].rename(columns={"value_before": "before", "value_after": "after"})
    claims = sorted(set(before.verdicts) | set(after.verdicts))
    verdicts = pd.DataFrame(
        [
            {"claim": c, "before": before.verdicts.get(c, ""), "after": after.verdicts.get(c, "")}
            for c in claims
            if before.verdicts.get(c) != after.verdicts.get(c)
        ],
        columns=["claim", "before", "after"],
    )
    return FigureChanges(figures.reset_index(drop=True), after.week, verdicts)
