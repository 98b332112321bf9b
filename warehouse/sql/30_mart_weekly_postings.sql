-- Mart: per week, source and role, canonical jobs open during the week, new in it, closed in
-- it. A job seen on several boards counts once, under the source that listed it first, so
-- summing over sources gives the number of distinct jobs.
CREATE OR REPLACE VIEW mart_weekly_postings AS
WITH weekly AS (
    SELECT * FROM int_weekly_jobs
)
SELECT
    week,
    week_start,
    source,
    role,
    is_ai,
    sum(open_jobs)::BIGINT AS open_postings,
    sum(new_jobs)::BIGINT AS new_postings,
    sum(closed_jobs)::BIGINT AS closed_postings
FROM weekly
GROUP BY ALL;

COMMENT ON VIEW mart_weekly_postings IS
    'Per ISO week, source and role: canonical jobs open, new and closed, each under the source that listed it first.';
