-- Mart: weekly demand per role on canonical jobs, with the week-over-week change in open jobs.
CREATE OR REPLACE VIEW mart_role_demand AS
WITH weekly AS (
    SELECT * FROM int_weekly_jobs
),
per_role AS (
    SELECT week, week_start, role, bool_or(is_ai) AS is_ai,
           sum(new_jobs)::BIGINT AS new_jobs,
           sum(open_jobs)::BIGINT AS open_jobs,
           sum(closed_jobs)::BIGINT AS closed_jobs
    FROM weekly
    GROUP BY week, week_start, role
)
SELECT
    *,
    open_jobs - lag(open_jobs) OVER w AS open_change,
    round((open_jobs - lag(open_jobs) OVER w) / nullif(lag(open_jobs) OVER w, 0), 4)
        AS open_change_pct,
    round(open_jobs / sum(open_jobs) OVER (PARTITION BY week), 4) AS share_of_open
FROM per_role
WINDOW w AS (PARTITION BY role ORDER BY week_start);
