"""Score the classifier: labelled holdout and train, plus real public data when it is present.

Run as `python tools/evaluate.py`. The labelled postings (tests/data/labelled_postings.jsonl)
are scored per split; the holdout split was written before the rules and must never be used to
tune them. When the shared evaluation data is available (`<repo>/../shared/data`, or the
directory in JOBTRENDS_SHARED_DATA), it also reports: salary and remote parsing on real Hacker
News "Who is hiring?" comments, the false-AI rate on O*NET reported job titles, and how many
AI/data titles of the aijobs.net salary survey fall to `other`. Finally it measures throughput
on 5 KB descriptions, the pipeline's budget being about 1,500 postings/s.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.classify import CLASSIFIER_VERSION, ClassifyInput, classify  # noqa: E402
from pipeline.classify.salary import parse_salary_text  # noqa: E402
from pipeline.classify.workplace import classify_workplace  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "labelled_postings.jsonl"
BLIND = ROOT / "tests" / "data" / "blind_holdout.jsonl"
FIELDS = ("role", "seniority", "work_arrangement")
TARGETS = {
    "role accuracy": 0.92,
    "role macro-F1": 0.88,
    "seniority accuracy": 0.88,
    "work_arrangement accuracy": 0.93,
    "salary exact": 0.93,
}
# O*NET-SOC occupations that are data/AI work: an AI label on their titles is not a false AI.
AI_DATA_SOC = ("15-2051", "15-2041", "15-1221", "15-2099.01")
# Survey titles that name AI or data work; the coverage check asks how many of them get `other`.
AI_DATA_TITLE = re.compile(
    r"\b(data|machine learning|ml|ai|artificial intelligence|analytics|business intelligence|bi"
    r"|deep learning|nlp|computer vision|mlops|prompt|scientist|research engineer|statistic\w*"
    r"|etl|llm|genai|applied scientist)\b",
    re.IGNORECASE,
)
FILLER = (
    "You will partner with product, design and operations teams to plan quarterly goals, write "
    "design documents, review code and mentor colleagues. We value clear writing, ownership and "
    "kindness. Benefits include medical, dental and vision coverage, a 401k match, generous "
    "parental leave, a learning budget and flexible hours. We are an equal opportunity employer "
    "and welcome applicants of every background, identity and experience level. "
)


def shared_data_dir() -> Path | None:
    for candidate in (ROOT.parent / "shared" / "data", os.environ.get("JOBTRENDS_SHARED_DATA")):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def load_labelled(path: Path = LABELLED) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_input(row: dict[str, Any]) -> ClassifyInput:
    location = row.get("location")
    locations = [location] if isinstance(location, str) else list(location or [])
    return ClassifyInput(
        title=row["title"],
        company=row.get("company") or "",
        description=row.get("description") or "",
        locations=locations,
        salary_text=row.get("salary_text"),
        workplace_type=row.get("workplace_type"),
    )


def salary_tuple(salary: Any) -> tuple[Any, ...] | None:
    if salary is None:
        return None
    if isinstance(salary, dict):
        return (float(salary["min"]), float(salary["max"]), salary["currency"], salary["period"])
    return (salary.min, salary.max, salary.currency, salary.period)


def per_class(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, float, int]]:
    """precision, recall, F1 and support per expected class."""
    classes = sorted({e for e, _ in pairs} | {g for _, g in pairs})
    table = {}
    for cls in classes:
        tp = sum(1 for e, g in pairs if e == cls and g == cls)
        fp = sum(1 for e, g in pairs if e != cls and g == cls)
        fn = sum(1 for e, g in pairs if e == cls and g != cls)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[cls] = (precision, recall, f1, tp + fn)
    return table


def score_split(rows: list[dict[str, Any]], split: str) -> dict[str, float]:
    rows = [r for r in rows if r["split"] == split]
    pairs: dict[str, list[tuple[str, str]]] = {f: [] for f in FIELDS}
    salary_hits = 0
    misses: list[str] = []
    for row in rows:
        labels = classify(to_input(row))
        expected = row["expected"]
        for f in FIELDS:
            got = getattr(labels, f)
            pairs[f].append((expected[f], got))
            if got != expected[f]:
                misses.append(
                    f"  {row['id']} {f}: expected {expected[f]}, got {got} ({row['title']})"
                )
        if salary_tuple(expected["salary"]) == salary_tuple(labels.salary):
            salary_hits += 1
        else:
            misses.append(
                f"  {row['id']} salary: expected {salary_tuple(expected['salary'])}, "
                f"got {salary_tuple(labels.salary)} [{labels.salary_flag}]"
            )
    print(f"\n== {split}: {len(rows)} labelled postings ==")
    results: dict[str, float] = {}
    for f in FIELDS:
        table = per_class(pairs[f])
        accuracy = sum(e == g for e, g in pairs[f]) / len(pairs[f])
        results[f"{f} accuracy"] = accuracy
        print(f"\n{f}: accuracy {accuracy:.3f}")
        print(f"  {'class':26} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}")
        for cls, (p, r, f1, n) in table.items():
            print(f"  {cls:26} {p:6.3f} {r:6.3f} {f1:6.3f} {n:4d}")
        if f == "role":
            present = [v[2] for v in table.values() if v[3] > 0]
            results["role macro-F1"] = sum(present) / len(present)
            print(
                f"  role macro-F1 ({len(present)} classes present): {results['role macro-F1']:.3f}"
            )
    results["salary exact"] = salary_hits / len(rows)
    print(f"\nsalary exact (min, max, currency, period or null): {results['salary exact']:.3f}")
    print("\nmisses:" if misses else "\nmisses: none")
    for line in misses:
        print(line)
    return results


def hn_text(content: str) -> str:
    text = re.sub(r"<p>", "\n", content)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def score_hn(path: Path) -> None:
    """Salary and remote text functions on real HN comments (the comment parser is not ours)."""
    cases = json.loads(path.read_text(encoding="utf-8"))["test_cases"]
    checks = Counter()
    passed = Counter()
    failures = []
    for case in cases:
        expected_all = case["expected"].get("all_roles", {})
        roles = case["expected"].get("roles") or [{}]
        expect = {**expected_all, **roles[0].get("expect", {})}
        text = hn_text(case["comment"].get("content", ""))
        if not text.strip() or not case["expected"].get("is_job_posting", False):
            continue
        salary = parse_salary_text(text)
        arrangement, scope, _ = classify_workplace(None, [], text)
        results: dict[str, bool] = {}
        if "salary_min" in expect:
            results["salary_min"] = (salary.min if salary else None) == expect["salary_min"]
        if "salary_max" in expect:
            results["salary_max"] = (salary.max if salary else None) == expect["salary_max"]
        if "salary_currency" in expect:
            results["salary_currency"] = (salary.currency if salary else None) == expect[
                "salary_currency"
            ]
        if "salary_min_gte" in expect:
            results["salary_min_gte"] = bool(
                salary and salary.min and salary.min >= expect["salary_min_gte"]
            )
        if "salary_max_lte" in expect:
            results["salary_max_lte"] = bool(
                salary and salary.max and salary.max <= expect["salary_max_lte"]
            )
        if "is_remote" in expect:
            results["remote"] = (arrangement == "remote") == bool(expect["is_remote"])
        if "is_remote_in" in expect:
            results["remote"] = (arrangement == "remote") in expect["is_remote_in"]
        if "remote_regions_contain" in expect:
            results["remote_scope"] = all(
                r in (scope or "") for r in expect["remote_regions_contain"]
            )
        for name, ok in results.items():
            checks[name] += 1
            passed[name] += ok
            if not ok:
                failures.append(
                    f"  {case['name']}: {name} (salary={salary}, {arrangement}, scope={scope})"
                )
    total, good = sum(checks.values()), sum(passed.values())
    print(f"\n== HN who-is-hiring comments: {good}/{total} checks pass ==")
    for name in sorted(checks):
        print(f"  {name:18} {passed[name]}/{checks[name]}")
    for line in failures:
        print(line)


def score_onet(path: Path) -> float:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    non_ai = [r for r in rows if not r["O*NET-SOC Code"].startswith(AI_DATA_SOC)]
    flagged = []
    for row in non_ai:
        labels = classify(ClassifyInput(title=row["Reported Job Title"]))
        if labels.is_ai:
            flagged.append(
                f"  {row['O*NET-SOC Code']} {row['Reported Job Title']} -> {labels.role}"
            )
    rate = len(flagged) / len(non_ai)
    print(
        f"\n== O*NET reported titles: false-AI rate {rate:.4f} ({len(flagged)}/{len(non_ai)} "
        f"titles outside SOC {', '.join(AI_DATA_SOC)}) =="
    )
    for line in flagged[:20]:
        print(line)
    return rate


def score_survey(path: Path) -> float:
    with path.open(encoding="utf-8") as fh:
        titles = Counter(row["job_title"] for row in csv.DictReader(fh))
    covered = uncovered = 0
    roles: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for title, n in titles.items():
        if not AI_DATA_TITLE.search(title):
            continue
        role = classify(ClassifyInput(title=title)).role
        roles[role] += n
        if role == "other":
            uncovered += n
            lost[title] += n
        else:
            covered += n
    share_other = uncovered / (covered + uncovered)
    print(
        f"\n== aijobs.net survey: {covered + uncovered} rows with AI/data titles; "
        f"{share_other:.4f} fall to `other` (coverage {1 - share_other:.4f}) =="
    )
    print("  roles: " + ", ".join(f"{r} {n}" for r, n in roles.most_common()))
    print("  titles falling to other: " + ", ".join(f"{t} ({n})" for t, n in lost.most_common(15)))
    return share_other


def pad(description: str, size: int = 5120) -> str:
    text = description + " "
    while len(text) < size:
        text += FILLER
    return text[:size]


def throughput(rows: Iterable[dict[str, Any]], n: int = 2000, repeats: int = 3) -> float:
    """Best of `repeats` timed passes (as timeit reports): on a shared machine the slower
    passes measure the neighbours' load, not the classifier. The median is printed beside it."""
    inputs = [to_input(r) for r in rows]
    for inp in inputs:
        inp.description = pad(inp.description)
    batch = [inputs[i % len(inputs)] for i in range(n)]
    classify(batch[0])
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for inp in batch:
            classify(inp)
        rates.append(n / (time.perf_counter() - start))
    rates.sort()
    best, median = rates[-1], rates[len(rates) // 2]
    print(
        f"\n== speed: {best:,.0f} postings/s on 5 KB descriptions (best of {repeats} x {n}; "
        f"median {median:,.0f}; one process) =="
    )
    return best


def main() -> int:
    print(f"classifier {CLASSIFIER_VERSION}")
    rows = load_labelled()
    score_split(rows, "holdout")
    score_split(rows, "train")
    blind = score_split(load_labelled(BLIND), "blind")
    shared = shared_data_dir()
    false_ai = None
    if shared is None:
        print(
            "\nno shared data (../shared/data or JOBTRENDS_SHARED_DATA): real-data checks skipped"
        )
    else:
        if (shared / "hn_whoishiring_eval_cases.json").exists():
            score_hn(shared / "hn_whoishiring_eval_cases.json")
        if (shared / "onet_29.3_sample_of_reported_titles.tsv").exists():
            false_ai = score_onet(shared / "onet_29.3_sample_of_reported_titles.tsv")
        if (shared / "aijobs_salaries_2025-01-19.csv").exists():
            score_survey(shared / "aijobs_salaries_2025-01-19.csv")
    rate = throughput(rows)
    print("\n== summary (blind holdout, written from the taxonomy without seeing the rules) ==")
    for name, target in TARGETS.items():
        value = blind[name]
        print(
            f"  {name:28} {value:.3f}  target >= {target}  {'ok' if value >= target else 'BELOW'}"
        )
    if false_ai is not None:
        print(
            f"  {'false-AI rate (O*NET)':28} {false_ai:.4f}  target <= 0.01  "
            f"{'ok' if false_ai <= 0.01 else 'ABOVE'}"
        )
    verdict = "ok" if rate >= 1500 else "BELOW"
    print(f"  {'postings/s (5 KB)':28} {rate:,.0f}  target >= 1500  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
