-- Residents' feedback (issue 16): one row per item, its state as a JSON record with the
-- columns the queue sorts on and the overview counts (unix seconds), its timeline, and its
-- photos (stored after the EXIF location was stripped), and the warnings about its clocks,
-- once per stage.
CREATE TABLE feedback (
    id UUID PRIMARY KEY,
    citizen_id UUID REFERENCES citizens(id),
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    unit_code TEXT,
    assigned_to TEXT,
    submitted_unix BIGINT NOT NULL,
    due_unix BIGINT NOT NULL,
    answered_unix BIGINT,
    -- The first answer and the deadline it answered to: a reopening clears the answer and
    -- restarts the clocks, the overview's on-time and late figures still count the first.
    first_answered_unix BIGINT,
    first_answer_due_unix BIGINT,
    -- When the warning worker looks at the item next (unix seconds): the next warning
    -- point of its running clock, 0 after any change (look now).
    next_warning_unix BIGINT NOT NULL DEFAULT 0,
    queue_key BIGINT NOT NULL,
    record JSONB NOT NULL
);
CREATE INDEX feedback_citizen ON feedback (citizen_id, submitted_unix);
CREATE INDEX feedback_queue ON feedback (agency_id, queue_key, id);
CREATE INDEX feedback_queue_all ON feedback (queue_key, id);
CREATE INDEX feedback_next_warning ON feedback (next_warning_unix);
CREATE TABLE feedback_events (
    feedback_id UUID NOT NULL REFERENCES feedback(id),
    seq INTEGER NOT NULL,
    event JSONB NOT NULL,
    PRIMARY KEY (feedback_id, seq)
);
CREATE TABLE feedback_photos (
    feedback_id UUID NOT NULL REFERENCES feedback(id),
    photo_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    PRIMARY KEY (feedback_id, photo_id)
);
CREATE TABLE feedback_warnings (
    feedback_id UUID NOT NULL REFERENCES feedback(id),
    stage TEXT NOT NULL,
    at TEXT NOT NULL,
    told JSONB NOT NULL,
    warning JSONB NOT NULL,
    PRIMARY KEY (feedback_id, stage)
);
