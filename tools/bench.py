"""The replay benchmark: how fast an archived night becomes labelled rows in the warehouse.

Every figure it reports is a ratio of two runs made side by side in one process on the same
archive (ours against the bulk-load ceiling, against a naive first version, a rerun against
the first load, two workers against one), because absolute seconds on a shared two-core
machine say more about the neighbours than about the code. Each size runs in a fresh
subprocess so its peak RSS is its own, and the archive is generated before the clock starts
(`tools.benchgen`), so what is timed is the real replay path only: archive → source
`parse` → `label_postings` → `load_board`.
"""

from __future__ import annotations

import html
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb
import pandas as pd
from bs4 import BeautifulSoup

from ingest import replay as engine
from ingest.load import LOAD_BATCH_POSTINGS
from ingest.records import PlannedBoard
from pipeline.html import BLOCK_TAGS, DROP_TAGS
from pipeline.labels import LabelRow, label_postings
from pipeline.models import Board
from pipeline.sources import get_source
from tools import benchgen
from tools.benchgen import GeneratedBoard
from warehouse.archive import RawArchive
from warehouse.db import Connection, open_warehouse
from warehouse.load import (
    LABEL_COLUMNS,
    BoardLoad,
    PageRecord,
    page_record,
    postings_frame,
    vars_of,
)
from warehouse.measure import (
    description_kb,
    insert_postings,
    memory_mb,
    postings_of,
    view_seconds,
)

DEFAULT_SIZES = (10_000, 100_000)
LARGE_SIZE = 1_000_000
NAIVE_SIZE = 2_000
WORKERS_SIZE = 10_000
REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "postings_per_s": 1500.0,
    "ceiling_fraction": 0.25,
    "naive_ratio": 10.0,
    "peak_rss_mb_at_1m": 1536.0,
    "rerun_speedup": 10.0,
    "view_seconds_at_1m": 2.0,
}
Stages = engine.Stages


@dataclass(slots=True)
class Replay:
    postings: int = 0
    pages: int = 0
    seconds: float = 0.0
    stages: Stages = field(default_factory=Stages)
    duckdb_mb: float = 0.0
    workers: int = 0
    unchanged: int = 0

    @property
    def rate(self) -> float:
        return self.postings / self.seconds if self.seconds else 0.0


def planned(boards: Sequence[GeneratedBoard]) -> dict[tuple[str, str], PlannedBoard]:
    """The generated boards as configured boards, industry in their options like sources.toml."""
    out = {}
    for b in boards:
        options = dict(b.options)
        if b.industry:
            options["industry"] = b.industry
        board = Board(b.source, b.token, b.company, options)
        out[(b.source, b.token)] = PlannedBoard(get_source(b.source), board)
    return out


def replay(root: Path, db_path: Path, boards: Sequence[GeneratedBoard], *, workers: int) -> Replay:
    """Replay every archived fetch of the night into the warehouse at `db_path` the way
    `jobtrends reparse` does (`ingest.replay`), with `workers` parsing processes."""
    con = open_warehouse(db_path)
    try:
        done = engine.replay(
            con,
            root,
            planned(boards),
            run_prefix=f"bench-{time.time_ns()}",
            mode="bench",
            workers=workers,
        )
        duckdb_mb = memory_mb(con)
    finally:
        con.close()
    return Replay(
        done.postings, done.pages, done.seconds, done.stages, duckdb_mb, workers, done.unchanged
    )


def naive_html_to_text(markup: str | None, *, unescape_first: bool = False) -> str:
    """HTML to text as a first version writes it: BeautifulSoup's pure-Python `html.parser`,
    the same block and drop rules as `pipeline.html`."""
    if not markup:
        return ""
    soup = BeautifulSoup(html.unescape(markup) if unescape_first else markup, "html.parser")
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _naive_ld_blocks(body: bytes) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    return [s.get_text() for s in soup.find_all("script", type="application/ld+json")]


def naive_prepare(root: str, board: GeneratedBoard, run_id: str) -> tuple[BoardLoad, Stages]:
    """Read, parse and label one fetch as a first version would: every source's HTML through
    `naive_html_to_text`, in this process, one board after another."""
    stages = Stages()
    archive = RawArchive(root)
    t0 = time.perf_counter()
    pages = archive.fetch_pages(benchgen.NIGHT, board.fetch_id)
    records = [
        page_record(p, str(archive.body_path(p.sha256).relative_to(archive.root))) for p in pages
    ]
    t1 = time.perf_counter()
    with ExitStack() as stack:
        for name, module in list(sys.modules.items()):
            if name.startswith("pipeline.sources.") and hasattr(module, "html_to_text"):
                stack.enter_context(mock.patch.object(module, "html_to_text", naive_html_to_text))
        stack.enter_context(mock.patch("pipeline.sources.jsonld._ld_blocks", _naive_ld_blocks))
        result = get_source(board.source).parse(pages, board.board())
    t2 = time.perf_counter()
    labels = label_postings(result.postings, board.industry, benchgen.NIGHT)
    t3 = time.perf_counter()
    stages.read, stages.parse, stages.classify = t1 - t0, t2 - t1, t3 - t2
    load = BoardLoad(
        run_id=run_id,
        mode="bench",
        source=board.source,
        board=board.token,
        as_of=benchgen.NIGHT,
        fetch_id=board.fetch_id,
        started_at=datetime.now(UTC),
        pages=records,
        postings=result.postings,
        labels=labels,
        errors=result.errors,
        closes_missing=get_source(board.source).closes_missing,
    )
    return load, stages


def naive_load(con: Connection, load: BoardLoad) -> None:
    """One INSERT per page, posting and label, in one transaction: the row-by-row baseline."""
    frame = postings_frame(load.postings)
    con.execute("BEGIN TRANSACTION")
    page_columns = ", ".join((*PageRecord.__slots__, "as_of"))
    con.executemany(
        f"INSERT OR REPLACE INTO raw_payloads ({page_columns}) VALUES ({', '.join(['?'] * 12)})",
        [[*vars_of(p).values(), load.as_of] for p in load.pages],
    )
    con.executemany(
        f"INSERT OR REPLACE INTO postings VALUES ({', '.join(['?'] * 25)})",
        [
            [None if v != v else v for v in row] + [load.as_of, load.as_of, None]
            for row in frame.astype(object).itertuples(index=False)
        ],
    )
    con.executemany(
        f"INSERT OR REPLACE INTO posting_labels ({LABEL_COLUMNS}) "
        f"VALUES ({', '.join(['?'] * len(LabelRow.__slots__))})",
        [list(vars_of(r).values()) for r in load.labels],
    )
    con.execute("COMMIT")


def naive_replay(root: Path, db_path: Path, boards: Sequence[GeneratedBoard]) -> Replay:
    """The naive first version over the whole night, board by board, in this process."""
    by_id = {b.fetch_id: b for b in boards}
    fetches = [by_id[fid] for _, fid in RawArchive(root).fetches() if fid in by_id]
    run_id = f"naive-{time.time_ns()}"
    con = open_warehouse(db_path)
    out = Replay()
    try:
        start = time.perf_counter()
        for board in fetches:
            load, stages = naive_prepare(str(root), board, run_id)
            t0 = time.perf_counter()
            naive_load(con, load)
            stages.load = time.perf_counter() - t0
            out.stages.add(stages)
            out.postings += len(load.postings)
            out.pages += len(load.pages)
        out.seconds = time.perf_counter() - start
        out.duckdb_mb = memory_mb(con)
    finally:
        con.close()
    return out


def _batches(boards: Sequence[GeneratedBoard], size: int) -> Iterator[list[GeneratedBoard]]:
    batch: list[GeneratedBoard] = []
    held = 0
    for board in boards:
        batch.append(board)
        held += board.postings
        if held >= size:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def ceiling(root: Path, loaded: Path, db_path: Path, boards: Sequence[GeneratedBoard]) -> Replay:
    """The same rows with no parsing or classification: read, JSON-decode, one bulk insert.

    Boards go in the same batches as a load (`LOAD_BATCH_POSTINGS` postings): each board's
    pages are read and decoded as the pipeline reads them, then the batch's finished posting
    rows (taken, untimed, from the warehouse the pipeline filled) go into an empty `postings`
    table in one INSERT from a DataFrame, one transaction per batch like a load.
    """
    archive = RawArchive(root)
    con = open_warehouse(db_path)
    out = Replay()
    try:
        for batch in _batches(boards, LOAD_BATCH_POSTINGS):
            keys = pd.DataFrame(
                {"source": [b.source for b in batch], "board": [b.token for b in batch]}
            )
            rows = postings_of(loaded, keys)
            t0 = time.perf_counter()
            for board in batch:
                pages = archive.fetch_pages(benchgen.NIGHT, board.fetch_id)
                for page in pages:
                    if "json" in page.content_type:
                        json.loads(page.body)
                    else:
                        page.body.decode("utf-8")
                out.pages += len(pages)
            t1 = time.perf_counter()
            insert_postings(con, rows)
            t2 = time.perf_counter()
            out.stages.read += t1 - t0
            out.stages.load += t2 - t1
            out.seconds += t2 - t0
            out.postings += len(rows)
    finally:
        con.close()
    return out


def peak_rss_mb(workers: int) -> dict[str, float]:
    """Peak resident set in MB: this process, its largest worker, and an upper bound on the
    sum (`ru_maxrss` is in KB on Linux; for children it is the largest one's)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if workers else 0.0
    return {"parent": own, "worker": worker, "total": own + workers * worker}


def measure_size(workdir: Path, postings: int) -> dict[str, Any]:
    """Everything measured at one size; meant to run alone in a fresh process (see `run`).

    First load, rerun of the same night into the same warehouse, then peak RSS (read before
    the ceiling so it is the pipeline's own), the ceiling and the views.
    """
    root = workdir / f"archive-{postings}"
    boards = benchgen.read_boards(root)
    db = _fresh(workdir / f"warehouse-{postings}.duckdb")
    workers = engine.default_workers()
    first = replay(root, db, boards, workers=workers)
    rerun = replay(root, db, boards, workers=workers)
    rss = peak_rss_mb(workers)
    top = ceiling(root, db, _fresh(workdir / f"ceiling-{postings}.duckdb"), boards)
    views = view_seconds(db)
    return {
        "postings": first.postings,
        "pages": first.pages,
        "boards": len(boards),
        "workers": workers,
        "description_kb_mean": description_kb(db),
        "first": _replay_json(first),
        "rerun": _replay_json(rerun),
        "ceiling": _replay_json(top),
        "ceiling_fraction": first.rate / top.rate if top.rate else 0.0,
        "rerun_speedup": first.seconds / rerun.seconds if rerun.seconds else 0.0,
        "peak_rss_mb": rss["total"],
        "peak_rss_detail_mb": rss,
        "views_s": views,
    }


def measure_naive(workdir: Path, postings: int) -> dict[str, Any]:
    """Ours and the naive first version, one after the other on the same small archive."""
    root = workdir / f"archive-{postings}"
    boards = benchgen.read_boards(root)
    naive = naive_replay(root, _fresh(workdir / "naive.duckdb"), boards)
    ours = replay(root, _fresh(workdir / "ours.duckdb"), boards, workers=engine.default_workers())
    return {
        "postings": ours.postings,
        "ours": _replay_json(ours),
        "naive": _replay_json(naive),
        "ratio": ours.rate / naive.rate if naive.rate else 0.0,
    }


def measure_workers(workdir: Path, postings: int) -> dict[str, Any]:
    """Parsing in this process, then in one and two worker processes; loads always here."""
    root = workdir / f"archive-{postings}"
    boards = benchgen.read_boards(root)
    runs = {
        str(n): replay(root, _fresh(workdir / f"workers-{n}.duckdb"), boards, workers=n)
        for n in (0, 1, 2)
    }
    return {
        "postings": runs["0"].postings,
        "runs": {n: _replay_json(r) for n, r in runs.items()},
        "speedup": runs["2"].rate / runs["1"].rate if runs["1"].rate else 0.0,
    }


def _fresh(path: Path) -> Path:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


def _replay_json(r: Replay) -> dict[str, Any]:
    return {
        "postings": r.postings,
        "pages": r.pages,
        "seconds": r.seconds,
        "postings_per_s": r.rate,
        "workers": r.workers,
        "unchanged_fetches": r.unchanged,
        "stage_seconds": asdict(r.stages),
        "stage_shares": r.stages.shares(),
        "duckdb_mb": r.duckdb_mb,
    }


def _in_child(kind: str, workdir: Path, postings: int) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter, so its peak RSS starts from nothing."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench", kind, str(workdir), str(postings)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench {kind} {postings} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


MEASURES: dict[str, Callable[[Path, int], dict[str, Any]]] = {
    "size": measure_size,
    "naive": measure_naive,
    "workers": measure_workers,
}


def run(
    sizes: Sequence[int],
    workdir: Path,
    *,
    naive_size: int = NAIVE_SIZE,
    workers_size: int = WORKERS_SIZE,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Generate what is missing, measure every size, and return the results document."""
    started = time.perf_counter()
    generate_s = {}
    for n in sorted({*sizes, naive_size, workers_size}):
        t0 = time.perf_counter()
        benchgen.generate(workdir / f"archive-{n}", n, workers=engine.default_workers())
        generate_s[str(n)] = time.perf_counter() - t0
        echo(f"archive of {n:,} postings ready ({generate_s[str(n)]:.0f} s)")
    results: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": machine(),
        "targets": TARGETS,
        "generate_s": generate_s,
        "sizes": {},
    }
    for n in sizes:
        results["sizes"][str(n)] = _in_child("size", workdir, n)
        echo(f"measured {n:,}")
    results["naive"] = _in_child("naive", workdir, naive_size)
    results["workers"] = _in_child("workers", workdir, workers_size)
    results["wall_s"] = time.perf_counter() - started
    return results


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    with open("/proc/meminfo") as info:
        ram_kb = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(ram_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def table(results: dict[str, Any]) -> str:
    """The results as the Markdown table printed by `jobtrends bench` and kept in the docs."""
    head = (
        "| postings | end-to-end /s | read | parse | classify | load | ceiling /s "
        "| of ceiling | peak RSS MB (DuckDB's share) | rerun speed-up | slowest view s |"
    )
    lines = [head, "|" + "---|" * 11]
    for n, r in results["sizes"].items():
        shares = r["first"]["stage_shares"]
        views = r["views_s"]
        slowest = max(views.items(), key=lambda kv: kv[1]) if views else ("-", 0.0)
        lines.append(
            f"| {int(n):,} | {r['first']['postings_per_s']:,.0f} "
            f"| {shares['read']:.0%} | {shares['parse']:.0%} | {shares['classify']:.0%} "
            f"| {shares['load']:.0%} | {r['ceiling']['postings_per_s']:,.0f} "
            f"| {r['ceiling_fraction']:.0%} "
            f"| {r['peak_rss_mb']:,.0f} (DuckDB {r['rerun']['duckdb_mb']:,.0f}) "
            f"| {r['rerun_speedup']:.1f}× | {slowest[1]:.3f} ({slowest[0]}) |"
        )
    naive, workers = results["naive"], results["workers"]
    rates = {n: r["postings_per_s"] for n, r in workers["runs"].items()}
    lines += [
        "",
        f"naive baseline ({naive['postings']:,} postings; html.parser + row-by-row INSERT, "
        f"one process): ours {naive['ours']['postings_per_s']:,.0f}/s vs naive "
        f"{naive['naive']['postings_per_s']:,.0f}/s = {naive['ratio']:.1f}×",
        f"workers ({workers['postings']:,} postings; parse+classify in worker processes, loads "
        f"in the parent): in-process {rates['0']:,.0f}/s, 1 → {rates['1']:,.0f}/s, "
        f"2 → {rates['2']:,.0f}/s = {workers['speedup']:.2f}×",
    ]
    return "\n".join(lines)


def write(results: dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{results['date']}.json"
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    return path


if __name__ == "__main__":
    kind, workdir_arg, size_arg = sys.argv[1:4]
    print(json.dumps(MEASURES[kind](Path(workdir_arg), int(size_arg))))
