"""`jobtrends parse`: saved bodies in, one JSON line per posting with labels and evidence out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from jobtrends.cli import main

WRAPPED_GREENHOUSE = {
    "company": "acme",
    "fetched_at": "2026-08-22T03:00:00",
    "job_count": 2,
    "jobs": [
        {
            "id": 7182274,
            "internal_job_id": 1,
            "title": "Senior Machine Learning Engineer",
            "location": {"name": "Berlin, Germany"},
            "absolute_url": "https://boards.greenhouse.io/acme/jobs/7182274",
            "updated_at": "2026-08-01T10:00:00-04:00",
            "company_name": "Acme",
            "metadata": None,
        },
        {"id": 7182275, "title": "", "location": {"name": "Berlin"}},
    ],
}
HN_COMMENTS = [
    {
        "id": 46472301,
        "by": "founder1",
        "time": 1767283200,
        "text": "Acme | Senior Backend Engineer | Remote (US) | $150k-$180k<p>We build tools.",
    }
]
EVIDENCE = (
    "role_evidence",
    "seniority_evidence",
    "work_arrangement_basis",
    "work_arrangement_evidence",
    "salary_source",
    "salary_text",
)


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_prints_key_posting_labels_and_evidence(tmp_path: Path) -> None:
    path = write(tmp_path, "techjobshub_acme.json", WRAPPED_GREENHOUSE)
    result = CliRunner().invoke(main, ["parse", "--source", "greenhouse", path])
    assert result.exit_code == 0, result.output
    (record,) = lines(result.stdout)
    assert record["key"] == "greenhouse:techjobshub_acme:7182274"
    assert record["posting"]["title"] == "Senior Machine Learning Engineer"
    assert record["posting"]["board"] == "techjobshub_acme"
    for name in (*EVIDENCE, "role", "seniority", "work_arrangement", "country"):
        assert name in record["labels"]
    assert record["labels"]["role_evidence"]
    assert "record 7182275: ValueError: job without a title" in result.stderr


def test_hn_comment_list_keys_are_comment_id_and_role_number(tmp_path: Path) -> None:
    path = write(tmp_path, "hn_2026-01.json", HN_COMMENTS)
    result = CliRunner().invoke(main, ["parse", "--source", "hn", "--board", "hn", path])
    assert result.exit_code == 0, result.output
    records = lines(result.stdout)
    assert records
    assert all(r["key"].startswith("hn:hn_2026-01:46472301-") for r in records)
    assert records[0]["posting"]["board"] == "hn"
    assert records[0]["labels"]["salary"]["text"]


def test_bad_files_get_one_error_line_each_and_the_rest_still_print(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", WRAPPED_GREENHOUSE)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    wrong = write(tmp_path, "wrong.json", HN_COMMENTS)
    missing = str(tmp_path / "missing.json")
    result = CliRunner().invoke(
        main, ["parse", "--source", "greenhouse", str(broken), good, wrong, missing]
    )
    assert result.exit_code == 1
    assert len(lines(result.stdout)) == 1
    errors = [e for e in result.stderr.splitlines() if e.startswith("error:")]
    assert len(errors) == 3
    assert f"error: {broken}: not JSON" in errors[0]
    assert "expected a Greenhouse object" in errors[1]
    assert "cannot read" in errors[2]
    assert "Traceback" not in result.output


def test_a_page_without_job_postings_is_a_failed_file(tmp_path: Path) -> None:
    page = tmp_path / "careers.html"
    page.write_text("<html><body>No jobs</body></html>", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", "--source", "jsonld", str(page)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {page}: no posting parsed: no JobPosting JSON-LD"


def test_unknown_source_names_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "x.json", WRAPPED_GREENHOUSE)
    result = CliRunner().invoke(main, ["parse", "--source", "monster", path])
    assert result.exit_code == 2
    assert "known: ashby, greenhouse, hn" in result.stderr
    assert "Traceback" not in result.output


def test_keys_match_the_labelled_ids_of_realdata(shared_data: Path) -> None:
    realdata = shared_data / "realdata"
    wanted = {
        json.loads(line)["id"]
        for line in (realdata / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        if line.startswith('{"id": "jsonld:') or line.startswith('{"id": "lever:')
    }
    found: set[str] = set()
    for source in ("jsonld", "lever"):
        files = sorted(str(p) for p in (realdata / source).iterdir())
        result = CliRunner().invoke(main, ["parse", "--source", source, *files])
        assert result.exit_code == 0, result.stderr
        found |= {r["key"] for r in lines(result.stdout)}
    assert wanted <= found
