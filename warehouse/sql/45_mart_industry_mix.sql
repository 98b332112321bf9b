-- Mart: open canonical AI-role jobs per ISO week and industry, with each industry's share of the
-- week's open AI-role jobs. A job without an industry label is counted under `unknown`.
CREATE OR REPLACE VIEW mart_industry_mix AS
WITH weekly AS (
    SELECT * FROM int_weekly_jobs WHERE is_ai
),
per_industry AS (
    SELECT week, week_start, industry,
           sum(open_jobs)::BIGINT AS open_jobs, sum(new_jobs)::BIGINT AS new_jobs
    FROM weekly
    GROUP BY week, week_start, industry
)
SELECT
    *,
    round(open_jobs / sum(open_jobs) OVER (PARTITION BY week), 4) AS share_of_open
FROM per_industry;

COMMENT ON VIEW mart_industry_mix IS
    'Per ISO week and industry: open and new AI-role canonical jobs and the share of open ones.';
