-- The change log's reader-visible order is a position given after commit by the sequencer
-- (crates/portal/src/store/postgres/changes.rs), so that writers never wait for one another.
-- `seq` stays as the row's internal id. Rows already there keep their sequence number as their
-- position, so every cursor and Last-Event-ID given out stays valid.
ALTER TABLE change_log ADD COLUMN position bigint;
UPDATE change_log SET position = seq;
CREATE SEQUENCE change_log_position;
SELECT setval('change_log_position', COALESCE((SELECT max(seq) FROM change_log), 0) + 1, false);
CREATE UNIQUE INDEX change_log_position_order ON change_log (position);
DROP INDEX change_log_citizen;
CREATE INDEX change_log_citizen ON change_log (citizen_id, position);
-- What the sequencer looks for: rows committed without a position.
CREATE INDEX change_log_unsequenced ON change_log (seq) WHERE position IS NULL;
