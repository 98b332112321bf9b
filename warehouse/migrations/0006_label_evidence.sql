-- Every label's evidence in its own column, so a reader can see why a posting got its labels
-- and `jobtrends reclassify` can say which rows a rule change moves. `work_arrangement_basis`
-- is `structured`, `stated` or `inferred` (NULL when the arrangement is unknown, and for rows
-- labelled before this column until they are relabelled). Seniority evidence and salary
-- source used to sit in `detail`; they are copied out so no stored evidence is lost.
ALTER TABLE posting_labels ADD COLUMN work_arrangement_basis VARCHAR;
ALTER TABLE posting_labels ADD COLUMN work_arrangement_evidence VARCHAR;
ALTER TABLE posting_labels ADD COLUMN seniority_evidence VARCHAR;
ALTER TABLE posting_labels ADD COLUMN salary_source VARCHAR;
ALTER TABLE posting_labels ADD COLUMN salary_text VARCHAR;
UPDATE posting_labels
SET seniority_evidence = json_extract_string(detail, '$.seniority_evidence'),
    salary_source = json_extract_string(detail, '$.salary_source');
