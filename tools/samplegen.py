"""Writes the bundled sample from its seeded generator; deterministic, byte for byte."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from sample import SAMPLE_NOTE, boards, duplicates, render_nights
from sample.world import SEED

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "sample" / "data"


def write_sample(out_dir: Path = DEFAULT_DIR, seed: int = SEED) -> dict[str, object]:
    out_dir.mkdir(parents=True, exist_ok=True)
    nights = render_nights(seed)
    files = {}
    for night, responses in nights.items():
        name = f"night-{night.isoformat()}.json.gz"
        payload = json.dumps(responses, sort_keys=True, ensure_ascii=False).encode()
        (out_dir / name).write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
        files[night.isoformat()] = name
    manifest = {
        "note": SAMPLE_NOTE,
        "seed": seed,
        "nights": files,
        "boards": boards(),
        "duplicates": duplicates(seed),
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest
