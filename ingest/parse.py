"""Parse: one board's pages into postings, then (`ingest.label`) their labels.

Pure and picklable both ways, so it can run on a Dask worker or in a replay's worker process
and be cached under `ingest.key.skip_key`. Never raises: a failure is the result's reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from time import perf_counter

from ingest.label import industry_of, label_board
from ingest.records import ParsedBoard
from pipeline.models import Board, RawPage
from pipeline.sources.base import Source, SourceError


def parse_board(
    source: Source,
    board: Board,
    pages: Sequence[RawPage],
    known: Mapping[str, str] | None = None,
) -> ParsedBoard:
    """`known`: the board's stored label keys by source id; a posting whose key is unchanged
    is not labelled again (`ingest.label`)."""
    if not pages:
        return ParsedBoard(failure="no pages to parse")
    try:
        started = perf_counter()
        result = source.parse(pages, board)
        parsed = perf_counter()
        labelled = label_board(
            result.postings, industry_of(board), pages[0].fetched_at.date(), known
        )
    except SourceError as exc:
        return ParsedBoard(failure=f"parse: {type(exc).__name__}: {exc}")
    except Exception as exc:  # a parser bug must not take the night down; the reason is kept
        return ParsedBoard(failure=f"parse: unexpected {type(exc).__name__}: {exc}")
    return ParsedBoard(
        labelled.postings,
        labelled.labels,
        [*result.errors, *labelled.errors],
        parse_seconds=parsed - started,
        classify_seconds=perf_counter() - parsed,
        label_keys=labelled.keys,
    )
