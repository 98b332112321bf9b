-- Staging: one row per run, source and board, with its ISO week.
CREATE OR REPLACE VIEW stg_runs AS
SELECT
    run_id,
    source,
    board,
    as_of,
    strftime(date_trunc('week', as_of), '%G-W%V') AS week,
    mode,
    status,
    status = 'success' AND warning IS NOT NULL AS is_suspect,
    started_at,
    finished_at,
    pages,
    fetched,
    new,
    updated,
    closed,
    parse_errors,
    error,
    warning
FROM runs;
