"""Job-board adapters; importing this package registers every one of them by name."""

from pipeline.sources import (
    ashby,
    greenhouse,
    hn,
    jsonld,
    lever,
    remoteok,
    remotive,
    smartrecruiters,
    workable,
)
from pipeline.sources.base import REGISTRY, Source, SourceError, get_source

__all__ = [
    "REGISTRY",
    "Source",
    "SourceError",
    "ashby",
    "get_source",
    "greenhouse",
    "hn",
    "jsonld",
    "lever",
    "remoteok",
    "remotive",
    "smartrecruiters",
    "workable",
]
