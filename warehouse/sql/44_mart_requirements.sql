-- Marts: required degree and skill mentions per role, over canonical jobs. A job with no
-- degree label is counted as unknown and left out of the degree shares' denominator.
CREATE OR REPLACE VIEW mart_degree_shares AS
WITH jobs AS (
    SELECT role, is_ai, coalesce(degree, 'unknown') AS degree FROM canonical_jobs
),
per_degree AS (
    SELECT role, degree, bool_or(is_ai) AS is_ai, count(*) AS jobs
    FROM jobs
    GROUP BY role, degree
)
SELECT
    *,
    sum(jobs) FILTER (WHERE degree <> 'unknown') OVER (PARTITION BY role) AS known_jobs,
    CASE WHEN degree <> 'unknown' THEN round(jobs / known_jobs, 4) END AS share
FROM per_degree;

CREATE OR REPLACE VIEW mart_skill_shares AS
WITH jobs AS (
    SELECT canonical_job_id, role, is_ai, skills FROM canonical_jobs
),
role_jobs AS (
    SELECT role, bool_or(is_ai) AS is_ai, count(*) AS role_jobs FROM jobs GROUP BY role
),
mentions AS (
    SELECT role, skill, count(DISTINCT canonical_job_id) AS jobs
    FROM (SELECT canonical_job_id, role, unnest(skills) AS skill FROM jobs)
    GROUP BY role, skill
)
SELECT m.role, r.is_ai, m.skill, m.jobs, r.role_jobs, round(m.jobs / r.role_jobs, 4) AS share
FROM mentions AS m
JOIN role_jobs AS r USING (role);
