-- Mart: salary per ISO week and metro (the guide's places) over the AI-role canonical jobs open
-- in the week that have a parsed metro: quartiles of the annualised USD midpoint and disclosure.
CREATE OR REPLACE VIEW mart_salary_by_metro AS
WITH week_jobs AS (
    SELECT week, week_start, metro, salary_usd_mid
    FROM int_week_jobs
    WHERE is_ai AND metro IS NOT NULL
)
SELECT
    week,
    week_start,
    metro,
    count(*) AS jobs,
    count(salary_usd_mid) AS n,
    round(count(salary_usd_mid) / count(*), 4) AS disclosure_rate,
    quantile_cont(salary_usd_mid, 0.25) AS p25,
    median(salary_usd_mid) AS median,
    quantile_cont(salary_usd_mid, 0.75) AS p75
FROM week_jobs
GROUP BY week, week_start, metro;

COMMENT ON VIEW mart_salary_by_metro IS
    'Per ISO week and metro: open AI-role canonical jobs, n with a salary, disclosure rate and quartiles of the annualised USD midpoint.';
