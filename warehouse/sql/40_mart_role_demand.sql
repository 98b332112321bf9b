-- Mart: weekly demand per role on canonical jobs, with the change in open jobs from the previous
-- week with data. A role absent that week had 0 open jobs then, so the change is against 0 (and
-- open_change_pct is NULL: new), not against an older week the role last appeared in.
CREATE OR REPLACE VIEW mart_role_demand AS
WITH weekly AS (
    SELECT * FROM int_weekly_jobs
),
weeks AS (
    SELECT week, lag(week) OVER (ORDER BY week_start) AS prior_week FROM weeks
),
per_role AS (
    SELECT week, week_start, role, bool_or(is_ai) AS is_ai,
           sum(new_jobs)::BIGINT AS new_jobs,
           sum(open_jobs)::BIGINT AS open_jobs,
           sum(closed_jobs)::BIGINT AS closed_jobs
    FROM weekly
    GROUP BY week, week_start, role
),
with_prior AS (
    SELECT
        r.*,
        CASE WHEN w.prior_week IS NOT NULL THEN coalesce(p.open_jobs, 0) END AS open_last_week
    FROM per_role AS r
    JOIN weeks AS w USING (week)
    LEFT JOIN per_role AS p ON p.role = r.role AND p.week = w.prior_week
)
SELECT
    week,
    week_start,
    role,
    is_ai,
    new_jobs,
    open_jobs,
    closed_jobs,
    open_last_week,
    open_jobs - open_last_week AS open_change,
    round((open_jobs - open_last_week) / nullif(open_last_week, 0), 4) AS open_change_pct,
    round(open_jobs / sum(open_jobs) OVER (PARTITION BY week), 4) AS share_of_open
FROM with_prior;

COMMENT ON VIEW mart_role_demand IS
    'Per ISO week and role: canonical jobs new, open and closed, the change from the previous week with data, and the share of open jobs.';
COMMENT ON COLUMN mart_role_demand.closed_jobs IS
    'Jobs closed in this week, counted in this week only and once per canonical job.';
COMMENT ON COLUMN mart_role_demand.open_last_week IS
    'Open jobs in the previous week with data (0 if the role had none then); NULL in the first week.';
