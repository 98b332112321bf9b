"""What many tests build, in one place so no two copies drift apart: a client that never
sleeps, fetch-then-parse runs through `responses`-mocked HTTP, warehouse postings and board
loads with known content, and `jobtrends` run as a user runs it (a separate process, with
`PREFECT_API_URL` at a closed loopback port, so a command that should not touch Prefect and
does fails instead of quietly starting a throwaway server)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import responses

import pipeline.labels
from config import load_settings
from ingest.night import ingest_night
from ingest.plan import sample_nights
from pipeline.http import HttpClient, HttpSettings
from pipeline.labels import LabelRow, label_postings
from pipeline.models import Board, ParseError, ParseResult, Posting, RawPage, Salary
from pipeline.sources import get_source
from pipeline.sources.base import Source
from warehouse.db import open_warehouse
from warehouse.load import BoardLoad, PageRecord, vars_of

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def make_client(**settings: Any) -> HttpClient:
    """A client that never sleeps: backoff and rate-limit waits cost no test time."""
    return HttpClient(HttpSettings(user_agent="jobtrends-test", **settings), sleep=lambda _: None)


def fetch_pages(source: str, board: Board, client: HttpClient | None = None) -> list[RawPage]:
    return list(get_source(source).fetch(client or make_client(), board, "fetch-test"))


def fetch_and_parse(source: Source, board: Board) -> tuple[list[RawPage], ParseResult]:
    pages = list(source.fetch(make_client(max_retries=0, backoff_base=0.0), board, "0" * 32))
    return pages, source.parse(pages, board)


def run(source: str, token: str, company: str = "", **options: Any) -> ParseResult:
    """Fetch a board through `responses`-mocked HTTP and parse what came back."""
    board = Board(source, token, company or token, options)
    return get_source(source).parse(fetch_pages(source, board), board)


DATA_TABLES = (
    "raw_payloads",
    "postings",
    "posting_labels",
    "parse_errors",
    "posting_observations",
    "posting_versions",
)


def posting(
    source_id: str,
    title: str = "Machine Learning Engineer",
    *,
    source: str = "greenhouse",
    board: str = "acme",
    company: str = "Acme AI",
    description: str = "Train and ship models in PyTorch for our ranking platform.",
    locations: tuple[str, ...] = ("San Francisco, CA",),
    salary: tuple[float, float] | None = None,
) -> Posting:
    return Posting(
        source=source,
        source_id=source_id,
        company=company,
        title=title,
        description=description,
        locations=list(locations),
        workplace_type="onsite",
        salary=Salary(salary[0], salary[1], "USD", "year") if salary else None,
        board=board,
        raw_payload_id=hashlib.sha256(f"{source}{board}".encode()).hexdigest(),
    )


def remoteok_cross_post(source_id: str, description: str) -> Posting:
    """A Greenhouse job with `description` as RemoteOK re-lists it: a shortened remote title,
    the company's legal name and a lightly edited text, which grouping must still join."""
    return posting(
        source_id,
        "Sr. Machine Learning Engineer (Remote)",
        source="remoteok",
        board="all",
        company="Acme AI, Inc.",
        description=description.replace("mentor engineers", "mentor other engineers"),
        locations=("Remote",),
    )


def board_load(
    postings: list[Posting],
    night: date,
    *,
    source: str = "greenhouse",
    board: str = "acme",
    run_id: str = "run-1",
    errors: list[ParseError] | None = None,
    closes_missing: bool = True,
) -> BoardLoad:
    fid = hashlib.sha256(f"{source}{board}{night}".encode()).hexdigest()[:32]
    sha = hashlib.sha256(f"{source}{board}".encode()).hexdigest()
    page = fake_page(
        fid,
        source,
        board,
        datetime.combine(night, datetime.min.time(), tzinfo=UTC),
        sha=sha,
        url=f"https://example.test/{board}",
        size=100,
        path=f"objects/{sha[:2]}/{sha}.gz",
    )
    return one_page_load(
        page,
        postings,
        label_postings(postings),
        night,
        run_id=run_id,
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        errors=errors or [],
        closes_missing=closes_missing,
        parse_key=_stand_in_key(fid, postings, errors or [], closes_missing),
    )


def fake_page(
    fetch_id: str,
    source: str,
    board: str,
    fetched_at: datetime,
    *,
    sha: str = "f" * 64,
    url: str = "https://x",
    size: int = 1,
    path: str = "x",
) -> PageRecord:
    """One archived JSON page that was fetched with a 200, standing in for a real fetch."""
    return PageRecord(
        fetch_id, 0, source, board, url, 200, "application/json", sha, size, fetched_at, path
    )


def one_page_load(
    page: PageRecord,
    postings: list[Posting],
    labels: list[LabelRow],
    night: date,
    *,
    run_id: str,
    started_at: datetime,
    fetch_id: str | None = None,
    **rest: Any,
) -> BoardLoad:
    """A sample-mode load of one board from one page; the fetch id is the page's unless the
    test files the page under another attempt."""
    return BoardLoad(
        run_id=run_id,
        mode="sample",
        source=page.source,
        board=page.board,
        as_of=night,
        fetch_id=fetch_id or page.fetch_id,
        started_at=started_at,
        pages=[page],
        postings=postings,
        labels=labels,
        **rest,
    )


def _stand_in_key(
    fid: str, postings: list[Posting], errors: list[ParseError], closes_missing: bool
) -> str:
    """What `ingest.key.skip_key` stands for here: these postings are the parse of the fake
    page, so equal content means an equal key, as equal pages and code do in the engine."""
    text = repr((fid, [vars_of(p) for p in postings], errors, closes_missing))
    return hashlib.sha256(text.encode()).hexdigest()


def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return open_warehouse(tmp_path / "warehouse.duckdb")


def table_contents(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """Every row of a table in a stable order, for whole-content comparisons."""
    return sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def snapshot(db: Path, tables: Sequence[str] = DATA_TABLES) -> dict[str, list[tuple]]:
    """Every data table's rows, sorted: two warehouses holding the same facts compare equal.

    Fetch attempt ids are left out: every fetch gets a fresh one, so two runs of one night
    (or a rerun after a crash) file the same pages under different ids."""
    con = open_warehouse(db)
    try:
        return {t: _facts(con, t) for t in tables}
    finally:
        con.close()


def _facts(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    columns = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    exclude = " EXCLUDE (fetch_id)" if "fetch_id" in columns else ""
    return sorted(con.execute(f"SELECT *{exclude} FROM {table}").fetchall(), key=repr)


TIME_LIMIT = 120
NO_PREFECT = "http://127.0.0.1:9/api"


@dataclass(frozen=True, slots=True)
class Ran:
    code: int
    out: str
    err: str


def jobtrends(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Ran:
    """`python -m jobtrends ARGS` with the given environment on top of this one's."""
    done = subprocess.run(
        _command(args),
        capture_output=True,
        text=True,
        env=_environment(env),
        cwd=cwd,
        timeout=TIME_LIMIT,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def start_jobtrends(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`jobtrends ARGS` started in the background, for a test that signals it while it runs;
    stdout and stderr are pipes (read them with `communicate`)."""
    return subprocess.Popen(
        _command(args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(env),
    )


def _command(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "jobtrends", *args]


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "PREFECT_API_URL": NO_PREFECT, **(env or {})}


def clean_failure(ran: Ran, code: int) -> str:
    """Assert the command failed with `code` in at most two stderr lines and no traceback;
    return the stderr for the caller's own checks."""
    assert ran.code == code, (ran.code, ran.err)
    assert "Traceback" not in ran.err, ran.err
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, ran.err
    return ran.err


def sample_warehouse(root: Path) -> Path:
    """A data dir holding the sample's last night, loaded without Prefect."""
    ingest_night(load_settings(mode="sample", data_dir=root), sample_nights()[-1])
    return root


@dataclass(frozen=True, slots=True)
class Chromium:
    """Debian's headless Chromium with every network-reaching feature off and a throwaway
    profile, so a test only ever loads the local file it names."""

    binary: str
    profile: Path

    def run(self, *args: str) -> str:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={self.profile}",
        ]
        return subprocess.run(
            [self.binary, *flags, *args], capture_output=True, text=True, timeout=120, check=True
        ).stdout


def job(job_id: int, title: str = "Machine Learning Engineer", **extra: Any) -> dict[str, Any]:
    """A job object as Greenhouse's listing endpoint returns it (no `content`)."""
    return {
        "absolute_url": f"https://boards.greenhouse.io/acme/jobs/{job_id}",
        "data_compliance": [{"type": "gdpr", "requires_consent": False}],
        "internal_job_id": 5000 + job_id,
        "location": {"name": "San Francisco, CA"},
        "metadata": None,
        "id": job_id,
        "updated_at": "2026-02-20T10:00:00-05:00",
        "requisition_id": f"R-{job_id}",
        "title": title,
        "company_name": "Acme",
        "first_published": "2026-02-20T10:00:00-05:00",
        "language": "en",
        **extra,
    }


def write_capture(
    root: Path, night: date, token: str, jobs: list[dict[str, Any]], fetched_at: str | None
) -> None:
    """One board's Greenhouse listing captured on a night, as `import-history` reads it; a
    `fetched_at` sidecar dates the capture (None: the night itself)."""
    folder = root / night.isoformat() / "greenhouse"
    folder.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()
    (folder / f"{token}.json.gz").write_bytes(gzip.compress(body))
    if fetched_at is not None:
        (folder / f"{token}.meta.json").write_text(json.dumps({"fetched_at": fetched_at}))


def live_config_text(body: str, *, max_retries: int = 0, orchestration: str = "") -> str:
    """A live-mode sources.toml whose client never waits between its own retries, so every
    wait or retry a test sees comes from the orchestration settings it gives."""
    return (
        f'mode = "live"\n[http]\nuser_agent = "jobtrends-test"\nmax_retries = {max_retries}\n'
        f"backoff_base = 0.0\n[orchestration]\n{orchestration}\n{body}"
    )


def write_live_config(tmp_path: Path, body: str, **options: Any) -> str:
    """`live_config_text` written to `tmp_path/sources.toml`; returns the path for `config_path`."""
    config = tmp_path / "sources.toml"
    config.write_text(live_config_text(body, **options))
    return str(config)


def greenhouse_boards(*boards: str | tuple[str, str]) -> str:
    """A `[sources.greenhouse]` section with no politeness wait, reading these boards (a
    token, or a token and its company's name)."""
    tables = ", ".join(
        f'{{ token = "{b[0]}", company = "{b[1]}" }}'
        if isinstance(b, tuple)
        else f'{{ token = "{b}" }}'
        for b in boards
    )
    return f"[sources.greenhouse]\nmin_interval = 0\nboards = [{tables}]\n"


def greenhouse_job(
    job_id: int = 1,
    title: str = "ML Engineer",
    *,
    location: str = "Remote",
    updated_at: str = "2026-11-01T10:00:00-04:00",
    url: str = "https://x/1",
    content: str = "&lt;p&gt;Hi&lt;/p&gt;",
) -> dict[str, Any]:
    """One job as the Greenhouse Job Board API lists it with `content=true` (HTML-escaped)."""
    return {
        "id": job_id,
        "title": title,
        "location": {"name": location},
        "updated_at": updated_at,
        "absolute_url": url,
        "content": content,
    }


def greenhouse_listing(*jobs: dict[str, Any]) -> dict[str, Any]:
    """A Greenhouse `/jobs` response: the jobs and `meta.total`."""
    return {"jobs": list(jobs), "meta": {"total": len(jobs)}}


def grouped(table: dict[str, list[tuple[Any, ...]]]) -> list[Any]:
    """Pytest params from cases grouped by the rule they exercise, each id naming the rule
    and the case's first value: one test reads a whole table of a classifier's rules."""
    return [
        pytest.param(*case, id=f"{rule}: {case[0]}")
        for rule, cases in table.items()
        for case in cases
    ]


def count_classifier_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The title of every posting classified from now on, through the classifier's one entry
    point (parse threads included); what labelling once per content keeps short."""
    titles: list[str] = []
    real = pipeline.labels.classify

    def counting(inp: Any, on_date: Any = None) -> Any:
        titles.append(inp.title)
        return real(inp, on_date)

    monkeypatch.setattr(pipeline.labels, "classify", counting)
    return titles


def count_parses(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[str]:
    """The board token of every parse `module` runs through its `parse_board` from now on."""
    parsed: list[str] = []
    real = module.parse_board

    def counting(source: Any, board: Any, pages: Any, known: Any = None) -> Any:
        parsed.append(board.token)
        return real(source, board, pages, known)

    monkeypatch.setattr(module, "parse_board", counting)
    return parsed


def label_counts(db: Path, night: date) -> dict[str, tuple[int, int]]:
    """Per board, the night's successful load's postings classified and labels reused."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT board, labelled, labels_reused FROM runs WHERE as_of = ? AND status = "
            "'success' QUALIFY row_number() OVER (PARTITION BY board ORDER BY finished_at DESC)"
            " = 1",
            [night],
        ).fetchall()
    finally:
        con.close()
    return {board: (labelled, reused) for board, labelled, reused in rows}


GREENHOUSE_API = "https://boards-api.greenhouse.io/v1/boards"
MIXED_TITLES = ("Machine Learning Engineer", "Data Scientist", "Recruiter", "Senior Data Analyst")


def titled_listing(retitled: dict[int, str] | None = None) -> dict[str, Any]:
    """A Greenhouse listing of twelve jobs, AI and not, those in `retitled` (by id) under
    their new titles."""
    titles = {i: MIXED_TITLES[i % len(MIXED_TITLES)] for i in range(1, 13)} | (retitled or {})
    return greenhouse_listing(
        *(greenhouse_job(i, title, url=f"https://x/{i}") for i, title in titles.items())
    )


def one_job_listing() -> dict[str, Any]:
    """A listing of one job, whose id no `titled_listing` uses: a second board's."""
    return greenhouse_listing(greenhouse_job(40, "Recruiter", url="https://x/40"))


def serve_greenhouse(**listings: dict[str, Any]) -> None:
    """Answer each board's `/jobs` with its listing, replacing whatever was served before."""
    responses.reset()
    for token, listing in listings.items():
        responses.get(f"{GREENHOUSE_API}/{token}/jobs", json=listing)


LIVE_FACTS = ("postings", "posting_labels", "posting_observations", "posting_versions")
"""What two live runs of the same nights must agree on (`raw_payloads` also holds the fetch
times, which differ between them)."""


@contextmanager
def labelling_everything(monkeypatch: pytest.MonkeyPatch, root: Path) -> Iterator[Path]:
    """Within, runs write to a fresh data directory under `root` (its own archive and parse
    cache), and no parse is handed a stored label key; yields its warehouse file."""
    from ingest.label import StoredLabelKeys

    with monkeypatch.context() as patch:
        patch.setenv("JOBTRENDS_DATA_DIR", str(root / "scratch"))
        patch.setattr(StoredLabelKeys, "take", lambda self, source, board: {})
        yield root / "scratch" / "warehouse.duckdb"
