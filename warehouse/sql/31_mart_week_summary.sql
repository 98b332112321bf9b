-- Mart: one row per ISO week, the report's headline and label-quality figures. Every rate is
-- over the canonical jobs open during the week; salary counts as disclosed when both ends of an
-- annualised USD range are known (the same test the salary bands use).
CREATE OR REPLACE VIEW mart_week_summary AS
WITH weeks AS (
    SELECT * FROM weeks
),
week_jobs AS (
    SELECT * FROM int_week_jobs
),
per_week AS (
    SELECT
        week,
        count(*) AS open_jobs,
        count(*) FILTER (WHERE is_new) AS new_jobs,
        count(*) FILTER (WHERE is_closed) AS closed_jobs,
        count(*) FILTER (WHERE is_ai) AS ai_jobs,
        count(salary_usd_mid) AS salary_disclosed,
        count(*) FILTER (WHERE role = 'other') AS role_other,
        count(*) FILTER (WHERE seniority = 'unknown') AS seniority_unknown,
        count(*) FILTER (WHERE work_arrangement = 'unknown') AS work_arrangement_unknown
    FROM week_jobs
    GROUP BY week
)
SELECT
    w.week,
    w.week_start,
    w.week_end,
    w.nights,
    w.has_sample_data,
    coalesce(p.open_jobs, 0) AS open_jobs,
    coalesce(p.new_jobs, 0) AS new_jobs,
    coalesce(p.closed_jobs, 0) AS closed_jobs,
    coalesce(p.ai_jobs, 0) AS ai_jobs,
    round(p.ai_jobs / nullif(p.open_jobs, 0), 4) AS ai_share,
    coalesce(p.salary_disclosed, 0) AS salary_disclosed,
    round(p.salary_disclosed / nullif(p.open_jobs, 0), 4) AS disclosure_rate,
    round(p.role_other / nullif(p.open_jobs, 0), 4) AS role_other_rate,
    round(p.seniority_unknown / nullif(p.open_jobs, 0), 4) AS seniority_unknown_rate,
    round(p.work_arrangement_unknown / nullif(p.open_jobs, 0), 4)
        AS work_arrangement_unknown_rate,
    round(1 - p.salary_disclosed / nullif(p.open_jobs, 0), 4) AS salary_missing_rate
FROM weeks AS w
LEFT JOIN per_week AS p USING (week);

COMMENT ON VIEW mart_week_summary IS
    'Per ISO week: canonical jobs open, new and closed, the AI share, salary disclosure and unknown-label rates.';
COMMENT ON COLUMN mart_week_summary.closed_jobs IS
    'Jobs closed in this week, once each: equals sum(closed_jobs) in mart_role_demand.';
