-- The profile's audit (issue 18): who changed which fields when, never the values.
CREATE TABLE profile_changes (
    id uuid PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    at bigint NOT NULL,
    actor text NOT NULL,
    fields jsonb NOT NULL
);
CREATE INDEX profile_changes_citizen ON profile_changes (citizen_id, at);
