"""Hostile postings through the real path: served over HTTP, archived, parsed, loaded,
queried back and rendered in the weekly report.

Strings that look like markup, Markdown tables, SQL or file paths must be stored exactly as
the board sent them, come out of the report as text (escaped, never live), and never steer
a file write: archive paths come from digests only.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from config import load_settings
from ingest.fetch import make_client
from ingest.group import group
from ingest.load import load_outcomes
from ingest.night import fetch_board
from ingest.plan import plan
from pipeline.snapshot import snapshot_key
from reports.weekly import build_report, render_html, render_markdown
from tests.faultserver import Fault, FaultServer, live_config, sample_boards
from warehouse.archive import RawArchive
from warehouse.db import open_warehouse

pytestmark = pytest.mark.faults

NIGHT = date(2026, 11, 15)
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
TABLE = "| col |\n|---|\n| injected |"
SQL = "'; DROP TABLE postings; --"
COMPANY = f"Evil {SCRIPT} {TABLE} {SQL}"
BIG = "T" * 1_000_000
HOSTILE_JOBS = {
    "../../etc/passwd": SCRIPT,
    "..%2F..%2Fetc%2Fshadow": TABLE,
    "/etc/hosts": SQL,
    "..\\..\\boot.ini": BIG,
}


def hostile_account(server: FaultServer) -> bytes:
    token = sample_boards()["workable"]["token"]
    upstream = server.upstream_url(f"/workable/{token}?details=true")
    account = json.loads(server.recorded[snapshot_key(upstream)]["body"])
    account["name"] = COMPANY
    for job, (shortcode, title) in zip(account["jobs"], HOSTILE_JOBS.items(), strict=False):
        job["shortcode"], job["title"] = shortcode, title
    return json.dumps(account).encode()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile")
    with FaultServer(NIGHT) as server:
        server.fault("/workable/", Fault("body", body=hostile_account(server)))
        config = root / "sources.toml"
        config.write_text(live_config(server, ["workable"]))
        settings = load_settings(config, data_dir=root / "data")
        planned = plan(settings)
        client = make_client(settings, NIGHT, planned)
        archive = RawArchive(settings.archive_dir)
        outcomes = [
            fetch_board(item, client, archive, NIGHT, str(uuid.uuid4()), "live") for item in planned
        ]
    con = open_warehouse(settings.db_path)
    summaries = load_outcomes(con, outcomes)
    group(con)
    assert [s.status for s in summaries] == ["success"]
    yield root, settings, con
    con.close()


def test_hostile_strings_are_stored_literally(loaded) -> None:
    _, _, con = loaded
    stored = dict(
        con.execute(
            "SELECT source_id, title FROM postings WHERE source = 'workable' AND source_id IN "
            "(SELECT unnest(?))",
            [list(HOSTILE_JOBS)],
        ).fetchall()
    )
    assert stored == HOSTILE_JOBS
    assert {r[0] for r in con.execute("SELECT DISTINCT company FROM postings").fetchall()} == {
        COMPANY
    }
    assert con.execute("SELECT count(*) FROM postings").fetchone()[0] == 15


def test_hostile_ids_never_become_paths(loaded) -> None:
    root, settings, _ = loaded
    archive_root = settings.archive_dir.resolve()
    for path in root.rglob("*"):
        assert "passwd" not in path.name and "shadow" not in path.name and "boot" not in path.name
        if path.is_file() and path.resolve().is_relative_to(archive_root):
            assert re.fullmatch(r"[0-9a-f]{64}\.gz|[0-9a-f]{32}\.json", path.name), path
    assert not (Path("/etc") / "passwd.gz").exists()


def test_the_weekly_report_renders_them_as_text(loaded) -> None:
    _, _, con = loaded
    report = build_report(con, "2026-W46")
    markdown = render_markdown(report)
    assert "<script>" not in markdown and "onerror=alert(1)>" not in markdown
    assert "&lt;script&gt;" in markdown and "DROP TABLE postings" in markdown
    for block in re.findall(r"(?:^\|.*\n)+", markdown, flags=re.M):
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in block.splitlines()}
        assert len(widths) == 1, block

    page = BeautifulSoup(render_html(report), "html.parser")
    assert page.find_all("script") == [] and page.find_all("img") == []
    assert SCRIPT in page.get_text() and SQL in page.get_text()
