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

The grouping is incremental: each posting's fingerprint and inputs, each fingerprint's
MinHash bands and the pairs that matched are kept in tables (migration 0010), so a night
works out fingerprints and bands only for its new or changed postings, looks those bands up
among the stored ones, and rewrites only the groups whose links changed. What it produces is
what grouping everything from scratch produces (`refresh_canonical(force=True)`, `jobtrends
regroup`), which a rule change triggers by itself.
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
"""About how many changed postings are grouped at once. Every link joins postings of one
normalised company, so companies can be grouped apart; doing it a slice of companies at a
time keeps the temp tables (tens of millions of word rows at 100,000 postings) at a slice's
size. A steady night is one slice."""
TEMP_TABLES = (
    "canon_dirty",
    "canon_dirty_docs",
    "canon_dirty_fps",
    "canon_docs",
    "canon_heads",
    "canon_texts",
    "canon_words",
    "canon_new_bands",
    "canon_pairs",
    "canon_new_edges",
    "canon_touched",
    "canon_closure",
    "canon_closure_edges",
    "canon_labels",
    "canon_result",
)
STATE_TABLES = (
    "canonical_inputs",
    "canonical_fingerprints",
    "canonical_bands",
    "canonical_matches",
    "canonical_edges",
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
    """Regroup the postings that are new or changed since the last grouping (every posting
    when `force` is set or the rules changed), in one transaction, so readers see either the
    old grouping or the new one and a failed refresh leaves the stored state as it was."""
    con.execute(MACROS)
    rules = _rules_digest()
    stored = con.execute("SELECT signature FROM canonical_refresh WHERE id = 1").fetchone()
    full = force or stored is None or stored[0] != rules
    con.execute("BEGIN TRANSACTION")
    try:
        if full:
            _forget(con)
        changed = _find_changes(con)
        if changed:
            (dirty,) = con.execute("SELECT count(*) FROM canon_dirty_docs").fetchone()
            parts = max(1, -(-dirty // PARTITION_POSTINGS))
            con.execute(
                "CREATE OR REPLACE TEMP TABLE canon_dirty_fps AS "
                "SELECT fingerprint, any_value(company_key) AS company_key, "
                "hash(any_value(company_key)) % ? AS part FROM ("
                " SELECT fingerprint, company_key FROM canon_dirty_docs"
                " UNION ALL SELECT f.fingerprint, f.company_key FROM canonical_fingerprints AS f"
                " JOIN canon_dirty AS d ON f.fingerprint = d.old_fingerprint"
                ") GROUP BY fingerprint",
                [parts],
            )
            _store_inputs(con)
            for part in range(parts):
                _match(con, part)
            _relink(con)
        if changed or full:
            con.execute(
                "INSERT OR REPLACE INTO canonical_refresh VALUES (1, ?, ?)",
                [rules, datetime.now(UTC)],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for table in TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return _stats(con, refreshed=changed or full)


def _rules_digest() -> str:
    """Changes whenever the grouping's rules do, which makes the next refresh a full one.
    DuckDB's version is part of it: stored band hashes come from its `hash`, and bands from
    two versions of it must never be compared."""
    return hashlib.sha256(
        f"{MACROS}{TEXT_THRESHOLD}{TITLE_THRESHOLD}{MINHASH_BANDS}{MINHASH_ROWS}"
        f"{DESCRIPTION_CHARS}{duckdb.__version__}".encode()
    ).hexdigest()[:16]


def _forget(con: duckdb.DuckDBPyConnection) -> None:
    """Empty the stored state, so every posting counts as changed. `posting_canonical` keeps
    its rows (only those whose grouping differs are rewritten), except for postings gone."""
    for table in STATE_TABLES:
        con.execute(f"DELETE FROM {table}")
    con.execute(
        "DELETE FROM posting_canonical AS c WHERE NOT EXISTS (SELECT 1 FROM postings AS p"
        " WHERE p.source = c.source AND p.source_id = c.source_id)"
    )


def _find_changes(con: duckdb.DuckDBPyConnection) -> bool:
    """Find postings whose grouping inputs differ from the stored ones (new, changed or gone)
    into `canon_dirty`, and the fingerprints of those still present into `canon_dirty_docs`.

    The comparison reads three narrow columns of every posting, not its description, so it
    costs little next to the words and MinHash that only the changed postings go through.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_dirty AS
        WITH now AS (
            SELECT source, source_id, hash(company, content_hash, first_seen) AS inputs
            FROM postings
        )
        SELECT coalesce(n.source, i.source) AS source,
               coalesce(n.source_id, i.source_id) AS source_id,
               n.inputs, i.fingerprint AS old_fingerprint
        FROM now AS n
        FULL OUTER JOIN canonical_inputs AS i
          ON n.source = i.source AND n.source_id = i.source_id
        WHERE n.inputs IS DISTINCT FROM i.inputs
        """
    )
    (dirty,) = con.execute("SELECT count(*) FROM canon_dirty").fetchone()
    if not dirty:
        return False
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_dirty_docs AS
        SELECT source, source_id, inputs, company_key,
               md5(company_key || '|' || canon_title(title) || '|'
                   || canon_location(location)) AS fingerprint
        FROM (
            SELECT p.source, p.source_id, d.inputs, canon_company(p.company) AS company_key,
                   p.title, p.locations[1] AS location
            FROM postings AS p
            JOIN canon_dirty AS d ON p.source = d.source AND p.source_id = d.source_id
        )
        """
    )
    return True


def _store_inputs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "DELETE FROM canonical_inputs AS i USING canon_dirty AS d"
        " WHERE i.source = d.source AND i.source_id = d.source_id"
    )
    con.execute(
        "INSERT INTO canonical_inputs"
        " SELECT source, source_id, fingerprint, inputs FROM canon_dirty_docs"
    )


def _match(con: duckdb.DuckDBPyConnection, part: int) -> None:
    """Rebuild one slice of the changed fingerprints (member count, label, bands) from their
    members, and the matches they take part in by looking their bands up among every stored
    fingerprint's of the same company.

    Bands are joined only between fingerprints of equal seniority and compatible locations
    (equal, or either one open), the two tests every pair must pass anyway: a company's
    boilerplate puts hundreds of its fingerprints in one band bucket, and its pairs grow with
    the square of the bucket. The title words travel with the bands, so the title-word
    overlap is computed on the candidates as they are found, without looking each side up
    again in `canonical_fingerprints` (that lookup, inside the grouping's transaction, took
    45 s for 82,000 candidates at 100,000 postings).
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_docs AS
        SELECT i.fingerprint, p.source, p.source_id, p.first_seen, p.company, p.title,
               p.locations[1] AS location, p.description
        FROM canonical_inputs AS i
        JOIN postings AS p ON p.source = i.source AND p.source_id = i.source_id
        WHERE i.fingerprint IN (SELECT fingerprint FROM canon_dirty_fps WHERE part = ?)
        """,
        [part],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_heads AS
        SELECT fingerprint, company_key, loc_key, loc_key IN ('', 'remote') AS open_location,
               canon_seniority(title_key) AS seniority,
               list_distinct(string_split(title_key, ' ')) AS title_words, members,
               strftime(first_seen, '%Y-%m-%d') || fingerprint AS label,
               title_key || ' ' || lower(left(description, {DESCRIPTION_CHARS})) AS text
        FROM (
            SELECT fingerprint, count(*) AS members, min(first_seen) AS first_seen,
                   canon_company(arg_min(company, (first_seen, source, source_id)))
                       AS company_key,
                   canon_title(arg_min(title, (first_seen, source, source_id))) AS title_key,
                   canon_location(arg_min(location, (first_seen, source, source_id)))
                       AS loc_key,
                   arg_min(description, (first_seen, source, source_id)) AS description
            FROM canon_docs
            GROUP BY fingerprint
        )
        """
    )
    for table in ("canonical_fingerprints", "canonical_bands"):
        con.execute(
            f"DELETE FROM {table} WHERE fingerprint IN"
            " (SELECT fingerprint FROM canon_dirty_fps WHERE part = ?)",
            [part],
        )
    con.execute(
        "DELETE FROM canonical_matches WHERE fp_a IN"
        " (SELECT fingerprint FROM canon_dirty_fps WHERE part = ?) OR fp_b IN"
        " (SELECT fingerprint FROM canon_dirty_fps WHERE part = ?)",
        [part, part],
    )
    con.execute(
        "INSERT INTO canonical_fingerprints SELECT fingerprint, company_key, loc_key,"
        " open_location, seniority, title_words, members, label FROM canon_heads"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE canon_texts AS"
        " SELECT fingerprint, company_key, text FROM canon_heads"
    )
    _words(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_new_bands AS
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
    con.execute("INSERT INTO canonical_bands SELECT * FROM canon_new_bands")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_pairs AS
        WITH new AS (
            SELECT b.*, h.seniority, h.loc_key, h.open_location, h.title_words
            FROM canon_new_bands AS b
            JOIN canon_heads AS h USING (fingerprint)
        ),
        stored AS (
            SELECT b.*, f.seniority, f.loc_key, f.open_location, f.title_words
            FROM canonical_bands AS b
            JOIN canonical_fingerprints AS f USING (fingerprint)
            WHERE b.company_key IN (SELECT company_key FROM canon_heads)
        ),
        same_location AS (
            SELECT a.fingerprint AS x, b.fingerprint AS y, a.title_words AS wx, b.title_words AS wy
            FROM new AS a
            JOIN stored AS b
              ON a.company_key = b.company_key AND a.seniority = b.seniority
             AND a.loc_key = b.loc_key AND a.band = b.band AND a.band_hash = b.band_hash
        ),
        new_open AS (
            SELECT a.fingerprint AS x, b.fingerprint AS y, a.title_words AS wx, b.title_words AS wy
            FROM (SELECT * FROM new WHERE open_location) AS a
            JOIN stored AS b
              ON a.company_key = b.company_key AND a.seniority = b.seniority
             AND a.band = b.band AND a.band_hash = b.band_hash AND a.loc_key <> b.loc_key
        ),
        stored_open AS (
            SELECT a.fingerprint AS x, b.fingerprint AS y, a.title_words AS wx, b.title_words AS wy
            FROM (SELECT * FROM new WHERE NOT open_location) AS a
            JOIN (SELECT * FROM stored WHERE open_location) AS b
              ON a.company_key = b.company_key AND a.seniority = b.seniority
             AND a.band = b.band AND a.band_hash = b.band_hash
        ),
        candidates AS (
            SELECT DISTINCT least(x, y) AS fp_a, greatest(x, y) AS fp_b, wx, wy
            FROM (FROM same_location UNION ALL FROM new_open UNION ALL FROM stored_open)
            WHERE x <> y
        )
        SELECT fp_a, fp_b
        FROM candidates
        WHERE len(list_intersect(wx, wy)) / len(list_distinct(list_concat(wx, wy)))
              >= {TITLE_THRESHOLD}
        """
    )
    _add_stored_words(con)
    con.execute(
        f"""
        INSERT INTO canonical_matches
        WITH word_sets AS (
            SELECT fingerprint, list(word) AS words
            FROM canon_words
            WHERE fingerprint IN (SELECT fp_a FROM canon_pairs UNION SELECT fp_b FROM canon_pairs)
            GROUP BY fingerprint
        ),
        scored AS (
            SELECT p.fp_a, p.fp_b, len(list_intersect(wa.words, wb.words)) AS shared,
                   shared / (len(wa.words) + len(wb.words) - shared) AS jaccard
            FROM canon_pairs AS p
            JOIN word_sets AS wa ON wa.fingerprint = p.fp_a
            JOIN word_sets AS wb ON wb.fingerprint = p.fp_b
        )
        SELECT fp_a, fp_b, jaccard FROM scored WHERE jaccard >= {TEXT_THRESHOLD}
        """
    )


_TEXT_WORDS = """
        SELECT DISTINCT fingerprint, company_key, word
        FROM (
            SELECT fingerprint, company_key,
                   unnest(regexp_split_to_array(text, '[^a-z0-9+#]+')) AS word
            FROM canon_texts
        )
        WHERE length(word) > 1
"""
"""The distinct words (two characters or more) of each `canon_texts` row: one definition for
the changed fingerprints' words and the stored ones added beside them, so both compare alike."""


def _words(con: duckdb.DuckDBPyConnection) -> None:
    """`canon_texts`' word sets into `canon_words`: what MinHash and the Jaccard read."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE canon_words AS {_TEXT_WORDS}")


def _add_stored_words(con: duckdb.DuckDBPyConnection) -> None:
    """Add the word sets of the unchanged fingerprints a changed one is paired with, from
    their earliest member's text: words are not stored, as they would be tens of rows per
    posting, and a night pairs only a few unchanged fingerprints."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE canon_texts AS
        WITH need AS (
            SELECT fp_a AS fingerprint FROM canon_pairs UNION SELECT fp_b FROM canon_pairs
            EXCEPT SELECT fingerprint FROM canon_heads
        )
        SELECT i.fingerprint, any_value(f.company_key) AS company_key,
               canon_title(arg_min(p.title, (p.first_seen, p.source, p.source_id))) || ' '
               || lower(left(arg_min(p.description, (p.first_seen, p.source, p.source_id)),
                             {DESCRIPTION_CHARS})) AS text
        FROM canonical_inputs AS i
        JOIN need USING (fingerprint)
        JOIN canonical_fingerprints AS f USING (fingerprint)
        JOIN postings AS p ON p.source = i.source AND p.source_id = i.source_id
        GROUP BY i.fingerprint
        """
    )
    con.execute(f"INSERT INTO canon_words {_TEXT_WORDS}")


def _relink(con: duckdb.DuckDBPyConnection) -> None:
    """Work out the links from every stored match, then regroup only the groups a changed
    fingerprint or a changed link touches: the old groups of those fingerprints, whole, so a
    group that splits or merges is rebuilt entirely."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_new_edges AS
        SELECT m.fp_a, m.fp_b
        FROM canonical_matches AS m
        JOIN canonical_fingerprints AS ha ON ha.fingerprint = m.fp_a
        JOIN canonical_fingerprints AS hb ON hb.fingerprint = m.fp_b
        QUALIFY ha.open_location = hb.open_location OR row_number() OVER (
            PARTITION BY ha.open_location = hb.open_location,
                         CASE WHEN ha.open_location THEN m.fp_a ELSE m.fp_b END
            ORDER BY m.jaccard DESC,
                     CASE WHEN ha.open_location THEN hb.members ELSE ha.members END DESC,
                     CASE WHEN ha.open_location THEN m.fp_b ELSE m.fp_a END
        ) = 1
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_touched AS
        WITH changed AS (
            (SELECT * FROM canon_new_edges EXCEPT SELECT * FROM canonical_edges)
            UNION ALL
            (SELECT * FROM canonical_edges EXCEPT SELECT * FROM canon_new_edges)
        )
        SELECT fingerprint FROM canon_dirty_fps
        UNION SELECT fp_a FROM changed
        UNION SELECT fp_b FROM changed
        """
    )
    con.execute("DELETE FROM canonical_edges")
    con.execute("INSERT INTO canonical_edges SELECT * FROM canon_new_edges")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_closure AS
        SELECT fingerprint FROM canon_touched
        UNION
        SELECT c.fingerprint FROM posting_canonical AS c
        WHERE c.canonical_job_id IN (
            SELECT canonical_job_id FROM posting_canonical
            WHERE fingerprint IN (SELECT fingerprint FROM canon_touched)
        )
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE canon_labels AS SELECT fingerprint, label"
        " FROM canonical_fingerprints WHERE fingerprint IN (SELECT fingerprint FROM canon_closure)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE canon_closure_edges AS SELECT * FROM canonical_edges"
        " WHERE fp_a IN (SELECT fingerprint FROM canon_labels)"
    )
    for _ in range(MAX_PROPAGATION_ROUNDS):
        changed = con.execute(
            """
            UPDATE canon_labels SET label = best.label
            FROM (
                SELECT e.node, min(l.label) AS label
                FROM (SELECT fp_a AS node, fp_b AS other FROM canon_closure_edges
                      UNION ALL SELECT fp_b, fp_a FROM canon_closure_edges) AS e
                JOIN canon_labels AS l ON l.fingerprint = e.other
                GROUP BY e.node
            ) AS best
            WHERE canon_labels.fingerprint = best.node AND best.label < canon_labels.label
            """
        ).fetchone()[0]
        if not changed:
            break
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE canon_result AS
        SELECT i.source, i.source_id, substr(l.label, 11) AS canonical_job_id, i.fingerprint,
               CASE
                   WHEN substr(l.label, 11) <> i.fingerprint THEN 'similar'
                   WHEN f.members > 1 THEN 'fingerprint'
                   ELSE 'self'
               END AS match
        FROM canonical_inputs AS i
        JOIN canon_labels AS l USING (fingerprint)
        JOIN canonical_fingerprints AS f USING (fingerprint)
        """
    )
    _swap_in(con)


def _swap_in(con: duckdb.DuckDBPyConnection) -> None:
    """Write only the rows whose grouping changed, among the regrouped fingerprints' and the
    changed postings': deleting a whole indexed table is slow."""
    con.execute(
        """
        DELETE FROM posting_canonical AS c
        WHERE (c.fingerprint IN (SELECT fingerprint FROM canon_closure)
               OR EXISTS (SELECT 1 FROM canon_dirty AS d
                          WHERE d.source = c.source AND d.source_id = c.source_id))
          AND NOT EXISTS (
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
