"""Shared helpers for the per-source tests: a fast client and a fetch-then-parse runner."""

from __future__ import annotations

from typing import Any

from pipeline.http import HttpClient, HttpSettings
from pipeline.models import Board, ParseResult, RawPage
from pipeline.sources import get_source


def make_client() -> HttpClient:
    return HttpClient(HttpSettings(user_agent="jobtrends-test"), sleep=lambda s: None)


def fetch_pages(source: str, board: Board, client: HttpClient | None = None) -> list[RawPage]:
    return list(get_source(source).fetch(client or make_client(), board, "fetch-test"))


def run(source: str, token: str, company: str = "", **options: Any) -> ParseResult:
    """Fetch a board through `responses`-mocked HTTP and parse what came back."""
    board = Board(source, token, company or token, options)
    pages = fetch_pages(source, board)
    return get_source(source).parse(pages, board)
