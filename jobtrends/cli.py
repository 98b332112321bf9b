"""`jobtrends`: the command line, a thin layer over `jobtrends.api`.

A mistake a user can make (a typo in a name, a bad path, invalid SQL, a locked warehouse)
ends the command with one line on stderr and a non-zero status, never a traceback: `Cli`
turns the exceptions that mean "you asked for something that cannot work" into that line,
and `--debug` lets them through with their traceback. Anything else is a bug and still
shows its traceback.
"""

from __future__ import annotations

import atexit
import math
import os
import signal
import sys
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from config import ConfigError, load_settings
from ingest.night import stoppable
from ingest.plan import sample_nights
from jobtrends import api
from jobtrends.output import FORMATS, render
from jobtrends.progress import night_note, per_source, steps
from reports.figure_diff import FigureChanges
from warehouse.db import QueryError, WarehouseError, WarehouseLocked
from warehouse.runlock import RunLocked
from warehouse.survey import SurveyDownloadError

EX_USAGE = 2
EX_INTERRUPTED = 130
EX_TEMPFAIL = 75
"""sysexits' "try again later": another process holds the warehouse."""
EXPECTED: dict[type[BaseException], int] = {
    ConfigError: EX_USAGE,
    api.BadChoice: EX_USAGE,
    api.ToolsMissing: EX_USAGE,
    RunLocked: EX_TEMPFAIL,
    WarehouseLocked: EX_TEMPFAIL,
    api.Unusable: 1,
    QueryError: 1,
    SurveyDownloadError: 1,
    WarehouseError: 1,
    OSError: 1,
}


class Cli(click.Group):
    """The command group that reports expected failures as one line (see the module doc)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except tuple(EXPECTED) as exc:
            if ctx.meta.get("jobtrends.debug"):
                raise
            code = next(c for kind, c in EXPECTED.items() if isinstance(exc, kind))
            click.echo(f"Error: {_one_line(exc)}", err=True)
            ctx.exit(code)
        except KeyboardInterrupt:
            if ctx.meta.get("jobtrends.debug"):
                raise
            click.echo("Error: interrupted", err=True)
            ctx.exit(EX_INTERRUPTED)


def _one_line(exc: BaseException) -> str:
    """The message without DuckDB's multi-line hints, and with OSError's file name."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


MOVES_SHOWN = 5
ERROR_SHOWN = 80
CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Sources TOML (default: $JOBTRENDS_CONFIG or the bundled one).",
)


@click.group(cls=Cli)
@click.version_option(version("jobtrends"), "--version", prog_name="jobtrends")
@click.option("--debug", is_flag=True, help="Show the traceback of an expected failure too.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """An open AI job-market observatory: nightly ingest into DuckDB, weekly reports."""
    ctx.meta["jobtrends.debug"] = debug
    api.quiet_prefect()


@main.command()
@CONFIG
def run(config_path: str | None) -> None:
    """Replay the bundled offline sample night by night, then write the latest weekly report."""
    with steps(len(sample_nights()), "sample nights") as step:
        settings, report, runs = api.run_sample(config_path, lambda run: step(night_note(run)))
    click.echo(per_source(runs))
    click.echo(f"warehouse: {settings.db_path.resolve()}")
    click.echo(f"report:    {Path(report).resolve()}")


@main.command()
@CONFIG
@click.option("--night", type=click.DateTime(["%Y-%m-%d"]), help="Night to ingest (default today).")
@click.option("--mode", type=click.Choice(["sample", "live"]), help="Override the config's mode.")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--company", "companies", multiple=True, help="Only this board token or company.")
@click.option("--dry-run", is_flag=True, help="Fetch and parse, load nothing.")
@click.option(
    "--force",
    is_flag=True,
    help="Allow a past --night in live mode: today's boards, filed as a new attempt of it.",
)
def nightly(
    config_path: str | None,
    night: datetime | None,
    mode: str | None,
    sources: tuple[str, ...],
    companies: tuple[str, ...],
    dry_run: bool,
    force: bool,
) -> None:
    """Run the nightly ingest flow once (a live run first prints how long it should take)."""
    for line in api.estimate_night(
        mode, list(sources) or None, list(companies) or None, config_path
    ):
        click.echo(f"estimate: {line}")
    with stoppable() as stop, steps(None, "nightly ingest"):
        summary = api.run_nightly(
            night.date() if night else None,
            mode,
            list(sources) or None,
            list(companies) or None,
            dry_run,
            config_path,
            force,
        )
    click.echo(per_source([summary]))
    code = 1 if summary.failed else 0
    if stop.is_set():
        click.echo(f"Error: stopped by {stop.signal_name}; what finished is recorded", err=True)
        code = EX_INTERRUPTED
    if stop.abandoned:
        _exit_abandoning_fetches(code)
    sys.exit(code)


def _exit_abandoning_fetches(code: int) -> None:
    """Exit now, though fetch threads a stopped night abandoned (a signal, or the night's
    budget ran out) may still hang on a slow server.

    Everything is recorded and the run lock released by now; a normal exit would join those
    threads (minutes, on a server that trickles). So the exit handlers run (Prefect stops
    its local server, logs flush) and the process ends without the thread joins.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)


@main.group()
def boards() -> None:
    """The board registry: import, list, check, discover, enable and disable boards."""


@boards.command("import")
@CONFIG
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def boards_import(config_path: str | None, file: str | None) -> None:
    """Import a CSV of source,token[,company] (default: the shipped config/boards.csv)."""
    counts = api.import_boards(file, config_path)
    click.echo(f"{counts.added:,} boards added, {counts.known:,} already registered")


@boards.command("list")
@CONFIG
@click.option("--source", help="Only this source.")
@click.option("--status", help="Only this status (unchecked, active, empty, failing, gone).")
@click.option("--counts", "counts_only", is_flag=True, help="Only the counts per source/status.")
def boards_list(
    config_path: str | None, source: str | None, status: str | None, counts_only: bool
) -> None:
    """List registered boards and their health, then the counts per source and status."""
    frame, counts = api.list_boards(source, status, config_path)
    frame["last_error"] = frame["last_error"].str.slice(0, ERROR_SHOWN)
    if not counts_only:
        click.echo(frame.to_string(index=False) if not frame.empty else "(no boards)")
    click.echo(counts.to_string(index=False) if not counts.empty else "(no boards)")
    click.echo(f"total: {int(counts['boards'].sum()) if not counts.empty else 0:,} boards")


@boards.command("check")
@CONFIG
@click.option("--source", help="Only this source's boards.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many boards.")
def boards_check(config_path: str | None, source: str | None, limit: int | None) -> None:
    """Ask each board's API once, politely, and record the answer (404 and empty included)."""
    attempts = api.check_boards(source, limit, config_path)
    for a in attempts:
        detail = f"{a.postings} postings" if a.outcome == "ok" else a.error
        click.echo(f"{a.source}/{a.token}: {a.outcome} {detail}")
    by_outcome: dict[str, int] = {}
    for a in attempts:
        by_outcome[a.outcome] = by_outcome.get(a.outcome, 0) + 1
    click.echo(
        f"checked {len(attempts)} boards: "
        + (", ".join(f"{n} {k}" for k, n in sorted(by_outcome.items())) or "none registered")
    )


@boards.command("discover")
@CONFIG
@click.option("--add", is_flag=True, help="Register the boards that answered.")
@click.argument("names", nargs=-1, required=True)
def boards_discover(config_path: str | None, add: bool, names: tuple[str, ...]) -> None:
    """Try each company's likely token on every ATS's public API; print which answered."""
    for name, attempts in api.discover_boards(names, add, config_path).items():
        if not attempts:
            click.echo(f"{name}: no board found")
        for a in attempts:
            click.echo(f"{name}: {a.source}/{a.token} answered with {a.postings} jobs")


@boards.command("enable")
@CONFIG
@click.option("--source", required=True, help="The boards' source.")
@click.argument("tokens", nargs=-1, required=True)
def boards_enable(config_path: str | None, source: str, tokens: tuple[str, ...]) -> None:
    """Let the nightly run read these registered boards again."""
    _toggle(config_path, source, tokens, True)


@boards.command("disable")
@CONFIG
@click.option("--source", required=True, help="The boards' source.")
@click.argument("tokens", nargs=-1, required=True)
def boards_disable(config_path: str | None, source: str, tokens: tuple[str, ...]) -> None:
    """Keep the nightly run and checks from reading these registered boards."""
    _toggle(config_path, source, tokens, False)


def _toggle(config_path: str | None, source: str, tokens: tuple[str, ...], enabled: bool) -> None:
    missing = api.enable_boards(source, tokens, enabled, config_path)
    done = len(set(tokens)) - len(missing)
    click.echo(f"{'enabled' if enabled else 'disabled'} {done} {source} boards")
    if missing:
        click.echo(f"error: not registered: {', '.join(missing)}", err=True)
        sys.exit(1)


@main.command()
@CONFIG
@click.option("--week", help="ISO week like 2026-W46 (default: the latest week with data).")
@click.option("--all", "all_weeks", is_flag=True, help="Every week with data, and the index page.")
def report(config_path: str | None, week: str | None, all_weeks: bool) -> None:
    """Write the weekly report (Markdown, HTML, CSVs) and print the Markdown's path; with
    --all, every week's and the index page."""
    if all_weeks:
        if week:
            raise click.UsageError("give --week or --all, not both")
        click.echo(api.write_all_reports(config_path))
        return
    click.echo(api.run_report(week, config_path))


@main.command("real-market")
@CONFIG
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/real-market.md"),
    show_default=True,
    help="Where the document goes.",
)
def real_market(config_path: str | None, out: Path) -> None:
    """Write what a replayed history of real postings says about the guide (Markdown)."""
    click.echo(api.write_real_market(out, config_path))


DB = click.option("--db", "db_path", type=click.Path(), help="DuckDB file (default: the settings).")
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="How to print the rows.",
)


@main.command()
@click.argument("query")
@DB
@FORMAT
def sql(query: str, db_path: str | None, fmt: str) -> None:
    """Run a read-only SQL query against the warehouse and print the result.

    The connection is sandboxed: files, COPY, ATTACH and INSTALL are refused. `jobtrends
    tables` lists what there is to select from, `jobtrends schema NAME` its columns.
    """
    click.echo(render(api.sql(query, db_path), fmt))


@main.command()
@DB
@FORMAT
def tables(db_path: str | None, fmt: str) -> None:
    """List the warehouse's tables and views, with what each holds."""
    click.echo(render(api.tables(db_path), fmt))


@main.command()
@click.argument("name")
@DB
@FORMAT
def schema(name: str, db_path: str | None, fmt: str) -> None:
    """Show the columns of one table or view: type, nullability and documentation."""
    click.echo(render(api.schema(name, db_path), fmt))


@main.command()
@click.argument("input_file", type=click.File("r", encoding="utf-8"), default="-")
def classify(input_file: click.utils.LazyFile) -> None:
    """Label JSON Lines (title, company, description, location, salary_text, workplace_type)."""
    from pipeline.classify.jsonl import classify_jsonl

    ok, bad = classify_jsonl(input_file, click.get_text_stream("stdout"))
    click.echo(f"{ok} classified, {bad} errors", err=True)


@main.command()
@click.option("--source", required=True, help="The source whose saved bodies these are.")
@click.option("--board", help="Board token (and company) to parse them as (default: file stem).")
@click.argument("files", nargs=-1, required=True)
def parse(source: str, board: str | None, files: tuple[str, ...]) -> None:
    """Parse saved response bodies and print each posting with its labels and their evidence.

    One JSON line per posting on stdout; a file that cannot be parsed gets one error line on
    stderr (the others still print) and the exit status is 1.
    """
    import json

    known = api.source_names()
    if source not in known:
        raise click.BadParameter(f"{source!r}; known: {', '.join(known)}", param_hint="--source")
    failed = 0
    for parsed in api.parse_files(source, files, board):
        for record in parsed.postings:
            click.echo(json.dumps(record, ensure_ascii=False, default=str))
        for reason in parsed.record_errors:
            click.echo(f"warning: {parsed.path}: {reason}", err=True)
        if parsed.error is not None:
            failed += 1
            click.echo(f"error: {parsed.path}: {parsed.error}", err=True)
    if failed:
        sys.exit(1)


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show the labels, weekly figures and verdicts a rules change moves; write nothing.",
)
def reclassify(db_path: str | None, dry_run: bool) -> None:
    """Relabel every stored posting with the current rules (bulk); report which labels moved."""
    if dry_run:
        changes, figures, version = api.reclassify_dry_run(db_path)
        click.echo(
            f"dry run: nothing written; would relabel {changes.relabelled} postings "
            f"with classifier {version}"
        )
    else:
        changes, version = api.reclassify(db_path)
        click.echo(f"relabelled {changes.relabelled} postings with classifier {version}")
    click.echo(
        f"{changes.changed} had a label change; {changes.unlabelled_before} had no labels before"
    )
    for label, rows in changes.per_label().items():
        pairs = sorted(
            ((n, old, new) for (name, old, new), n in changes.moves.items() if name == label),
            reverse=True,
        )
        shown = ", ".join(f"{old} -> {new} ({n})" for n, old, new in pairs[:MOVES_SHOWN])
        more = f", ... {len(pairs) - MOVES_SHOWN} more" if len(pairs) > MOVES_SHOWN else ""
        click.echo(f"  {label}: {rows} rows: {shown}{more}")
    if dry_run:
        _echo_figure_changes(figures)


def _echo_figure_changes(changes: FigureChanges) -> None:
    click.echo(f"weekly figures that would change: {len(changes.figures)}")
    for row in changes.figures.itertuples(index=False):
        before, after = (_figure(row.figure, v) for v in (row.before, row.after))
        click.echo(f"  {row.week} {row.figure}: {before} -> {after}")
    moved = len(changes.verdicts)
    click.echo(f"guide-check verdicts that would change in {changes.week}: {moved}")
    for row in changes.verdicts.itertuples(index=False):
        click.echo(f"  {row.claim}: {row.before or 'none'} -> {row.after or 'none'}")


def _figure(name: str, value: float) -> str:
    if math.isnan(value):
        return "none"
    return f"{value:.1%}" if "share" in name else f"{value:,.0f}"


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
def regroup(db_path: str | None) -> None:
    """Regroup every stored posting into canonical jobs from scratch (nights group only
    what changed)."""
    stats = api.regroup(db_path)
    click.echo(
        f"grouped {stats.postings} postings into {stats.canonical_jobs} canonical jobs "
        f"({stats.duplicate_sightings} duplicate sightings)"
    )


@main.group()
def sample() -> None:
    """The bundled offline sample."""


@sample.command("generate")
def sample_generate() -> None:
    """Regenerate sample/data from its seeded generator (byte-identical; source checkout)."""
    manifest = api.write_sample()
    click.echo(f"wrote {len(manifest['nights'])} nights for {len(manifest['boards'])} boards")


@main.group()
def archive() -> None:
    """The raw archive of every fetched page."""


@archive.command("verify")
@CONFIG
def archive_verify(config_path: str | None) -> None:
    """Check every archived object against its digest; list what is missing or corrupt."""
    report = api.verify_archive(config_path)
    for line in report.lines():
        click.echo(line)
    click.echo(
        f"{report.manifests} fetch manifests, {report.objects} objects checked: "
        + ("ok" if report.ok else f"{len(report.lines())} problems")
    )
    if not report.ok:
        sys.exit(1)


@main.command()
@CONFIG
def where(config_path: str | None) -> None:
    """Print where the warehouse, archive and reports live."""
    s = load_settings(config_path)
    for name, value in (
        ("mode", s.mode),
        ("warehouse", s.db_path),
        ("archive", s.archive_dir),
        ("reports", s.reports_dir),
        ("config", s.config_path),
    ):
        click.echo(f"{name}: {value}")


@main.command("import-survey")
@CONFIG
@click.argument("path_or_url", required=False)
def import_survey_command(config_path: str | None, path_or_url: str | None) -> None:
    """Import the aijobs.net salary survey CSV (default: download the live file)."""
    result = api.import_survey(path_or_url, config_path)
    click.echo(
        f"imported {result.rows} rows as snapshot {result.snapshot[:12]}; title mapping covers "
        f"{result.coverage:.1%} of {result.ai_data_rows} AI/data-titled rows"
    )


@main.command("export")
@CONFIG
@click.option(
    "--format", "fmt", type=click.Choice(["parquet"]), default="parquet", show_default=True
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Default: <data>/export.")
def export_command(config_path: str | None, fmt: str, out_dir: str | None) -> None:
    """Write postings (Hive-partitioned by week and source) and every mart as Parquet."""
    result = api.export(out_dir, config_path)
    click.echo(f"{fmt}: {result.out_dir} ({result.postings} postings, {len(result.marts)} marts)")


@main.command()
@CONFIG
def serve(config_path: str | None) -> None:
    """Serve the nightly and weekly deployments on their schedules until interrupted.

    Talks to the Prefect server in PREFECT_API_URL, so runs and their history outlive this
    process; without one it says how to start a persistent local server and exits.
    """
    settings = api.settings(config_path)
    server = api.prefect_api()
    click.echo(f"Prefect API: {server.api_url}  (UI: {server.ui_url})")
    tuning = settings.orchestration
    click.echo(
        f"serving nightly ({tuning.nightly_cron}) and weekly ({tuning.weekly_cron}) "
        f"in {settings.timezone}, task runner {tuning.runner}"
    )
    api.serve(config_path)


@main.command()
@CONFIG
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First night.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last night (default: all).")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Parsing processes (default: one per core; 0 parses in this process).",
)
def reparse(config_path: str | None, since, until, workers: int | None) -> None:
    """Parse archived nights again and load them; no network, no reports.

    Fetches whose pages, board and code match their last load of the night are skipped.
    """
    with steps(None, "reparsing the archive"):
        runs = api.reparse(since.date(), until.date() if until else None, workers, config_path)
    for run in runs:
        click.echo(night_note(run))
    if not runs:
        click.echo("no archived nights in that range")
    else:
        click.echo(per_source(runs))
    if any(run.failed for run in runs):
        sys.exit(1)


@main.command()
@CONFIG
@click.option(
    "--from", "since", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First night."
)
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last night.")
def backfill(config_path: str | None, since, until) -> None:
    """Reparse archived nights in a range and rebuild those weeks' reports; no network."""
    with steps(None, f"backfill {since.date()} to {until.date()}"):
        paths = api.backfill(since.date(), until.date(), config_path)
    for path in paths:
        click.echo(f"report: {path}")
    if not paths:
        click.echo("no archived nights in that range")


@main.command("import-history")
@CONFIG
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--source", help="Only this source (the compact history is greenhouse).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First night to import.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last night to import.")
@click.option(
    "--boards", type=click.IntRange(min=1), help="Only the first N boards (by first night, name)."
)
@click.option("--board", "tokens", multiple=True, help="Only this board token (repeatable).")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Parsing processes (default: one per core; 0 parses in this process).",
)
def import_history_command(
    config_path: str | None,
    path: Path,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    boards: int | None,
    tokens: tuple[str, ...],
    workers: int | None,
) -> None:
    """Import recorded board captures as nights and replay them into the warehouse.

    PATH is either <YYYY-MM-DD>/<source>/<board>.json[.gz] folders (capture time from an
    optional <board>.meta.json, else the night) or a compact Greenhouse history
    (versions.jsonl.gz + nights.jsonl.gz). A capture whose fetched_at equals the board's
    previous one is no new fetch and is skipped. Importing the same captures again changes
    nothing.
    """
    from ingest.captures import CaptureError

    if source is not None and source not in api.source_names():
        raise click.BadParameter(
            f"{source!r}; valid: {', '.join(api.source_names())}", param_hint="--source"
        )
    if boards and tokens:
        raise click.UsageError("give --boards N or --board TOKEN, not both")
    try:
        result = api.import_history(
            path,
            source=source,
            since=since.date() if since else None,
            until=until.date() if until else None,
            boards=boards,
            tokens=tokens,
            workers=workers,
            config_path=config_path,
        )
    except CaptureError as exc:
        raise click.ClickException(str(exc)) from exc
    c = result.captures
    click.echo(
        f"captures: {c.nights} nights, {len(c.boards)} boards, {c.fresh} fresh, "
        f"{c.stale} stale (skipped), {c.refused} refused"
    )
    if result.replay is not None:
        r = result.replay
        click.echo(
            f"replayed {result.first_night} to {result.last_night}: {r.postings} postings "
            f"({r.unchanged} fetches unchanged) in {result.archive_seconds + r.seconds:.0f} s"
        )
    if result.failed:
        click.echo(f"{result.failed} board-nights failed or refused: see the runs table")


@main.command()
@click.option(
    "--postings",
    "sizes",
    type=click.IntRange(min=1),
    multiple=True,
    help="Postings in the benchmark night (repeatable; default 10,000 and 100,000).",
)
@click.option("--large", is_flag=True, help="Also run 1,000,000 postings (takes hours).")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/bench"),
    show_default=True,
    help="Where generated archives and warehouses go (archives are reused).",
)
@click.option(
    "--results",
    "results_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench/results"),
    show_default=True,
    help="Where the dated results JSON goes.",
)
@click.option(
    "--steady-boards",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Boards in the steady-state replay of the real Greenhouse history.",
)
@click.option(
    "--synthetic-steady",
    is_flag=True,
    help="Replay synthetic churn nights instead of the real history (as when it is absent).",
)
def bench(
    sizes: tuple[int, ...],
    large: bool,
    workdir: Path,
    results_dir: Path,
    steady_boards: int,
    synthetic_steady: bool,
) -> None:
    """Benchmark the archive replay: throughput, ceiling, naive baseline, memory, rerun, views.

    A developer tool: it needs `tools/` from a source checkout."""
    harness = api.bench_tools()

    chosen = sorted(
        set(sizes or harness.DEFAULT_SIZES) | ({harness.LARGE_SIZE} if large else set())
    )
    with steps(None, "benchmark") as step:

        def echo(line: str) -> None:
            click.echo(line)
            step(line)

        results = harness.run(
            chosen,
            workdir,
            naive_size=min(harness.NAIVE_SIZE, chosen[0]),
            workers_size=min(harness.WORKERS_SIZE, chosen[0]),
            steady_boards=steady_boards,
            steady_history=not synthetic_steady,
            echo=echo,
        )
    path = harness.write(results, results_dir)
    click.echo(harness.table(results))
    click.echo(f"results: {path}")


def _terminate(signum: int, frame: Any) -> None:
    """SIGTERM unwinds like Ctrl-C, so `finally` blocks run and the run lock is released."""
    raise KeyboardInterrupt


def _entry() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    main(standalone_mode=True)
