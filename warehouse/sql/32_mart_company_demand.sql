-- Mart: open canonical jobs per ISO week and hiring company, and how many of them are AI roles.
-- A cross-posted job counts once, under the company name of its earliest sighting.
CREATE OR REPLACE VIEW mart_company_demand AS
WITH week_jobs AS (
    SELECT week, week_start, company, is_ai, is_new FROM int_week_jobs
)
SELECT
    week,
    week_start,
    company,
    count(*) AS open_jobs,
    count(*) FILTER (WHERE is_ai) AS ai_jobs,
    count(*) FILTER (WHERE is_new) AS new_jobs
FROM week_jobs
GROUP BY week, week_start, company;

COMMENT ON VIEW mart_company_demand IS
    'Per ISO week and company: open canonical jobs, AI-role ones among them and new ones.';
