"""A loading process for the crash and concurrency tests: replay sample nights into a file.

Run as `python -m tests.loadchild DB ARCHIVE NIGHTS [--hold S] [--wait W]`. It prints
`opened` once it holds the warehouse connection (the parent's cue to race it or kill it),
loads the first NIGHTS sample nights through the same plan/fetch/load calls as the nightly
flow, optionally keeps the connection open `--hold` seconds, and prints `done`.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

from config import load_settings
from ingest.fetch import make_client
from ingest.load import load_outcomes
from ingest.night import fetch_board
from ingest.plan import plan, sample_nights
from warehouse.archive import RawArchive
from warehouse.canonical import refresh_canonical
from warehouse.db import WarehouseLocked, connect, migrate


def load_nights(db: Path, archive_dir: Path, nights: int, hold: float, wait: float) -> None:
    settings = load_settings(mode="sample", data_dir=archive_dir.parent, db_path=db)
    con = connect(db, wait_seconds=wait)
    print("opened", flush=True)
    try:
        migrate(con)
        archive = RawArchive(archive_dir)
        for night in sample_nights()[:nights]:
            planned = plan(settings)
            client = make_client(settings, night, planned)
            run_id = str(uuid.uuid4())
            outcomes = [
                fetch_board(item, client, archive, night, run_id, "sample") for item in planned
            ]
            load_outcomes(con, outcomes)
            refresh_canonical(con)
        time.sleep(hold)
    finally:
        con.close()
    print("done", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("archive", type=Path)
    parser.add_argument("nights", type=int)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--wait", type=float, default=30.0)
    args = parser.parse_args(argv)
    try:
        load_nights(args.db, args.archive, args.nights, args.hold, args.wait)
    except WarehouseLocked as exc:
        print(f"locked: {exc}", flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
