"""Each claim kind reaches the verdict its rule states, on frames built to know the answer."""

from __future__ import annotations

import pandas as pd

from reports.correction import Confusions
from reports.guide_check import Evidence, check, load_claims

ROLES = ("ml_engineer", "software_engineer", "prompt_engineer", "data_scientist")


def postings(n: int = 200, **columns: object) -> pd.DataFrame:
    base = {
        "role": ["ml_engineer"] * n,
        "is_ai": [True] * n,
        "seniority": ["mid"] * n,
        "work_arrangement": ["remote"] * (n * 2 // 5) + ["onsite"] * (n - n * 2 // 5),
        "work_arrangement_basis": ["stated"] * n,
        "salary_usd_min": [170000.0] * n,
        "salary_usd_max": [190000.0] * n,
        "metro": ["sf_bay_area"] * n,
        "degree": ["bachelors"] * n,
        "skills": [["python"]] * n,
        "industry": ["Tech/Software"] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


def evidence(
    frame: pd.DataFrame, weekly: pd.DataFrame | None = None, confusions: Confusions | None = None
) -> Evidence:
    empty = pd.DataFrame(columns=["week", "role", "seniority", "is_ai", "new_postings"])
    return Evidence(frame, weekly if weekly is not None else empty, None, 20, 0.95, confusions)


def by_id(results: list) -> dict[str, str]:
    return {r.claim_id: r.verdict for r in results}


def test_every_claim_g1_to_g8_gets_a_verdict() -> None:
    results = check(evidence(postings()))
    ids = {r.claim_id.split()[0].rstrip("bc") for r in results}
    assert ids == {f"G{i}" for i in range(1, 9)}
    assert all(r.verdict for r in results)


def test_salary_cell_inside_outside_and_thin() -> None:
    verdicts = by_id(check(evidence(postings())))
    assert verdicts["G1 ml_engineer · mid"] == "supported"
    assert verdicts["G1 research_scientist · mid"] == "insufficient data"
    low_paid = postings(salary_usd_min=[60000.0] * 200, salary_usd_max=[80000.0] * 200)
    assert by_id(check(evidence(low_paid)))["G1 ml_engineer · mid"] == "contradicted"


def test_remote_share_uses_wilson_and_excludes_unknown() -> None:
    frame = postings(n=200, work_arrangement=["remote"] * 80 + ["onsite"] * 120)
    assert by_id(check(evidence(frame)))["G4"] == "inconclusive"
    frame = postings(n=2000, work_arrangement=["remote"] * 800 + ["onsite"] * 1200)
    assert by_id(check(evidence(frame)))["G4"] == "supported"
    frame = postings(work_arrangement=["remote"] * 20 + ["unknown"] * 100 + ["onsite"] * 80)
    result = next(r for r in check(evidence(frame)) if r.claim_id == "G4")
    assert result.n == 100 and result.verdict == "contradicted" and "100 unknown" in result.note


def test_remote_share_is_given_with_and_without_inferred_onsite() -> None:
    stated = ["structured"] * 40 + ["stated"] * 60
    frame = postings(
        n=300,
        work_arrangement=["remote"] * 40 + ["onsite"] * 60 + ["onsite"] * 200,
        work_arrangement_basis=stated + ["inferred"] * 200,
    )
    results = {r.claim_id: r for r in check(evidence(frame))}
    everything, stated_only = results["G4"], results["G4 · stated or structured"]
    assert (everything.n, everything.estimate, everything.verdict) == (300, "13%", "contradicted")
    assert "200 inferred included" in everything.note
    assert (stated_only.n, stated_only.estimate, stated_only.verdict) == (
        100,
        "40%",
        "inconclusive",
    )
    assert "200 inferred and 0 without a basis excluded" in stated_only.note


def test_top_role_and_premium() -> None:
    roles = ["ml_engineer"] * 120 + ["data_scientist"] * 80
    frame = postings(
        role=roles,
        salary_usd_min=[200000.0] * 120 + [150000.0] * 80,
        salary_usd_max=[200000.0] * 120 + [150000.0] * 80,
    )
    assert by_id(check(evidence(frame)))["G5"] == "supported"
    swe = postings(
        role=["ml_engineer"] * 100 + ["software_engineer"] * 100,
        salary_usd_min=[122000.0] * 100 + [100000.0] * 100,
        salary_usd_max=[122000.0] * 100 + [100000.0] * 100,
    )
    assert by_id(check(evidence(swe)))["G7c"] == "supported"


def test_growth_claims_need_history_then_compare_windows() -> None:
    assert by_id(check(evidence(postings())))["G5b"] == "insufficient data"
    rows = []
    for i, week in enumerate(f"2026-W{w:02d}" for w in range(40, 48)):
        recent = i >= 4
        rows += [
            {
                "week": week,
                "role": "prompt_engineer",
                "seniority": "entry",
                "is_ai": True,
                "new_postings": 30 if recent else 10,
            },
            {
                "week": week,
                "role": "ml_engineer",
                "seniority": "senior",
                "is_ai": True,
                "new_postings": 40,
            },
        ]
    verdicts = by_id(check(evidence(postings(), pd.DataFrame(rows))))
    assert verdicts["G5b"] == "supported"
    assert verdicts["G5c"] == "supported"


def test_claims_file_is_versioned() -> None:
    claims = load_claims()
    assert claims["version"] and claims["min_n"] > 0


def test_survey_is_a_second_witness_with_its_own_n_interval_and_verdict() -> None:
    survey = pd.DataFrame(
        {
            "role": ["ml_engineer"] * 40 + ["data_scientist"] * 3,
            "seniority": ["mid"] * 40 + ["mid"] * 3,
            "salary_in_usd": [90000.0] * 40 + [150000.0] * 3,
        }
    )
    ev = evidence(postings())
    ev = Evidence(ev.postings, ev.weekly_new, survey, ev.min_n, ev.confidence)
    results = {r.claim_id: r for r in check(ev)}
    cell = results["G1 ml_engineer · mid"]
    assert (cell.verdict, cell.survey_verdict) == ("supported", "contradicted")
    assert cell.survey_n == 40 and cell.survey_interval == "$90K–$90K"
    assert cell.witnesses_disagree and "survey and postings disagree" in cell.note
    thin = results["G1 data_scientist · mid"]
    assert thin.survey_n == 3 and thin.survey_verdict == "" and not thin.witnesses_disagree
    assert results["G3 ml_engineer · mid · sf_bay_area"].survey_n == 0
