"""Progress while long commands work, and the one-screen summary they end with.

The bar goes to stderr and only when stderr is a terminal, so cron mail, pipes and tests
see the summary alone. `rich` draws it (Prefect already depends on it; pinned in
requirements.in as we import it directly).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ingest.records import NOT_REACHED, RunSummary
from jobtrends.output import render

COUNTS = ("boards", "fetched", "new", "updated", "closed", "failed")


class Step(Protocol):
    def __call__(self, note: str = "") -> None: ...


def interactive() -> bool:
    return sys.stderr.isatty()


@contextmanager
def steps(total: int | None, what: str) -> Iterator[Step]:
    """A bar of `total` steps (a spinner with elapsed time when the total is unknown); the
    step function advances it by one and shows `note` (the last night's counts, say)."""
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    columns += [TimeElapsedColumn(), TextColumn("{task.fields[note]}")]
    progress = Progress(
        *columns, console=Console(stderr=True), disable=not interactive(), transient=True
    )
    with progress:
        task = progress.add_task(what, total=total, note="")

        def step(note: str = "") -> None:
            progress.update(task, advance=1, note=note)

        yield step


def night_note(run: RunSummary) -> str:
    fetched = sum(b.fetched for b in run.boards)
    return f"{run.night}: {len(run.boards)} boards, {fetched} postings, {len(run.failed)} failed"


def per_source(runs: Sequence[RunSummary]) -> str:
    """One row per source over all `runs` (boards counted per night), then a total row, then
    each failed board with its reason: what a person checks after a run."""
    rows: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    for run in runs:
        for row in run.by_source():
            into = rows.setdefault(row["source"], dict.fromkeys(COUNTS, 0))
            for name in COUNTS:
                into[name] += row[name]
            failures += [f"{run.night} {row['source']}/{reason}" for reason in row["failures"]]
    if not rows:
        return "no boards ran"
    frame = pd.DataFrame([{"source": name, **counts} for name, counts in sorted(rows.items())])
    total = {"source": "total", **{name: int(frame[name].sum()) for name in COUNTS}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    lines = [render(frame)]
    lines += [f"failed: {line}" for line in failures]
    lines += [_not_reached(run) for run in runs if _not_reached(run)]
    return "\n".join(lines)


def _not_reached(run: RunSummary) -> str:
    """One line for the boards the night's budget left untried (read first next night):
    not failures, but a person should know the night was cut short."""
    untried = [b for b in run.boards if b.status == "not-reached"]
    if not untried:
        return ""
    per = Counter(b.source for b in untried)
    where = ", ".join(f"{n} {source}" for source, n in sorted(per.items()))
    reason = (untried[0].error or "").removeprefix(NOT_REACHED)
    return f"not reached: {run.night} {len(untried)} boards ({where}): {reason}"
