-- The operations centre's early warnings (issue 15): one row per application and stage, with
-- the warning as the citizen and officer see it and the staff told.
CREATE TABLE late_warnings (
    application_id UUID NOT NULL REFERENCES applications(id),
    stage TEXT NOT NULL,
    at TEXT NOT NULL,
    told JSONB NOT NULL,
    warning JSONB NOT NULL,
    PRIMARY KEY (application_id, stage)
);
