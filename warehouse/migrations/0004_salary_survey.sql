-- The aijobs.net salary survey, imported beside postings as a second witness for salaries.

-- One row per imported file; a snapshot is the SHA-256 of the file, so importing the same
-- file again replaces its rows and a new weekly file becomes a new snapshot.
CREATE TABLE salary_survey_imports (
    snapshot        VARCHAR PRIMARY KEY,
    origin          VARCHAR NOT NULL,
    imported_at     TIMESTAMPTZ NOT NULL,
    rows            INTEGER NOT NULL,
    mapping_version VARCHAR NOT NULL
);

CREATE TABLE salary_survey (
    snapshot            VARCHAR NOT NULL,
    work_year           INTEGER NOT NULL,
    experience_level    VARCHAR NOT NULL,   -- EN | MI | SE | EX as published
    seniority           VARCHAR NOT NULL,   -- entry | mid | senior | executive
    employment_type     VARCHAR,
    job_title           VARCHAR NOT NULL,
    role                VARCHAR NOT NULL,   -- taxonomy role id from warehouse/survey_roles.toml
    salary              DOUBLE,
    salary_currency     VARCHAR,
    salary_in_usd       DOUBLE NOT NULL,
    employee_residence  VARCHAR,
    remote_ratio        INTEGER,
    company_location    VARCHAR,
    company_size        VARCHAR
);
