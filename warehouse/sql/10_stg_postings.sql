-- Staging: one row per source posting with its current labels and canonical job; renames
-- and casts only. A posting not yet grouped (before the first refresh) is its own job.
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
    l.work_arrangement_basis,
    l.salary_usd_min,
    l.salary_usd_max,
    l.metro,
    l.country,
    l.classifier_version,
    l.ai_signal,
    coalesce(c.canonical_job_id, p.source || ':' || p.source_id) AS canonical_job_id,
    (l.salary_usd_min + l.salary_usd_max) / 2 AS salary_usd_mid,
    l.salary_flag,
    l.degree,
    coalesce(l.skills, []::VARCHAR[]) AS skills,
    l.industry,
    coalesce(l.employment_type, p.employment_type) AS employment_type,
    CAST(date_trunc('week', p.first_seen) AS DATE) AS first_seen_week,
    CAST(date_trunc('week', p.closed_at) AS DATE) AS closed_week
FROM postings AS p
LEFT JOIN posting_labels AS l USING (source, source_id)
LEFT JOIN posting_canonical AS c USING (source, source_id);
