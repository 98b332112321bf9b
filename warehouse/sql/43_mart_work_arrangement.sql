-- Mart: remote, hybrid and onsite counts and shares of open canonical jobs per ISO week and
-- role. The shares are over every job with a known arrangement, `inferred` ones included (a
-- located posting that says nothing else is onsite, as labour-market trackers count it), and
-- `inferred` says how many of the known ones that is. The `_stated` columns are the same
-- counts and share over jobs whose arrangement a board's field or the posting's text decided
-- (basis `structured` or `stated`) for a reader who wants no inference. Jobs whose arrangement
-- is unknown are in no denominator and counted in their own column; counts are 0, not NULL.
CREATE OR REPLACE VIEW mart_work_arrangement AS
WITH week_jobs AS (
    SELECT
        week, week_start, role, is_ai, work_arrangement AS arrangement,
        work_arrangement <> 'unknown' AS is_known,
        work_arrangement <> 'unknown' AND work_arrangement_basis = 'inferred' AS is_inferred,
        work_arrangement <> 'unknown' AND work_arrangement_basis IN ('structured', 'stated')
            AS is_stated
    FROM int_week_jobs
),
per_role AS (
    SELECT
        week,
        week_start,
        role,
        bool_or(is_ai) AS is_ai,
        count(*) FILTER (WHERE arrangement = 'remote') AS remote,
        count(*) FILTER (WHERE arrangement = 'hybrid') AS hybrid,
        count(*) FILTER (WHERE arrangement = 'onsite') AS onsite,
        count(*) FILTER (WHERE arrangement = 'unknown') AS unknown,
        count(*) FILTER (WHERE is_known) AS known,
        count(*) FILTER (WHERE is_inferred) AS inferred,
        count(*) FILTER (WHERE is_stated) AS known_stated,
        count(*) FILTER (WHERE is_stated AND arrangement = 'remote') AS remote_stated
    FROM week_jobs
    GROUP BY week, week_start, role
)
SELECT
    week,
    week_start,
    role,
    is_ai,
    remote,
    hybrid,
    onsite,
    unknown,
    known,
    inferred,
    round(remote / nullif(known, 0), 4) AS remote_share,
    round(hybrid / nullif(known, 0), 4) AS hybrid_share,
    round(onsite / nullif(known, 0), 4) AS onsite_share,
    known_stated,
    remote_stated,
    round(remote_stated / nullif(known_stated, 0), 4) AS remote_share_stated
FROM per_role;

COMMENT ON VIEW mart_work_arrangement IS
    'Per ISO week and role: open canonical jobs by work arrangement; shares over every known arrangement, inferred ones included, and over stated or structured ones only (_stated).';
COMMENT ON COLUMN mart_work_arrangement.inferred IS
    'Known-arrangement jobs whose arrangement was inferred (a location and no other signal: onsite).';
COMMENT ON COLUMN mart_work_arrangement.remote_share_stated IS
    'remote_stated / known_stated: the remote share over jobs whose arrangement a board field or the text stated.';
