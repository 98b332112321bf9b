"""The Python API the CLI is a thin layer over."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from jobtrends.config import Settings, load_settings
from warehouse.db import open_warehouse

if TYPE_CHECKING:
    from warehouse.load import LabelChanges


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
    con = open_warehouse(settings.db_path, read_only=True)
    try:
        return con.execute(query).df()
    finally:
        con.close()


@dataclass
class ParsedFile:
    """What `parse_files` made of one saved file: a JSON-ready line per posting, or why not.

    `error` is set when the whole file could not be read or parsed; `record_errors` names
    the records its parser rejected while keeping the rest.
    """

    path: str
    postings: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    record_errors: list[str] = field(default_factory=list)


def source_names() -> list[str]:
    from pipeline.sources import REGISTRY

    return sorted(REGISTRY)


def parse_files(
    source: str, paths: Sequence[str | Path], board: str | None = None
) -> Iterator[ParsedFile]:
    """Parse and label saved response bodies of `source`, as a nightly load would.

    Each file goes through `pipeline.saved` (which takes the shapes saved payloads come in)
    and the source's own parser, then through the labelling a load stores; a file that fails
    is reported and the next one is still parsed. Yields one `ParsedFile` per path, in order.
    """
    from pipeline.labels import labels_of
    from pipeline.saved import SAVED_URL, UnsupportedShape, parse_saved, posting_key
    from pipeline.sources import SourceError

    for raw_path in paths:
        path = Path(raw_path)
        out = ParsedFile(str(raw_path))
        try:
            _, result = parse_saved(source, path.read_bytes(), path.name, board)
        except OSError as exc:
            out.error = f"cannot read: {exc.strerror or exc}"
        except (UnsupportedShape, SourceError) as exc:
            out.error = str(exc).removeprefix(SAVED_URL.format(path.name) + ": ")
        else:
            reasons = [e.reason for e in result.errors]
            if reasons and not result.postings:
                more = f" (and {len(reasons) - 1} more records)" if len(reasons) > 1 else ""
                out.error = f"no posting parsed: {reasons[0]}{more}"
                yield out
                continue
            out.record_errors = [f"record {e.record_ref or '?'}: {e.reason}" for e in result.errors]
            for posting in result.postings:
                record = asdict(posting)
                record.pop("extras")
                out.postings.append(
                    {
                        "key": posting_key(source, path.stem, posting),
                        "posting": record,
                        "extras": posting.extras,
                        "labels": labels_of(posting).to_dict(),
                    }
                )
        yield out


def reclassify(db_path: str | Path | None = None) -> tuple[LabelChanges, str]:
    """Relabel every stored posting with the current classifier, in one transaction.

    Returns what moved (per label, old -> new pairs), so a rule change shows its effect.
    Postings stream through their own cursor: a statement run on the writing connection
    would replace the result being streamed.
    """
    from pipeline.labels import CLASSIFIER_VERSION, label_postings
    from pipeline.models import Posting, Salary
    from warehouse.load import LabelChanges, replace_labels
    from warehouse.queries import postings_for_labelling

    settings = load_settings(db_path=db_path)
    con = open_warehouse(settings.db_path)
    reader = con.cursor()
    changes = LabelChanges()
    try:
        con.execute("BEGIN TRANSACTION")
        for frame in postings_for_labelling(reader):
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
            replace_labels(con, rows, changes)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        reader.close()
        con.close()
    return changes, CLASSIFIER_VERSION


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
