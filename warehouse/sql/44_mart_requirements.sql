-- Marts: required degree and skill mentions per ISO week and population over the canonical jobs
-- open in the week. `population` is a role, or `ai` for all AI roles together (the guide's
-- claims speak of AI roles as a whole), so filter on one population rather than summing them.
-- A job with no degree label is counted as unknown and left out of the degree shares'
-- denominator, as the guide check's G7 does; skill shares are over every job of the population.
CREATE OR REPLACE VIEW mart_degree_shares AS
WITH week_jobs AS (
    SELECT week, week_start, role AS population, degree FROM int_week_jobs
    UNION ALL
    SELECT week, week_start, 'ai' AS population, degree FROM int_week_jobs WHERE is_ai
),
per_degree AS (
    SELECT week, week_start, population, degree, count(*) AS jobs
    FROM week_jobs
    GROUP BY week, week_start, population, degree
)
SELECT
    *,
    coalesce(
        sum(jobs) FILTER (WHERE degree <> 'unknown') OVER (PARTITION BY week, population), 0
    )::BIGINT AS known_jobs,
    CASE WHEN degree <> 'unknown' THEN round(jobs / known_jobs, 4) END AS share
FROM per_degree;

COMMENT ON VIEW mart_degree_shares IS
    'Per ISO week and population (a role, or ai): open canonical jobs per required degree; shares over known degrees only.';
COMMENT ON COLUMN mart_degree_shares.share IS
    'jobs / known_jobs; NULL for the unknown row, which is not in the denominator.';

CREATE OR REPLACE VIEW mart_skill_shares AS
WITH week_jobs AS (
    SELECT week, week_start, role AS population, canonical_job_id, skills FROM int_week_jobs
    UNION ALL
    SELECT week, week_start, 'ai' AS population, canonical_job_id, skills
    FROM int_week_jobs
    WHERE is_ai
),
population_jobs AS (
    SELECT week, population, count(*) AS population_jobs
    FROM week_jobs
    GROUP BY week, population
),
mentions AS (
    SELECT week, week_start, population, skill, count(DISTINCT canonical_job_id) AS jobs
    FROM (
        SELECT week, week_start, population, canonical_job_id, unnest(skills) AS skill
        FROM week_jobs
    )
    GROUP BY week, week_start, population, skill
)
SELECT
    m.week,
    m.week_start,
    m.population,
    m.skill,
    m.jobs,
    p.population_jobs,
    round(m.jobs / p.population_jobs, 4) AS share
FROM mentions AS m
JOIN population_jobs AS p USING (week, population);

COMMENT ON VIEW mart_skill_shares IS
    'Per ISO week and population (a role, or ai): open canonical jobs mentioning each skill and their share of the population.';
