-- Payments of an application's fee (issue 17). A provider's transaction is recorded once
-- (`provider`, `provider_txn`); the reference sent to the provider is unique; an application
-- has at most one pending payment (a partial unique index, so two parallel requests cannot
-- both start one).
CREATE TABLE payments (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    citizen_id UUID NOT NULL REFERENCES citizens (id),
    method TEXT NOT NULL,
    provider TEXT NOT NULL,
    txn_ref TEXT COLLATE "C" NOT NULL UNIQUE,
    provider_txn TEXT,
    amount BIGINT NOT NULL,
    status TEXT NOT NULL,
    redirect_url TEXT,
    created_unix BIGINT NOT NULL,
    expires_unix BIGINT NOT NULL,
    paid_unix BIGINT,
    receipt_json TEXT,
    updated_unix BIGINT NOT NULL,
    UNIQUE (provider, provider_txn)
);
CREATE UNIQUE INDEX payments_one_pending ON payments (application_id) WHERE status = 'pending';
CREATE INDEX payments_application ON payments (application_id, created_unix);
CREATE INDEX payments_pending ON payments (created_unix) WHERE status = 'pending';
