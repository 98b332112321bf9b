"""The real nightly flow, under a Prefect test server, against the loopback fault server.

Night one: four boards misbehave in four ways while five stay healthy; the run ends
"Partially failed", each failure is in `runs` with its reason, the healthy sources load and
the failed ones add nothing. Night two: the faults are gone but one board suddenly answers
empty; the suspect-fetch guard keeps its postings open and says so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly
from pipeline.sources import REGISTRY
from tests.faultserver import Fault, FaultServer, empty_listing, live_config, sample_boards
from tests.integrity import problems
from tests.tally import TALLY

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("prefect_harness")]

SERVED = date(2026, 11, 15)
SOURCES = sorted(REGISTRY)
FAULTS = {
    "/greenhouse/": (Fault("unavailable", status=503), "503"),
    "/lever/": (Fault("redirect_file", location="file:///etc/passwd"), "RedirectRefused"),
    "/ashby/": (Fault("gzip_bomb"), "ResponseTooLarge"),
    "/smartrecruiters/": (
        Fault("empty", body=empty_listing("smartrecruiters", "x")),
        "UnknownBoard",
    ),
}


def test_nightly_flow_through_faults_and_a_suspect_night(data_dir: Path, tmp_path: Path) -> None:
    db = data_dir / "warehouse.duckdb"
    config = tmp_path / "sources.toml"
    boards = sample_boards()
    with FaultServer(SERVED) as server:
        config.write_text(live_config(server, SOURCES))
        for prefix, (fault, _) in FAULTS.items():
            server.fault(prefix, fault)
        state = nightly(
            night=date(2026, 11, 14), mode="live", config_path=str(config), return_state=True
        )
        greenhouse_hits = len(server.hits_under("/greenhouse/"))
        TALLY["faults x adapters tried"] += len(FAULTS)

        assert state.name == "Partially failed"
        con = duckdb.connect(str(db), read_only=True)
        runs = {
            source: (status, error or "")
            for source, status, error in con.execute(
                "SELECT source, status, error FROM runs"
            ).fetchall()
        }
        loaded = {r[0] for r in con.execute("SELECT DISTINCT source FROM postings").fetchall()}
        con.close()
        for prefix, (_, reason) in FAULTS.items():
            status, error = runs[prefix.strip("/")]
            assert status == "failed" and reason in error
        assert loaded == set(SOURCES) - {p.strip("/") for p in FAULTS}
        assert greenhouse_hits == 3
        assert problems(db) == []

        server.reset()
        server.fault(
            "/greenhouse/",
            Fault("empty", body=empty_listing("greenhouse", boards["greenhouse"]["company"])),
        )
        nightly(night=date(2026, 11, 15), mode="live", config_path=str(config))
        server.reset()
        server.fault(
            "/lever/",
            Fault("empty", body=empty_listing("lever", boards["lever"]["company"])),
        )
        state = nightly(
            night=date(2026, 11, 16), mode="live", config_path=str(config), return_state=True
        )

    assert state.is_completed() and state.name != "Partially failed"
    con = duckdb.connect(str(db), read_only=True)
    warning, closed = con.execute(
        "SELECT warning, closed FROM runs WHERE source = 'lever' AND as_of = '2026-11-16'"
    ).fetchone()
    still_open = con.execute(
        "SELECT count(*) FROM postings WHERE source = 'lever' AND closed_at IS NULL"
    ).fetchone()[0]
    by_source = dict(con.execute("SELECT source, count(*) FROM postings GROUP BY 1").fetchall())
    con.close()
    assert "suspect fetch" in warning and closed == 0
    assert still_open == by_source["lever"] > 0
    assert set(by_source) == set(SOURCES)
    assert problems(db) == []
