"""`jobtrends`: the command line, a thin layer over `jobtrends.api`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from config import ConfigError, load_settings
from jobtrends import api
from warehouse.db import QueryError, WarehouseLocked
from warehouse.runlock import RunLocked

MOVES_SHOWN = 5
CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Sources TOML (default: $JOBTRENDS_CONFIG or the bundled one).",
)


@click.group()
def main() -> None:
    """An open AI job-market observatory: nightly ingest into DuckDB, weekly reports."""
    api.quiet_prefect()


@main.command()
@CONFIG
def run(config_path: str | None) -> None:
    """Replay the bundled offline sample night by night, then write the latest weekly report."""
    settings, report = api.run_sample(config_path)
    click.echo(f"warehouse: {settings.db_path.resolve()}")
    click.echo(f"report:    {Path(report).resolve()}")


@main.command()
@CONFIG
@click.option("--night", type=click.DateTime(["%Y-%m-%d"]), help="Night to ingest (default today).")
@click.option("--mode", type=click.Choice(["sample", "live"]), help="Override the config's mode.")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--company", "companies", multiple=True, help="Only this board token or company.")
@click.option("--dry-run", is_flag=True, help="Fetch and parse, load nothing.")
def nightly(
    config_path: str | None,
    night: datetime | None,
    mode: str | None,
    sources: tuple[str, ...],
    companies: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Run the nightly ingest flow once."""
    state = api.run_nightly(
        night.date() if night else None,
        mode,
        list(sources) or None,
        list(companies) or None,
        dry_run,
        config_path,
    )
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):
        raise summary
    for b in summary.boards:
        line = f"{b.source}/{b.board}: {b.status} fetched={b.fetched} new={b.new} closed={b.closed}"
        click.echo(line + (f" error={b.error}" if b.error else ""))
    if summary.failed:
        sys.exit(1)


@main.command()
@CONFIG
@click.option("--week", help="ISO week like 2026-W46 (default: the latest week with data).")
@click.option("--all", "all_weeks", is_flag=True, help="Every week with data, and the index page.")
def report(config_path: str | None, week: str | None, all_weeks: bool) -> None:
    """Write the weekly report."""
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


@main.command()
@click.argument("query")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
def sql(query: str, db_path: str | None) -> None:
    """Run a read-only SQL query against the warehouse and print the result.

    The connection is sandboxed: files, COPY, ATTACH and INSTALL are refused.
    """
    try:
        frame = api.sql(query, db_path)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(frame.to_string(index=False) if not frame.empty else "(no rows)")


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
def reclassify(db_path: str | None) -> None:
    """Relabel every stored posting with the current rules (bulk); report which labels moved."""
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


@main.group()
def sample() -> None:
    """The bundled offline sample."""


@sample.command("generate")
def sample_generate() -> None:
    """Regenerate sample/data from its seeded generator (byte-identical; source checkout)."""
    manifest = api.write_sample()
    click.echo(f"wrote {len(manifest['nights'])} nights for {len(manifest['boards'])} boards")


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
    from warehouse.survey import SurveyDownloadError

    try:
        result = api.import_survey(path_or_url, config_path)
    except SurveyDownloadError as exc:
        raise click.ClickException(str(exc)) from exc
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

    Talks to the Prefect server in PREFECT_API_URL (start one with `prefect server start`).
    """
    settings = api.settings(config_path)
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
    runs = api.reparse(since.date(), until.date() if until else None, workers, config_path)
    for run in runs:
        failed = [f"{b.source}/{b.board}: {b.error}" for b in run.failed]
        click.echo(
            f"{run.night}: {len(run.boards)} boards, "
            f"{sum(b.fetched for b in run.boards)} postings, {len(failed)} failed"
        )
        for line in failed:
            click.echo(f"  {line}")
    if not runs:
        click.echo("no archived nights in that range")
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
    for path in api.backfill(since.date(), until.date(), config_path):
        click.echo(f"report: {path}")


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
def bench(sizes: tuple[int, ...], large: bool, workdir: Path, results_dir: Path) -> None:
    """Benchmark the archive replay: throughput, ceiling, naive baseline, memory, rerun, views.

    A developer tool: it needs `tools/` from a source checkout."""
    harness = api.bench_tools()

    chosen = sorted(
        set(sizes or harness.DEFAULT_SIZES) | ({harness.LARGE_SIZE} if large else set())
    )
    results = harness.run(
        chosen,
        workdir,
        naive_size=min(harness.NAIVE_SIZE, chosen[0]),
        workers_size=min(harness.WORKERS_SIZE, chosen[0]),
        echo=click.echo,
    )
    path = harness.write(results, results_dir)
    click.echo(harness.table(results))
    click.echo(f"results: {path}")


def _entry() -> None:
    try:
        main(standalone_mode=True)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except api.ToolsMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except (RunLocked, WarehouseLocked) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(75)
