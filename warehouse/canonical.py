"""Which source postings are the same job: cross-posts between boards and reposts.

Two passes, both set-based in DuckDB:

1. A fingerprint of normalised company, title and primary location. Normalising drops what
   boards add around a title ("(Remote)", "- US", gender markers), spells out "Sr."/"Jr.", and
   strips company legal suffixes (Inc, Ltd, GmbH, ...) and a trailing "AI", so "Mistral AI"
   on Lever and "Mistral" on an aggregator meet.
2. Near-duplicates within the same normalised company: MinHash with LSH banding proposes
   candidate pairs from the word sets of title and description; a pair is kept when the exact
   word-set Jaccard is at least `TEXT_THRESHOLD`, the title words overlap by at least
   `TITLE_THRESHOLD`, the seniority words agree and the locations are compatible (equal, or
   one of them remote or unknown). Seniority and location are checked because a company's
   descriptions share boilerplate: the London and New York copies of a role are two jobs. A
   remote or location-less posting links to at most one located posting (its best match), so
   an aggregator's "Remote" copy cannot chain the London and New York jobs into one (ties go
   to the located job already seen on more boards).

Groups are the connected components of both kinds of link. A group's id is the fingerprint
of its earliest-seen member, so it stays put as later sightings join.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

TEXT_THRESHOLD = 0.8
TITLE_THRESHOLD = 0.6
MINHASH_BANDS = 8
MINHASH_ROWS = 3
DESCRIPTION_CHARS = 4000
MAX_PROPAGATION_ROUNDS = 50
PARTITION_POSTINGS = 20_000
"""About how many postings are grouped at once. Every link joins postings of one normalised
company, so companies can be grouped apart; doing it a slice of companies at a time keeps
the temp tables (tens of millions of word rows at 100,000 postings) at a slice's size."""
TEMP_TABLES = (
    "canon_docs",
    "canon_words",
    "canon_bands",
    "canon_heads",
    "canon_candidates",
    "canon_pairs",
    "canon_edges",
    "canon_labels",
    "canon_result",
)
LEGAL_SUFFIXES = (
    "inc|incorporated|llc|ltd|limited|corp|corporation|co|company|gmbh|plc|sa|ag|bv|pty"
)
TITLE_TAILS = "remote|hybrid|on-?site|us|usa|uk|eu|emea|apac|latam|worldwide|anywhere"
SENIORITY_WORDS = "intern|junior|associate|senior|staff|principal|lead|head|director|vp|chief"

MACROS = rf"""
CREATE OR REPLACE TEMP MACRO canon_company(s) AS trim(regexp_replace(regexp_replace(
    regexp_replace(trim(regexp_replace(lower(s), '[^a-z0-9]+', ' ', 'g')), '^the ', ''),
    '( ({LEGAL_SUFFIXES}))+$', ''), '(.) ai$', '\1'));
CREATE OR REPLACE TEMP MACRO canon_title(s) AS trim(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        lower(s),
        '\([^)]*\)|\[[^\]]*\]', ' ', 'g'),
        '\b(m|f|w|d|x)\s*/\s*(m|f|w|d|x)(\s*/\s*(m|f|w|d|x))?\b', ' ', 'g'),
        '\s[-–—|:]\s*({TITLE_TAILS})\b.*$', ' '),
        '[^a-z0-9+#]+', ' ', 'g'),
        '\bsr\b', 'senior', 'g'),
    '\bjr\b', 'junior', 'g'));
CREATE OR REPLACE TEMP MACRO canon_location(l) AS CASE
    WHEN l IS NULL OR trim(l) = '' THEN ''
    WHEN regexp_matches(lower(l), '^\s*hybrid') THEN trim(split_part(
        regexp_replace(lower(l), '^\s*hybrid\s*[-–:]?\s*', ''), ',', 1))
    WHEN regexp_matches(lower(l), 'remote|anywhere|worldwide|work from home') THEN 'remote'
    ELSE trim(split_part(lower(l), ',', 1))
END;
CREATE OR REPLACE TEMP MACRO canon_seniority(t) AS array_to_string(list_sort(list_distinct(
    regexp_extract_all(t, '\b({SENIORITY_WORDS}|i|ii|iii|iv)\b'))), ' ');
"""


@dataclass(frozen=True, slots=True)
class CanonicalStats:
    postings: int
    canonical_jobs: int
    refreshed: bool

    @property
    def duplicate_sightings(self) -> int:
        return self.postings - self.canonical_jobs


def refresh_canonical(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> CanonicalStats:
    """Regroup every posting into canonical jobs, unless no posting changed since last time.

    The grouping is worked out in session temp tables, then swapped in by one transaction, so
    readers see either the old grouping or the new one. (Building the temp tables outside the
    transaction keeps DuckDB's statistics on them, which makes the joins twice as fast.)
    """
    signature = _signature(con)
    stored = con.execute("SELECT signature FROM canonical_refresh WHERE id = 1").fetchone()
    if not force and stored is not None and stored[0] == signature:
        return _stats(con, refreshed=False)
    con.execute(MACROS)
    try:
        (postings,) = con.execute("SELECT count(*) FROM postings").fetchone()
        parts = max(1, -(-postings // PARTITION_POSTINGS))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE canon_result (source VARCHAR, source_id VARCHAR, "
            "canonical_job_id VARCHAR, fingerprint VARCHAR, match VARCHAR)"
        )
        for part in range(parts):
            _group(con, part, parts)
            _collect(con)
        con.execute("BEGIN TRANSACTION")
        try:
            _swap_in(con)
            con.execute(
                "INSERT OR REPLACE INTO canonical_refresh VALUES (1, ?, ?)",
                [signature, datetime.now(UTC)],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        for table in TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return _stats(con, refreshed=True)


def _signature(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a posting is added or its grouping inputs change; cheap to compute."""
    count, digest = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(source, source_id, company, content_hash, "
        "first_seen)), 0) FROM postings"
    ).fetchone()
    rules = hashlib.sha256(
        f"{MACROS}{TEXT_THRESHOLD}{TITLE_THRESHOLD}{MINHASH_BANDS}{MINHASH_ROWS}".encode()
    ).hexdigest()[:16]
    return f"{count}:{digest}:{rules}"


def _group(con: duckdb.DuckDBPyConnection, part: int, parts: int) -> None:
    """Build the temp tables of the grouping for one slice of companies (their normalised
    name's hash modulo `parts`), ending with `canon_labels`.

    Candidate pairs are filtered on seniority (a string, cheap to compare) and location
    before the title-word overlap, whose list functions cost tens of microseconds a pair: a
    company's boilerplate makes most of its pairs candidates, so that order is what keeps a
    10,000-posting refresh at seconds instead of tens of seconds.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_docs AS
        SELECT source, source_id, first_seen, company_key, title_key, loc_key,
               canon_seniority(title_key) AS seniority,
               md5(company_key || '|' || title_key || '|' || loc_key) AS fingerprint,
               description
        FROM (
            SELECT source, source_id, first_seen, description,
                   canon_company(company) AS company_key,
                   canon_title(title) AS title_key,
                   canon_location(locations[1]) AS loc_key
            FROM postings
            WHERE hash(canon_company(company)) % ? = ?
        )
        """,
        [parts, part],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_words AS
        WITH groups AS (
            SELECT fingerprint, any_value(company_key) AS company_key,
                   arg_min(title_key || ' ' || lower(left(description, {DESCRIPTION_CHARS})),
                           (first_seen, source, source_id)) AS text
            FROM canon_docs
            GROUP BY fingerprint
        )
        SELECT DISTINCT fingerprint, company_key, word
        FROM (
            SELECT fingerprint, company_key,
                   unnest(regexp_split_to_array(text, '[^a-z0-9+#]+')) AS word
            FROM groups
        )
        WHERE length(word) > 1
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_bands AS
        WITH minhash AS (
            SELECT w.fingerprint, w.company_key, k.k, min(hash(w.word, k.k)) AS h
            FROM canon_words AS w
            CROSS JOIN range({MINHASH_BANDS * MINHASH_ROWS}) AS k(k)
            GROUP BY ALL
        )
        SELECT fingerprint, company_key, k // {MINHASH_ROWS} AS band,
               hash(list(h ORDER BY k)) AS band_hash
        FROM minhash
        GROUP BY ALL
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_heads AS
        SELECT fingerprint, count(*) AS members, any_value(loc_key) AS loc_key,
               any_value(loc_key) IN ('', 'remote') AS open_location,
               any_value(seniority) AS seniority,
               list_distinct(string_split(any_value(title_key), ' ')) AS title_words
        FROM canon_docs
        GROUP BY fingerprint
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_candidates AS
        SELECT DISTINCT a.fingerprint AS fp_a, b.fingerprint AS fp_b
        FROM canon_bands AS a
        JOIN canon_bands AS b
          ON a.company_key = b.company_key AND a.band = b.band
         AND a.band_hash = b.band_hash AND a.fingerprint < b.fingerprint
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_pairs AS
        WITH joined AS (
            SELECT c.fp_a, c.fp_b, ha.open_location AS open_a, hb.open_location AS open_b,
                   CASE WHEN ha.open_location THEN hb.members ELSE ha.members END
                       AS located_members,
                   ha.title_words AS words_a, hb.title_words AS words_b
            FROM canon_candidates AS c
            JOIN canon_heads AS ha ON ha.fingerprint = c.fp_a
            JOIN canon_heads AS hb ON hb.fingerprint = c.fp_b
            WHERE ha.seniority = hb.seniority
              AND (ha.loc_key = hb.loc_key OR ha.open_location OR hb.open_location)
        )
        SELECT fp_a, fp_b, open_a, open_b, located_members
        FROM joined
        WHERE len(list_intersect(words_a, words_b))
              / len(list_distinct(list_concat(words_a, words_b))) >= {TITLE_THRESHOLD}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_edges AS
        WITH pairs AS (
            SELECT * FROM canon_pairs
        ),
        word_sets AS (
            SELECT fingerprint, list(word) AS words
            FROM canon_words
            WHERE fingerprint IN (SELECT fp_a FROM pairs UNION SELECT fp_b FROM pairs)
            GROUP BY fingerprint
        ),
        scored AS (
            SELECT p.*, len(list_intersect(wa.words, wb.words)) AS shared,
                   shared / (len(wa.words) + len(wb.words) - shared) AS jaccard
            FROM pairs AS p
            JOIN word_sets AS wa ON wa.fingerprint = p.fp_a
            JOIN word_sets AS wb ON wb.fingerprint = p.fp_b
        )
        SELECT fp_a, fp_b
        FROM scored
        WHERE jaccard >= {TEXT_THRESHOLD}
        QUALIFY open_a = open_b OR row_number() OVER (
            PARTITION BY open_a = open_b, CASE WHEN open_a THEN fp_a ELSE fp_b END
            ORDER BY jaccard DESC, located_members DESC, CASE WHEN open_a THEN fp_b ELSE fp_a END
        ) = 1
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_labels AS
        SELECT fingerprint, min(strftime(first_seen, '%Y-%m-%d') || fingerprint) AS label
        FROM canon_docs
        GROUP BY fingerprint
        """
    )
    for _ in range(MAX_PROPAGATION_ROUNDS):
        changed = con.execute(
            """
            UPDATE canon_labels SET label = best.label
            FROM (
                SELECT e.node, min(l.label) AS label
                FROM (SELECT fp_a AS node, fp_b AS other FROM canon_edges
                      UNION ALL SELECT fp_b, fp_a FROM canon_edges) AS e
                JOIN canon_labels AS l ON l.fingerprint = e.other
                GROUP BY e.node
            ) AS best
            WHERE canon_labels.fingerprint = best.node AND best.label < canon_labels.label
            """
        ).fetchone()[0]
        if not changed:
            break


def _collect(con: duckdb.DuckDBPyConnection) -> None:
    """Append one slice's grouping to `canon_result`."""
    con.execute(
        """
        INSERT INTO canon_result
        SELECT d.source, d.source_id, substr(l.label, 11) AS canonical_job_id, d.fingerprint,
               CASE
                   WHEN substr(l.label, 11) <> d.fingerprint THEN 'similar'
                   WHEN count(*) OVER (PARTITION BY d.fingerprint) > 1 THEN 'fingerprint'
                   ELSE 'self'
               END AS match
        FROM canon_docs AS d
        JOIN canon_labels AS l USING (fingerprint)
        """
    )


def _swap_in(con: duckdb.DuckDBPyConnection) -> None:
    """Write only the rows whose grouping changed: deleting a whole indexed table is slow."""
    con.execute(
        """
        DELETE FROM posting_canonical AS c
        WHERE NOT EXISTS (
            SELECT 1 FROM canon_result AS r
            WHERE r.source = c.source AND r.source_id = c.source_id
              AND r.canonical_job_id = c.canonical_job_id AND r.fingerprint = c.fingerprint
              AND r.match = c.match
        )
        """
    )
    con.execute(
        """
        INSERT INTO posting_canonical
        SELECT * FROM canon_result AS r
        WHERE NOT EXISTS (
            SELECT 1 FROM posting_canonical AS c
            WHERE r.source = c.source AND r.source_id = c.source_id
        )
        """
    )


def _stats(con: duckdb.DuckDBPyConnection, *, refreshed: bool) -> CanonicalStats:
    postings, jobs = con.execute(
        "SELECT count(*), count(DISTINCT canonical_job_id) FROM posting_canonical"
    ).fetchone()
    return CanonicalStats(postings, jobs, refreshed)
