-- Each posting with the demand it belongs to: postings sharing a Greenhouse internal_job_id on
-- one board (the same requisition posted in several locations, or reposted after closing), or
-- one canonical job (cross-posted), are one demand. The two links are followed two steps deep
-- (internal id -> canonical job -> internal id), which joins every repost chain this data has
-- without a recursive query. The time-open and posting-intensity marts count demands from it.
CREATE OR REPLACE VIEW int_posting_demand AS
WITH sightings AS (
    SELECT
        s.source,
        s.source_id,
        s.role,
        s.seniority,
        s.first_seen,
        s.last_seen,
        s.closed_at,
        s.canonical_job_id,
        coalesce(
            s.source || ':' || s.board || ':'
                || json_extract_string(p.extras, '$.internal_job_id'),
            s.canonical_job_id
        ) AS requisition
    FROM stg_postings AS s
    JOIN postings AS p USING (source, source_id)
),
linked AS (
    SELECT *, min(requisition) OVER (PARTITION BY canonical_job_id) AS via_job
    FROM sightings
)
SELECT *, min(via_job) OVER (PARTITION BY requisition) AS demand_id
FROM linked;

COMMENT ON VIEW int_posting_demand IS
    'Each posting with its demand_id: postings sharing a Greenhouse internal_job_id on one board, or one canonical job, are one demand (two link steps deep).';
