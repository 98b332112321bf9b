-- How many of a board night's postings its load classified, and how many kept the label
-- stored under their unchanged label key (`ingest.label`), so a night shows what labelling
-- once per content saved. NULL for failed runs and rows from before.
ALTER TABLE runs ADD COLUMN labelled INTEGER;
ALTER TABLE runs ADD COLUMN labels_reused INTEGER;
