-- Marts: required degree and skill mentions per ISO week and population over the canonical jobs
-- open in the week. `population` is a role, or `ai` for all AI roles together (the guide's
-- claims speak of AI roles as a whole), so filter on one population rather than summing them.
-- A job has one role, so it counts once under its role and, for an AI role, once under `ai`.
-- A job with no degree label is counted as unknown and left out of the degree shares'
-- denominator, as the guide check's G7 does; skill shares are over every job of the population.
CREATE OR REPLACE VIEW int_population_jobs AS
SELECT week, week_start, role AS population, degree, skills FROM int_week_jobs
UNION ALL
SELECT week, week_start, 'ai', degree, skills FROM int_week_jobs WHERE is_ai;

COMMENT ON VIEW int_population_jobs IS
    'int_week_jobs once under the job''s role and once more under ai for an AI role: the populations the requirement marts count over.';

CREATE OR REPLACE VIEW mart_degree_shares AS
WITH per_population AS (
    SELECT week, week_start, population, degree, count(*) AS jobs
    FROM int_population_jobs
    GROUP BY ALL
)
SELECT
    *,
    coalesce(
        sum(jobs) FILTER (WHERE degree <> 'unknown') OVER (PARTITION BY week, population), 0
    )::BIGINT AS known_jobs,
    CASE WHEN degree <> 'unknown' THEN round(jobs / known_jobs, 4) END AS share
FROM per_population;

COMMENT ON VIEW mart_degree_shares IS
    'Per ISO week and population (a role, or ai): open canonical jobs per required degree; shares over known degrees only.';
COMMENT ON COLUMN mart_degree_shares.share IS
    'jobs / known_jobs; NULL for the unknown row, which is not in the denominator.';

CREATE OR REPLACE VIEW mart_skill_shares AS
WITH population_skills AS MATERIALIZED (
    SELECT week, week_start, population, list_distinct(skills) AS skills FROM int_population_jobs
),
population_jobs AS (
    SELECT week, population, count(*) AS population_jobs
    FROM population_skills
    GROUP BY ALL
),
mentions AS (
    SELECT week, week_start, population, skill, count(*) AS jobs
    FROM (SELECT week, week_start, population, unnest(skills) AS skill FROM population_skills)
    GROUP BY ALL
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
