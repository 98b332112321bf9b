"""The one skip key: equal keys for a board's night mean equal loads, so the second is skipped.

It covers everything that can change what a board's pages load as: the pages themselves (by
SHA-256, with URL, status and type, which parsers may read), the board's config and source
options, whether the fetch was complete (which decides closing), the source's load rule,
and the code: the parser module and every `pipeline` module it imports (followed through
the source text, so a new import is covered without anyone listing it), the whole classifier
package with its data files, the labeller, the HTML helpers, the source base class, the
loader and the schema's migrations. Nobody bumps a version by hand. The nightly flow's parse
cache, the replay's skip and the loader's skip all compare this key and nothing else.

Inside a board that changed, `label_key` decides per posting whether its stored label still
holds: a digest of exactly what the classifier reads and of the classifier's own code (the
classifier part of the skip key), so an unchanged posting on a changed board is not labelled
again.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from pipeline.classify import ClassifyInput
from pipeline.classify.salary import _rates
from pipeline.models import Board, Posting, RawPage
from pipeline.sources.base import Source
from warehouse.db import migrations
from warehouse.load import PageRecord

FOLLOWED = "pipeline"
"""The package whose imports are followed from a parser: the pure code a parse runs."""
WHOLE_PACKAGES = ("pipeline.classify",)
"""Packages taken whole, data files included: the classifier reads its tables at import."""
ALWAYS = ("pipeline.labels", "pipeline.html", "pipeline.sources.base", "warehouse.load")
CLASSIFIER = ("pipeline.labels",)
"""Where a label is computed: the labeller, and through it the whole classifier package."""
_LOCK = threading.Lock()


def skip_key(
    source: Source,
    board: Board,
    pages: Sequence[RawPage] | Sequence[PageRecord],
    *,
    complete: bool = True,
) -> str:
    h = hashlib.sha256()
    for part in (
        source.name,
        json.dumps([board.source, board.token, board.company, board.options], default=str),
        json.dumps(sorted(source.settings.options.items()), default=str),
        f"closes_missing={source.closes_missing}",
        code_digest(type(source).__module__),
    ):
        h.update(part.encode())
        h.update(b"\x1f")
    for page in pages:
        h.update(
            f"{page.seq}|{page.url}|{page.status}|{page.content_type}|{page.sha256}\n".encode()
        )
    key = h.hexdigest()
    return key if complete else f"{key}:partial"


def code_digest(parser_module: str) -> str:
    """A digest of every file that decides what `parser_module`'s pages load as; computed
    once per process and parser, so the key costs one hash per board, not a tree walk.

    Computed under a lock: the nightly flow keys its parses from several threads at once,
    and `ast.parse` is not safe to run concurrently on Python 3.11.
    """
    with _LOCK:
        return _code_digest(parser_module)


@cache
def _code_digest(parser_module: str) -> str:
    h = _files_hash([parser_module, *ALWAYS])
    for version, name, sql in migrations():
        h.update(f"migration {version} {name}\x1f{sql}".encode())
    return h.hexdigest()[:16]


def classifier_digest() -> str:
    """The classifier's version key: a digest of the labeller and the whole classifier
    package with its data files, the same files every skip key covers."""
    with _LOCK:
        return _classifier_digest()


@cache
def _classifier_digest() -> str:
    return _files_hash(CLASSIFIER).hexdigest()[:16]


def label_key(posting: Posting, industry: str | None, on_date: date) -> str:
    """What a posting's label is a function of: the classifier's input as `pipeline.labels`
    builds it, the board's configured industry, the currency table in force on the night
    (not the night itself, so a label survives nights until the table changes) and the
    classifier's version key. Equal keys give equal labels."""
    inputs = asdict(ClassifyInput.from_posting(posting))
    text = json.dumps([inputs, industry], sort_keys=True, default=str)
    h = hashlib.sha256(f"{classifier_digest()}\x1f{_rates_digest(on_date)}\x1f".encode())
    h.update(text.encode())
    return h.hexdigest()[:32]


@lru_cache(maxsize=64)
def _rates_digest(on_date: date) -> str:
    """The currency table the classifier converts with on `on_date`, as a digest."""
    table = json.dumps(sorted(_rates(on_date).items()))
    return hashlib.sha256(table.encode()).hexdigest()[:16]


def _files_hash(roots: Iterable[str]) -> hashlib._Hash:
    h = hashlib.sha256()
    for name, data in sorted(_code_files(roots).items()):
        h.update(f"{name}\x1f{len(data)}\x1f".encode())
        h.update(data)
    return h


def _code_files(roots: Iterable[str]) -> dict[str, bytes]:
    """Each file by a location-free name (module, or package and relative path)."""
    files: dict[str, bytes] = {}
    for module in _closure(roots):
        if any(module == p or module.startswith(f"{p}.") for p in WHOLE_PACKAGES):
            continue
        path = _source_file(module)
        if path is not None:
            files[module] = path.read_bytes()
    for package in WHOLE_PACKAGES:
        path = _source_file(package)
        if path is None:
            continue
        for item in sorted(path.parent.rglob("*")):
            if item.is_file() and "__pycache__" not in item.parts:
                files[f"{package}/{item.relative_to(path.parent).as_posix()}"] = item.read_bytes()
    return files


def _closure(roots: Iterable[str]) -> set[str]:
    """The modules `roots` import within `FOLLOWED`, transitively, with their parent packages
    (whose `__init__` runs on import; their own imports are not followed, since a package
    that registers its siblings does not make a parser call them)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _source_file(module)
        if path is not None:
            todo += [m for m in _imports(module, path) if m not in seen]
    parents = {m.rsplit(".", i)[0] for m in seen for i in range(1, m.count(".") + 1)}
    return seen | parents


@cache
def _imports(module: str, path: Path) -> frozenset[str]:
    """The `FOLLOWED` modules one file imports (anywhere in it: lazy imports count too);
    parsed once per process, however many parsers share the module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return frozenset(
        m
        for m in found
        if (m == FOLLOWED or m.startswith(f"{FOLLOWED}.")) and _source_file(m) is not None
    )


@cache
def _source_file(module: str) -> Path | None:
    """The module's `.py` file, or None for a name that is not a module (an imported class)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError, AttributeError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)
