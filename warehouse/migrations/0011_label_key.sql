-- What each stored label was computed from: a digest of exactly what the classifier reads
-- (its input fields, the board's configured industry, the currency table in force) and the
-- classifier's code (`ingest.key.label_key`). A posting whose digest matches its stored one is
-- not classified again, even on a board that changed. NULL (rows from before, or rewritten by
-- `jobtrends relabel`) matches nothing, so such a posting is labelled again when next loaded.
ALTER TABLE posting_labels ADD COLUMN label_key VARCHAR;
