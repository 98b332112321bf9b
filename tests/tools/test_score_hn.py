"""The HN scorer runs over the shared real comments; it asserts behaviour, not a score."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import ROOT

SCRIPT = ROOT / "tools" / "score_hn.py"


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_hn", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_scorer_covers_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    scorer = load_scorer()
    path = scorer.data_dir() / scorer.CASES_FILE
    if not path.exists():
        pytest.skip(f"shared eval data not present at {path}")
    cases = scorer.load_cases(path)
    results = [scorer.score_case(case) for case in cases]
    assert [r.case_id for r in results] == [c["id"] for c in cases]
    assert all(r.checks for r in results)
    summary = scorer.summarise(results)
    assert set(summary) == set(scorer.FIELDS)
    assert scorer.main([]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and all(c["id"][:10] in out for c in cases)


def test_scorer_reads_the_env_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOBTRENDS_SHARED_DATA", str(tmp_path))
    scorer = load_scorer()
    assert scorer.data_dir() == tmp_path
    assert scorer.main([]) == 2
    assert scorer.main(["--real"]) == 2


def test_flat_comment_list_becomes_an_item_tree() -> None:
    scorer = load_scorer()
    saved = {
        "sources": {"who_is_hiring_thread_id": 7, "who_is_hiring_thread_title": "Ask HN"},
        "jobs": [
            {"id": 8, "source": "who_is_hiring", "by": "ann", "time": 1, "text": "A | B"},
            {"id": 9, "source": "direct", "by": "bob", "time": 2, "text": "A job story"},
        ],
    }
    tree = scorer.as_item_tree(saved)
    assert tree["id"] == 7 and [c["id"] for c in tree["children"]] == [8]
    assert tree["children"][0]["parent_id"] == 7 and tree["children"][0]["author"] == "ann"
    assert scorer.as_item_tree(tree) is tree


def test_real_mode_reports_every_figure(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not (shared_data / "realdata" / "hn").is_dir():
        pytest.skip("no real HN threads in the shared data")
    monkeypatch.setenv("JOBTRENDS_SHARED_DATA", str(shared_data))
    scorer = load_scorer()
    assert scorer.main(["--real"]) == 0
    out = capsys.readouterr().out
    for figure in ("without postings", "titles > 10 words", "job-ad yield", "role F1"):
        assert figure in out
