-- Lifecycle: which nights each posting was seen, how its content changed, and suspect fetches.

-- A successful fetch that returned far fewer postings than the board had open closes nothing;
-- the run keeps the reason here so a person can see why.
ALTER TABLE runs ADD COLUMN warning VARCHAR;

-- Digest of what a successful load merged; reloading an identical fetch of the same night
-- is then recognised before any DataFrame is built.
ALTER TABLE runs ADD COLUMN load_digest VARCHAR;

-- One row per posting and night it was listed: answers "open on date X" and time-to-fill
-- without trusting first_seen/last_seen alone.
CREATE TABLE posting_observations (
    source        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    night         DATE NOT NULL,
    content_hash  VARCHAR NOT NULL,
    PRIMARY KEY (source, source_id, night)
);

-- One row per distinct content of a posting; valid_from/valid_to are the first and last
-- nights that content was listed, so a salary edit keeps the old figure instead of losing it.
CREATE TABLE posting_versions (
    source            VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,
    title             VARCHAR NOT NULL,
    description_hash  VARCHAR NOT NULL,
    locations         VARCHAR[] NOT NULL,
    workplace_type    VARCHAR,
    salary_min        DOUBLE,
    salary_max        DOUBLE,
    salary_currency   VARCHAR,
    salary_period     VARCHAR,
    valid_from        DATE NOT NULL,
    valid_to          DATE NOT NULL,
    PRIMARY KEY (source, source_id, content_hash)
);

-- Files loaded before this migration: every successful night of the board between a
-- posting's first and last sighting is taken as a sighting with its current content.
INSERT INTO posting_observations
SELECT p.source, p.source_id, r.as_of, p.content_hash
FROM postings AS p
JOIN runs AS r
  ON r.source = p.source AND r.board = p.board AND r.status = 'success'
 AND r.as_of BETWEEN p.first_seen AND p.last_seen
UNION
SELECT source, source_id, unnest([first_seen, last_seen]), content_hash
FROM postings;

INSERT INTO posting_versions
SELECT source, source_id, content_hash, title, md5(description), locations, workplace_type,
       salary_min, salary_max, salary_currency, salary_period, first_seen, last_seen
FROM postings;
