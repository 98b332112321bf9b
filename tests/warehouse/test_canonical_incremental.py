"""Incremental grouping: nights grouped one after another give exactly the groups that
grouping everything at once gives, and group ids do not move."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flows.nightly import replay_sample
from ingest.plan import sample_nights
from jobtrends.cli import main
from tests.support import board_load, posting, remoteok_cross_post, table_contents, warehouse
from warehouse.canonical import STATE_TABLES, refresh_canonical
from warehouse.db import open_warehouse
from warehouse.load import load_board

NIGHTS = [date(2026, 9, d) for d in (1, 2, 3, 4, 5)]
TEXT = (
    "You will train retrieval and ranking models in PyTorch, own evaluation pipelines, ship "
    "features to production with Kubernetes and mentor engineers on experimentation. Acme AI "
    "builds dependable assistants for hospitals and offers a learning budget and equity."
)


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: table_contents(con, t) for t in ("posting_canonical", *STATE_TABLES)}


def _assert_full_regroup_agrees(con: duckdb.DuckDBPyConnection) -> None:
    incremental = _state(con)
    assert refresh_canonical(con, force=True).refreshed
    assert _state(con) == incremental


def _night(con: duckdb.DuckDBPyConnection, night: date, boards: dict) -> None:
    for (source, board), items in boards.items():
        load_board(con, board_load(items, night, source=source, board=board))
    refresh_canonical(con)
    _assert_full_regroup_agrees(con)


def _groups(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT source_id, canonical_job_id FROM posting_canonical").fetchall())


@pytest.mark.usefixtures("prefect_harness")
def test_sample_nights_grouped_one_by_one_equal_a_full_regroup(data_dir: Path) -> None:
    """Four nights (not all ten: each is a flow run of several seconds) through the nightly
    flow, which groups incrementally; after each, a full regroup must change nothing."""
    for night in sample_nights()[:4]:
        replay_sample(nights=[night])
        con = open_warehouse(data_dir / "warehouse.duckdb")
        try:
            _assert_full_regroup_agrees(con)
        finally:
            con.close()
    con = open_warehouse(data_dir / "warehouse.duckdb")
    try:
        matched = con.execute(
            "SELECT count(*) FILTER (WHERE match = 'similar'), "
            "count(*) FILTER (WHERE match = 'fingerprint') FROM posting_canonical"
        ).fetchone()
    finally:
        con.close()
    assert all(matched), "the sample should exercise both kinds of link"


def test_a_repost_and_a_cross_post_join_across_nights_and_ids_stay(tmp_path: Path) -> None:
    con = warehouse(tmp_path)
    gh = ("greenhouse", "acme")
    rok = ("remoteok", "all")
    mle = posting("a", "Senior Machine Learning Engineer", description=TEXT)
    other = posting("b", "Recruiter", description="Hire people for our research teams.")
    _night(con, NIGHTS[0], {gh: [mle, other]})
    first = _groups(con)["a"]
    cross = remoteok_cross_post("rok-a", TEXT)
    _night(con, NIGHTS[1], {rok: [cross]})
    _night(con, NIGHTS[2], {gh: [other]})
    repost = posting("a2", "Senior Machine Learning Engineer", description=TEXT)
    _night(con, NIGHTS[3], {gh: [other, repost]})
    groups = _groups(con)
    assert groups["a"] == groups["rok-a"] == groups["a2"] == first != groups["b"]


def test_a_remote_copy_follows_its_best_located_match(tmp_path: Path) -> None:
    """A later located posting that matches the remote copy better takes the link, so one
    group splits and another forms: the incremental pass must rebuild both."""
    con = warehouse(tmp_path)
    ny = posting(
        "ny",
        "Senior Machine Learning Engineer",
        description=TEXT.replace("hospitals", "clinics"),
        locations=("New York, NY",),
    )
    remote = posting(
        "rem",
        "Senior Machine Learning Engineer",
        source="remotive",
        board="all",
        company="Acme",
        description=TEXT,
        locations=("Remote",),
    )
    _night(con, NIGHTS[0], {("greenhouse", "acme"): [ny], ("remotive", "all"): [remote]})
    assert _groups(con)["ny"] == _groups(con)["rem"]
    london = posting(
        "ldn",
        "Senior Machine Learning Engineer",
        board="acme-uk",
        description=TEXT,
        locations=("London, United Kingdom",),
    )
    _night(con, NIGHTS[1], {("greenhouse", "acme-uk"): [london]})
    groups = _groups(con)
    assert groups["ldn"] == groups["rem"] != groups["ny"]


def test_a_changed_title_leaves_its_group(tmp_path: Path) -> None:
    con = warehouse(tmp_path)
    gh, rem = ("greenhouse", "acme"), ("remotive", "all")
    a = posting("a", "Senior Machine Learning Engineer", description=TEXT)
    b = posting(
        "b", "Senior Machine Learning Engineer", source="remotive", board="all", description=TEXT
    )
    _night(con, NIGHTS[0], {gh: [a], rem: [b]})
    assert _groups(con)["a"] == _groups(con)["b"]
    renamed = posting(
        "b", "Head of Finance", source="remotive", board="all", description="Own our books."
    )
    _night(con, NIGHTS[1], {rem: [renamed]})
    assert _groups(con)["a"] != _groups(con)["b"]


def test_regroup_command_groups_everything_again(tmp_path: Path) -> None:
    con = warehouse(tmp_path)
    load_board(
        con, board_load([posting("a", "Data Scientist"), posting("b", "Recruiter")], NIGHTS[0])
    )
    refresh_canonical(con)
    con.close()
    result = CliRunner().invoke(main, ["regroup", "--db", str(tmp_path / "warehouse.duckdb")])
    assert result.exit_code == 0, result.output
    assert result.output == "grouped 2 postings into 2 canonical jobs (0 duplicate sightings)\n"
