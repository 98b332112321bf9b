-- How long postings stay open, per role and seniority (and per role over every seniority, as
-- seniority 'all'): a Kaplan-Meier estimate of days from a job's first to its last fresh
-- sighting, with jobs still open censored at their last sighting (a board that stopped being
-- fetched leaves its jobs open, so they are censored too, never counted as closed).
-- The unit is a demand, not a posting (`int_posting_demand`): a demand is seen from its first
-- sighting to its last, and the extra postings are counted as `reposts` rather than as new
-- demand.
-- Quantiles are times open: p25 is the day by which a quarter of the demand had closed
-- (survival <= 0.75), the median by which half had; NULL when the estimate never gets there.
-- Survival is a sum of logarithms, so each threshold allows for rounding (1e-9).
CREATE OR REPLACE VIEW mart_time_open AS
WITH grouped AS (
    SELECT * FROM int_posting_demand
),
demand AS (
    SELECT
        demand_id,
        arg_min(role, first_seen) AS role,
        arg_min(seniority, first_seen) AS seniority,
        datediff('day', min(first_seen), max(last_seen)) AS days,
        bool_and(closed_at IS NOT NULL) AS closed,
        count(*) - 1 AS reposts
    FROM grouped
    GROUP BY demand_id
),
both_levels AS (
    SELECT role, seniority, days, closed, reposts FROM demand
    UNION ALL
    SELECT role, 'all' AS seniority, days, closed, reposts FROM demand
),
cells AS (
    SELECT
        role,
        seniority,
        days,
        count(*) FILTER (WHERE closed) AS events,
        count(*) AS leaving
    FROM both_levels
    GROUP BY ALL
),
at_risk AS (
    SELECT *, sum(leaving) OVER (
        PARTITION BY role, seniority ORDER BY days DESC ROWS UNBOUNDED PRECEDING
    ) AS at_risk
    FROM cells
),
survival AS (
    SELECT
        role,
        seniority,
        days,
        CASE
            WHEN bool_or(events = at_risk) OVER w THEN 0.0
            ELSE exp(sum(ln(1.0 - events / at_risk)) OVER w)
        END AS survival
    FROM at_risk
    WINDOW w AS (PARTITION BY role, seniority ORDER BY days ROWS UNBOUNDED PRECEDING)
),
quantiles AS (
    SELECT
        role,
        seniority,
        min(days) FILTER (WHERE survival <= 0.75 + 1e-9) AS p25_days,
        min(days) FILTER (WHERE survival <= 0.5 + 1e-9) AS median_days,
        min(days) FILTER (WHERE survival <= 0.25 + 1e-9) AS p75_days
    FROM survival
    GROUP BY ALL
),
counts AS (
    SELECT
        role,
        seniority,
        count(*) AS n,
        count(*) FILTER (WHERE closed) AS closed,
        count(*) FILTER (WHERE NOT closed) AS censored,
        sum(reposts)::BIGINT AS reposts
    FROM both_levels
    GROUP BY ALL
)
SELECT c.role, c.seniority, c.n, c.closed, c.censored, c.reposts,
       q.p25_days, q.median_days, q.p75_days
FROM counts AS c
JOIN quantiles AS q USING (role, seniority)
ORDER BY c.role, c.seniority = 'all' DESC, c.seniority;

COMMENT ON VIEW mart_time_open IS
    'Kaplan-Meier days open (first to last fresh sighting) per role and seniority (and role over all seniorities as ''all''); n demands, closed, censored (still open), reposts folded in, p25/median/p75 days (NULL when never reached).';
