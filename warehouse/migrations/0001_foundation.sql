-- Foundation schema: the raw archive index, one row per source posting, its labels, and runs.

CREATE TABLE raw_payloads (
    fetch_id      VARCHAR NOT NULL,   -- one board fetch on one night: hash of source, board, as_of
    seq           INTEGER NOT NULL,   -- order of the page within the fetch
    source        VARCHAR NOT NULL,
    board         VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    url           VARCHAR NOT NULL,
    status        INTEGER NOT NULL,
    content_type  VARCHAR,
    sha256        VARCHAR NOT NULL,   -- content address of the body in the archive
    bytes         BIGINT NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    archive_path  VARCHAR NOT NULL,   -- relative to the archive root, built from sha256 only
    PRIMARY KEY (fetch_id, seq)
);

CREATE TABLE postings (
    source          VARCHAR NOT NULL,
    source_id       VARCHAR NOT NULL,
    board           VARCHAR NOT NULL,
    company         VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    description     VARCHAR NOT NULL,
    locations       VARCHAR[] NOT NULL,
    workplace_type  VARCHAR,
    salary_min      DOUBLE,
    salary_max      DOUBLE,
    salary_currency VARCHAR,
    salary_period   VARCHAR,
    salary_source   VARCHAR,
    salary_text     VARCHAR,
    employment_type VARCHAR,
    department      VARCHAR,
    posted_at       TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ,
    url             VARCHAR,
    raw_payload_id  VARCHAR NOT NULL,
    extras          JSON,
    content_hash    VARCHAR NOT NULL,
    first_seen      DATE NOT NULL,
    last_seen       DATE NOT NULL,
    closed_at       DATE,
    PRIMARY KEY (source, source_id)
);

CREATE TABLE posting_labels (
    source              VARCHAR NOT NULL,
    source_id           VARCHAR NOT NULL,
    classifier_version  VARCHAR NOT NULL,
    role                VARCHAR NOT NULL,
    is_ai               BOOLEAN NOT NULL,
    ai_signal           VARCHAR,
    role_confidence     DOUBLE,
    role_evidence       VARCHAR,
    seniority           VARCHAR NOT NULL,
    work_arrangement    VARCHAR NOT NULL,
    remote_scope        VARCHAR,
    salary_usd_min      DOUBLE,
    salary_usd_max      DOUBLE,
    salary_flag         VARCHAR,
    country             VARCHAR,
    metro               VARCHAR,
    degree              VARCHAR,
    skills              VARCHAR[],
    industry            VARCHAR,
    employment_type     VARCHAR,
    detail              JSON,
    PRIMARY KEY (source, source_id)
);

CREATE TABLE parse_errors (
    fetch_id    VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    board       VARCHAR NOT NULL,
    as_of       DATE NOT NULL,
    sha256      VARCHAR NOT NULL,
    record_ref  VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    PRIMARY KEY (fetch_id, sha256, record_ref, reason)
);

CREATE TABLE runs (
    run_id        VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    board         VARCHAR NOT NULL,
    as_of         DATE NOT NULL,
    mode          VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,   -- success | failed
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    pages         INTEGER NOT NULL DEFAULT 0,
    fetched       INTEGER NOT NULL DEFAULT 0,
    new           INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    closed        INTEGER NOT NULL DEFAULT 0,
    parse_errors  INTEGER NOT NULL DEFAULT 0,
    error         VARCHAR,
    PRIMARY KEY (run_id, source, board)
);
