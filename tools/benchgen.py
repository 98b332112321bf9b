"""A scaled-up fictional market for the benchmark, written to a raw archive board by board.

The benchmark must measure the path a real replay takes, so nothing here invents a payload
shape: jobs come from the sample world's own job maker, bodies from the sample's renderers,
and pages reach the archive through each source's real `fetch` over the snapshot transport,
exactly as a sample-mode night would. Only the scale changes: many boards per source with a
long-tailed size (at most `MAX_BOARD` jobs, so Lever and SmartRecruiters page), and filler
paragraphs that bring descriptions to the 2-8 KB real postings have. One board is rendered,
fetched and archived at a time, so memory stays flat however many postings are asked for.
"""

from __future__ import annotations

import json
import multiprocessing
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from ingest.fetch import SAMPLE_FETCH_HOUR
from ingest.records import fetch_id
from pipeline.http import HttpClient, HttpSettings
from pipeline.models import Board
from pipeline.snapshot import SnapshotAdapter
from pipeline.sources import get_source
from sample import AGGREGATORS, RENDERERS, _recorded
from sample.world import FIRST_NIGHT, Company, Job, _job
from warehouse.archive import RawArchive
from warehouse.load import vars_of

SEED = 8
NIGHT = FIRST_NIGHT
MAX_BOARD = 1000
SHARES = {
    "greenhouse": 0.25,
    "lever": 0.17,
    "ashby": 0.12,
    "workable": 0.08,
    "smartrecruiters": 0.10,
    "jsonld": 0.08,
    "remoteok": 0.06,
    "remotive": 0.07,
    "hn": 0.07,
}
"""Share of postings per source: ATS boards dominate, as they do in the live config."""
AGGREGATOR_CAP = {"remoteok": 100}
"""RemoteOK's feed shows only its most recent 100 jobs, so its boards cannot be larger."""
INDUSTRIES = (
    ("Tech/Software", "lab"),
    ("Tech/Software", "applied"),
    ("Finance/FinTech", "applied"),
    ("Healthcare", "applied"),
    ("Manufacturing", "robotics"),
    ("Automotive", "robotics"),
    ("Energy/Climate", "applied"),
    ("E-commerce/Retail", "applied"),
)
NAME_PARTS = (
    ("Amber", "Basalt", "Cedar", "Delta", "Ember", "Fjord", "Garnet", "Harbor", "Indigo"),
    ("Systems", "Labs", "Works", "Analytics", "Dynamics", "Networks", "Health", "Robotics"),
)
SOURCE_KEYS = {source: n * MAX_BOARD * 100_000 for n, source in enumerate(SHARES)}
"""Job keys per source start far apart, so boards numbered alike in two sources never share
keys, whichever process makes them."""
BOARDS_FILE = "bench-boards.jsonl"
STAMP_FILE = "bench-generated.json"


@dataclass(frozen=True, slots=True)
class GeneratedBoard:
    """What replay needs to know about a board that the archive's manifests do not say."""

    fetch_id: str
    source: str
    token: str
    company: str
    industry: str | None
    options: dict[str, Any]
    postings: int

    def board(self) -> Board:
        return Board(self.source, self.token, self.company, dict(self.options))


def board_sizes(rng: random.Random, total: int, cap: int) -> list[int]:
    """Long-tailed board sizes summing to `total`: many small boards, a few near the cap."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(cap, left, max(3, int(rng.lognormvariate(4.3, 1.0))))
        sizes.append(size)
        left -= size
    return sizes


def plan_boards(postings: int, seed: int = SEED) -> Iterator[tuple[Company, int]]:
    """(company, size) for every board; aggregators get a pseudo-company named for the feed."""
    rng = random.Random(seed)
    for source, share in SHARES.items():
        cap = AGGREGATOR_CAP.get(source, MAX_BOARD)
        target = max(1, round(postings * share))
        for n, size in enumerate(board_sizes(rng, target, cap)):
            industry, kind = rng.choice(INDUSTRIES)
            name = f"{rng.choice(NAME_PARTS[0])} {rng.choice(NAME_PARTS[1])} {source} {n}"
            token = f"bench{source[:4]}{n:05d}"
            options: tuple[tuple[str, object], ...] = ()
            if source == "greenhouse" and n % 5 == 0:
                options = (("fetch_pay", True),)
            elif source == "jsonld":
                sitemap = f"https://careers.{token}.example/sitemap.xml"
                options = (("sitemap", sitemap), ("max_pages", size + 10))
            yield Company(name, source, token, industry, kind, size, options), size


def make_jobs(rng: random.Random, company: Company, size: int, first_key: int) -> list[Job]:
    """`size` jobs open on `NIGHT`, each with 2-14 filler paragraphs (about 2-8 KB of HTML)."""
    jobs = []
    for k in range(size):
        opened = NIGHT - timedelta(days=rng.randint(1, 60))
        job = _job(rng, first_key + k, company, opened, NIGHT)
        job.closed = None
        job.extra_paragraphs = rng.randint(2, 14)
        jobs.append(job)
    return jobs


def render_board(company: Company, jobs: list[Job]) -> dict[str, dict[str, Any]]:
    """The board's URL → recorded response, from the source's own sample renderer."""
    if company.source in RENDERERS:
        bodies = RENDERERS[company.source](company, jobs, NIGHT)
    else:
        aggregator = next(a for a in AGGREGATORS if a.source == company.source)
        for job in jobs:
            job.also_on = [company.source]
        bodies = aggregator.render(jobs, NIGHT)
    return {key: _recorded(body) for key, body in bodies.items()}


def generate(root: Path, postings: int, seed: int = SEED, workers: int = 0) -> list[GeneratedBoard]:
    """Write a night of about `postings` postings into a raw archive at `root`, board by board.

    Each board draws from its own seeded generator, so boards can be written by `workers`
    processes (0: this one) and the archive is the same either way. A finished archive for
    the same size and seed is reused: generating is not what the benchmark measures, and the
    1M archive takes a long time to write.
    """
    stamp = root / STAMP_FILE
    wanted = {"postings": postings, "seed": seed, "night": NIGHT.isoformat()}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return read_boards(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} holds another archive; remove it or pick another dir")
    root.mkdir(parents=True, exist_ok=True)
    plan = [(company, size, seed) for company, size in plan_boards(postings, seed)]
    args = ([str(root)] * len(plan), *zip(*plan, strict=True))
    boards: list[GeneratedBoard] = []
    with (root / BOARDS_FILE).open("w") as out:
        if workers:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                written: Iterator[GeneratedBoard] = pool.map(archive_board, *args, chunksize=4)
                boards = _record_boards(written, out)
        else:
            boards = _record_boards(map(archive_board, *args), out)
    stamp.write_text(json.dumps(wanted))
    return boards


def _record_boards(written: Iterator[GeneratedBoard], out: TextIO) -> list[GeneratedBoard]:
    boards = []
    for generated in written:
        out.write(json.dumps(vars_of(generated)) + "\n")
        boards.append(generated)
    return boards


def archive_board(root: str, company: Company, size: int, seed: int) -> GeneratedBoard:
    """Render one board's jobs, fetch them through the source over the snapshot transport and
    archive the pages. Top-level, so a worker process can run it."""
    rng = random.Random(f"{seed}:{company.token}")
    client = HttpClient(
        HttpSettings(user_agent="jobtrends-bench"),
        now=lambda: datetime.combine(NIGHT, SAMPLE_FETCH_HOUR, tzinfo=UTC),
    )
    key = int(company.token[-5:]) * MAX_BOARD + SOURCE_KEYS[company.source]
    jobs = make_jobs(rng, company, size, key)
    client.session.mount("https://", SnapshotAdapter(render_board(company, jobs)))
    options = dict(company.options)
    options.update(next((a.options for a in AGGREGATORS if a.source == company.source), {}))
    generated = GeneratedBoard(
        fetch_id(company.source, company.token, NIGHT),
        company.source,
        company.token,
        company.name,
        company.industry if company.source in RENDERERS else None,
        options,
        size,
    )
    archive = RawArchive(root)
    for page in get_source(company.source).fetch(client, generated.board(), generated.fetch_id):
        archive.put(page, NIGHT)
    return generated


def read_boards(root: Path) -> list[GeneratedBoard]:
    with (root / BOARDS_FILE).open() as lines:
        return [GeneratedBoard(**json.loads(line)) for line in lines]
