-- Mart: per ISO week and source, how often it was fetched, how it failed, what it could not parse,
-- and how much of what it delivered the labels could not place: unknown rates over the source's
-- postings (every sighting, not canonical jobs: this judges the source) open during the week.
-- Runs count in the week of their night (`as_of`).
CREATE OR REPLACE VIEW mart_source_quality AS
WITH runs AS (
    SELECT * FROM stg_runs
),
postings AS (
    SELECT * FROM stg_postings
),
weeks AS (
    SELECT week, week_start, week_end FROM weeks
),
run_stats AS (
    SELECT
        week,
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
    GROUP BY week, source
),
posting_stats AS (
    SELECT
        w.week,
        p.source,
        count(*) AS postings,
        count(DISTINCT p.canonical_job_id) AS canonical_jobs,
        round(avg((p.role = 'other')::INTEGER), 4) AS role_other_rate,
        round(avg((p.seniority = 'unknown')::INTEGER), 4) AS seniority_unknown_rate,
        round(avg((p.work_arrangement = 'unknown')::INTEGER), 4)
            AS work_arrangement_unknown_rate,
        round(avg((p.salary_usd_mid IS NULL)::INTEGER), 4) AS salary_missing_rate
    FROM weeks AS w
    JOIN postings AS p
      ON p.first_seen <= w.week_end
     AND coalesce(p.closed_at, DATE '9999-12-31') >= w.week_start
    GROUP BY w.week, p.source
)
SELECT *
FROM run_stats
FULL JOIN posting_stats USING (week, source);

COMMENT ON VIEW mart_source_quality IS
    'Per ISO week and source: runs, failures and their reasons, suspect fetches, parse errors, and unknown-label rates over the source''s postings open in the week.';
