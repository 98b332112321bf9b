-- Mart: salary bands per ISO week, role and seniority over the canonical jobs open in the week:
-- quartiles of the annualised USD midpoint, (salary_usd_min + salary_usd_max) / 2, and how many
-- of those jobs disclose pay at all. All-time bands are a query of canonical_jobs.
CREATE OR REPLACE VIEW mart_salary_bands AS
WITH week_jobs AS (
    SELECT week, week_start, role, is_ai, seniority, salary_usd_mid FROM int_week_jobs
)
SELECT
    week,
    week_start,
    role,
    seniority,
    bool_or(is_ai) AS is_ai,
    count(*) AS jobs,
    count(salary_usd_mid) AS n,
    round(count(salary_usd_mid) / count(*), 4) AS disclosure_rate,
    quantile_cont(salary_usd_mid, 0.25) AS p25,
    median(salary_usd_mid) AS median,
    quantile_cont(salary_usd_mid, 0.75) AS p75
FROM week_jobs
GROUP BY week, week_start, role, seniority;

COMMENT ON VIEW mart_salary_bands IS
    'Per ISO week, role and seniority: open canonical jobs, n with a salary, disclosure rate and quartiles of the annualised USD midpoint (base pay as posted).';
