# Staff mode on shared devices: DVC agents at post offices and volunteers at outreach events.

error-staff-not-signed-in = No staff member is signed in on this device. Sign in with a staff account first.
error-officer-on-device = Officers process applications on the officer side, not on a citizen-service device.
error-event-required = Volunteers sign in for an outreach event: give its name, place (commune-level unit code) and date.
error-assisted-session-open = An assisted session is open. End it before serving the next person.
error-no-assisted-session = No assisted session is open.
error-queue-key-locked = The password does not open this staff member’s queue key; the waiting submissions are kept.
error-staff-files = The staff mode files on this device could not be read or written.
error-assisted-session-expired = The assisted session has expired. End it and open a new one with the citizen’s consent.
error-receipt-not-ready = The application is not sent yet; its receipt with the application code comes once it is sent.
error-print-failed = The print dialog could not be opened. Try again.
error-receipt-failed = The receipt could not be made.
error-device-locked = This device is locked. The staff member unlocks it with their password.
error-staff-password-wrong = The password is not that of the staff member signed in on this device.
error-unlock-wait = Too many wrong passwords. Wait before trying again (the wait doubles with each wrong password), or sign in again as staff while online.
error-event-invalid = Give the event’s name, its commune-level unit and its date (year-month-day).
error-invalid-day = That is not a date; give it as year-month-day.
staff-signed-in = Signed in: { $name } ({ $code }) at { $venue }.
staff-signed-out = Staff signed out. Waiting submissions are kept, encrypted, on this device.
staff-none = No staff member is signed in.
staff-session = Serving { $initials }, { $minutes } minutes left.
assist-opened = Assisted session open for { $initials } until { $until }.
assist-code-sent = A consent code was sent to the citizen’s phone. Enter it:
assist-ended = Session ended and the citizen’s data removed from this device. { $count } submissions wait to be sent (encrypted).
tally-summary = { $day }: { $people } people helped, { $submissions } submissions ({ $sent } sent, { $waiting } waiting, { $attention } need attention).
tally-service = { $service }: { $sent } sent, { $waiting } waiting, { $attention } need attention
tally-csv-written = Tally written to { $path }.
