-- Intermediate: canonical jobs open, new and closed per ISO week and label combination.
-- Counted from weekly start and close events with running sums, not by joining every week to
-- every job, so the cost grows with the number of jobs, not jobs × weeks. A job is open in a
-- week if it was first seen by the week's end and not closed before the week began.
CREATE OR REPLACE VIEW int_weekly_jobs AS
WITH jobs AS (
    SELECT
        source, role, is_ai, seniority, work_arrangement,
        coalesce(industry, 'unknown') AS industry,
        CAST(date_trunc('week', first_seen) AS DATE) AS start_week,
        CAST(date_trunc('week', closed_at) AS DATE) AS close_week
    FROM canonical_jobs
),
weeks AS (
    SELECT week, week_start FROM weeks
),
events AS (
    SELECT source, role, is_ai, seniority, work_arrangement, industry, week_start,
           sum(starts) AS starts, sum(closes) AS closes
    FROM (
        SELECT *, start_week AS week_start, 1 AS starts, 0 AS closes FROM jobs
        UNION ALL
        SELECT *, close_week AS week_start, 0 AS starts, 1 AS closes
        FROM jobs WHERE close_week IS NOT NULL
    )
    GROUP BY ALL
),
grid AS (
    SELECT c.*, w.week_start
    FROM (SELECT DISTINCT source, role, is_ai, seniority, work_arrangement, industry
          FROM events) AS c
    CROSS JOIN (SELECT week_start FROM events UNION SELECT week_start FROM weeks) AS w
),
running AS (
    SELECT
        g.*,
        coalesce(e.starts, 0) AS new_jobs,
        coalesce(e.closes, 0) AS closed_jobs,
        sum(coalesce(e.starts, 0) - coalesce(e.closes, 0)) OVER combo
            + coalesce(e.closes, 0) AS open_jobs
    FROM grid AS g
    LEFT JOIN events AS e USING (source, role, is_ai, seniority, work_arrangement, industry,
                                 week_start)
    WINDOW combo AS (
        PARTITION BY g.source, g.role, g.is_ai, g.seniority, g.work_arrangement, g.industry
        ORDER BY g.week_start ROWS UNBOUNDED PRECEDING
    )
)
SELECT w.week, r.*
FROM running AS r
JOIN weeks AS w USING (week_start)
WHERE r.open_jobs > 0 OR r.new_jobs > 0 OR r.closed_jobs > 0;
