-- Open311's public list of requests (issue 16) selects by submission time, newest first.
CREATE INDEX feedback_submitted ON feedback (submitted_unix, id);
