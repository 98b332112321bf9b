"""Notify: send a finished run's summary to the configured webhook."""

from __future__ import annotations

from ingest.records import RunSummary
from pipeline.http import post_json


def notify(webhook_url: str, summary: RunSummary, timeout: float = 10.0) -> None:
    """POST the run summary as JSON within `timeout` in all, following no redirect; raises
    `pipeline.http.HttpError` if it is not accepted."""
    post_json(webhook_url, summary.to_json(), total_timeout=timeout)
