"""The Python API the CLI is a thin layer over."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd

from jobtrends.config import Settings, load_settings
from warehouse.db import open_warehouse, query_sandboxed


def quiet_prefect() -> None:
    """Run flows against a throwaway local server with no telemetry unless told otherwise."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    home = os.environ.get("PREFECT_HOME")
    if home:
        Path(home).mkdir(parents=True, exist_ok=True)


def run_sample(config_path: str | None = None) -> tuple[Settings, str]:
    """Replay every sample night through the nightly flow, then build the latest weekly report."""
    from flows.nightly import replay_sample
    from flows.weekly import weekly

    replay_sample(config_path=config_path)
    return load_settings(config_path), weekly(config_path=config_path)


def run_nightly(
    night: date | None = None,
    mode: str | None = None,
    sources: list[str] | None = None,
    companies: list[str] | None = None,
    dry_run: bool = False,
    config_path: str | None = None,
):
    from flows.nightly import nightly
    from flows.runners import configured

    return configured(nightly, load_settings(config_path, mode=mode))(
        night=night,
        mode=mode,
        sources=sources,
        companies=companies,
        dry_run=dry_run,
        config_path=config_path,
        return_state=True,
    )


def run_report(week: str | None = None, config_path: str | None = None) -> str:
    from flows.weekly import weekly

    return weekly(week=week, config_path=config_path)


def sql(query: str, db_path: str | Path | None = None) -> pd.DataFrame:
    """Run read-only SQL against the warehouse (views included)."""
    settings = load_settings(db_path=db_path)
    return query_sandboxed(settings.db_path, query)


def reclassify(db_path: str | Path | None = None) -> tuple[int, str]:
    """Relabel every stored posting with the current classifier, in one transaction."""
    from pipeline.labels import CLASSIFIER_VERSION, label_postings
    from pipeline.models import Posting, Salary
    from warehouse.load import replace_labels
    from warehouse.queries import postings_for_labelling

    settings = load_settings(db_path=db_path)
    con = open_warehouse(settings.db_path)
    total = 0
    try:
        con.execute("BEGIN TRANSACTION")
        for frame in postings_for_labelling(con):
            rows = []
            for r in frame.itertuples(index=False):
                salary = None
                if r.salary_source is not None:
                    salary = Salary(
                        _num(r.salary_min),
                        _num(r.salary_max),
                        r.salary_currency,
                        r.salary_period,
                        r.salary_source,
                        r.salary_text,
                    )
                posting = Posting(
                    source=r.source,
                    source_id=r.source_id,
                    company=r.company,
                    title=r.title,
                    description=r.description,
                    locations=list(r.locations),
                    workplace_type=r.workplace_type,
                    salary=salary,
                    employment_type=r.employment_type,
                    board=r.board,
                )
                rows += label_postings([posting], r.configured_industry, r.last_seen.date())
            total += replace_labels(con, rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return total, CLASSIFIER_VERSION


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
