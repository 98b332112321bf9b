"""The sample report as a browser shows it: nothing wider than the window at desktop and phone
widths. Headless Chromium lays the page out; the test skips where Chromium is not installed
(`.ci/run` installs Debian's). `UPDATE_SCREENSHOTS=1` refreshes the README's screenshots."""

from __future__ import annotations

import os
import shutil
from html import escape
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reports.weekly import write_report
from tests.support import Chromium
from warehouse.db import open_warehouse

DOCS = Path(__file__).resolve().parents[2] / "docs"
WIDTHS = {1400: 1100, 480: 1500}
MEASURE = (
    "<script>window.addEventListener('load', () => {"
    "const page = document.querySelector('iframe').contentDocument.documentElement;"
    "document.body.dataset.scrollWidth = page.scrollWidth;"
    "document.body.dataset.clientWidth = page.clientWidth;});</script>"
)


@pytest.fixture(scope="module")
def sample_report(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    con = open_warehouse(sample_warehouse, read_only=True)
    try:
        return write_report(con, tmp_path_factory.mktemp("reports")).html
    finally:
        con.close()


def framed(report: Path, width: int, height: int, measure: bool) -> str:
    """The report in a frame exactly `width` px wide: headless Chromium's window is never
    narrower than 500 px, and a phone is. `srcdoc` keeps the frame same-origin, so the
    measuring script beside it (outside the report's script-free CSP) can read its layout."""
    page = escape(report.read_text(encoding="utf-8"), quote=True)
    return (
        '<!DOCTYPE html><html><body style="margin:0;background:#dee2e6">'
        f'<iframe srcdoc="{page}" style="display:block;border:0;background:#fff;'
        f'width:{width}px;height:{height}px"></iframe>'
        + (MEASURE if measure else "")
        + "</body></html>"
    )


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_sample_report_fits_the_window(
    width: int, sample_report: Path, chromium: Chromium, tmp_path: Path
) -> None:
    height = WIDTHS[width]
    window = f"--window-size={max(width, 500)},{height}"
    page = tmp_path / "measured.html"
    page.write_text(framed(sample_report, width, height, measure=True), encoding="utf-8")
    body = BeautifulSoup(chromium.run(window, "--dump-dom", page.as_uri()), "lxml").body
    assert int(body["data-client-width"]) == width
    assert int(body["data-scroll-width"]) <= width, "the page scrolls sideways"
    page.write_text(framed(sample_report, width, height, measure=False), encoding="utf-8")
    shot = tmp_path / f"report-{width}.png"
    chromium.run(window, f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 20_000
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copyfile(shot, DOCS / shot.name)
