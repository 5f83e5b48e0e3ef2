-- The fee lines an application was charged: the quote of the shared fee computation
-- (opendvc_rules::fees), [QuoteLine] as JSON, postage aside (the delivery prices it).
-- Applications stored before have none.
ALTER TABLE applications ADD COLUMN fee_lines jsonb NOT NULL DEFAULT '[]';
