-- The notification outbox: each SMS or e-mail is a row, written in the transaction of the change
-- that causes it and sent by one worker (crates/portal/src/notifications). The id is the
-- gateway's RequestId, kept across attempts. A sender holds a row it is sending until
-- claimed_until; rows are claimed FOR UPDATE SKIP LOCKED, so two instances never send one row
-- at once (store/postgres/notifications.rs). Times are unix seconds.
CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    citizen_id uuid REFERENCES citizens (id),
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    kind text NOT NULL,
    recipient text NOT NULL,
    subject text,
    body text NOT NULL,
    language text NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    claimed_until bigint,
    provider_id text,
    last_error text,
    created_at bigint NOT NULL,
    sent_at bigint
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_failed ON notifications (created_at) WHERE state = 'failed';
CREATE INDEX notifications_citizen ON notifications (citizen_id);
