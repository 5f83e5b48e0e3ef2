//! The ordered, append-only list of schema migrations. Never edit a released migration:
//! add a new one. Pragmas are set on each connection, outside migrations.

use rusqlite_migration::{M, Migrations};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
CREATE TABLE citizens (
    id TEXT PRIMARY KEY,
    id_number TEXT NOT NULL UNIQUE,
    profile_json TEXT NOT NULL
);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    document_json TEXT NOT NULL
);
CREATE INDEX documents_citizen ON documents(citizen_id);
CREATE TABLE staff (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE otp_codes (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    code_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX otp_codes_citizen ON otp_codes(citizen_id, purpose, id);
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
CREATE TABLE assist_sessions (
    id TEXT PRIMARY KEY,
    staff_code TEXT NOT NULL REFERENCES staff(code),
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    consent_method TEXT NOT NULL,
    consent_reference TEXT,
    venue_name TEXT NOT NULL,
    venue_unit_code TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE TABLE attachment_contents (
    id TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE TABLE attachments (
    attachment_id TEXT NOT NULL REFERENCES attachment_contents(id),
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    content_type TEXT NOT NULL,
    file_name TEXT,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (citizen_id, attachment_id)
);
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    procedure_id TEXT NOT NULL,
    procedure_name_json TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    submitted_by_json TEXT,
    submitted_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    processing_days INTEGER NOT NULL,
    form_json TEXT NOT NULL,
    attachments_json TEXT NOT NULL,
    delivery_json TEXT NOT NULL,
    fee INTEGER NOT NULL,
    rating_json TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX applications_code ON applications(code);
CREATE INDEX applications_citizen ON applications(citizen_id, submitted_at);
CREATE INDEX applications_status ON applications(status);
CREATE TABLE application_code_counters (
    prefix TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
CREATE TABLE timeline_entries (
    application_id TEXT NOT NULL REFERENCES applications(id),
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_json TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (application_id, seq)
);
CREATE TABLE supplements (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    supplement_json TEXT NOT NULL
);
CREATE INDEX supplements_application ON supplements(application_id);
CREATE TABLE inbox_items (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    item_json TEXT NOT NULL
);
CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL
);
CREATE UNIQUE INDEX change_log_entity ON change_log(citizen_id, entity_kind, entity_id);
CREATE INDEX change_log_citizen ON change_log(citizen_id, seq);
CREATE TABLE idempotency_keys (
    scope TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
CREATE TABLE dev_messages (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
"#,
        ),
        // Late delivery of assisted-session work: when the portal first recorded a session,
        // the device clock offset it reported then, and how many items were delivered late.
        M::up(
            r#"
ALTER TABLE assist_sessions ADD COLUMN recorded_at INTEGER NOT NULL DEFAULT 0;
UPDATE assist_sessions SET recorded_at = created_at;
ALTER TABLE assist_sessions ADD COLUMN device_offset_seconds INTEGER;
ALTER TABLE assist_sessions ADD COLUMN late_items INTEGER NOT NULL DEFAULT 0;
"#,
        ),
        // What an assisted session may do, decided by its consent: a session opened on a paper
        // form submits only; sessions opened before this column get the same rule. The index
        // serves the count of a staff member's sessions per hour of opening.
        M::up(
            r#"
ALTER TABLE assist_sessions ADD COLUMN scopes TEXT NOT NULL DEFAULT '["submit"]';
UPDATE assist_sessions SET scopes = '["read","submit"]' WHERE consent_method = 'otp';
CREATE INDEX assist_sessions_staff_opened ON assist_sessions(staff_code, created_at);
"#,
        ),
        // The agency an officer works for (a procedure's agencyId).
        M::up("ALTER TABLE staff ADD COLUMN agency TEXT;"),
        // The citizen's access log: every assisted session opened, every staff read of the
        // citizen's data and every submission in a session. Append-only: the triggers refuse
        // any change or deletion, whoever asks.
        M::up(
            r#"
CREATE TABLE access_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    resource_ref TEXT,
    application_id TEXT,
    staff_code TEXT NOT NULL,
    staff_name TEXT NOT NULL,
    staff_kind TEXT NOT NULL,
    staff_organisation TEXT NOT NULL,
    venue_name TEXT NOT NULL,
    venue_unit_code TEXT,
    session_id TEXT NOT NULL,
    consent TEXT NOT NULL
);
CREATE INDEX access_log_citizen ON access_log(citizen_id, at, seq);
CREATE INDEX access_log_session ON access_log(session_id, application_id);
CREATE TRIGGER access_log_refuses_updates BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;
CREATE TRIGGER access_log_refuses_deletes BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;
"#,
        ),
        // One-time codes keyed by the ID number they were asked for, registered or not, so both
        // take the same path; the attempt counts move to the rate-limit tables. Codes live
        // minutes: the old table is dropped, not copied.
        M::up(
            r#"
DROP TABLE otp_codes;
CREATE TABLE one_time_codes (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL,
    id_number TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX one_time_codes_id_number ON one_time_codes(id_number, purpose, id);
CREATE INDEX one_time_codes_expiry ON one_time_codes(expires_at);
CREATE TABLE rate_limit_hits (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX rate_limit_hits_key ON rate_limit_hits(key, at);
CREATE INDEX rate_limit_hits_expiry ON rate_limit_hits(expires_at);
CREATE TABLE rate_limit_counters (
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counters_expiry ON rate_limit_counters(expires_at);
"#,
        ),
        // A rotated refresh token remembers when it was used, so a retry after a lost answer is
        // told apart from reuse; access tokens name their sign-in, so ending it ends them too.
        M::up(
            r#"
ALTER TABLE refresh_tokens ADD COLUMN used_at INTEGER;
ALTER TABLE refresh_tokens ADD COLUMN grace_used INTEGER NOT NULL DEFAULT 0;
ALTER TABLE access_tokens ADD COLUMN family_id TEXT;
CREATE INDEX access_tokens_family ON access_tokens(family_id);
"#,
        ),
        // The renewal stages the portal notified, per document and expiry, so that each stage
        // is notified once (the shared reminder engine's `FiredStage`). Notices written before
        // this table keep their ids, which the notices still derive from document, expiry and
        // stage, so an upgraded portal does not write them again.
        M::up(
            r#"
CREATE TABLE renewal_stages_notified (
    document_id TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    days_before INTEGER NOT NULL,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    PRIMARY KEY (document_id, expires_on, days_before)
);
CREATE INDEX renewal_stages_notified_citizen ON renewal_stages_notified(citizen_id);
"#,
        ),
        // The fee lines an application was charged (the quote of the shared fee computation,
        // `[QuoteLine]` as JSON, postage aside); applications stored before have none.
        M::up(
            r#"
ALTER TABLE applications ADD COLUMN fee_lines_json TEXT NOT NULL DEFAULT '[]';
"#,
        ),
        // The resident's choice of how the portal reaches them, one row per citizen who chose
        // (`NotificationSettings` as JSON, written and read whole); no row, the defaults.
        M::up(
            r#"
CREATE TABLE notification_settings (
    citizen_id TEXT PRIMARY KEY REFERENCES citizens(id),
    settings_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
"#,
        ),
        // The notification outbox: each SMS or e-mail a row, written with the change that causes
        // it, its id the gateway's RequestId; `claimed_until` holds a row while it is sent.
        M::up(
            r#"
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    citizen_id TEXT REFERENCES citizens(id),
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    provider_id TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX notifications_due ON notifications(next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_failed ON notifications(created_at) WHERE state = 'failed';
CREATE INDEX notifications_citizen ON notifications(citizen_id);
"#,
        ),
        // The officer side (issue 15): the applicant's commune-level unit of each application
        // (the profile's address unit for those stored before), the officer it is assigned
        // to, the work queue's order (due date, id) within a procedure; a commune-level
        // officer's unit, and the phone and e-mail a staff member is warned on.
        M::up(
            r#"
ALTER TABLE applications ADD COLUMN unit_code TEXT;
ALTER TABLE applications ADD COLUMN assigned_to TEXT;
UPDATE applications SET unit_code = (
    SELECT json_extract(citizens.profile_json, '$.address.unitCode') FROM citizens
    WHERE citizens.id = applications.citizen_id
);
CREATE INDEX applications_queue ON applications(procedure_id, due_at, id);
CREATE INDEX applications_due ON applications(due_at, id);
ALTER TABLE staff ADD COLUMN unit TEXT;
ALTER TABLE staff ADD COLUMN phone TEXT;
ALTER TABLE staff ADD COLUMN email TEXT;
"#,
        ),
        // The operations centre's early warnings (issue 15): one row per application and
        // stage, with the warning as the citizen and officer see it and the staff told.
        M::up(
            r#"
CREATE TABLE late_warnings (
    application_id TEXT NOT NULL REFERENCES applications(id),
    stage TEXT NOT NULL,
    at TEXT NOT NULL,
    told_json TEXT NOT NULL,
    warning_json TEXT NOT NULL,
    PRIMARY KEY (application_id, stage)
);
"#,
        ),
        // Residents' feedback (issue 16): one row per item, its state as a JSON record with
        // the columns the queue sorts on and the overview counts (unix seconds), its
        // timeline, its photos (stored after the EXIF location was stripped), and the warnings
        // about its clocks, once per stage.
        M::up(
            r#"
CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    citizen_id TEXT REFERENCES citizens(id),
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    unit_code TEXT,
    assigned_to TEXT,
    submitted_unix INTEGER NOT NULL,
    due_unix INTEGER NOT NULL,
    answered_unix INTEGER,
    -- The first answer and the deadline it answered to: a reopening clears the answer and
    -- restarts the clocks, the overview's on-time and late figures still count the first.
    first_answered_unix INTEGER,
    first_answer_due_unix INTEGER,
    -- When the warning worker looks at the item next (unix seconds): the next warning
    -- point of its running clock, 0 after any change (look now).
    next_warning_unix INTEGER NOT NULL DEFAULT 0,
    queue_key INTEGER NOT NULL,
    record_json TEXT NOT NULL
);
CREATE INDEX feedback_citizen ON feedback(citizen_id, submitted_unix);
CREATE INDEX feedback_queue ON feedback(agency_id, queue_key, id);
CREATE INDEX feedback_queue_all ON feedback(queue_key, id);
CREATE INDEX feedback_next_warning ON feedback(next_warning_unix);
CREATE TABLE feedback_events (
    feedback_id TEXT NOT NULL REFERENCES feedback(id),
    seq INTEGER NOT NULL,
    event_json TEXT NOT NULL,
    PRIMARY KEY (feedback_id, seq)
);
CREATE TABLE feedback_photos (
    feedback_id TEXT NOT NULL REFERENCES feedback(id),
    photo_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (feedback_id, photo_id)
);
CREATE TABLE feedback_warnings (
    feedback_id TEXT NOT NULL REFERENCES feedback(id),
    stage TEXT NOT NULL,
    at TEXT NOT NULL,
    told_json TEXT NOT NULL,
    warning_json TEXT NOT NULL,
    PRIMARY KEY (feedback_id, stage)
);
"#,
        ),
        // Open311's public list of requests (issue 16) selects by submission time, newest
        // first.
        M::up("CREATE INDEX feedback_submitted ON feedback(submitted_unix, id);"),
        // Payments of an application's fee (issue 17): a provider's transaction recorded once,
        // a unique reference sent to the provider, at most one pending payment per application.
        M::up(
            r#"
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    method TEXT NOT NULL,
    provider TEXT NOT NULL,
    txn_ref TEXT NOT NULL UNIQUE,
    provider_txn TEXT,
    amount INTEGER NOT NULL,
    status TEXT NOT NULL,
    redirect_url TEXT,
    created_unix INTEGER NOT NULL,
    expires_unix INTEGER NOT NULL,
    paid_unix INTEGER,
    receipt_json TEXT,
    updated_unix INTEGER NOT NULL,
    UNIQUE (provider, provider_txn)
);
CREATE UNIQUE INDEX payments_one_pending ON payments(application_id) WHERE status = 'pending';
CREATE INDEX payments_application ON payments(application_id, created_unix);
CREATE INDEX payments_pending ON payments(created_unix) WHERE status = 'pending';
"#,
        ),
        // The profile's audit (issue 18): who changed which fields when, never the values.
        M::up(
            r#"
CREATE TABLE profile_changes (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES citizens(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    fields_json TEXT NOT NULL
);
CREATE INDEX profile_changes_citizen ON profile_changes(citizen_id, at);
"#,
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations()
            .validate()
            .expect("the migrations apply cleanly to an empty database");
    }
}
