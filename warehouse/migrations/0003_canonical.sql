-- De-duplication: which source postings are sightings of the same job.

-- Rebuilt as a whole by `warehouse.canonical.refresh_canonical` after each nightly load, so
-- a rule change re-groups history too; `match` says why a posting joined its group.
CREATE TABLE posting_canonical (
    source            VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL,
    canonical_job_id  VARCHAR NOT NULL,
    fingerprint       VARCHAR NOT NULL,   -- md5 of normalised company | title | location
    match             VARCHAR NOT NULL,   -- self | fingerprint | similar
    PRIMARY KEY (source, source_id)
);

-- What the last refresh saw, so an unchanged warehouse is not regrouped.
CREATE TABLE canonical_refresh (
    id            INTEGER PRIMARY KEY,
    signature     VARCHAR NOT NULL,
    refreshed_at  TIMESTAMPTZ NOT NULL
);
