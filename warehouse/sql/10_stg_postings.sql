-- Staging: one row per source posting with its current labels; renames and casts only.
CREATE OR REPLACE VIEW stg_postings AS
SELECT
    p.source,
    p.source_id,
    p.board,
    p.company,
    p.title,
    p.locations,
    p.workplace_type,
    p.salary_min,
    p.salary_max,
    p.salary_currency,
    p.salary_period,
    p.posted_at,
    p.first_seen,
    p.last_seen,
    p.closed_at,
    coalesce(l.role, 'other') AS role,
    coalesce(l.is_ai, false) AS is_ai,
    coalesce(l.seniority, 'unknown') AS seniority,
    coalesce(l.work_arrangement, 'unknown') AS work_arrangement,
    l.salary_usd_min,
    l.salary_usd_max,
    l.salary_flag,
    l.metro,
    l.country,
    coalesce(l.degree, 'unknown') AS degree,
    coalesce(l.skills, []) AS skills,
    coalesce(l.industry, 'Other') AS industry,
    l.ai_signal,
    l.classifier_version
FROM postings AS p
LEFT JOIN posting_labels AS l USING (source, source_id);
