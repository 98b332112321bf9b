"""The nightly ingest flow: the engine's steps (`ingest`) wired into Prefect tasks. Fetch boards
in parallel, parse them wherever the runner says, load them one at a time.

Fetches run on one small thread pool per source in the flow's own process, sized to the
source's `max_concurrency`, so a source never has more boards in flight than its rate limit
allows and the HTTP client (a session with locks) never has to leave the process. Each parse
is submitted as soon as its board's pages are in, on the flow's task runner: threads by
default, Dask when configured (`flows.runners.configured`), with the board's stored label
keys, so only postings whose classifier input changed are classified (`ingest.label`; the
load confirms the keys first, which is also what keeps a cached parse's labels right).
Loading is a single serial task in the flow's process because DuckDB has one writer. A
board that fails is recorded in `runs` with its reason and the others still load; the run
then ends in a state named for the failures: "Partially failed" (Completed) when some boards
failed, Failed when all did.

The flow waits for fetches only until the night's budget runs out or someone asks it to
stop (`ingest.night.stoppable`, SIGINT/SIGTERM at the CLI); boards unfinished then are
recorded as not reached or interrupted, and what finished is loaded as usual.
"""

from __future__ import annotations

import logging
import queue
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from datetime import date, timedelta
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext
from prefect.futures import PrefectFuture
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from config import Settings, load_settings
from flows.runners import configured
from ingest import boards, fetch, key, load, parse, plan
from ingest.night import STOP, interrupted, label_keys_of, not_interrupted, rearmed
from ingest.notify import notify
from ingest.records import BoardOutcome, BoardSummary, ParsedBoard, PlannedBoard, RunSummary
from pipeline.http import HttpClient, HttpError
from pipeline.models import Board, RawPage
from pipeline.sources.base import Source
from warehouse.archive import RawArchive
from warehouse.db import WarehouseError, WarehouseLocked
from warehouse.runlock import run_lock

PARSE_CACHE_DAYS = 30
STOP_POLL_SECONDS = 0.2
BUDGET_GRACE_SECONDS = 5.0


class _ThreadTimeoutCaveat(logging.Filter):
    """Drops Prefect's per-task warning that a timeout cannot interrupt blocking I/O in a
    worker thread. We know: the HTTP client's socket timeouts bound every blocking call, and
    the task timeout fires between them. Logged once per task, it buried the real warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "running in a worker thread" not in record.getMessage()


logging.getLogger("prefect.task_runs").addFilter(_ThreadTimeoutCaveat())


class FetchAgain(Exception):
    """Raised by the fetch task to have Prefect fetch the board again after the delay."""


def _fetch_again(task: Any, task_run: Any, state: State) -> bool:
    """Retry only a fetch the HTTP client judged worth retrying (429, 5xx, timeouts, dropped
    connections); a 404 or a malformed payload fails the same way every time."""
    return isinstance(state.data, FetchAgain)


def _warehouse_locked(task: Any, task_run: Any, state: State) -> bool:
    """Retry the load only while another process holds the DuckDB file."""
    return isinstance(state.data, WarehouseLocked)


@task(
    name="fetch-board",
    cache_policy=NO_CACHE,
    retry_condition_fn=_fetch_again,
    task_run_name="fetch {item.board.source}/{item.board.token}",
)
def fetch_board_task(
    item: PlannedBoard,
    client: HttpClient,
    archive: RawArchive,
    night: date,
    run_id: str,
    mode: str,
    deadline: float | None = None,
    budget: float = 0.0,
) -> BoardOutcome:
    """While task retries remain, a fetch the client judged retriable raises `FetchAgain`;
    on the last attempt it is recorded instead, keeping its pages and reason. Past the
    night's `deadline` (monotonic seconds) the board is not fetched but recorded as not
    reached, so the next night reads it first; after a stop request, as interrupted."""
    if STOP.is_set():
        return interrupted(item, night, run_id, mode)
    if boards.deadline_passed(deadline):
        return boards.not_reached(item, night, run_id, mode, budget)
    outcome = fetch.download(item, client, archive, night, run_id, mode)
    ctx = TaskRunContext.get()
    retries_left = ctx is not None and ctx.task_run.run_count <= ctx.task.retries
    if outcome.retriable and retries_left:
        raise FetchAgain(outcome.error)
    return outcome


def _skip_key(context: Any, parameters: dict[str, Any]) -> str:
    return key.skip_key(parameters["source"], parameters["board"], parameters["pages"])


@task(
    name="parse-board",
    cache_key_fn=_skip_key,
    cache_expiration=timedelta(days=PARSE_CACHE_DAYS),
    persist_result=True,
    task_run_name="parse {board.source}/{board.token}",
)
def parse_board_task(
    source: Source, board: Board, pages: list[RawPage], known: dict[str, str] | None = None
) -> ParsedBoard:
    """Cached under the skip key: a rerun of a night whose payloads and code did not change,
    or a night where a board's pages are the same as on an earlier one, reads the stored
    result instead of parsing again.

    `known` (the board's stored label keys) is left out of the cache key on purpose. A
    cached result carries labels only for the postings it classified, each a function of
    its label key, plus every posting's key; the postings it left to stored labels are
    confirmed against the warehouse just before the load (`ingest.label.confirm_labels`)
    and labelled there if their stored label moved since. So a cached parse never loads a
    stale label, and a board unchanged since last night still hits the cache, which a key
    holding `known` (different before and after that night's load) would miss.
    """
    return parse.parse_board(source, board, pages, known)


@task(name="load-boards", cache_policy=NO_CACHE, retry_condition_fn=_warehouse_locked)
def load_boards_task(
    db_path: str, outcomes: list[BoardOutcome], lock_wait_seconds: float
) -> list[BoardSummary]:
    return load.load_all(db_path, outcomes, lock_wait_seconds)


@flow(name="nightly-ingest", log_prints=False)
def nightly(
    night: date | None = None,
    mode: str | None = None,
    sources: list[str] | None = None,
    companies: list[str] | None = None,
    dry_run: bool = False,
    config_path: str | None = None,
    lock_wait: float = 0.0,
):
    """Ingest one night. `night` defaults to today in the configured timezone (sample mode:
    the sample's last night); `dry_run` fetches and parses but loads nothing. A night after
    tomorrow is refused; what a person may ask for beyond that is `plan.check_night`'s, at
    the command line.

    The whole run holds the warehouse's run lock (fetching too, so two runs never load one
    night against each other), so a second ingest started meanwhile waits `lock_wait`
    seconds and then fails with `RunLocked` naming the holder. A load that fails outright
    (the file locked, damaged or on a full disk) fails every board with its reason, and the
    run is still reported like any other. The summary is reported (webhook included) after
    the lock is released, so a slow webhook never holds up the next run.
    """
    logger = get_run_logger()
    settings = load_settings(config_path, mode=mode)
    tuning = settings.orchestration
    night = night or plan.default_night(settings)
    plan.refuse_future_night(settings, night)
    with rearmed(), run_lock(settings.db_path, wait_seconds=lock_wait):
        ctx = FlowRunContext.get()
        run_id = str(ctx.flow_run.id) if ctx and ctx.flow_run else str(uuid.uuid4())
        planned = plan.plan(settings, sources, companies)
        if settings.mode == "live":
            for line in boards.estimate_lines(planned, tuning.night_budget_seconds):
                logger.info("estimate: %s", line)
        outcomes = _fetch_and_parse(planned, settings, night, run_id)
        outcomes, skipped = boards.split_not_reached(outcomes)
        loaded = not dry_run
        if dry_run:
            summaries = [
                BoardSummary(
                    o.source,
                    o.board,
                    "failed" if o.error else "dry-run",
                    len(o.pages),
                    len(o.load.postings) if o.load else 0,
                    error=o.error,
                )
                for o in outcomes
            ]
        else:
            load_task = load_boards_task.with_options(
                retries=tuning.load_retries, retry_delay_seconds=tuning.retry_delay_seconds
            )
            try:
                summaries = load_task(str(settings.db_path), outcomes, tuning.lock_wait_seconds)
            except Exception as exc:
                reason = load.load_failure(exc)
                logger.error(
                    "nothing loaded for %s: %s. The pages are archived; "
                    "`jobtrends reparse --since %s` loads them once the warehouse is usable.",
                    night,
                    reason,
                    night,
                )
                summaries = load.failed_summaries(settings.db_path, outcomes, reason)
                loaded = False
        summaries += skipped
        if settings.mode == "live" and loaded:
            _record_health(settings, night, summaries, logger)
        summary = RunSummary(run_id, night, settings.mode, summaries)
    _report(summary, settings, logger)
    return _final_state(summary)


def _fetch_and_parse(
    planned: Sequence[PlannedBoard], settings: Settings, night: date, run_id: str
) -> list[BoardOutcome]:
    """Fetch on per-source thread pools; submit each board's parse the moment it arrives."""
    tuning = settings.orchestration
    client = fetch.make_client(settings, night, planned)
    archive = RawArchive(settings.archive_dir)
    fetch_task = fetch_board_task.with_options(
        retries=tuning.fetch_retries,
        retry_delay_seconds=tuning.retry_delay_seconds,
        timeout_seconds=tuning.fetch_timeout_seconds,
    )
    parse_task = parse_board_task.with_options(
        timeout_seconds=tuning.parse_timeout_seconds,
        result_storage=settings.data_dir.resolve() / "parse-cache",
    )
    keys = label_keys_of(settings, planned)
    budget = tuning.night_budget_seconds
    deadline = time.monotonic() + budget if budget > 0 and settings.mode == "live" else None
    outcomes: dict[int, BoardOutcome] = {}
    parses: dict[int, PrefectFuture] = {}
    with ExitStack() as stack:
        pools: dict[str, ThreadPoolTaskRunner] = {}
        for item in planned:
            if item.source.name not in pools:
                cap = max(1, item.source.settings.max_concurrency)
                pools[item.source.name] = stack.enter_context(ThreadPoolTaskRunner(cap))
        fetches = {
            pools[item.source.name].submit(
                fetch_task,
                {
                    "item": item,
                    "client": client,
                    "archive": archive,
                    "night": night,
                    "run_id": run_id,
                    "mode": settings.mode,
                    "deadline": deadline,
                    "budget": budget,
                },
            ): i
            for i, item in enumerate(planned)
        }
        give_up_at = deadline + BUDGET_GRACE_SECONDS if deadline is not None else None
        for done in _as_completed_unless_stopped(list(fetches), give_up_at):
            i = fetches[done]
            item = planned[i]
            outcome = _settled(done) or fetch.failed_outcome(
                item, night, run_id, settings.mode, _why(done)
            )
            outcomes[i] = outcome
            known = keys.take(item.board.source, item.board.token)
            if outcome.error is None:
                parses[i] = parse_task.submit(item.source, item.board, outcome.raw_pages, known)
        if len(outcomes) < len(planned):
            stack.pop_all()
            STOP.abandoned = True
            for i, item in enumerate(planned):
                if i not in outcomes:
                    outcomes[i] = (
                        interrupted(item, night, run_id, settings.mode)
                        if STOP.is_set()
                        else boards.not_reached(item, night, run_id, settings.mode, budget)
                    )
    if keys.failure is not None:
        get_run_logger().warning("%s", keys.failure)
    for i, item in enumerate(planned):
        future = parses.get(i)
        if future is None:
            parsed = ParsedBoard()
        else:
            parsed = _settled(future) or ParsedBoard(failure=f"parse: {_why(future)}")
        load.finish(outcomes[i], item, parsed)
    return [outcomes[i] for i in range(len(planned))]


def _as_completed_unless_stopped(
    futures: list[PrefectFuture], give_up_at: float | None
) -> Iterator[PrefectFuture]:
    """Each future as it completes, until all have, a stop is requested (`ingest.night`) or
    the monotonic clock passes `give_up_at` (the night's budget, plus a grace for the boards
    still queued to record themselves as not reached).

    Polls every `STOP_POLL_SECONDS`. The fetches still in flight then are abandoned, not
    awaited, and their thread pools are never shut down (the caller drops them from its exit
    stack): a fetch hanging on a slow server must not hold the night's results, and its run
    lock, hostage.
    """
    arrived: queue.Queue[PrefectFuture] = queue.Queue()
    for future in futures:
        future.add_done_callback(arrived.put)
    for _ in futures:
        while True:
            if STOP.is_set() or boards.deadline_passed(give_up_at):
                return
            try:
                yield arrived.get(timeout=STOP_POLL_SECONDS)
                break
            except queue.Empty:
                continue


def _record_health(
    settings: Settings, night: date, summaries: list[BoardSummary], logger: logging.Logger
) -> None:
    """Update the board registry from the night; what loaded stays loaded if this fails."""
    try:
        changed = boards.record_night(settings.db_path, night, not_interrupted(summaries))
    except (WarehouseError, WarehouseLocked) as exc:
        logger.warning("board health not recorded for %s: %s", night, exc)
    else:
        logger.info("board registry: %d boards changed status", changed)


def _settled(future: PrefectFuture) -> Any:
    """The task's result, or None when it ended Failed or Crashed (timeout, lost worker)."""
    future.wait()
    state = future.state
    return state.result() if state.is_completed() else None


def _why(future: PrefectFuture) -> str:
    state = future.state
    return f"{state.name}: {state.message}"


def _report(summary: RunSummary, settings: Settings, logger: logging.Logger) -> None:
    """Log, publish and (on failures) notify the run summary, per source and per board."""
    _publish(summary)
    for row in summary.by_source():
        logger.info(
            "%s: %d boards, %d fetched, %d new, %d updated, %d closed, %d failed; "
            "%d labelled, %d labels reused",
            row["source"],
            row["boards"],
            row["fetched"],
            row["new"],
            row["updated"],
            row["closed"],
            row["failed"],
            row["labelled"],
            row["labels_reused"],
        )
    for board in summary.failed:
        logger.error("%s/%s failed: %s", board.source, board.board, board.error)
    webhook = settings.orchestration.webhook_url
    if summary.failed and webhook:
        try:
            notify(webhook, summary)
        except HttpError as exc:
            logger.warning("failure webhook not delivered: %s", exc)


def _final_state(summary: RunSummary) -> Any:
    """All boards failed: a Failed run, so the usual alerting fires. Some failed: Completed
    under its own name, since what did load is good and the next night will retry the rest.
    Failures sharing one reason (a load that never happened) name it in the message."""
    if not summary.failed:
        return summary
    names = ", ".join(f"{b.source}/{b.board}" for b in summary.failed)
    message = f"{len(summary.failed)} of {len(summary.boards)} boards failed: {names}"
    reasons = {b.error for b in summary.failed}
    if len(summary.failed) > 1 and len(reasons) == 1:
        message += f" ({reasons.pop()})"
    if len(summary.failed) == len(summary.boards):
        return Failed(message=message, data=summary)
    return Completed(name="Partially failed", message=message, data=summary)


def _publish(summary: RunSummary) -> None:
    description = f"Nightly ingest for {summary.night} ({summary.mode}), run {summary.run_id}"
    create_table_artifact(
        key="nightly-ingest-summary",
        table=[
            {
                "source": b.source,
                "board": b.board,
                "status": b.status,
                "pages": b.pages,
                "fetched": b.fetched,
                "new": b.new,
                "updated": b.updated,
                "closed": b.closed,
                "parse_errors": b.parse_errors,
                "labelled": b.labelled,
                "labels_reused": b.labels_reused,
                "error": b.error or "",
            }
            for b in summary.boards
        ],
        description=description,
    )
    create_table_artifact(
        key="nightly-ingest-sources",
        table=[{**row, "failures": "; ".join(row["failures"])} for row in summary.by_source()],
        description=description,
    )


@flow(name="sample-replay")
def replay_sample(
    nights: Sequence[date] | None = None, config_path: str | None = None
) -> list[RunSummary]:
    """Run the nightly flow for each sample night in order, as if on those nights."""
    run = configured(nightly, load_settings(config_path))
    results = []
    for night in nights or plan.sample_nights():
        state = run(night=night, mode="sample", config_path=config_path, return_state=True)
        results.append(state.result())
    return results
