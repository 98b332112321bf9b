-- Mart: de-duplication measured per source and ISO week, as commercial trackers publish it.
-- A sighting is a posting observed on at least one night of the week; postings of one demand
-- (`int_posting_demand`: the same Greenhouse internal_job_id in several locations or reposted
-- after closing, or one canonical job) are one unique job. Duplicate sightings are the
-- sightings beyond the first of each unique job, and posting intensity is sightings per unique
-- job (1.0: every posting a job of its own). `reposts` are the week's new postings of a demand
-- already seen in an earlier week under another posting.
CREATE OR REPLACE VIEW mart_posting_intensity AS
WITH seen AS (
    SELECT DISTINCT
        d.source,
        d.source_id,
        d.demand_id,
        d.first_seen,
        strftime(date_trunc('week', o.night), '%G-W%V') AS week,
        CAST(date_trunc('week', o.night) AS DATE) AS week_start
    FROM int_posting_demand AS d
    JOIN posting_observations AS o USING (source, source_id)
),
demand_start AS (
    SELECT demand_id, min(first_seen) AS demand_first_seen
    FROM int_posting_demand
    GROUP BY demand_id
)
SELECT
    s.source,
    s.week,
    count(*) AS sightings,
    count(DISTINCT s.demand_id) AS unique_jobs,
    count(*) - count(DISTINCT s.demand_id) AS duplicate_sightings,
    count(*) / count(DISTINCT s.demand_id) AS intensity,
    count(*) FILTER (
        WHERE s.first_seen >= s.week_start AND d.demand_first_seen < s.week_start
    ) AS reposts
FROM seen AS s
JOIN demand_start AS d USING (demand_id)
GROUP BY ALL
ORDER BY s.week, s.source;

COMMENT ON VIEW mart_posting_intensity IS
    'Per source and ISO week: sightings (postings observed that week), unique jobs (demands: same Greenhouse internal_job_id or canonical job), duplicate sightings, intensity (sightings / unique jobs), reposts of earlier demands.';
