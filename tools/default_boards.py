"""Write `config/boards.csv`, the shipped default board registry.

It holds the Greenhouse tokens of `../shared/data/greenhouse_history` (tokens only, each with
the last date a capture of it answered with listings) and the single-company boards pinned in
`config/sources.toml`. Run from the repository root: `python -m tools.default_boards`.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

from config import load_settings
from ingest.plan import REGISTRY_SOURCES
from tools.evaluate import shared_data_dir

OUT = Path("config/boards.csv")
AI_INDUSTRY = "Tech/Software"


def history_tokens(nights: Path) -> dict[str, str]:
    """Each board's latest capture date with at least one job: when it was last seen answering."""
    seen: dict[str, str] = {}
    with gzip.open(nights, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["job_count"] > 0:
                day = str(row["fetched_at"])[:10]
                seen[row["board"]] = max(seen.get(row["board"], ""), day)
    return seen


def main() -> int:
    root = shared_data_dir()
    nights = (root or Path("../shared/data")) / "greenhouse_history" / "nights.jsonl.gz"
    if not nights.is_file():
        print(f"error: {nights} not found", file=sys.stderr)
        return 2
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for name, cfg in load_settings().sources.items():
        if name in REGISTRY_SOURCES:
            for board in cfg.boards:
                rows[(name, board.token)] = {
                    "source": name,
                    "token": board.token,
                    "company": board.company,
                    "industry": AI_INDUSTRY,
                    "last_seen_answering": "",
                    "origin": "sources.toml (AI employer)",
                }
    for token, day in sorted(history_tokens(nights).items()):
        row = rows.setdefault(
            ("greenhouse", token),
            {
                "source": "greenhouse",
                "token": token,
                "company": "",
                "industry": "",
                "origin": "greenhouse_history",
            },
        )
        row["last_seen_answering"] = day
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(
            out, fieldnames=list(next(iter(rows.values()))), lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows[k] for k in sorted(rows))
    print(f"wrote {len(rows)} boards to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
