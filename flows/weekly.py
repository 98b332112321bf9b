"""The weekly report flow: render one ISO week's report and publish it to Prefect."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from config import load_settings
from reports.weekly import write_report
from warehouse.db import open_warehouse


@flow(name="weekly-report")
def weekly(week: str | None = None, config_path: str | None = None) -> str:
    """Write `data/reports/<week>/` (Markdown, HTML, CSVs; default: the latest week with data)."""
    settings = load_settings(config_path)
    con = open_warehouse(settings.db_path)
    try:
        files = write_report(con, settings.reports_dir, week)
    finally:
        con.close()
    create_markdown_artifact(
        key="weekly-report",
        markdown=files.markdown.read_text(encoding="utf-8"),
        description=f"Weekly job-market report {files.directory.name}",
    )
    get_run_logger().info("report written to %s", files.directory)
    return str(files.markdown)
