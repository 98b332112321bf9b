"""Shares corrected for the classifier's own mistakes, with intervals that carry them.

A raw share counts what the classifier said; when it calls 5% of software postings AI roles,
the AI share is inflated by that much of the software count. From hand-labelled
postings we know how often each true class is given each label (the confusion matrix, rows
true, columns predicted, written by `make eval` into `confusion.json` and keyed by the
classifier version that made it). With R[i, j] = P(label j | true class i) the observed
distribution q is p·R, so the true one is p = q·R⁻¹: for two classes this is the
Rogan-Gladen estimator (q + sp - 1) / (se + sp - 1), for several the inverse matrix. Noise can
push a class below zero, so the result is clipped at zero and renormalised.

The interval resamples both sources of error at once: the week's postings (a multinomial draw
of the observed counts) and the labelled items (a draw of each true class's row, its size
kept), 2,000 times with a fixed seed, so the same warehouse renders the same report. A class
whose labelled items are all classified correctly contributes no error of its own: with few
labels the interval is a lower bound on the uncertainty, not a guarantee.

A true class's row comes from the real labelled postings when they hold at least
`MIN_CLASS_LABELS` of it; a class thinner than that also takes the items of the written
labelled sets the rules were never tuned on (`fill_thin_rows`), so the rare AI roles get
rows of their own rather than a shared one. Written postings are cleaner than real ones, so
a borrowed row is if anything too kind to the classifier. Roles still below
`MIN_CLASS_LABELS` are pooled into two buckets (rare AI roles, rare other roles); their
shares are corrected as a pool and a per-role figure is only shown for roles with their own
row.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.role import AI_ROLES
from reports.stats import wilson

CONFUSION_FILE = "confusion.json"
MIN_CLASS_LABELS = 5
RESAMPLES = 2000
SEED = 0
POOLED_AI = "(other AI roles)"
POOLED_OTHER = "(other roles)"
POOLS = (POOLED_AI, POOLED_OTHER)
AI, NOT_AI = "ai", "not_ai"
FIELDS = ("is_ai", "role", "work_arrangement")
ARRANGEMENTS = ("remote", "hybrid", "onsite")
LISTING = "listing"


@dataclass(frozen=True, slots=True)
class Confusion:
    """One field's confusion counts: `counts[i, j]` labelled items of true class `classes[i]`
    that the classifier labelled `classes[j]`."""

    field: str
    classes: tuple[str, ...]
    counts: np.ndarray

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def rates(self, counts: np.ndarray | None = None) -> np.ndarray:
        """Row-normalised counts; a class with no labelled item is taken as never mistaken."""
        data = self.counts if counts is None else counts
        totals = data.sum(axis=-1, keepdims=True)
        eye = np.broadcast_to(np.eye(len(self.classes)), data.shape)
        return np.where(totals > 0, data / np.where(totals > 0, totals, 1), eye)


@dataclass(frozen=True, slots=True)
class Confusions:
    """The matrices for one classifier version, and whether that is the version the figures'
    labels were made by (`exact`); a stale matrix is used and said to be stale."""

    classifier_version: str
    measured_on: str
    fields: Mapping[str, Confusion]
    exact: bool

    def note(self) -> str:
        """Where the matrices come from, and the classifier they were measured for when that
        is not the one that made the figures' labels."""
        basis = f"measured on {self.measured_on}"
        if self.exact:
            return basis
        return f"{basis} for classifier {self.classifier_version}, not the labels' own"


@dataclass(frozen=True, slots=True)
class Corrected:
    """A share as labelled (`raw`, Wilson interval) and corrected for label error (bootstrap
    interval over postings and labelled items)."""

    n: int
    raw: float
    raw_low: float
    raw_high: float
    estimate: float
    low: float
    high: float


def pairs_to_confusion(field: str, pairs: Sequence[tuple[str, str]]) -> Confusion:
    """Counts from (expected, predicted) pairs over every class seen on either side."""
    classes = tuple(sorted({c for pair in pairs for c in pair}))
    index = {c: i for i, c in enumerate(classes)}
    counts = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for expected, got in pairs:
        counts[index[expected], index[got]] += 1
    return Confusion(field, classes, counts)


def fill_thin_rows(
    real: Sequence[tuple[str, str]],
    written: Sequence[tuple[str, str]],
    minimum: int = MIN_CLASS_LABELS,
) -> list[tuple[str, str]]:
    """The real (expected, predicted) pairs, plus the written pairs of each true class with
    fewer than `minimum` real ones: a class's error rates stay the real postings' wherever
    they are enough to stand on, and only a thin class borrows."""
    support = Counter(expected for expected, _ in real)
    return [*real, *(pair for pair in written if support[pair[0]] < minimum)]


def confusion_entry(
    pairs: Mapping[str, Sequence[tuple[str, str]]],
    measured_on: str,
    views: Mapping[str, tuple[Mapping[str, Sequence[tuple[str, str]]], str]] | None = None,
) -> dict:
    """The data file's entry for one classifier version (what `make eval` writes). `views`
    adds matrices measured on less of each posting, by name, with what they were measured
    on: `listing` is the classifier's error when it sees only what a listing carries."""
    entry = {
        "measured_on": measured_on,
        "measured": datetime.now(UTC).date().isoformat(),
        "fields": _fields(pairs),
    }
    if views:
        entry["views"] = {
            name: {"measured_on": on, "fields": _fields(view_pairs)}
            for name, (view_pairs, on) in views.items()
        }
    return entry


def _fields(pairs: Mapping[str, Sequence[tuple[str, str]]]) -> dict[str, dict[str, list]]:
    fields = {}
    for name in FIELDS:
        matrix = pairs_to_confusion(name, pairs.get(name, ()))
        fields[name] = {"classes": list(matrix.classes), "counts": matrix.counts.tolist()}
    return fields


def write_confusions(path: Path, version: str, entry: dict) -> None:
    """Record `entry` under `version`, keeping other versions' entries, so a report whose
    labels an older classifier made still finds the matrix that fits them."""
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    known[version] = entry
    path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def bundled_path() -> Path:
    return Path(str(resources.files("reports").joinpath(CONFUSION_FILE)))


def load_confusions(
    version: str, path: Path | None = None, view: str | None = None
) -> Confusions | None:
    """The matrices measured for `version`, else the most recently measured ones (marked
    inexact); None when no matrix was ever measured. With `view`, the matrices measured on
    that view of the postings (`LISTING`: title and location only), from the entries that
    have it: labels made from less of a posting have their own error."""
    source = path or bundled_path()
    if not source.exists():
        return None
    every: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    known = {v: e for v, e in every.items() if view is None or view in e.get("views", {})}
    if not known:
        return None
    chosen = version if version in known else max(known, key=lambda v: (known[v]["measured"], v))
    entry = known[chosen] if view is None else known[chosen]["views"][view]
    fields = {
        name: Confusion(name, tuple(spec["classes"]), np.asarray(spec["counts"], dtype=np.int64))
        for name, spec in entry["fields"].items()
    }
    return Confusions(chosen, entry["measured_on"], fields, chosen == version)


def pooled(confusion: Confusion, ai_roles: Collection[str] = AI_ROLES) -> Confusion:
    """Roles with too few labelled items merged into a rare-AI and a rare-other bucket."""
    support = confusion.counts.sum(axis=1)
    keep = [c for c, s in zip(confusion.classes, support, strict=True) if s >= MIN_CLASS_LABELS]
    classes = (*keep, POOLED_AI, POOLED_OTHER)
    index = {c: classes.index(bucket_of(c, keep, ai_roles)) for c in confusion.classes}
    counts = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for i, true in enumerate(confusion.classes):
        for j, got in enumerate(confusion.classes):
            counts[index[true], index[got]] += confusion.counts[i, j]
    return Confusion(confusion.field, classes, counts)


def bucket_of(label: str, keep: Collection[str], ai_roles: Collection[str] = AI_ROLES) -> str:
    if label in keep:
        return label
    return POOLED_AI if label in ai_roles else POOLED_OTHER


def correct(observed: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """True class shares from observed label shares: solve p·R = q (batched over leading
    axes), clip at zero, renormalise. For two classes this is Rogan-Gladen."""
    solved = np.einsum("...j,...jk->...k", observed, np.linalg.pinv(rates))
    clipped = np.clip(solved, 0.0, None)
    totals = clipped.sum(axis=-1, keepdims=True)
    return np.where(totals > 0, clipped / np.where(totals > 0, totals, 1), observed)


def counts_vector(counts: Mapping[str, int], confusion: Confusion) -> np.ndarray:
    """Observed counts in the matrix's class order; a label the matrix never saw is mapped
    to its pool (roles) or dropped (no row to correct it with)."""
    vector = np.zeros(len(confusion.classes))
    keep = [c for c in confusion.classes if c not in POOLS]
    pooled_matrix = POOLED_AI in confusion.classes
    for label, k in counts.items():
        name = bucket_of(label, keep) if pooled_matrix else label
        if name in confusion.classes:
            vector[confusion.classes.index(name)] += k
    return vector


def corrected_share(
    counts: Mapping[str, int],
    confusion: Confusion,
    target: Collection[str],
    among: Collection[str] | None = None,
    confidence: float = 0.95,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Corrected:
    """The share of `target` classes among `among` classes (default: all), raw and corrected.
    `counts` are the figure's counts as the marts give them, per label."""
    classes = confusion.classes
    within = np.array([among is None or c in among for c in classes])
    hits = np.array([c in target for c in classes]) & within
    vector = counts_vector(counts, confusion)
    n, k = int(vector[within].sum()), int(vector[hits].sum())
    raw_low, raw_high = wilson(k, n, confidence)
    total = vector.sum()
    if n == 0 or total == 0:
        nan = float("nan")
        return Corrected(n, nan, raw_low, raw_high, nan, nan, nan)
    rng = np.random.default_rng(seed)
    observed = rng.multinomial(int(total), vector / total, size=resamples) / total
    rows = [
        rng.multinomial(int(row.sum()), row / row.sum(), size=resamples)
        if row.sum() > 0
        else np.zeros((resamples, len(classes)), dtype=np.int64)
        for row in confusion.counts
    ]
    drawn = correct(observed, confusion.rates(np.stack(rows, axis=1)))
    point = correct(vector / total, confusion.rates())

    def share(p: np.ndarray) -> np.ndarray:
        inside = p[..., within].sum(axis=-1)
        return np.where(inside > 0, p[..., hits].sum(axis=-1) / np.where(inside > 0, inside, 1), 0)

    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(share(drawn), [tail, 100 - tail])
    return Corrected(n, k / n, raw_low, raw_high, float(share(point)), float(low), float(high))


def ai_share(ai_jobs: int, open_jobs: int, confusions: Confusions) -> Corrected:
    matrix = confusions.fields["is_ai"]
    return corrected_share({AI: ai_jobs, NOT_AI: open_jobs - ai_jobs}, matrix, {AI})


def remote_share(counts: Mapping[str, int], confusions: Confusions) -> Corrected:
    """Remote among known arrangements: `unknown` is in no denominator, as in the marts."""
    matrix = confusions.fields["work_arrangement"]
    known = {a: int(counts.get(a, 0)) for a in ARRANGEMENTS}
    return corrected_share(known, matrix, {"remote"}, among=set(ARRANGEMENTS))


def role_shares(
    counts: Mapping[str, int], confusions: Confusions, among_ai: bool = False
) -> dict[str, Corrected]:
    """Each role with its own labelled row (and each pool holding a labelled item or a label),
    as a share of every job or, with `among_ai`, of the AI-role jobs. A pool nothing fell
    into is no figure: once every role has its own row, the pools are empty."""
    matrix = pooled(confusions.fields["role"])
    among = {c for c in matrix.classes if c in AI_ROLES or c == POOLED_AI} if among_ai else None
    held = matrix.counts.sum(axis=1) + counts_vector(counts, matrix) > 0
    return {
        c: corrected_share(counts, matrix, {c}, among)
        for c, any_held in zip(matrix.classes, held, strict=True)
        if (among is None or c in among) and (c not in POOLS or any_held)
    }


def week_table(
    headline: Mapping[str, Any],
    arrangements: Mapping[str, int],
    roles: Mapping[str, int],
    confusions: Confusions,
) -> list[dict[str, Any]]:
    """The week's corrected shares as rows (figure, n, raw and corrected with intervals): the
    AI-role share of open jobs, the remote share of AI jobs with a known arrangement, and each
    role's share of AI jobs. Inputs are the marts' counts, so the report, its CSV and the API
    correct the same numbers the same way."""
    figures = [
        (
            "AI-role share of open jobs",
            ai_share(headline["ai_jobs"], headline["open_jobs"], confusions),
        ),
        ("remote share of AI jobs (known arrangement)", remote_share(arrangements, confusions)),
        *(
            (f"{role} share of AI jobs", share)
            for role, share in role_shares(roles, confusions, among_ai=True).items()
        ),
    ]
    return [
        {
            "figure": name,
            "n": c.n,
            "raw": c.raw,
            "raw_low": c.raw_low,
            "raw_high": c.raw_high,
            "corrected": c.estimate,
            "low": c.low,
            "high": c.high,
        }
        for name, c in figures
    ]
