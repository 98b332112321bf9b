-- One row per canonical job (a job however many boards or reposts showed it). Labels come from
-- the earliest sighting; salary and work arrangement from the earliest sighting that states
-- them, since aggregators often publish pay a company's own board leaves out; the arrangement's
-- basis (structured, stated, inferred) comes from the sighting that gave the arrangement.
-- Sightings are ranked once with a window so every pick is an arg_min over an integer, not over
-- a struct.
--
-- The definition is a table macro over any relation shaped like stg_postings, so that the
-- stored copy, `canonical_job_rows`, can be rebuilt for just the jobs whose sightings changed
-- (`warehouse.materialize`, after every grouping): computing it over every posting ever seen
-- on each read would make every weekly mart cost as much as the whole history.
-- `canonical_jobs_computed` applies it to every posting; the stored copy always equals it.
CREATE OR REPLACE MACRO canonical_jobs_of(relation) AS TABLE
WITH postings AS (
    SELECT * FROM query_table(relation)
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY canonical_job_id ORDER BY first_seen, source, source_id
    ) AS sighting
    FROM postings
)
SELECT
    canonical_job_id,
    arg_min(company, sighting) AS company,
    arg_min(title, sighting) AS title,
    arg_min(source, sighting) AS source,
    arg_min(source_id, sighting) AS source_id,
    arg_min(role, sighting) AS role,
    arg_min(is_ai, sighting) AS is_ai,
    arg_min(seniority, sighting) AS seniority,
    coalesce(
        arg_min(work_arrangement, sighting) FILTER (WHERE work_arrangement <> 'unknown'),
        'unknown'
    ) AS work_arrangement,
    arg_min(work_arrangement_basis, sighting) FILTER (WHERE work_arrangement <> 'unknown')
        AS work_arrangement_basis,
    arg_min(metro, sighting) AS metro,
    arg_min(country, sighting) AS country,
    arg_min(industry, sighting) AS industry,
    arg_min(degree, sighting) AS degree,
    arg_min(skills, sighting) AS skills,
    arg_min(salary_usd_min, sighting)
        FILTER (WHERE salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL)
        AS salary_usd_min,
    arg_min(salary_usd_max, sighting)
        FILTER (WHERE salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL)
        AS salary_usd_max,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    CASE WHEN bool_or(closed_at IS NULL) THEN NULL ELSE max(closed_at) END AS closed_at,
    count(*) AS sightings,
    list_sort(list_distinct(list(source))) AS sources,
    list(source || ':' || source_id ORDER BY sighting) AS posting_keys
FROM ranked
GROUP BY canonical_job_id;

CREATE OR REPLACE VIEW canonical_jobs_computed AS FROM canonical_jobs_of('stg_postings');

COMMENT ON VIEW canonical_jobs_computed IS
    'canonical_jobs computed from every posting: what the stored canonical_jobs always equals.';

-- What each posting contributes to its job, as one hash of its staging row: a posting whose
-- hash moved (or that appeared or went) marks its old and new job for rebuilding.
CREATE OR REPLACE VIEW int_canonical_job_inputs AS
SELECT source, source_id, canonical_job_id, hash(s) AS inputs
FROM stg_postings AS s;

COMMENT ON VIEW int_canonical_job_inputs IS
    'Per posting: its canonical job and a hash of its staging row, which tells a refresh of the stored jobs what moved.';

CREATE TABLE IF NOT EXISTS canonical_job_rows AS FROM canonical_jobs_computed;

CREATE TABLE IF NOT EXISTS canonical_job_inputs AS FROM int_canonical_job_inputs;

CREATE OR REPLACE VIEW canonical_jobs AS FROM canonical_job_rows;

COMMENT ON VIEW canonical_jobs IS
    'One row per canonical job, stored and refreshed after every grouping; equals canonical_jobs_computed.';
