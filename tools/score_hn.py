"""Score the HN "Who is hiring?" comment parser against hand-labelled real comments.

Two measures. The default one scores `parse_comment` on the expectation cases; `--real`
runs every real thread in `realdata/hn/` through the `hn` source's own parse and reports
what a reader of the warehouse would see (see `real_report`).

The cases (`hn_whoishiring_eval_cases.json`, 11 real comments with expected fields, MIT,
from akurilin/whoishiringreport) live in the shared data folder beside the project, never in
the repository: `$JOBTRENDS_SHARED_DATA`, else `<repo>/../shared/data`.

Each expectation becomes one check in a field (company, role_count, roles, salary_min,
salary_max, salary_currency, remote, posting); the table shows how many checks of each field
pass. `role_title_contains` lists alternatives ("ML" or "Machine Learning"), so a role
matches when its title contains any of them. Expectations about fields the parser does not
promise (equity, employment type, regions, locations, company stage) are counted as skipped.

    PYTHONPATH=. python tools/score_hn.py
    PYTHONPATH=. python tools/score_hn.py --real [--show]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.classify import ClassifyInput, classify
from pipeline.html import html_to_text
from pipeline.models import Board, Posting, RawPage
from pipeline.sources import get_source
from pipeline.sources.hn_comments import parse_comment

CASES_FILE = "hn_whoishiring_eval_cases.json"
FIELDS = (
    "posting",
    "company",
    "role_count",
    "roles",
    "salary_min",
    "salary_max",
    "salary_currency",
    "remote",
)


@dataclass
class CaseResult:
    case_id: str
    name: str
    roles_found: int
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def data_dir() -> Path:
    env = os.environ.get("JOBTRENDS_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def load_cases(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or data_dir() / CASES_FILE
    return json.loads(path.read_text(encoding="utf-8"))["test_cases"]


def is_remote(role: dict[str, Any]) -> bool | None:
    return {"remote": True, "hybrid": False, "onsite": False}.get(role["workplace_type"])


def _contains(haystack: str | None, needles: list[str]) -> bool:
    return haystack is not None and any(n.lower() in haystack.lower() for n in needles)


def _role_checks(role: dict[str, Any] | None, expect: dict[str, Any], out: CaseResult) -> None:
    def check(name: str, ok: bool, detail: str) -> None:
        out.checks.append((name, ok, detail))

    for key, want in expect.items():
        got = None if role is None else role
        if key == "company_name":
            value = got and got["company"]
            check("company", bool(value) and value.lower() == want.lower(), f"{value!r}")
        elif key == "company_name_contains":
            value = got and got["company"]
            check("company", _contains(value, want), f"{value!r}")
        elif key in ("salary_min", "salary_max", "salary_currency"):
            value = got[key] if got else None
            check(key, got is not None and value == want, f"{value!r} vs {want!r}")
        elif key == "salary_min_gte":
            value = got["salary_min"] if got else None
            check("salary_min", value is not None and value >= want, f"{value!r} >= {want}")
        elif key == "salary_max_lte":
            value = got["salary_max"] if got else None
            check("salary_max", value is not None and value <= want, f"{value!r} <= {want}")
        elif key == "is_remote":
            value = is_remote(got) if got else None
            check("remote", got is not None and value is want, f"{value!r} vs {want!r}")
        elif key == "is_remote_in":
            value = is_remote(got) if got else None
            check("remote", got is not None and value in want, f"{value!r} in {want!r}")
        else:
            out.skipped.append(key)


def score_case(case: dict[str, Any]) -> CaseResult:
    expected = case["expected"]
    try:
        roles = parse_comment(case["comment"]["content"])
        error: str | None = None
    except ValueError as exc:
        roles, error = [], str(exc)
    out = CaseResult(case["id"], case["name"], len(roles))
    if "error" in expected:
        wanted = str(expected.get("error_type_contains", ""))
        ok = error is not None and wanted.lower() in error.lower()
        out.checks.append(("posting", ok, f"error {error!r}"))
        return out
    if "is_job_posting" in expected:
        out.checks.append(
            ("posting", bool(roles) == expected["is_job_posting"], f"{len(roles)} roles")
        )
    if "role_count" in expected:
        out.checks.append(
            ("role_count", len(roles) == expected["role_count"], f"{len(roles)} roles")
        )
    if "role_count_min" in expected:
        ok = len(roles) >= expected["role_count_min"]
        out.checks.append(("role_count", ok, f"{len(roles)} roles"))
    for role in roles or [None]:
        _role_checks(role, expected.get("all_roles", {}), out)
    for wanted in expected.get("roles", []):
        needles = wanted["match_by"]["role_title_contains"]
        match = next((r for r in roles if _contains(r["title"], needles)), None)
        out.checks.append(("roles", match is not None, f"title contains one of {needles}"))
        _role_checks(match, wanted.get("expect", {}), out)
    return out


def summarise(results: list[CaseResult]) -> dict[str, tuple[int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        for name, ok, _ in result.checks:
            totals[name][0] += ok
            totals[name][1] += 1
    return {name: (totals[name][0], totals[name][1]) for name in FIELDS if name in totals}


def render(results: list[CaseResult]) -> str:
    lines = [f"{'case':<10} {'name':<36} {'roles':>5}  failed checks"]
    for r in results:
        failed = [f"{name}: {detail}" for name, ok, detail in r.checks if not ok]
        lines.append(
            f"{r.case_id[:10]:<10} {r.name[:36]:<36} {r.roles_found:>5}  "
            + ("; ".join(failed) or "-")
        )
    lines.append("")
    lines.append(f"{'field':<16} {'passed':>6} {'checks':>6} {'score':>7}")
    summary = summarise(results)
    for name, (passed, total) in summary.items():
        lines.append(f"{name:<16} {passed:>6} {total:>6} {passed / total:>7.1%}")
    passed = sum(p for p, _ in summary.values())
    total = sum(t for _, t in summary.values())
    lines.append(f"{'overall':<16} {passed:>6} {total:>6} {passed / total:>7.1%}")
    skipped = sorted({k for r in results for k in r.skipped})
    if skipped:
        lines.append(f"not scored: {', '.join(skipped)}")
    return "\n".join(lines)


AD_SIGNS = re.compile(
    r"\bhiring\b|\blooking for\b|\bopen (?:roles|positions)\b|\bapply\b|\bcareers?\b|"
    r"\bsalary\b|\bfull[- ]time\b|\bremote\b|\bon-?site\b|\|",
    re.IGNORECASE,
)
MAX_TITLE_WORDS = 10


@dataclass
class Comment:
    key: str
    text: str
    postings: list[Posting]


def as_item_tree(data: Any) -> dict[str, Any]:
    """An Algolia item tree from either saved shape: the tree itself, or a flat
    `{"sources": {...}, "jobs": [{id, source, by, time, text}]}` list of the thread's
    top-level comments (whose `source: "direct"` entries are job stories, not comments)."""
    if isinstance(data, dict) and isinstance(data.get("children"), list):
        return data
    story = data["sources"]["who_is_hiring_thread_id"]
    children = [
        {
            "id": job["id"],
            "author": job.get("by"),
            "text": job.get("text"),
            "created_at_i": job.get("time"),
            "parent_id": story,
            "children": [],
        }
        for job in data["jobs"]
        if job.get("source") == "who_is_hiring"
    ]
    title = data["sources"].get("who_is_hiring_thread_title")
    return {"id": story, "title": title, "children": children}


def real_comments(hn_dir: Path) -> list[Comment]:
    """Every live top-level comment of every saved thread, with the postings the `hn`
    source's parse makes of it, keyed `hn:<file stem>:<comment id>` as labels.jsonl is."""
    source = get_source("hn")
    board = Board("hn", "whoishiring", "Hacker News")
    out = []
    for path in sorted(hn_dir.glob("*.json")):
        tree = as_item_tree(json.loads(path.read_text(encoding="utf-8")))
        body = json.dumps(tree).encode()
        page = RawPage(
            "hn",
            board.token,
            path.name,
            200,
            "application/json",
            body,
            datetime.now(UTC),
            "score-hn",
        )
        by_comment: dict[str, list[Posting]] = defaultdict(list)
        for posting in source.parse([page], board).postings:
            by_comment[posting.source_id.rsplit("-", 1)[0]].append(posting)
        for child in tree["children"]:
            if child.get("author") is None or child.get("text") is None:
                continue
            cid = str(child["id"])
            out.append(Comment(f"hn:{path.stem}:{cid}", child["text"], by_comment.get(cid, [])))
    return out


def looks_like_ad(text: str) -> bool:
    """A rough sign that a comment without postings was an ad: long, and at least two
    distinct hiring words or a piped header."""
    signs = {m.group(0).lower() for m in AD_SIGNS.finditer(text)}
    return len(text) >= 150 and len(signs) >= 2


def _tokens(title: str) -> set[str]:
    return set(re.findall(r"\w+", title.lower()))


def _dice(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0


def _title_pairs(parsed: list[str], labelled: list[str]) -> int:
    """Labelled titles matched by a parsed one (token Dice >= 0.5, best pairs first, each
    parsed title used once)."""
    pairs = sorted(
        ((_dice(p, t), i, j) for i, p in enumerate(parsed) for j, t in enumerate(labelled)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_l: set[int] = set()
    for score, i, j in pairs:
        if score >= 0.5 and i not in used_p and j not in used_l:
            used_p.add(i)
            used_l.add(j)
    return len(used_l)


def _postings(by_key: dict[str, Comment], key: str) -> list[Posting]:
    comment = by_key.get(key)
    return comment.postings if comment else []


def real_report(comments: list[Comment], labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures on all real comments (no labels needed) and on the labelled HN items.

    Unlabelled: comments without a posting (and how many of those look like ads), titles
    longer than ten words, titles that are the whole header line. Labelled: job-ad yield,
    non-ads that stay silent, labelled titles matched by a parsed title, and role F1 with
    the classifier's role of each parsed posting, counted per comment as a multiset of
    roles (TP = roles in common) and pooled over comments.
    """
    postings = [p for c in comments for p in c.postings]
    silent = [c for c in comments if not c.postings]
    header_titles = sum(
        1
        for c in comments
        for p in c.postings
        if p.title.strip() == html_to_text(c.text).split("\n")[0].strip()
    )
    by_key = {c.key: c for c in comments}
    hn = [r for r in labels if str(r.get("id", "")).startswith("hn:")]
    ads = [r for r in hn if r.get("is_job_ad")]
    tp = fp = fn = matched = wanted = 0
    for row in hn:
        got = _postings(by_key, row["id"])
        want = row.get("postings") or [] if row.get("is_job_ad") else []
        got_roles = Counter(classify(ClassifyInput.from_posting(p)).role for p in got)
        want_roles = Counter(w["role"] for w in want)
        common = sum((got_roles & want_roles).values())
        tp, fp, fn = tp + common, fp + got_roles.total() - common, fn + want_roles.total() - common
        matched += _title_pairs([p.title for p in got], [w["title"] for w in want])
        wanted += len(want)
    return {
        "comments": len(comments),
        "with postings": len(comments) - len(silent),
        "without postings": len(silent),
        "without postings, looking like ads": sum(1 for c in silent if looks_like_ad(c.text)),
        "postings": len(postings),
        "titles > 10 words": sum(1 for p in postings if len(p.title.split()) > MAX_TITLE_WORDS),
        "titles = header line": header_titles,
        "role not stated": sum(1 for p in postings if p.extras.get("role_not_stated")),
        "labelled comments": len(hn),
        "job-ad yield": (sum(1 for r in ads if _postings(by_key, r["id"])), len(ads)),
        "non-ads silent": (
            sum(1 for r in hn if not r.get("is_job_ad") and not _postings(by_key, r["id"])),
            len(hn) - len(ads),
        ),
        "titles matched": (matched, wanted),
        "role F1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }


def render_real(report: dict[str, Any]) -> str:
    lines = []
    for name, value in report.items():
        if isinstance(value, tuple):
            hit, total = value
            share = f"{hit / total:.2f}" if total else "-"
            lines.append(f"{name:<36} {hit}/{total} ({share})")
        elif isinstance(value, float):
            lines.append(f"{name:<36} {value:.2f}")
        else:
            lines.append(f"{name:<36} {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the HN comment parser.")
    parser.add_argument("--real", action="store_true", help="All real threads and labels.")
    parser.add_argument("--show", action="store_true", help="With --real: list the misses.")
    args = parser.parse_args(argv)
    if args.real:
        hn_dir = data_dir() / "realdata" / "hn"
        if not hn_dir.is_dir():
            print(f"no real HN threads at {hn_dir}; set JOBTRENDS_SHARED_DATA", file=sys.stderr)
            return 2
        comments = real_comments(hn_dir)
        labels_file = hn_dir.parent / "labels.jsonl"
        labels = [json.loads(line) for line in labels_file.open(encoding="utf-8") if line.strip()]
        print(render_real(real_report(comments, labels)))
        if args.show:
            for c in comments:
                if not c.postings and looks_like_ad(c.text):
                    print(f"no posting: {c.key} {html_to_text(c.text)[:120]!r}")
                for p in c.postings:
                    if len(p.title.split()) > MAX_TITLE_WORDS:
                        print(f"long title: {c.key} {p.title!r}")
        return 0
    path = data_dir() / CASES_FILE
    if not path.exists():
        print(f"no eval cases at {path}; set JOBTRENDS_SHARED_DATA", file=sys.stderr)
        return 2
    print(render([score_case(case) for case in load_cases(path)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
