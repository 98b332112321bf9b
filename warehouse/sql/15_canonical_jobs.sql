-- One row per canonical job (a job however many boards or reposts showed it). Labels come from
-- the earliest sighting; salary and work arrangement from the earliest sighting that states
-- them, since aggregators often publish pay a company's own board leaves out.
CREATE OR REPLACE VIEW canonical_jobs AS
WITH postings AS (
    SELECT * FROM stg_postings
)
SELECT
    canonical_job_id,
    arg_min(company, (first_seen, source, source_id)) AS company,
    arg_min(title, (first_seen, source, source_id)) AS title,
    arg_min(source, (first_seen, source, source_id)) AS source,
    arg_min(source_id, (first_seen, source, source_id)) AS source_id,
    arg_min(role, (first_seen, source, source_id)) AS role,
    arg_min(is_ai, (first_seen, source, source_id)) AS is_ai,
    arg_min(seniority, (first_seen, source, source_id)) AS seniority,
    coalesce(
        arg_min(work_arrangement, (first_seen, source, source_id))
            FILTER (WHERE work_arrangement <> 'unknown'),
        'unknown'
    ) AS work_arrangement,
    arg_min(metro, (first_seen, source, source_id)) AS metro,
    arg_min(country, (first_seen, source, source_id)) AS country,
    arg_min(industry, (first_seen, source, source_id)) AS industry,
    arg_min(degree, (first_seen, source, source_id)) AS degree,
    arg_min(skills, (first_seen, source, source_id)) AS skills,
    arg_min(salary_usd_min, (first_seen, source, source_id))
        FILTER (WHERE salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL)
        AS salary_usd_min,
    arg_min(salary_usd_max, (first_seen, source, source_id))
        FILTER (WHERE salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL)
        AS salary_usd_max,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    CASE WHEN bool_or(closed_at IS NULL) THEN NULL ELSE max(closed_at) END AS closed_at,
    count(*) AS sightings,
    list_sort(list_distinct(list(source))) AS sources,
    list(source || ':' || source_id ORDER BY first_seen, source, source_id) AS posting_keys
FROM postings
GROUP BY canonical_job_id;
