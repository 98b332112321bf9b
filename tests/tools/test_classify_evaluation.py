"""The labelled set's shape, and the real-data checks (skipped when shared data is absent)."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from pipeline.classify import ClassifyInput, classify
from pipeline.classify.role import ROLE_IDS
from pipeline.classify.salary import parse_salary_text
from tests.support import ROOT

LABELLED = ROOT / "tests" / "data" / "labelled_postings.jsonl"


def shared(name: str) -> Path:
    for base in (ROOT.parent / "shared" / "data", os.environ.get("JOBTRENDS_SHARED_DATA")):
        if base and (Path(base) / name).exists():
            return Path(base) / name
    pytest.skip(f"shared data file {name} not available")


def test_labelled_set_covers_every_role_with_a_real_holdout() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 200
    assert {r["expected"]["role"] for r in rows} == set(ROLE_IDS)
    splits = Counter(r["split"] for r in rows)
    assert set(splits) == {"train", "holdout"}
    assert 0.3 <= splits["holdout"] / len(rows) <= 0.5
    assert len({r["id"] for r in rows}) == len(rows)


def test_onet_titles_outside_data_occupations_are_almost_never_ai() -> None:
    with shared("onet_29.3_sample_of_reported_titles.tsv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t")]
    ai_data = ("15-2051", "15-2041", "15-1221", "15-2099.01")
    titles = {r["Reported Job Title"] for r in rows if not r["O*NET-SOC Code"].startswith(ai_data)}
    flagged = [t for t in titles if classify(ClassifyInput(title=t)).is_ai]
    assert len(flagged) / len(titles) <= 0.01, flagged[:10]


def test_hn_comment_salaries() -> None:
    cases = json.loads(shared("hn_whoishiring_eval_cases.json").read_text(encoding="utf-8"))
    by_name = {c["name"]: c["comment"]["content"] for c in cases["test_cases"]}
    salary = parse_salary_text(by_name["eur_salary_remote_eu"])
    assert salary is not None and (salary.min, salary.max, salary.currency) == (
        60000,
        100000,
        "EUR",
    )
    assert parse_salary_text(by_name["founding_roles_sparse_data"]) is None
