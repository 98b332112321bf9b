-- Intermediate: one row per ISO week and canonical job open at some point in it, with the job's
-- labels. This is the one definition every weekly figure counts: a job is open in a week if it
-- was first seen by the week's end and not closed before the week began; it is new in the week
-- it was first seen and closed in the week of its closure, once, however many boards listed it
-- (a cross-posted job closes when its last sighting does; see canonical_jobs). The join is a
-- range join on the week's bounds, so its size is jobs × weeks open, not jobs × all weeks.
--
-- Stored like canonical_jobs (`week_job_rows`, see 15_canonical_jobs.sql and
-- `warehouse.materialize`): a night rewrites the rows of the jobs it rebuilt and adds the rows
-- of a week that appeared, so the marts read stored rows instead of joining every job ever seen
-- with every week. `int_week_jobs_computed` is the definition over everything.
CREATE OR REPLACE MACRO int_week_jobs_of(week_relation, job_relation) AS TABLE
WITH weeks AS (
    SELECT week, week_start, week_end FROM query_table(week_relation)
),
jobs AS (
    SELECT * FROM query_table(job_relation)
)
SELECT
    w.week,
    w.week_start,
    w.week_end,
    j.canonical_job_id,
    j.source,
    j.company,
    j.title,
    j.role,
    j.is_ai,
    j.seniority,
    j.work_arrangement,
    j.work_arrangement_basis,
    j.metro,
    j.country,
    coalesce(j.industry, 'unknown') AS industry,
    coalesce(j.degree, 'unknown') AS degree,
    j.skills,
    j.salary_usd_min,
    j.salary_usd_max,
    (j.salary_usd_min + j.salary_usd_max) / 2 AS salary_usd_mid,
    j.first_seen,
    j.closed_at,
    j.first_seen >= w.week_start AS is_new,
    coalesce(j.closed_at <= w.week_end, false) AS is_closed
FROM weeks AS w
JOIN jobs AS j
  ON j.first_seen <= w.week_end
 AND coalesce(j.closed_at, DATE '9999-12-31') >= w.week_start;

CREATE OR REPLACE VIEW int_week_jobs_computed AS FROM int_week_jobs_of('weeks', 'canonical_jobs');

COMMENT ON VIEW int_week_jobs_computed IS
    'int_week_jobs computed from every week and canonical job: what the stored int_week_jobs always equals.';

CREATE TABLE IF NOT EXISTS week_job_rows AS FROM int_week_jobs_computed;

CREATE TABLE IF NOT EXISTS week_job_weeks AS SELECT week, week_start, week_end FROM weeks;

CREATE OR REPLACE VIEW int_week_jobs AS FROM week_job_rows;

COMMENT ON VIEW int_week_jobs IS
    'One row per ISO week and canonical job open at some point in it; the base of every weekly mart.';
COMMENT ON COLUMN int_week_jobs.is_new IS 'First seen in this week.';
COMMENT ON COLUMN int_week_jobs.is_closed IS
    'Closed in this week (counted in this week only, once per canonical job).';
COMMENT ON COLUMN int_week_jobs.salary_usd_mid IS
    'Annualised USD midpoint (salary_usd_min + salary_usd_max) / 2; NULL when pay is not stated.';
