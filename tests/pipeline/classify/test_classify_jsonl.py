"""JSON lines in, JSON lines out; a bad line becomes an error line and the rest go on."""

from __future__ import annotations

import io
import json

from pipeline.classify.jsonl import classify_jsonl

GOOD = {
    "title": "Senior Machine Learning Engineer",
    "company": "Helio",
    "description": "PyTorch and Python. 5+ years of experience. PhD preferred.",
    "location": ["San Francisco, CA", "Remote - US"],
    "salary_text": "$200k - $250k",
    "workplace_type": None,
}


def run(lines: list[str]) -> tuple[tuple[int, int], list[dict]]:  # type: ignore[type-arg]
    out = io.StringIO()
    counts = classify_jsonl(lines, out)
    return counts, [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_good_line_keeps_its_fields_and_gains_labels() -> None:
    counts, [row] = run([json.dumps(GOOD)])
    assert counts == (1, 0)
    assert {k: row[k] for k in GOOD} == GOOD
    assert row["role"] == "ml_engineer" and row["is_ai"] and row["ai_signal"] == "title"
    assert row["seniority"] == "senior"
    assert (row["work_arrangement"], row["remote_scope"]) == ("remote", "US")
    assert row["salary"] == {"min": 200000.0, "max": 250000.0, "currency": "USD", "period": "year"}
    assert row["salary_usd_annual"] == {"min": 200000.0, "max": 250000.0}
    assert (row["country"], row["metro"]) == ("US", "sf_bay_area")
    assert row["degree"] == "none"
    assert row["skills"] == ["python", "pytorch"]


def test_location_may_be_a_string_and_fields_may_be_missing() -> None:
    counts, [row] = run([json.dumps({"title": "Nurse", "location": "Paris, TX"})])
    assert counts == (1, 0)
    assert (row["role"], row["country"], row["metro"], row["salary"]) == ("other", "US", None, None)


def test_bad_lines_get_error_lines_and_the_rest_go_on() -> None:
    lines = [
        "not json",
        "[1, 2]",
        json.dumps({"title": 5}),
        json.dumps({"title": "Data Analyst", "location": {"city": "Austin"}}),
        "",
        json.dumps({"title": "Data Analyst"}),
    ]
    counts, rows = run(lines)
    assert counts == (1, 4)
    assert [r.get("line") for r in rows] == [1, 2, 3, 4, None]
    assert all("error" in r for r in rows[:4])
    assert rows[4]["role"] == "data_analyst"
