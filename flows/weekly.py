"""The weekly report flow: render one ISO week's report and publish it to Prefect.

The Prefect UI shows the report as a Markdown artifact (`weekly-report`): a link to the
self-contained HTML page first, then the report's Markdown, then its charts. The charts are
the HTML's inline SVGs as `data:` images, since the UI cannot reach the report's folder; a
link artifact (`weekly-report-html`) lists the HTML page among the run's artifacts too.
"""

from __future__ import annotations

import base64

from prefect import flow, get_run_logger
from prefect.artifacts import create_link_artifact, create_markdown_artifact

from config import load_settings
from reports.weekly import Report, ReportFiles, build_report, write_report
from warehouse.db import open_warehouse


@flow(name="weekly-report")
def weekly(week: str | None = None, config_path: str | None = None) -> str:
    """Write `data/reports/<week>/` (Markdown, HTML, CSVs; default: the latest week with data)."""
    settings = load_settings(config_path)
    con = open_warehouse(settings.db_path)
    try:
        files = write_report(con, settings.reports_dir, week)
        report = build_report(con, week)
    finally:
        con.close()
    description = f"Weekly job-market report {files.directory.name}"
    create_markdown_artifact(
        key="weekly-report", markdown=artifact_markdown(report, files), description=description
    )
    create_link_artifact(
        key="weekly-report-html",
        link=files.html.resolve().as_uri(),
        link_text=f"{files.directory.name} report (HTML)",
        description=description,
    )
    get_run_logger().info("report written to %s", files.directory)
    return str(files.markdown)


def artifact_markdown(report: Report, files: ReportFiles) -> str:
    """The report as the Prefect UI shows it: where the full page is, the Markdown, then
    every chart under its section's title."""
    html = files.html.resolve()
    lines = [
        f"**Full report with charts:** [{html.name}]({html.as_uri()}) (`{html}`; CSVs beside it)",
        "",
        files.markdown.read_text(encoding="utf-8"),
    ]
    charted = [s for s in report.sections if any(s.charts)]
    if charted:
        lines += ["", "## Charts"]
    for section in charted:
        lines += ["", f"### {section.title}", ""]
        lines += [_image(svg, section.title) for svg in section.charts if svg]
    return "\n".join(lines)


def _image(svg: str, title: str) -> str:
    """An inline SVG as a Markdown image (the SVG escapes its own labels; the alt text is
    our own section title, kept from closing the image's brackets)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = title.replace("[", "(").replace("]", ")")
    return f"![{alt}](data:image/svg+xml;base64,{data})"
