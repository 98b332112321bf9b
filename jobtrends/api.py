"""The Python API the CLI is a thin layer over: each command is one call here.

The face of the project: it reads the settings and hands each request to the layer that owns
it (the flows for runs, the engine for reparsing, the warehouse for queries), and holds no
logic of its own. The developer tools (`tools/`) are not part of the installed package; the
bench is reached through `bench`, which says so when they are absent.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from config import ConfigError, Settings, load_settings
from ingest import boards
from ingest.group import group
from ingest.history import ImportResult
from ingest.plan import check, live_boards, plan, sample_boards, sample_nights
from ingest.plan import check_night as check_live_night
from ingest.records import RunSummary
from ingest.replay import default_workers
from ingest.replay import reparse as reparse_archive
from pipeline.labels import CLASSIFIER_VERSION
from reports.figure_diff import FigureChanges, compare, snapshot
from reports.weekly import Report, build_report, write_report
from warehouse import registry, survey
from warehouse.archive import RawArchive, VerifyReport
from warehouse.canonical import CanonicalStats
from warehouse.db import Connection, WarehouseError, open_warehouse, query_sandboxed
from warehouse.export import ExportResult, export_parquet
from warehouse.load import LabelChanges
from warehouse.relabel import relabel_all, relabel_dry_run
from warehouse.runlock import run_lock
from warehouse.survey import SurveyImport

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
DUCKDB_MAGIC = b"DUCK"
"""Bytes 8-11 of every DuckDB database file."""


class BadChoice(ValueError):
    """A name or value the user typed that is not one of the valid ones: the CLI exits 2."""


class Unusable(RuntimeError):
    """Something the command needs is missing or not what it should be (a warehouse path
    that is a folder, a week with no data): the CLI exits 1 with this one line."""


def quiet_prefect() -> None:
    """Run flows against a throwaway local server with no telemetry unless told otherwise."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not os.environ.get("PREFECT_API_URL"):
        # The throwaway server's event recorder logs a traceback per batch it is cancelled
        # while flushing at exit: noise about a server whose history is discarded anyway.
        logging.getLogger("prefect.server.services.task_run_recorder").setLevel(logging.CRITICAL)
    home = os.environ.get("PREFECT_HOME")
    if home:
        Path(home).mkdir(parents=True, exist_ok=True)


def settings(config_path: str | None = None, mode: str | None = None) -> Settings:
    """The settings, checked against the code before any flow starts, so a misspelt source or
    `[http]` key stops the command with one line (`ConfigError`), not a failed flow run."""
    loaded = load_settings(config_path, mode=mode)
    check(loaded)
    return loaded


def run_sample(
    config_path: str | None = None, on_night: Callable[[RunSummary], None] | None = None
) -> tuple[Settings, str, list[RunSummary]]:
    """Replay every sample night through the nightly flow, oldest first, then write the latest
    weekly report; `on_night` hears each night's summary as it lands (the CLI's progress).

    One nightly flow run per night, so the progress can follow; the report is written
    directly, as `jobtrends report` does.
    """
    checked = settings(config_path, "sample")
    free_to_ingest(checked)
    from flows.nightly import nightly
    from flows.runners import configured

    run = configured(nightly, checked)
    runs = []
    for night in sample_nights():
        state = run(night=night, mode="sample", config_path=config_path, return_state=True)
        runs.append(_summary(state))
        if on_night is not None:
            on_night(runs[-1])
    return checked, run_report(None, config_path), runs


def _summary(state: Any) -> RunSummary:
    """The run summary a nightly flow run ended with, even in a Failed state (every board
    failed); an exception the flow raised (a locked warehouse) is raised here."""
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):
        raise summary
    return summary


def run_nightly(
    night: date | None = None,
    mode: str | None = None,
    sources: list[str] | None = None,
    companies: list[str] | None = None,
    dry_run: bool = False,
    config_path: str | None = None,
    force: bool = False,
) -> RunSummary:
    """Run the nightly flow once, after checking everything a typo could get wrong: the
    sources, companies and night asked for, the warehouse path, and that no other ingest
    holds the warehouse (so a cron job with a typo fails loudly instead of doing nothing).
    Prefect is imported only once those pass, so a typo costs a second, not a server start."""
    checked = settings(config_path, mode)
    check_selection(checked, sources, companies)
    check_night(checked, night, force)
    free_to_ingest(checked)
    from flows.nightly import nightly
    from flows.runners import configured

    state = configured(nightly, checked)(
        night=night,
        mode=mode,
        sources=sources,
        companies=companies,
        dry_run=dry_run,
        config_path=config_path,
        return_state=True,
    )
    return _summary(state)


def check_selection(
    checked: Settings, sources: Sequence[str] | None, companies: Sequence[str] | None
) -> None:
    """Every `--source` and `--company` must name a board this mode reads, or `BadChoice`
    lists the ones it does; a company must also belong to one of the chosen sources."""
    planned = sample_boards() if checked.mode == "sample" else live_boards(checked)
    boards = [item.board for item in planned]
    known_sources = sorted({b.source for b in boards})
    for name in sources or ():
        if name not in known_sources:
            raise BadChoice(
                f"--source {name!r} has no boards in {checked.mode} mode; "
                f"valid: {', '.join(known_sources) or '(none configured)'}"
            )
    chosen = [b for b in boards if not sources or b.source in sources]
    lowered = {b.token.lower() for b in chosen} | {b.company.lower() for b in chosen}
    for name in companies or ():
        if name.lower() not in lowered:
            valid = sorted({f"{b.token} ({b.company})" for b in chosen}, key=str.lower)
            raise BadChoice(
                f"--company {name!r} is not a board here; valid tokens (or company names): "
                + ", ".join(valid)
            )


def check_night(checked: Settings, night: date | None, force: bool = False) -> None:
    """The sample has fixed nights; a live night is never after tomorrow, and a past one
    needs `force` (the engine's rule, `ingest.plan.check_night`)."""
    if night is None:
        return
    if checked.mode == "sample":
        nights = sample_nights()
        if night not in nights:
            raise BadChoice(
                f"--night {night} is not a sample night; valid: {nights[0]} to {nights[-1]}"
            )
        return
    check_live_night(checked, night, force=force)


def free_to_ingest(checked: Settings) -> None:
    """Fail at once, before any flow starts, if the warehouse is unusable or another ingest
    holds its run lock; the flow takes the lock itself right after."""
    warehouse_file(checked.db_path)
    with run_lock(checked.db_path, wait_seconds=0):
        pass


def check_week(week: str | None) -> None:
    """`2026-W46` or nothing; `2026-46` or week 54 is a typo, not an empty week."""
    if week is None:
        return
    match = WEEK.match(week)
    if not match:
        raise BadChoice(f"--week {week!r} is not an ISO week; write it like 2026-W46")
    try:
        date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise BadChoice(f"--week {week!r}: {exc}") from exc


def report(week: str | None = None, db_path: str | Path | None = None) -> Report:
    """The weekly report model for `week` (default: the latest week with data), read-only:
    for a notebook, or to render yourself (`reports.weekly.render_markdown`)."""
    check_week(week)
    con = read_only(db_path)
    try:
        _week_with_data(con, week)
        return build_report(con, week)
    finally:
        con.close()


def estimate_night(
    mode: str | None = None,
    sources: list[str] | None = None,
    companies: list[str] | None = None,
    config_path: str | None = None,
) -> list[str]:
    """What a live night will read and about how long it takes, from the per-host limits;
    nothing for a sample night, which replays recorded answers."""
    checked = settings(config_path, mode)
    if checked.mode != "live":
        return []
    check_selection(checked, sources, companies)
    planned = plan(checked, sources, companies)
    return boards.estimate_lines(planned, checked.orchestration.night_budget_seconds)


def import_boards(path: str | None = None, config_path: str | None = None) -> registry.ImportCounts:
    """Add a CSV of `source,token[,company]` to the board registry (default: the shipped one)."""
    con = open_warehouse(load_settings(config_path).db_path)
    try:
        return boards.import_file(con, path)
    finally:
        con.close()


def list_boards(
    source: str | None = None, status: str | None = None, config_path: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The registry's boards and their counts per source and status, filtered."""
    if source:
        boards.board_source(source)
    if status and status not in registry.STATUSES:
        raise ConfigError(f"unknown status {status!r}; valid: {', '.join(registry.STATUSES)}")
    con = open_warehouse(load_settings(config_path).db_path)
    try:
        return registry.list_boards(con, source, status), registry.counts(con, source, status)
    finally:
        con.close()


def check_boards(
    source: str | None = None, limit: int | None = None, config_path: str | None = None
) -> list[boards.Attempt]:
    """Probe registered boards once each, politely, and record what each answered."""
    return boards.check(settings(config_path), source, limit)


def discover_boards(
    names: Sequence[str], add: bool = False, config_path: str | None = None
) -> dict[str, list[boards.Attempt]]:
    """Which ATS boards answer for each company name or domain, with their job counts."""
    return boards.discover(settings(config_path), names, add=add)


def enable_boards(
    source: str, tokens: Sequence[str], enabled: bool, config_path: str | None = None
) -> list[str]:
    """Enable or disable registered boards; returns the tokens the registry does not hold."""
    boards.board_source(source)
    con = open_warehouse(load_settings(config_path).db_path)
    try:
        return registry.set_enabled(con, source, list(tokens), enabled)
    finally:
        con.close()


def run_report(week: str | None = None, config_path: str | None = None) -> str:
    """Write the week's report files and return the Markdown path. No Prefect: building the
    report takes a second, a throwaway Prefect server took twenty (the served weekly
    deployment still runs `flows.weekly` and publishes the artifact)."""
    check_week(week)
    loaded = load_settings(config_path)
    warehouse_file(loaded.db_path, must_exist=True)
    con = open_warehouse(loaded.db_path)
    try:
        _week_with_data(con, week)
        files = write_report(con, loaded.reports_dir, week)
    finally:
        con.close()
    return str(files.markdown)


def _week_with_data(con: Connection, week: str | None) -> None:
    from warehouse.queries import find_week, weeks

    if find_week(con, week) is not None:
        return
    known = [w.week for w in weeks(con)]
    if not known:
        raise Unusable("the warehouse has no postings yet: run `jobtrends run` or `nightly` first")
    raise Unusable(f"no data for week {week}; weeks with data: {known[0]} to {known[-1]}")


def warehouse_file(db_path: str | Path | None = None, *, must_exist: bool = False) -> Path:
    """The warehouse path, checked before DuckDB sees it: a folder, or a file that is not a
    DuckDB database, fails at once with one line instead of deep inside a flow run."""
    path = load_settings(db_path=db_path).db_path
    if path.is_dir():
        raise Unusable(f"warehouse {path} is a folder; JOBTRENDS_DB must name a DuckDB file")
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(12)
        if head[8:12] != DUCKDB_MAGIC:
            raise Unusable(f"warehouse {path} is not a DuckDB database file")
    elif must_exist:
        raise Unusable(
            f"no warehouse at {path} yet: `jobtrends run` loads the sample, "
            "`jobtrends nightly --mode live` the boards"
        )
    return path


def read_only(db_path: str | Path | None = None) -> Connection:
    """A read-only connection to an existing warehouse, for queries and the report."""
    return open_warehouse(warehouse_file(db_path, must_exist=True), read_only=True)


def sql(query: str, db_path: str | Path | None = None) -> pd.DataFrame:
    """Run read-only SQL against the warehouse (views included)."""
    if not query.strip():
        raise BadChoice("empty query; `jobtrends tables` lists what you can select from")
    return query_sandboxed(warehouse_file(db_path, must_exist=True), query)


def tables(db_path: str | Path | None = None) -> pd.DataFrame:
    """Every table and view a query can read, with its kind and documentation."""
    con = read_only(db_path)
    try:
        return con.execute(
            """
            SELECT table_name AS name, 'table' AS kind, estimated_size AS rows,
                   coalesce(comment, '') AS comment
            FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'
            UNION ALL
            SELECT view_name, 'view', NULL, coalesce(comment, '')
            FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
            ORDER BY kind, name
            """
        ).df()
    finally:
        con.close()


def schema(name: str, db_path: str | Path | None = None) -> pd.DataFrame:
    """The columns of one table or view, with their types and documentation."""
    con = read_only(db_path)
    try:
        frame = con.execute(
            """
            SELECT column_name AS column, data_type AS type, is_nullable AS nullable,
                   coalesce(comment, '') AS comment
            FROM duckdb_columns()
            WHERE schema_name = 'main' AND table_name = ?
            ORDER BY column_index
            """,
            [name],
        ).df()
    finally:
        con.close()
    if frame.empty:
        known = tables(db_path)["name"].tolist()
        raise BadChoice(f"no table or view named {name!r}; known: {', '.join(known)}")
    return frame


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
    for raw_path in paths:
        path = Path(raw_path)
        try:
            body = path.read_bytes()
        except OSError as exc:
            yield ParsedFile(str(raw_path), error=f"cannot read: {exc.strerror or exc}")
            continue
        yield _parse_body(source, body, path.name, board, str(raw_path))


def parse(
    source: str, payload: bytes | str | dict[str, Any] | list[Any], board: str | None = None
) -> list[dict[str, Any]]:
    """One board's response body (as bytes, text or the decoded JSON) parsed and labelled:
    a dict per posting with its `posting` fields, `extras` and `labels` (with evidence).

    Raises `BadChoice` for an unknown source and `Unusable` when nothing in it parses.
    """
    if source not in source_names():
        raise BadChoice(f"unknown source {source!r}; known: {', '.join(source_names())}")
    if isinstance(payload, dict | list):
        payload = json.dumps(payload)
    body = payload.encode("utf-8") if isinstance(payload, str) else payload
    name = f"{board or source}.json"
    parsed = _parse_body(source, body, name, board, name)
    if parsed.error:
        raise Unusable(f"{source} payload: {parsed.error}")
    return parsed.postings


def _parse_body(source: str, body: bytes, name: str, board: str | None, shown: str) -> ParsedFile:
    from pipeline.labels import labels_of
    from pipeline.saved import SAVED_URL, UnsupportedShape, parse_saved, posting_key
    from pipeline.sources import SourceError

    out = ParsedFile(shown)
    try:
        _, result = parse_saved(source, body, name, board)
    except (UnsupportedShape, SourceError) as exc:
        out.error = str(exc).removeprefix(SAVED_URL.format(name) + ": ")
        return out
    reasons = [e.reason for e in result.errors]
    if reasons and not result.postings:
        more = f" (and {len(reasons) - 1} more records)" if len(reasons) > 1 else ""
        out.error = f"no posting parsed: {reasons[0]}{more}"
        return out
    out.record_errors = [f"record {e.record_ref or '?'}: {e.reason}" for e in result.errors]
    stem = Path(name).stem
    for posting in result.postings:
        record = asdict(posting)
        record.pop("extras")
        out.postings.append(
            {
                "key": posting_key(source, stem, posting),
                "posting": record,
                "extras": posting.extras,
                "labels": labels_of(posting).to_dict(),
            }
        )
    return out


def postings(
    week: str | None = None,
    role: str | None = None,
    source: str | None = None,
    db_path: str | Path | None = None,
) -> pd.DataFrame:
    """Stored postings with their labels, one row per board sighting (`stg_postings`), for a
    notebook: `week` keeps those open at some point in that ISO week, `role` and `source`
    keep one of each (a name the warehouse has never seen fails naming the ones it has)."""
    check_week(week)
    con = read_only(db_path)
    try:
        for column, value in (("role", role), ("source", source)):
            if value is not None:
                known = [
                    r[0]
                    for r in con.execute(
                        f"SELECT DISTINCT {column} FROM stg_postings WHERE {column} IS NOT NULL "
                        "ORDER BY 1"
                    ).fetchall()
                ]
                if value not in known:
                    raise BadChoice(
                        f"{column} {value!r} is not in the warehouse; known: " + ", ".join(known)
                    )
        start = end = None
        if week is not None:
            year, number = (int(part) for part in week.split("-W"))
            start = date.fromisocalendar(year, number, 1)
            end = date.fromisocalendar(year, number, 7)
        return con.execute(
            """
            SELECT * FROM stg_postings
            WHERE ($start IS NULL OR (first_seen <= $end AND (closed_at IS NULL
                                                             OR closed_at >= $start)))
              AND ($role IS NULL OR role = $role)
              AND ($source IS NULL OR source = $source)
            ORDER BY source, company, title, source_id
            """,
            {"start": start, "end": end, "role": role, "source": source},
        ).df()
    finally:
        con.close()


def reclassify(db_path: str | Path | None = None) -> tuple[LabelChanges, str]:
    """Relabel every stored posting with the current classifier, in one transaction.

    Returns what moved (per label, old -> new pairs), so a rule change shows its effect.
    """
    con = open_warehouse(warehouse_file(db_path, must_exist=True))
    try:
        return relabel_all(con), CLASSIFIER_VERSION
    finally:
        con.close()


def reclassify_dry_run(
    db_path: str | Path | None = None,
) -> tuple[LabelChanges, FigureChanges, str]:
    """What reclassifying would move, labels and the figures and verdicts they feed, with
    nothing written: the relabelling is rolled back once the marts have been read."""
    con = open_warehouse(warehouse_file(db_path, must_exist=True))
    try:
        before = snapshot(con)
        changes, after = relabel_dry_run(con, snapshot)
        return changes, compare(before, after), CLASSIFIER_VERSION
    finally:
        con.close()


def regroup(db_path: str | Path | None = None) -> CanonicalStats:
    """Group every stored posting into canonical jobs from scratch, rebuilding the stored
    fingerprints, bands and matches the nightly incremental grouping works from."""
    con = open_warehouse(warehouse_file(db_path, must_exist=True))
    try:
        return group(con, force=True)
    finally:
        con.close()


def reparse(
    since: date,
    until: date | None = None,
    workers: int | None = None,
    config_path: str | None = None,
) -> list[RunSummary]:
    """Parse and load archived nights again; `workers` defaults to one process per core."""
    checked = settings(config_path)
    free_to_ingest(checked)
    return reparse_archive(
        checked,
        since,
        until,
        workers=default_workers() if workers is None else workers,
    )


def verify_archive(config_path: str | None = None) -> VerifyReport:
    """Every archived object checked against its digest: what is missing or corrupt."""
    return RawArchive(load_settings(config_path).archive_dir).verify()


def backfill(since: date, until: date, config_path: str | None = None) -> list[str]:
    """Reparse archived nights in a range and rebuild those weeks' reports; the report paths."""
    from flows.backfill import backfill as backfill_flow

    if since > until:
        raise BadChoice(f"--from {since} is after --to {until}")
    free_to_ingest(settings(config_path))
    return backfill_flow(since, until, config_path)


@dataclass(frozen=True, slots=True)
class PrefectApi:
    api_url: str
    ui_url: str


def prefect_api() -> PrefectApi:
    """The Prefect server `serve` registers with (`PREFECT_API_URL` or the active profile).

    Without one, Prefect would start a throwaway server that lives and dies with this process,
    taking the runs' history with it; `Unusable` says how to start a persistent one instead.
    """
    from prefect.settings import get_current_settings

    current = get_current_settings()
    if not current.api.url:
        host, port = current.server.api.host, current.server.api.port
        raise Unusable(
            "no Prefect API configured (PREFECT_API_URL is unset), so run history would be lost "
            f"on exit. Start a persistent server with `.venv/bin/prefect server start` (UI at "
            f"http://{host}:{port}, history in {current.home}/prefect.db), then `export "
            f"PREFECT_API_URL=http://{host}:{port}/api` and run `jobtrends serve` again"
        )
    return PrefectApi(current.api.url, current.ui_url or current.api.url.removesuffix("/api"))


def serve(config_path: str | None = None) -> None:
    """Serve the nightly and weekly deployments on their schedules until interrupted."""
    from flows.deployments import serve as serve_deployments

    serve_deployments(settings(config_path), config_path)


def import_survey(path_or_url: str | None = None, config_path: str | None = None) -> SurveyImport:
    """Import the aijobs.net salary survey from a file or URL (default: the live download)."""
    source = path_or_url or survey.DEFAULT_URL
    if "://" not in source and not Path(source).is_file():
        raise Unusable(f"survey file {source} does not exist")
    con = open_warehouse(warehouse_file(load_settings(config_path).db_path))
    try:
        return survey.import_survey(con, source)
    except WarehouseError as exc:
        first = str(exc).splitlines()[0]
        raise Unusable(
            f"{source} is not the aijobs.net salary survey CSV "
            f"(columns {', '.join(survey.CSV_COLUMNS)}): {first}"
        ) from exc
    finally:
        con.close()


def export(out_dir: str | Path | None = None, config_path: str | None = None) -> ExportResult:
    """Write postings and every mart as Parquet (default: `<data dir>/export`)."""
    settings = load_settings(config_path)
    con = open_warehouse(warehouse_file(settings.db_path, must_exist=True))
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
    from ingest.captures import CaptureFilter
    from ingest.history import import_history as run_import

    wanted = CaptureFilter(source, since, until, boards, frozenset(tokens))
    return run_import(load_settings(config_path), path, wanted, workers=workers)


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
