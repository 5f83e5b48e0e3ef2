-- The portal's schema on PostgreSQL, as the SQLite store's migrations left it (store/sqlite/
-- migrations.rs), in PostgreSQL's types: uuid for ids, jsonb for documents of the contract,
-- bigint for unix seconds, boolean for flags, bytea for file contents. Times of the contract
-- (submitted, due, updated, timeline entries) stay RFC 3339 text, so an answer read back is the
-- answer given, in the offset and to the nanosecond it was given in; they are compared in the
-- "C" collation, where RFC 3339 text of one offset sorts by time.
--
-- Append-only: sqlx checks the checksum of every applied migration, so a change goes in a new
-- file.

CREATE TABLE citizens (
    id uuid PRIMARY KEY,
    id_number text NOT NULL UNIQUE,
    profile jsonb NOT NULL
);

CREATE TABLE documents (
    id uuid PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    document jsonb NOT NULL
);
CREATE INDEX documents_citizen ON documents (citizen_id);

CREATE TABLE staff (
    code text PRIMARY KEY,
    kind text NOT NULL,
    name text NOT NULL,
    organisation text NOT NULL,
    password_hash text NOT NULL,
    -- The agency an officer works for (a procedure's agencyId).
    agency text
);

-- One-time codes keyed by the ID number they were asked for, registered or not.
CREATE TABLE one_time_codes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose text NOT NULL,
    id_number text NOT NULL,
    code_hash text NOT NULL,
    expires_at bigint NOT NULL,
    used boolean NOT NULL DEFAULT false
);
CREATE INDEX one_time_codes_id_number ON one_time_codes (id_number, purpose, id);
CREATE INDEX one_time_codes_expiry ON one_time_codes (expires_at);

-- Sliding-window rate limits (one row per hit) and fixed-window counters.
CREATE TABLE rate_limit_hits (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL,
    at bigint NOT NULL,
    expires_at bigint NOT NULL
);
CREATE INDEX rate_limit_hits_key ON rate_limit_hits (key, at);
CREATE INDEX rate_limit_hits_expiry ON rate_limit_hits (expires_at);

CREATE TABLE rate_limit_counters (
    key text NOT NULL,
    window_start bigint NOT NULL,
    count bigint NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counters_expiry ON rate_limit_counters (expires_at);

-- Access tokens by the SHA-256 of the token; a citizen's name their sign-in (family).
CREATE TABLE access_tokens (
    token_hash text PRIMARY KEY,
    subject_kind text NOT NULL,
    subject_id text NOT NULL,
    expires_at bigint NOT NULL,
    revoked boolean NOT NULL DEFAULT false,
    family_id uuid
);
CREATE INDEX access_tokens_family ON access_tokens (family_id);

CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    family_id uuid NOT NULL,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    expires_at bigint NOT NULL,
    used boolean NOT NULL DEFAULT false,
    revoked boolean NOT NULL DEFAULT false,
    used_at bigint,
    grace_used boolean NOT NULL DEFAULT false
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE assist_sessions (
    id uuid PRIMARY KEY,
    staff_code text NOT NULL REFERENCES staff (code),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    consent_method text NOT NULL,
    consent_reference text,
    venue_name text NOT NULL,
    venue_unit_code text,
    -- What the session's token may do: a JSON array of scopes.
    scopes jsonb NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    ended_at bigint,
    recorded_at bigint NOT NULL,
    device_offset_seconds bigint,
    late_items integer NOT NULL DEFAULT 0
);
CREATE INDEX assist_sessions_staff_opened ON assist_sessions (staff_code, created_at);

CREATE TABLE attachment_contents (
    id text PRIMARY KEY,
    size bigint NOT NULL,
    content bytea NOT NULL
);

CREATE TABLE attachments (
    attachment_id text NOT NULL REFERENCES attachment_contents (id),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    content_type text NOT NULL,
    file_name text,
    uploaded_at text NOT NULL,
    -- uploaded_at in unix seconds, for the collection of old unused uploads.
    uploaded_unix bigint NOT NULL,
    PRIMARY KEY (citizen_id, attachment_id)
);
CREATE INDEX attachments_uploaded ON attachments (uploaded_unix);

CREATE TABLE applications (
    id uuid PRIMARY KEY,
    code text COLLATE "C" NOT NULL UNIQUE,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    procedure_id text NOT NULL,
    procedure_name jsonb NOT NULL,
    status text NOT NULL,
    channel text NOT NULL,
    submitted_by jsonb,
    submitted_at text COLLATE "C" NOT NULL,
    due_at text NOT NULL,
    processing_days integer NOT NULL,
    form jsonb NOT NULL,
    attachments jsonb NOT NULL,
    delivery jsonb NOT NULL,
    fee bigint NOT NULL,
    rating jsonb,
    updated_at text NOT NULL
);
CREATE INDEX applications_citizen ON applications (citizen_id, submitted_at);
CREATE INDEX applications_status ON applications (status);

CREATE TABLE application_code_counters (
    prefix text PRIMARY KEY,
    last bigint NOT NULL
);

CREATE TABLE timeline_entries (
    application_id uuid NOT NULL REFERENCES applications (id),
    seq integer NOT NULL,
    status text NOT NULL,
    at text NOT NULL,
    actor jsonb NOT NULL,
    note text,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE supplements (
    -- The order supplements were added in.
    position bigint GENERATED ALWAYS AS IDENTITY,
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    supplement jsonb NOT NULL
);
CREATE INDEX supplements_application ON supplements (application_id, position);

CREATE TABLE inbox_items (
    id uuid PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    item jsonb NOT NULL
);

-- The per-citizen change log behind /v1/sync and /v1/events: an entity that changes moves to
-- the end. Writers append under the change-log lock held to their commit (store/postgres/
-- changes.rs), so sequence numbers become visible in order and no reader's cursor passes one
-- that commits later.
CREATE TABLE change_log (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id uuid NOT NULL,
    entity_kind text NOT NULL,
    entity_id text NOT NULL
);
CREATE UNIQUE INDEX change_log_entity ON change_log (citizen_id, entity_kind, entity_id);
CREATE INDEX change_log_citizen ON change_log (citizen_id, seq);

CREATE TABLE idempotency_keys (
    scope text PRIMARY KEY,
    request_hash text NOT NULL,
    status integer NOT NULL,
    -- The stored answer, byte for byte.
    body text NOT NULL,
    created_at bigint NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE dev_messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient text NOT NULL,
    channel text NOT NULL,
    body text NOT NULL,
    sent_at text NOT NULL
);

-- The citizen's access log: every assisted session opened, every staff read of the citizen's
-- data and every submission in a session. Append-only: the triggers refuse any change,
-- deletion or truncation, whoever asks.
CREATE TABLE access_log (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    at bigint NOT NULL,
    action text NOT NULL,
    resource text NOT NULL,
    resource_ref text,
    application_id uuid,
    staff_code text NOT NULL,
    staff_name text NOT NULL,
    staff_kind text NOT NULL,
    staff_organisation text NOT NULL,
    venue_name text NOT NULL,
    venue_unit_code text,
    session_id uuid NOT NULL,
    consent text NOT NULL
);
CREATE INDEX access_log_citizen ON access_log (citizen_id, at, seq);
CREATE INDEX access_log_session ON access_log (session_id, application_id);

CREATE FUNCTION access_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END
$$;
CREATE TRIGGER access_log_refuses_updates_and_deletes
    BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
CREATE TRIGGER access_log_refuses_truncation
    BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
