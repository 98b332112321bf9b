-- Staging: the latest imported salary survey snapshot, one row per respondent.
CREATE OR REPLACE VIEW stg_salary_survey AS
WITH latest AS (
    SELECT snapshot FROM salary_survey_imports ORDER BY imported_at DESC LIMIT 1
)
SELECT
    s.snapshot,
    s.work_year,
    s.experience_level,
    s.seniority,
    s.employment_type,
    s.job_title,
    s.role,
    s.salary_in_usd,
    s.remote_ratio,
    s.remote_ratio = 100 AS is_remote,
    s.employee_residence,
    s.company_location,
    s.company_size
FROM salary_survey AS s
JOIN latest USING (snapshot);
