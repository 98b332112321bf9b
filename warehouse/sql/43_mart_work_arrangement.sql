-- Mart: remote, hybrid and onsite counts and shares of open canonical jobs per ISO week and
-- role. Jobs whose arrangement is unknown are left out of the shares' denominator and counted in
-- their own column. Counts are 0, not NULL, when a role has no job of that arrangement.
CREATE OR REPLACE VIEW mart_work_arrangement AS
WITH weekly AS (
    SELECT * FROM int_weekly_jobs
),
per_role AS (
    SELECT
        week,
        week_start,
        role,
        bool_or(is_ai) AS is_ai,
        coalesce(sum(open_jobs) FILTER (WHERE work_arrangement = 'remote'), 0)::BIGINT AS remote,
        coalesce(sum(open_jobs) FILTER (WHERE work_arrangement = 'hybrid'), 0)::BIGINT AS hybrid,
        coalesce(sum(open_jobs) FILTER (WHERE work_arrangement = 'onsite'), 0)::BIGINT AS onsite,
        coalesce(sum(open_jobs) FILTER (WHERE work_arrangement = 'unknown'), 0)::BIGINT
            AS unknown,
        coalesce(sum(open_jobs) FILTER (WHERE work_arrangement <> 'unknown'), 0)::BIGINT AS known
    FROM weekly
    GROUP BY week, week_start, role
)
SELECT
    *,
    round(remote / nullif(known, 0), 4) AS remote_share,
    round(hybrid / nullif(known, 0), 4) AS hybrid_share,
    round(onsite / nullif(known, 0), 4) AS onsite_share
FROM per_role;

COMMENT ON VIEW mart_work_arrangement IS
    'Per ISO week and role: open canonical jobs by work arrangement; shares over known arrangements only.';
