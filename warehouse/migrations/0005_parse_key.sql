-- What a successful load parsed: the parse cache key of its pages, board config and parser
-- and classifier code (NULL for runs before this column, and for failed runs). A replay that
-- finds the same key for the same board and night knows, before parsing anything, that the
-- load would change nothing, and skips parse, classify and load for it.
ALTER TABLE runs ADD COLUMN parse_key VARCHAR;
