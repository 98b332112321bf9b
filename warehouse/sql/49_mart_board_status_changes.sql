-- Mart: every board status change (active, empty, failing, gone, ...) by the ISO week of the
-- night (or check) it happened on, with the board's company as the registry knows it, so the
-- report's data-quality section can list the boards that changed this week.
CREATE OR REPLACE VIEW mart_board_status_changes AS
SELECT
    strftime(c.night, '%G-W%V') AS week,
    c.night,
    c.source,
    c.token,
    r.company,
    c.old_status,
    c.new_status,
    c.reason,
    c.via
FROM board_status_changes AS c
LEFT JOIN board_registry AS r USING (source, token);

COMMENT ON VIEW mart_board_status_changes IS
    'Per ISO week: each board status change with its night, old and new status, reason and whether a nightly run or a check made it.';
