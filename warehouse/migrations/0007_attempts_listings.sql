-- Append-only fetch attempts and a lifecycle derived from observations (issue 15).

-- The archive attempt a run loaded (or, for a failed run, the attempt that failed): reparse
-- rebuilds a night from exactly the attempt its live load used, never from a later retry.
ALTER TABLE runs ADD COLUMN fetch_id VARCHAR;

UPDATE runs SET fetch_id = r.fetch_id
FROM (
    SELECT DISTINCT ON (source, board, as_of) source, board, as_of, fetch_id
    FROM raw_payloads
    ORDER BY source, board, as_of, fetched_at DESC
) AS r
WHERE runs.source = r.source AND runs.board = r.board AND runs.as_of = r.as_of;

-- Which board listed each sighting: a reload of a board's night replaces exactly that
-- board's sightings of the night.
ALTER TABLE posting_observations ADD COLUMN board VARCHAR;

UPDATE posting_observations SET board = p.board
FROM postings AS p
WHERE posting_observations.source = p.source AND posting_observations.source_id = p.source_id;

-- One row per board and night that a successful load listed: the facts closing is derived
-- from. `can_close`: the listing was complete and the source's listings are exhaustive;
-- `closing`: it can close and was not a suspect drop, so a posting absent from it closed
-- that night. `closed_at` of a posting is the first closing listing of its board after its
-- last sighting, which is what makes loading nights in any order give the same tables.
CREATE TABLE board_listings (
    source            VARCHAR NOT NULL,
    board             VARCHAR NOT NULL,
    night             DATE NOT NULL,
    fetch_id          VARCHAR,
    listed            INTEGER NOT NULL,
    can_close         BOOLEAN NOT NULL,
    suspect_fraction  DOUBLE,
    closing           BOOLEAN NOT NULL,
    PRIMARY KEY (source, board, night)
);

-- Files loaded before this migration: each board night's latest successful run is a
-- listing, closing unless it warned (a suspect drop) or its source never closes postings
-- (Hacker News and RemoteOK list only what is recent, so `closes_missing` is off for them).
INSERT INTO board_listings
SELECT source, board, as_of, fetch_id, fetched,
       source NOT IN ('hn', 'remoteok'), NULL,
       source NOT IN ('hn', 'remoteok') AND warning IS NULL
FROM runs
WHERE status = 'success'
QUALIFY row_number() OVER (PARTITION BY source, board, as_of ORDER BY finished_at DESC) = 1;
