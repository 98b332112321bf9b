"""Migrations bring an empty file, or a file from an older release with data, to the latest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from warehouse.db import connect, create_views, migrate, migrations, open_warehouse

STARTED = datetime(2026, 9, 1, tzinfo=UTC)
V1_POSTING = (
    "greenhouse",
    "42",
    "acme",
    "Acme AI",
    "ML Engineer",
    "Build models.",
    ["Boston, MA"],
    "onsite",
    120000.0,
    160000.0,
    "USD",
    "year",
    "structured",
    None,
    None,
    None,
    None,
    None,
    None,
    "e" * 64,
    None,
    "c" * 64,
    date(2026, 9, 1),
    date(2026, 9, 15),
    None,
)


def _latest() -> int:
    return migrations()[-1][0]


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_empty_file_migrates_to_latest_and_views_build(tmp_path):
    con = open_warehouse(tmp_path / "w.duckdb")
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()]
    assert versions == [v for v, _, _ in migrations()]
    assert {"posting_observations", "posting_versions", "posting_canonical", "salary_survey"} <= (
        _tables(con)
    )
    assert migrate(con) == []
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    for view in views & {v for v in views if v.startswith(("stg_", "mart_"))}:
        con.execute(f"SELECT * FROM {view}").fetchall()


def test_version_1_file_with_data_migrates_with_data_intact(tmp_path):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    assert migrate(con, target=1) == [1]
    con.execute(f"INSERT INTO postings VALUES ({', '.join('?' * len(V1_POSTING))})", V1_POSTING)
    for night in (date(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 15), date(2026, 9, 22)):
        con.execute(
            "INSERT INTO runs VALUES (?, 'greenhouse', 'acme', ?, 'live', 'success', ?, ?, "
            "1, 1, 0, 0, 0, 0, NULL)",
            [
                f"r{night}",
                night,
                datetime(2026, 9, 1, tzinfo=UTC),
                datetime(2026, 9, 1, tzinfo=UTC),
            ],
        )
    before = con.execute("SELECT * FROM postings").fetchall()
    con.close()

    con = connect(path)
    assert migrate(con) == [v for v, _, _ in migrations() if v > 1]
    create_views(con)
    assert con.execute("SELECT * FROM postings").fetchall() == before
    nights = con.execute("SELECT list(night ORDER BY night) FROM posting_observations").fetchone()
    assert nights[0] == [date(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 15)]
    assert con.execute(
        "SELECT title, salary_min, valid_from, valid_to FROM posting_versions"
    ).fetchall() == [("ML Engineer", 120000.0, date(2026, 9, 1), date(2026, 9, 15))]
    assert con.execute("SELECT count(*), count(warning) FROM runs").fetchone() == (4, 0)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == _latest()
