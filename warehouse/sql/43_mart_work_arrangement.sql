-- Mart: remote, hybrid and onsite shares of open canonical jobs per role and week. Jobs whose
-- arrangement is unknown are left out of the denominator and counted in their own column.
CREATE OR REPLACE VIEW mart_work_arrangement AS
WITH weekly AS (
    SELECT * FROM int_weekly_jobs
)
SELECT
    week,
    week_start,
    role,
    bool_or(is_ai) AS is_ai,
    sum(open_jobs) FILTER (WHERE work_arrangement = 'remote')::BIGINT AS remote,
    sum(open_jobs) FILTER (WHERE work_arrangement = 'hybrid')::BIGINT AS hybrid,
    sum(open_jobs) FILTER (WHERE work_arrangement = 'onsite')::BIGINT AS onsite,
    sum(open_jobs) FILTER (WHERE work_arrangement = 'unknown')::BIGINT AS unknown,
    sum(open_jobs) FILTER (WHERE work_arrangement <> 'unknown')::BIGINT AS known,
    round(coalesce(remote, 0) / nullif(known, 0), 4) AS remote_share,
    round(coalesce(hybrid, 0) / nullif(known, 0), 4) AS hybrid_share,
    round(coalesce(onsite, 0) / nullif(known, 0), 4) AS onsite_share
FROM weekly
GROUP BY week, week_start, role;
