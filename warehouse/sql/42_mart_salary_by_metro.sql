-- Mart: salary per role, seniority and metro (the guide's places), canonical jobs with a metro.
CREATE OR REPLACE VIEW mart_salary_by_metro AS
WITH jobs AS (
    SELECT role, seniority, metro, (salary_usd_min + salary_usd_max) / 2 AS salary_usd_mid
    FROM canonical_jobs
    WHERE metro IS NOT NULL
)
SELECT
    role,
    seniority,
    metro,
    count(*) AS jobs,
    count(salary_usd_mid) AS n,
    round(count(salary_usd_mid) / count(*), 4) AS disclosure_rate,
    quantile_cont(salary_usd_mid, 0.25) AS p25,
    median(salary_usd_mid) AS median,
    quantile_cont(salary_usd_mid, 0.75) AS p75
FROM jobs
GROUP BY role, seniority, metro;
