-- Incremental canonical grouping: what the last grouping read and worked out, kept so a night
-- compares only its new or changed postings against what is stored instead of regrouping
-- every posting ever seen. `jobtrends regroup` empties these tables and rebuilds them. No keys:
-- every write replaces a set of rows found by a hash join, and an index would only add cost.

-- Per posting: its fingerprint and a hash of the grouping's inputs (company, content hash,
-- first seen); a posting whose hash differs from the stored one is regrouped.
CREATE TABLE canonical_inputs (
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    fingerprint  VARCHAR NOT NULL,
    inputs       UBIGINT NOT NULL
);

-- Per fingerprint: what candidate pairs are filtered on, its member count (ties between
-- located matches) and its base label (earliest first_seen date || fingerprint).
CREATE TABLE canonical_fingerprints (
    fingerprint    VARCHAR NOT NULL,
    company_key    VARCHAR NOT NULL,
    loc_key        VARCHAR NOT NULL,
    open_location  BOOLEAN NOT NULL,
    seniority      VARCHAR NOT NULL,
    title_words    VARCHAR[] NOT NULL,
    members        INTEGER NOT NULL,
    label          VARCHAR NOT NULL
);

-- Per fingerprint: its MinHash band hashes, the LSH index new fingerprints are looked up in.
CREATE TABLE canonical_bands (
    fingerprint  VARCHAR NOT NULL,
    company_key  VARCHAR NOT NULL,
    band         INTEGER NOT NULL,
    band_hash    UBIGINT NOT NULL
);

-- Pairs of fingerprints that passed every test (seniority, location, title overlap, text
-- Jaccard), with the score the best-located-match rule ranks on.
CREATE TABLE canonical_matches (
    fp_a     VARCHAR NOT NULL,
    fp_b     VARCHAR NOT NULL,
    jaccard  DOUBLE NOT NULL
);

-- The links the last grouping used (matches after the best-located-match rule), so a night
-- sees which links it added or dropped and regroups only the groups they touch.
CREATE TABLE canonical_edges (
    fp_a  VARCHAR NOT NULL,
    fp_b  VARCHAR NOT NULL
);
