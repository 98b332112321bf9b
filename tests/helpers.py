"""Small builders shared by adapter tests: a client with no sleeping and a fetch-then-parse."""

from __future__ import annotations

from pipeline.http import HttpClient, HttpSettings
from pipeline.models import Board, ParseResult, RawPage
from pipeline.sources.base import Source


def test_client(max_retries: int = 0) -> HttpClient:
    return HttpClient(
        HttpSettings(user_agent="jobtrends-test", max_retries=max_retries, backoff_base=0.0),
        sleep=lambda _: None,
    )


def fetch_and_parse(source: Source, board: Board) -> tuple[list[RawPage], ParseResult]:
    pages = list(source.fetch(test_client(), board, "0" * 32))
    return pages, source.parse(pages, board)
