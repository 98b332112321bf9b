"""What every JSON-API adapter promises, asked of each with its own API's payloads: an
unknown board is `NotFound`, an empty board lists nothing, and a malformed record is
quarantined with its reason while the good ones parse."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses

import tests.pipeline.test_source_ashby as ashby
import tests.pipeline.test_source_remoteok as remoteok
import tests.pipeline.test_source_remotive as remotive
import tests.pipeline.test_source_workable as workable
from pipeline.http import NotFound
from tests.support import run

BOARDS = {
    "ashby": ("acme", ashby.URL),
    "remoteok": ("all", remoteok.URL),
    "remotive": ("all", remotive.URL),
    "workable": ("groove", workable.URL),
}


@pytest.mark.parametrize(
    ("source", "body"),
    [("ashby", {"success": False}), ("remoteok", None), ("remotive", None), ("workable", None)],
)
@responses.activate
def test_an_unknown_board_is_not_found(source: str, body: dict | None) -> None:
    token, url = BOARDS[source]
    responses.get(url, status=404, json=body)
    with pytest.raises(NotFound):
        run(source, token)


@pytest.mark.parametrize(
    ("source", "serve"),
    [
        ("ashby", lambda: ashby.serve([])),
        ("remotive", lambda: responses.get(remotive.URL, json=remotive.envelope([]))),
        ("workable", lambda: workable.serve([])),
    ],
)
@responses.activate
def test_an_empty_board_lists_nothing(source: str, serve: Callable[[], None]) -> None:
    serve()
    assert run(source, BOARDS[source][0]).postings == []


MALFORMED = {
    "ashby": (
        lambda: ashby.serve([ashby.job(), {"title": "no id"}, "junk"]),
        ["KeyError: 'id'", "record is str, not an object"],
    ),
    "remoteok": (
        lambda: responses.get(
            remoteok.URL,
            json=[remoteok.NOTICE, remoteok.JOB, {"id": "9", "position": "No company"}, 5],
        ),
        ["ValueError: job without a company", "record is int, not an object"],
    ),
    "remotive": (
        lambda: responses.get(
            remotive.URL,
            json=remotive.envelope([remotive.JOB, {"id": 9, "title": "x"}, ["junk"]]),
        ),
        ["ValueError: job without a company_name", "record is list, not an object"],
    ),
    "workable": (
        lambda: workable.serve(
            [
                workable.JOB,
                {"title": "no shortcode"},
                dict(workable.JOB, shortcode="Y", title=None),
            ]
        ),
        ["KeyError: 'shortcode'", "ValueError: job without a title"],
    ),
}
"""Per source: one good record among bad ones, and the reasons the bad ones are kept with."""


@pytest.mark.parametrize("source", sorted(MALFORMED))
@responses.activate
def test_a_malformed_record_is_quarantined(source: str) -> None:
    serve, reasons = MALFORMED[source]
    serve()
    result = run(source, BOARDS[source][0])
    assert len(result.postings) == 1
    assert [e.reason for e in result.errors] == reasons


@responses.activate
def test_a_quarantined_record_keeps_its_id() -> None:
    MALFORMED["workable"][0]()
    assert run("workable", "groove").errors[1].record_ref == "Y"
