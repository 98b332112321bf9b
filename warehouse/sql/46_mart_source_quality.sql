-- Mart: per source, how often it was fetched, how it failed, what it could not parse, and how
-- much of what it delivered the labels could not place (unknown rates over its postings).
CREATE OR REPLACE VIEW mart_source_quality AS
WITH runs AS (
    SELECT * FROM stg_runs
),
postings AS (
    SELECT * FROM stg_postings
),
run_stats AS (
    SELECT
        source,
        count(*) AS runs,
        count(DISTINCT board) AS boards,
        count(*) FILTER (WHERE status = 'success') AS succeeded,
        count(*) FILTER (WHERE status = 'failed') AS failed,
        count(*) FILTER (WHERE is_suspect) AS suspect,
        sum(parse_errors)::BIGINT AS parse_errors,
        min(as_of) AS first_night,
        max(as_of) AS last_night,
        arg_max(error, finished_at) FILTER (WHERE status = 'failed') AS last_error,
        list_distinct(list(error) FILTER (WHERE status = 'failed')) AS failure_reasons
    FROM runs
    GROUP BY source
),
posting_stats AS (
    SELECT
        source,
        count(*) AS postings,
        count(DISTINCT canonical_job_id) AS canonical_jobs,
        round(avg((role = 'other')::INTEGER), 4) AS role_other_rate,
        round(avg((seniority = 'unknown')::INTEGER), 4) AS seniority_unknown_rate,
        round(avg((work_arrangement = 'unknown')::INTEGER), 4) AS work_arrangement_unknown_rate,
        round(avg((salary_usd_mid IS NULL)::INTEGER), 4) AS salary_missing_rate
    FROM postings
    GROUP BY source
)
SELECT *
FROM run_stats
FULL JOIN posting_stats USING (source);
