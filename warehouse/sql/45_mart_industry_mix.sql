-- Mart: open canonical AI-role jobs per industry and week, with each industry's share.
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
