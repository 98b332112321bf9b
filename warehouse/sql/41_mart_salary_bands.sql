-- Mart: salary bands per role and seniority over canonical jobs: quartiles of the annualised
-- USD midpoint, (salary_usd_min + salary_usd_max) / 2, and how many jobs disclose pay at all.
CREATE OR REPLACE VIEW mart_salary_bands AS
WITH jobs AS (
    SELECT role, is_ai, seniority, (salary_usd_min + salary_usd_max) / 2 AS salary_usd_mid
    FROM canonical_jobs
)
SELECT
    role,
    seniority,
    bool_or(is_ai) AS is_ai,
    count(*) AS jobs,
    count(salary_usd_mid) AS n,
    round(count(salary_usd_mid) / count(*), 4) AS disclosure_rate,
    quantile_cont(salary_usd_mid, 0.25) AS p25,
    median(salary_usd_mid) AS median,
    quantile_cont(salary_usd_mid, 0.75) AS p75
FROM jobs
GROUP BY role, seniority;
