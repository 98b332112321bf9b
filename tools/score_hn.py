"""Score the HN "Who is hiring?" comment parser against hand-labelled real comments.

The cases (`hn_whoishiring_eval_cases.json`, 11 real comments with expected fields, MIT,
from akurilin/whoishiringreport) live in the shared data folder beside the project, never in
the repository: `$JOBTRENDS_SHARED_DATA`, else `<repo>/../shared/data`.

Each expectation becomes one check in a field (company, role_count, roles, salary_min,
salary_max, salary_currency, remote, posting); the table shows how many checks of each field
pass. `role_title_contains` lists alternatives ("ML" or "Machine Learning"), so a role
matches when its title contains any of them. Expectations about fields the parser does not
promise (equity, employment type, regions, locations, company stage) are counted as skipped.

    PYTHONPATH=. python tools/score_hn.py
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def main() -> int:
    path = data_dir() / CASES_FILE
    if not path.exists():
        print(f"no eval cases at {path}; set JOBTRENDS_SHARED_DATA", file=sys.stderr)
        return 2
    print(render([score_case(case) for case in load_cases(path)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
