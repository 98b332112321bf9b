-- Mart: postings beside the salary survey per role and seniority. Postings: canonical jobs
-- with a stated salary, median of annualised USD midpoints (base pay). Survey: respondents of
-- the latest two work years in the latest snapshot, median salary_in_usd (as reported).
CREATE OR REPLACE VIEW mart_salary_compare AS
WITH jobs AS (
    SELECT role, seniority, (salary_usd_min + salary_usd_max) / 2 AS salary_usd_mid
    FROM canonical_jobs
    WHERE salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL
),
survey AS (
    SELECT role, seniority, work_year, salary_in_usd
    FROM stg_salary_survey
    WHERE work_year >= (SELECT max(work_year) - 1 FROM stg_salary_survey)
),
posting_stats AS (
    SELECT role, seniority, count(*) AS postings_n, median(salary_usd_mid) AS postings_median
    FROM jobs
    GROUP BY role, seniority
),
survey_stats AS (
    SELECT role, seniority, count(*) AS survey_n, median(salary_in_usd) AS survey_median,
           min(work_year) AS survey_from_year, max(work_year) AS survey_to_year
    FROM survey
    GROUP BY role, seniority
)
SELECT
    role,
    seniority,
    coalesce(p.postings_n, 0) AS postings_n,
    p.postings_median,
    coalesce(s.survey_n, 0) AS survey_n,
    s.survey_median,
    round(p.postings_median / s.survey_median - 1, 4) AS postings_vs_survey,
    s.survey_from_year,
    s.survey_to_year
FROM posting_stats AS p
FULL JOIN survey_stats AS s USING (role, seniority);

COMMENT ON VIEW mart_salary_compare IS
    'Per role and seniority, all time: postings n and median annualised USD midpoint beside the salary survey''s n and median (latest two work years).';
