"""Per-record isolation: one bad record, in parsing or in labelling, costs that record only.

Issue 15 finding 8: on an aggregator any job poster picks the values, so Greenhouse
`company_name: 42`, Lever `createdAt: 10**400` or RemoteOK `salary_min: 10**400` must end as
that record's `parse_errors` row with its reason while the board loads the rest.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import pipeline.labels
from ingest.load import finish, load_outcomes
from ingest.parse import parse_board
from ingest.records import BoardOutcome, PlannedBoard
from pipeline.sources import get_source
from tests.pipeline.test_fuzz import sample_pages
from warehouse.db import open_warehouse

NIGHT = date(2026, 11, 15)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], None]:
    def apply(doc: Any) -> None:
        for step in path[:-1]:
            doc = doc[step]
        doc[path[-1]] = value

    return apply


def _load(source: str, mutate: Callable[[Any], None], tmp_path: Path) -> tuple[Any, Any, int]:
    board, pages = sample_pages(source)
    doc = json.loads(pages[0].body)
    mutate(doc)
    hostile = [dataclasses.replace(pages[0], body=json.dumps(doc).encode()), *pages[1:]]
    item = PlannedBoard(get_source(source), board)
    outcome = BoardOutcome("run-1", "sample", source, board.token, NIGHT, datetime.now(UTC))
    finish(outcome, item, parse_board(item.source, board, hostile))
    con = open_warehouse(tmp_path / "w.duckdb")
    [summary] = load_outcomes(con, [outcome])
    clean = len(parse_board(item.source, board, pages).postings)
    return con, summary, clean


@pytest.mark.parametrize(
    ("source", "mutate", "reason"),
    [
        ("greenhouse", _set(("jobs", 0, "company_name"), 42), "company is int, not text"),
        ("lever", _set((0, "createdAt"), 10**400), "OverflowError"),
        ("remoteok", _set((1, "salary_min"), 10**400), "OverflowError"),
    ],
)
def test_a_hostile_record_is_a_parse_error_and_the_board_loads_the_rest(
    source: str, mutate: Callable[[Any], None], reason: str, tmp_path: Path
) -> None:
    con, summary, clean = _load(source, mutate, tmp_path)
    assert summary.status == "success", summary.error
    assert summary.fetched == clean - 1
    assert summary.parse_errors == 1
    rows = con.execute("SELECT reason FROM parse_errors").fetchall()
    assert len(rows) == 1 and reason in rows[0][0]
    assert con.execute("SELECT count(*) FROM posting_labels").fetchone()[0] == clean - 1


def test_a_record_the_classifier_chokes_on_is_a_parse_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A labelling bug triggered by one posting's text fails that posting, not the board."""
    real = pipeline.labels.classify
    board, pages = sample_pages("greenhouse")
    victim = json.loads(pages[0].body)["jobs"][0]["title"]
    clean = len(parse_board(get_source("greenhouse"), board, pages).postings)

    def classify(item: Any, on_date: date | None = None) -> Any:
        if item.title == victim:
            raise ZeroDivisionError("classifier bug")
        return real(item, on_date)

    monkeypatch.setattr(pipeline.labels, "classify", classify)
    con, summary, _ = _load("greenhouse", lambda doc: None, tmp_path)
    assert summary.status == "success"
    assert summary.fetched == clean - 1 and summary.parse_errors == 1
    reason, ref = con.execute("SELECT reason, record_ref FROM parse_errors").fetchone()
    assert reason == "label: ZeroDivisionError: classifier bug" and ref
    assert con.execute("SELECT count(*) FROM postings WHERE title = ?", [victim]).fetchone()[0] == 0
