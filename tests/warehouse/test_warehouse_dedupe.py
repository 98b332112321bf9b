"""De-duplication: cross-posts and reposts become one canonical job; distinct jobs stay apart."""

from __future__ import annotations

import importlib.util
from datetime import date
from itertools import combinations

from ingest.group import group
from tests.support import ROOT, board_load, posting, remoteok_cross_post, warehouse
from warehouse.load import load_board

N1, N2, N3 = date(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 15)

BOILERPLATE = (
    "Acme AI builds dependable assistants for hospitals. We offer health insurance, a learning "
    "budget, parental leave and equity. We welcome applicants from every background."
)
MLE = (
    "You will train retrieval and ranking models in PyTorch, own evaluation pipelines, ship "
    "features to production with Kubernetes and mentor engineers on experimentation. " + BOILERPLATE
)
DE = (
    "You will build batch and streaming pipelines in Spark and dbt, model the warehouse, keep "
    "data contracts healthy and support analysts with reliable tables. " + BOILERPLATE
)


def _sightings() -> dict[str, tuple[str, list]]:
    """Keyed by (source, source_id): the fixture's true job and the postings to load."""
    return {
        "gh-mle": ("mle", [posting("gh-mle", "Senior Machine Learning Engineer", description=MLE)]),
        "rok-mle": ("mle", [remoteok_cross_post("rok-mle", MLE)]),
        "rem-mle": (
            "mle",
            [
                posting(
                    "rem-mle",
                    "Senior Machine Learning Engineer",
                    source="remotive",
                    board="all",
                    company="Acme",
                    description=MLE,
                )
            ],
        ),
        "gh-mle-london": (
            "mle-london",
            [
                posting(
                    "gh-mle-london",
                    "Senior Machine Learning Engineer",
                    description=MLE,
                    locations=("London, United Kingdom",),
                )
            ],
        ),
        "gh-mle-junior": (
            "mle-junior",
            [posting("gh-mle-junior", "Junior Machine Learning Engineer", description=MLE)],
        ),
        "gh-de": ("de", [posting("gh-de", "Senior Data Engineer", description=DE)]),
        "gh-other-co": (
            "other-co",
            [
                posting(
                    "gh-other-co",
                    "Senior Machine Learning Engineer",
                    board="globex",
                    company="Globex",
                    description=MLE.replace("Acme AI", "Globex"),
                )
            ],
        ),
    }


def _load_all(con) -> None:
    truth = _sightings()
    by_board: dict[tuple[str, str], list] = {}
    for _, items in truth.values():
        for p in items:
            by_board.setdefault((p.source, p.board), []).append(p)
    for (source, board), items in by_board.items():
        load_board(con, board_load(items, N1, source=source, board=board))


def _groups(con) -> dict[str, str]:
    return dict(con.execute("SELECT source_id, canonical_job_id FROM posting_canonical").fetchall())


def test_cross_posts_merge_and_distinct_jobs_stay_apart(tmp_path):
    con = warehouse(tmp_path)
    _load_all(con)
    stats = group(con)
    found = _groups(con)
    truth = {key: job for key, (job, _) in _sightings().items()}
    pairs = list(combinations(sorted(truth), 2))
    true_pairs = {p for p in pairs if truth[p[0]] == truth[p[1]]}
    found_pairs = {p for p in pairs if found[p[0]] == found[p[1]]}
    tp = len(true_pairs & found_pairs)
    precision = tp / len(found_pairs) if found_pairs else 1.0
    recall = tp / len(true_pairs)
    print(
        f"dedupe fixture: by construction {len(true_pairs)} pairs, found {len(found_pairs)}, "
        f"precision {precision:.2f} recall {recall:.2f}"
    )
    assert (precision, recall) == (1.0, 1.0)
    assert stats.postings == 7 and stats.canonical_jobs == 5
    row = con.execute(
        "SELECT sightings, sources, closed_at FROM canonical_jobs WHERE canonical_job_id = ?",
        [found["gh-mle"]],
    ).fetchone()
    assert row == (3, ["greenhouse", "remoteok", "remotive"], None)


def test_repost_under_a_new_id_is_the_same_job(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a", "Data Scientist"), posting("b", "Recruiter")], N1))
    load_board(con, board_load([posting("b", "Recruiter")], N2))
    load_board(con, board_load([posting("b", "Recruiter"), posting("a2", "Data Scientist")], N3))
    group(con)
    groups = _groups(con)
    assert groups["a"] == groups["a2"] != groups["b"]
    job = con.execute(
        "SELECT first_seen, closed_at, sightings FROM canonical_jobs WHERE canonical_job_id = ?",
        [groups["a"]],
    ).fetchone()
    assert job == (N1, None, 2)


def test_refresh_skips_when_nothing_changed_and_ids_are_stable(tmp_path):
    con = warehouse(tmp_path)
    load_board(con, board_load([posting("a", "Data Scientist")], N1))
    assert group(con).refreshed
    first = _groups(con)["a"]
    assert not group(con).refreshed
    later = posting("z", "Data Scientist", source="remotive", board="all", company="Acme")
    load_board(con, board_load([later], N2, source="remotive", board="all"))
    assert group(con).refreshed
    assert _groups(con) == {"a": first, "z": first}


def test_marts_count_canonical_jobs(tmp_path):
    con = warehouse(tmp_path)
    _load_all(con)
    group(con)
    weekly = con.execute(
        "SELECT sum(open_postings), sum(new_postings) FROM mart_weekly_postings"
    ).fetchone()
    assert weekly == (5, 5)
    demand = con.execute(
        "SELECT open_jobs FROM mart_role_demand WHERE role = 'ml_engineer'"
    ).fetchone()
    assert demand == (4,)


def test_measure_script_reads_the_manifest_duplicates_block(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "measure_dedupe", ROOT / "tools" / "measure_dedupe.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    con = warehouse(tmp_path)
    _load_all(con)
    con.close()
    block = {
        "cross_posted_jobs": 1,
        "duplicate_sightings": 2,
        "groups": [["greenhouse:gh-mle", "remoteok:rok-mle", "remotive:rem-mle"]],
    }
    monkeypatch.setattr(script, "sample_manifest", lambda: {"duplicates": block})
    line = script.measure(str(tmp_path / "warehouse.duckdb"))
    assert line == (
        "by construction 1 cross-posted jobs, 2 duplicate sightings; found 1 cross-posted jobs, "
        "2 duplicate sightings; pairs: precision 1.000, recall 1.000"
    )
