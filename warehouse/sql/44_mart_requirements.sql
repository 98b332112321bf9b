-- Marts: required degree and skill mentions per ISO week and population over the canonical jobs
-- open in the week. `population` is a role, or `ai` for all AI roles together (the guide's
-- claims speak of AI roles as a whole), so filter on one population rather than summing them.
-- A job has one role, so the `ai` rows are sums of the AI roles' counts, counted once per role.
-- A job with no degree label is counted as unknown and left out of the degree shares'
-- denominator, as the guide check's G7 does; skill shares are over every job of the population.
CREATE OR REPLACE VIEW mart_degree_shares AS
WITH week_jobs AS (
    SELECT week, week_start, role, is_ai, degree FROM int_week_jobs
),
per_role AS (
    SELECT week, week_start, role, is_ai, degree, count(*) AS jobs
    FROM week_jobs
    GROUP BY ALL
),
per_population AS (
    SELECT week, week_start, role AS population, degree, jobs FROM per_role
    UNION ALL
    SELECT week, week_start, 'ai', degree, sum(jobs)::BIGINT
    FROM per_role
    WHERE is_ai
    GROUP BY week, week_start, degree
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
WITH week_jobs AS MATERIALIZED (
    SELECT week, week_start, role, is_ai, list_distinct(skills) AS skills FROM int_week_jobs
),
role_jobs AS (
    SELECT week, role, is_ai, count(*) AS jobs
    FROM week_jobs
    GROUP BY ALL
),
role_mentions AS (
    SELECT week, week_start, role, is_ai, skill, count(*) AS jobs
    FROM (SELECT week, week_start, role, is_ai, unnest(skills) AS skill FROM week_jobs)
    GROUP BY ALL
),
population_jobs AS (
    SELECT week, role AS population, jobs AS population_jobs FROM role_jobs
    UNION ALL
    SELECT week, 'ai', sum(jobs)::BIGINT FROM role_jobs WHERE is_ai GROUP BY week
),
mentions AS (
    SELECT week, week_start, role AS population, skill, jobs FROM role_mentions
    UNION ALL
    SELECT week, week_start, 'ai', skill, sum(jobs)::BIGINT
    FROM role_mentions
    WHERE is_ai
    GROUP BY week, week_start, skill
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
