# Messages of the app core (errors, queue states).

error-network = The public service portal cannot be reached. Check the connection; saved items are sent when you are online.
error-timeout = The portal did not answer in time. Saved items are sent again later.
error-server = The portal has a problem. Saved items are sent again later.
error-rate-limited = The portal is busy. The app tries again later by itself.
error-unauthorized = Your session has ended. Please sign in again; waiting items are kept.
error-not-signed-in = You are not signed in. Sign in with your personal ID number.
error-validation = The portal refused the request. See the reason, correct it and retry.
error-not-found = The portal does not know this application.
error-conflict = The request does not fit the application’s current state.
error-malformed = The portal sent data this app cannot read. The app tries again later.
error-no-portal = No portal address yet. Use --portal or sign in first.
error-invalid-id-number = A personal ID number has 12 digits.
error-store = Error in the database on this device.
error-store-corrupt = The database on this device is damaged.
error-no-such-item = There is no queue item with this id.
error-item-not-changeable = This item is no longer waiting to be sent, so it cannot be changed.
error-not-an-application = This item is not a new application.
error-attachment-too-large = The attachment is too large (at most 20 MiB).
error-attachment-unreadable = The attachment cannot be read.
error-session-file = The session file cannot be read or written.
error-catalog-missing = The catalog of procedures is not on this device yet. Sync once while online.
error-unknown-procedure = There is no such procedure in the catalog.
error-invalid-submission = The application is not valid yet.
error-unknown-application = No such application or waiting item on this device.
error-unsent-items = { $count } items are not sent yet.
error-attachment-missing = The stored copy of the attachment is gone.
error-parent-discarded = The application this item depends on was discarded.
error-parent-not-created = The application this item depends on was not created.

queue-state-queued = waiting to send
queue-state-sending = sending
queue-state-sent = sent
queue-state-needs-attention = needs attention
queue-state-discarded = discarded

queue-kind-upload-attachment = attachment upload
queue-kind-create-application = new application
queue-kind-supplement = supplement
queue-kind-delivery-change = delivery change
queue-kind-withdraw = withdrawal
queue-kind-rating = rating

application-status-received = Received
application-status-processing = Processing
application-status-supplement-requested = Supplement requested
application-status-completed = Result ready
application-status-handed-over = Result handed over
application-status-rejected = Rejected
application-status-withdrawn = Withdrawn
application-status-unknown = Other status
application-status-waiting-to-send = Waiting to send (saved on this device)
application-status-sending = Sending
application-status-needs-attention = Needs attention

# Error codes of the portal (Problem.code).
error-malformed-request = The request was not in the expected format.
error-validation-failed = The portal found values that are not valid.
error-token-expired = The access session has expired.
error-refresh-token-invalid = Your session has ended. Please sign in again.
error-otp-invalid = The one-time code is wrong or expired. Ask for a new code.
error-forbidden = You are not allowed to do this.
error-consent-required = The citizen’s consent is needed.
error-invalid-state = The application’s current state does not allow this.
error-idempotency-key-missing = The request lacks its duplicate-protection key.
error-idempotency-key-reused = The duplicate-protection key was used for different content.
error-idempotency-in-flight = This request is still being processed; the app tries again later.
error-payload-too-large = What was sent is too large.
error-unsupported-media-type = This kind of file is not accepted.
error-internal = The portal had an internal error; the app tries again later.
error-unknown = Unknown error.
