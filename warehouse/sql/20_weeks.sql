-- Every ISO week the warehouse has at least one successful night in, with its bounds.
CREATE OR REPLACE VIEW weeks AS
SELECT
    strftime(date_trunc('week', as_of), '%G-W%V') AS week,
    CAST(date_trunc('week', as_of) AS DATE) AS week_start,
    CAST(date_trunc('week', as_of) + INTERVAL 6 DAY AS DATE) AS week_end,
    bool_or(mode = 'sample') AS has_sample_data,
    count(DISTINCT as_of) AS nights
FROM runs
WHERE status = 'success'
GROUP BY ALL;
