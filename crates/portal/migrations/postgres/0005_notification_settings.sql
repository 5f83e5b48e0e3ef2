-- The resident's choice of how the portal reaches them (GET/PUT /v1/me/notification-settings),
-- one row per citizen who chose; a citizen without a row gets the defaults. The whole choice is
-- one JSON document (NotificationSettings of crates/api), written and read whole.
CREATE TABLE notification_settings (
    citizen_id uuid PRIMARY KEY REFERENCES citizens (id),
    settings jsonb NOT NULL,
    updated_at bigint NOT NULL
);
