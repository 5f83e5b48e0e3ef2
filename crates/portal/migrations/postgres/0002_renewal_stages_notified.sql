-- The renewal stages the portal notified, per document and expiry, so that each stage is
-- notified once (the shared reminder engine's FiredStage), also when several instances run the
-- daily notices at once: the primary key decides which of them writes the notice
-- (store/postgres/renewal.rs). Days are stored as text (YYYY-MM-DD), as the SQLite store does.
CREATE TABLE renewal_stages_notified (
    document_id uuid NOT NULL,
    expires_on text NOT NULL,
    days_before bigint NOT NULL CHECK (days_before >= 0),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    PRIMARY KEY (document_id, expires_on, days_before)
);
CREATE INDEX renewal_stages_notified_citizen ON renewal_stages_notified (citizen_id);
