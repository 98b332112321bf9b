"""The Python API the CLI is a thin layer over: each command is one call here.

The face of the project: it reads the settings and hands each request to the layer that owns
it (the flows for runs, the engine for reparsing, the warehouse for queries), and holds no
logic of its own. The developer tools (`tools/`) are not part of the installed package; the
bench is reached through `bench`, which says so when they are absent.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from config import Settings, load_settings
from ingest.history import ImportResult
from ingest.plan import check
from ingest.records import RunSummary
from ingest.replay import default_workers
from ingest.replay import reparse as reparse_archive
from pipeline.labels import CLASSIFIER_VERSION
from warehouse import survey
from warehouse.db import open_warehouse, query_sandboxed
from warehouse.export import ExportResult, export_parquet
from warehouse.load import LabelChanges
from warehouse.relabel import relabel_all
from warehouse.survey import SurveyImport


def quiet_prefect() -> None:
    """Run flows against a throwaway local server with no telemetry unless told otherwise."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    home = os.environ.get("PREFECT_HOME")
    if home:
        Path(home).mkdir(parents=True, exist_ok=True)


def settings(config_path: str | None = None, mode: str | None = None) -> Settings:
    """The settings, checked against the code before any flow starts, so a misspelt source or
    `[http]` key stops the command with one line (`ConfigError`), not a failed flow run."""
    loaded = load_settings(config_path, mode=mode)
    check(loaded)
    return loaded


def run_sample(config_path: str | None = None) -> tuple[Settings, str]:
    """Replay every sample night through the nightly flow, then build the latest weekly report."""
    from flows.nightly import replay_sample
    from flows.weekly import weekly

    checked = settings(config_path)
    replay_sample(config_path=config_path)
    return checked, weekly(config_path=config_path)


def run_nightly(
    night: date | None = None,
    mode: str | None = None,
    sources: list[str] | None = None,
    companies: list[str] | None = None,
    dry_run: bool = False,
    config_path: str | None = None,
):
    from flows.nightly import nightly
    from flows.runners import configured

    return configured(nightly, settings(config_path, mode))(
        night=night,
        mode=mode,
        sources=sources,
        companies=companies,
        dry_run=dry_run,
        config_path=config_path,
        return_state=True,
    )


def run_report(week: str | None = None, config_path: str | None = None) -> str:
    from flows.weekly import weekly

    return weekly(week=week, config_path=config_path)


def sql(query: str, db_path: str | Path | None = None) -> pd.DataFrame:
    """Run read-only SQL against the warehouse (views included)."""
    return query_sandboxed(load_settings(db_path=db_path).db_path, query)


@dataclass
class ParsedFile:
    """What `parse_files` made of one saved file: a JSON-ready line per posting, or why not.

    `error` is set when the whole file could not be read or parsed; `record_errors` names
    the records its parser rejected while keeping the rest.
    """

    path: str
    postings: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    record_errors: list[str] = field(default_factory=list)


def source_names() -> list[str]:
    from pipeline.sources import REGISTRY

    return sorted(REGISTRY)


def parse_files(
    source: str, paths: Sequence[str | Path], board: str | None = None
) -> Iterator[ParsedFile]:
    """Parse and label saved response bodies of `source`, as a nightly load would.

    Each file goes through `pipeline.saved` (which takes the shapes saved payloads come in)
    and the source's own parser, then through the labelling a load stores; a file that fails
    is reported and the next one is still parsed. Yields one `ParsedFile` per path, in order.
    """
    from pipeline.labels import labels_of
    from pipeline.saved import SAVED_URL, UnsupportedShape, parse_saved, posting_key
    from pipeline.sources import SourceError

    for raw_path in paths:
        path = Path(raw_path)
        out = ParsedFile(str(raw_path))
        try:
            _, result = parse_saved(source, path.read_bytes(), path.name, board)
        except OSError as exc:
            out.error = f"cannot read: {exc.strerror or exc}"
        except (UnsupportedShape, SourceError) as exc:
            out.error = str(exc).removeprefix(SAVED_URL.format(path.name) + ": ")
        else:
            reasons = [e.reason for e in result.errors]
            if reasons and not result.postings:
                more = f" (and {len(reasons) - 1} more records)" if len(reasons) > 1 else ""
                out.error = f"no posting parsed: {reasons[0]}{more}"
                yield out
                continue
            out.record_errors = [f"record {e.record_ref or '?'}: {e.reason}" for e in result.errors]
            for posting in result.postings:
                record = asdict(posting)
                record.pop("extras")
                out.postings.append(
                    {
                        "key": posting_key(source, path.stem, posting),
                        "posting": record,
                        "extras": posting.extras,
                        "labels": labels_of(posting).to_dict(),
                    }
                )
        yield out


def reclassify(db_path: str | Path | None = None) -> tuple[LabelChanges, str]:
    """Relabel every stored posting with the current classifier, in one transaction.

    Returns what moved (per label, old -> new pairs), so a rule change shows its effect.
    """
    con = open_warehouse(load_settings(db_path=db_path).db_path)
    try:
        return relabel_all(con), CLASSIFIER_VERSION
    finally:
        con.close()


def reparse(
    since: date,
    until: date | None = None,
    workers: int | None = None,
    config_path: str | None = None,
) -> list[RunSummary]:
    """Parse and load archived nights again; `workers` defaults to one process per core."""
    return reparse_archive(
        settings(config_path),
        since,
        until,
        workers=default_workers() if workers is None else workers,
    )


def backfill(since: date, until: date, config_path: str | None = None) -> list[str]:
    """Reparse archived nights in a range and rebuild those weeks' reports; the report paths."""
    from flows.backfill import backfill as backfill_flow

    settings(config_path)
    return backfill_flow(since, until, config_path)


def serve(config_path: str | None = None) -> None:
    """Serve the nightly and weekly deployments on their schedules until interrupted."""
    from flows.deployments import serve as serve_deployments

    serve_deployments(settings(config_path), config_path)


def import_survey(path_or_url: str | None = None, config_path: str | None = None) -> SurveyImport:
    """Import the aijobs.net salary survey from a file or URL (default: the live download)."""
    con = open_warehouse(load_settings(config_path).db_path)
    try:
        return survey.import_survey(con, path_or_url or survey.DEFAULT_URL)
    finally:
        con.close()


def export(out_dir: str | Path | None = None, config_path: str | None = None) -> ExportResult:
    """Write postings and every mart as Parquet (default: `<data dir>/export`)."""
    settings = load_settings(config_path)
    con = open_warehouse(settings.db_path)
    try:
        return export_parquet(con, out_dir or settings.data_dir / "export")
    finally:
        con.close()


def write_sample() -> dict[str, Any]:
    """Regenerate the bundled sample from its seeded generator (a developer tool)."""
    return _tool("samplegen").write_sample()


def bench_tools() -> ModuleType:
    """The benchmark harness (a developer tool, in a source checkout only)."""
    return _tool("bench")


def _tool(name: str) -> ModuleType:
    """A module of `tools/`, found in the source checkout this package runs from (an editable
    install, or `python -m` from the clone); the installed package has no `tools/`."""
    checkout = Path(__file__).resolve().parent.parent
    if not (checkout / "tools" / f"{name}.py").is_file():
        raise ToolsMissing(
            f"tools/{name}.py is not beside this installation ({checkout}): developer tools "
            "ship with a clone of the repository, not the installed package"
        )
    if str(checkout) not in sys.path:
        sys.path.append(str(checkout))
    return importlib.import_module(f"tools.{name}")


class ToolsMissing(RuntimeError):
    """A developer command was run where `tools/` is not importable."""


def import_history(
    path: Path,
    *,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
    boards: int | None = None,
    tokens: Sequence[str] = (),
    workers: int | None = None,
    config_path: str | None = None,
) -> ImportResult:
    """Archive recorded captures as their nights' fetches and replay them (`ingest.history`);
    `CaptureError` when `path` is neither capture form."""
    from ingest.history import import_history as run_import

    return run_import(
        load_settings(config_path),
        path,
        source=source,
        since=since,
        until=until,
        boards=boards,
        tokens=tokens,
        workers=workers,
    )


def write_all_reports(config_path: str | None = None) -> Path:
    """Every week's report and the index beside them; the index's Markdown path."""
    from reports.index import write_all

    loaded = load_settings(config_path)
    con = open_warehouse(loaded.db_path)
    try:
        return write_all(con, loaded.reports_dir).markdown
    finally:
        con.close()


def write_real_market(out: Path, config_path: str | None = None) -> Path:
    """`docs/real-market.md` (or `out`) built from the warehouse; the path written."""
    from reports.real_market import build

    con = open_warehouse(load_settings(config_path).db_path)
    try:
        text = build(con)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
