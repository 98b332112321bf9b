"""The weekly report flow: render the report for one ISO week and publish it to Prefect."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from jobtrends.config import load_settings
from reports.weekly import write_report
from warehouse.db import open_warehouse


@flow(name="weekly-report")
def weekly(week: str | None = None, config_path: str | None = None) -> str:
    """Write `data/reports/<week>/report.md` (default: the latest week with data)."""
    settings = load_settings(config_path)
    con = open_warehouse(settings.db_path)
    try:
        path = write_report(con, settings.reports_dir, week)
    finally:
        con.close()
    create_markdown_artifact(
        key="weekly-report",
        markdown=Path(path).read_text(encoding="utf-8"),
        description=f"Weekly job-market report {path.parent.name}",
    )
    get_run_logger().info("report written to %s", path)
    return str(path)
