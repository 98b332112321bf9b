-- The board registry: every board the project knows besides the ones pinned in sources.toml,
-- where it came from and how it has answered. `status` is the board's health: `unchecked`
-- (imported, never fetched), `active` (answered with postings), `empty` (answered with none:
-- not a failure), `failing` (its last fetches failed) and `gone` (not found on enough
-- consecutive nights, or by a check; skipped until a check finds it again). `not_reached_on`
-- is the night whose time budget ran out before this board, so the next night reads it first.
CREATE TABLE board_registry (
    source VARCHAR NOT NULL,
    token VARCHAR NOT NULL,
    company VARCHAR,
    origin VARCHAR NOT NULL,
    industry VARCHAR,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    status VARCHAR NOT NULL DEFAULT 'unchecked',
    first_success_at TIMESTAMPTZ,
    last_success_at TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    last_seen_answering DATE,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    consecutive_not_found INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR,
    postings_last_seen INTEGER,
    not_reached_on DATE,
    added_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (source, token)
);

-- One row per status change, with the night (or check) it happened on, so a report can list
-- the boards that changed this week.
CREATE TABLE board_status_changes (
    source VARCHAR NOT NULL,
    token VARCHAR NOT NULL,
    night DATE NOT NULL,
    old_status VARCHAR NOT NULL,
    new_status VARCHAR NOT NULL,
    reason VARCHAR,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    via VARCHAR NOT NULL
);
