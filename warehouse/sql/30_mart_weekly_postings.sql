-- Mart: per week, source and role, postings open during the week, new in it, closed in it.
CREATE OR REPLACE VIEW mart_weekly_postings AS
SELECT
    w.week,
    w.week_start,
    p.source,
    p.role,
    p.is_ai,
    count(*) AS open_postings,
    count(*) FILTER (WHERE p.first_seen BETWEEN w.week_start AND w.week_end) AS new_postings,
    count(*) FILTER (WHERE p.closed_at BETWEEN w.week_start AND w.week_end) AS closed_postings
FROM weeks AS w
JOIN stg_postings AS p
  ON p.first_seen <= w.week_end
 AND (p.closed_at IS NULL OR p.closed_at >= w.week_start)
GROUP BY ALL;
