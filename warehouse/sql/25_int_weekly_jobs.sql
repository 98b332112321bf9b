-- Intermediate: canonical jobs open, new and closed per ISO week and label combination, counted
-- from int_week_jobs so the counts and the per-job figures (salary bands, shares) share one
-- definition of open, new and closed.
CREATE OR REPLACE VIEW int_weekly_jobs AS
WITH week_jobs AS (
    SELECT * FROM int_week_jobs
)
SELECT
    week,
    week_start,
    source,
    role,
    is_ai,
    seniority,
    work_arrangement,
    industry,
    count(*) FILTER (WHERE is_new) AS new_jobs,
    count(*) FILTER (WHERE is_closed) AS closed_jobs,
    count(*) AS open_jobs
FROM week_jobs
GROUP BY ALL;

COMMENT ON VIEW int_weekly_jobs IS
    'Per ISO week and label combination: canonical jobs open, new and closed, counted from int_week_jobs.';
