# The officers’ console (/console/), served by the reference portal. Vietnamese is the first language.
console-title = OpenDVC · Officers
console-skip-to-content = Skip to content
console-nav-label = Main navigation
console-nav-queue = Work queue
console-nav-overview = Overview
console-nav-counter = Counter application
console-language = Language
console-language-vi = Tiếng Việt
console-language-en = English
console-language-id = Indonesia
console-signed-in-as = { $name } · { $organisation }
console-sign-out = Sign out
console-loading = Loading…
console-none = None yet
console-not-found = There is no such page.
console-days = { $days } working days
console-cancel = Cancel

## Sign-in

console-signin-title = Officer sign-in
console-signin-intro = Use the officer code and password your agency gave you.
console-signin-code = Officer code
console-signin-password = Password
console-signin-submit = Sign in
console-signin-not-officer = This account is not an officer’s or a supervisor’s. Post-office agents and volunteers use the OpenDVC app.

## Errors

console-error-network = The portal cannot be reached. Check the network and try again.
console-error-unexpected = The portal gave an unexpected answer. Try again; if it persists, tell the IT team.
console-error-signed-out = The sign-in has expired. Sign out and sign in again.

## Work queue

console-queue-title = Work queue
console-queue-filters = Filter applications
console-queue-caption = The agency’s applications, earliest due first
console-queue-total = Showing { $shown } of { $total } applications
console-queue-empty = No application matches the filters.
console-queue-more = Show more
console-filter-status = Status
console-filter-procedure = Procedure
console-filter-unit = Commune-level unit
console-filter-due-before = Due on or before
console-filter-text = Search by code or name
console-filter-text-hint = Application code or applicant’s name
console-filter-any = Any
console-filter-apply = Filter
console-filter-clear = Clear filters
console-column-code = Code
console-column-procedure = Procedure
console-column-applicant = Applicant
console-column-unit = Unit
console-column-due = Due
console-column-urgency = Urgency
console-column-status = Status
console-column-assigned = Assigned officer
console-due-today = Due today
console-days-left = { $days } working days left
console-days-late = { $days } working days late
console-urgency-on-track = On track
console-urgency-at-risk = At risk
console-urgency-overdue = Overdue
console-urgency-finished = Finished
console-urgency-unknown = Unknown

## Statuses and channels

console-status-awaiting-payment = Awaiting payment
console-status-received = Received
console-status-processing = Processing
console-status-supplement-requested = Supplement requested
console-status-completed = Result ready
console-status-handed-over = Result handed over
console-status-rejected = Rejected
console-status-withdrawn = Withdrawn
console-status-unknown = Other status
console-channel = Channel
console-channel-online = Online
console-channel-assisted = Assisted by staff
console-channel-counter = At the counter
console-channel-unknown = Other channel

## Application page

console-back-to-queue = ← Back to the work queue
console-application-title = Application
console-application-heading = Application { $code }
console-submitted-at = Submitted
console-unassigned = Not assigned
console-actions = Actions
console-no-actions = No action applies to an application in this status.
console-action-accept = Accept
console-action-supplement = Request a supplement
console-action-complete = Result ready
console-action-reject = Reject
console-action-dispatch = Dispatch by post
console-action-deliver = Mark delivered
console-action-hand-over = Handed over at the counter
console-action-done = Recorded: { $action }.
console-supplement-note = What the applicant must add (required)
console-reject-reason = Reason for rejection (required)
console-tracking-number = Tracking number
console-assign-to = Assign to
console-assign-choose = Choose an officer
console-assign = Assign
console-assign-done = The application is assigned.
console-warnings = Late warnings sent
console-form-data = Form data
console-attachments = Attachments
console-no-attachments = No attachments.
console-attachment-file = Attached file
console-attachment-wallet = Document from the data warehouse
console-attachment-view = View
console-attachment-download = Download
console-delivery = Delivery of the result
console-delivery-counter = At the one-stop counter
console-delivery-post = By post
console-delivery-state-preparing = Being prepared
console-delivery-state-dispatched = Dispatched
console-delivery-state-delivered = Delivered
console-delivery-state-returned = Returned to sender
console-delivery-state-unknown = Unknown
console-timeline = Timeline

## Counter applications

console-counter-title = Counter application
console-counter-intro = Enter a paper application handed in at the agency’s counter. The applicant gets a text message with the application code.
console-counter-applicant = Applicant
console-counter-id-number = Personal ID number (12 digits)
console-counter-name = Full name
console-counter-phone = Phone number
console-counter-unit-none = None
console-counter-procedure = Procedure and form
console-counter-choose-procedure = Choose a procedure
console-counter-choose = Choose
console-counter-street = House number and street
console-counter-submit = Record the application
console-counter-created = Application { $code } recorded.
console-counter-open = Open the application

## Overview

console-overview-title = Overview and early warning
console-overview-generated = Figures as of { $at }
console-overview-due-today = Due today
console-overview-due-within-one = Due within one working day
console-overview-overdue = Overdue
console-overview-on-time = On time (30 days)
console-overview-median-online = Processing time (online)
console-overview-median-counter = Processing time (counter)
console-overview-same-day = Finished within the day
console-overview-post = Results delivered by post
console-overview-rating = Citizens’ rating
console-overview-rating-value = { $average }/5 ({ $count } ratings)
console-overview-due-histogram = Open applications by due day (next 10 working days)
console-overview-on-time-chart = On-time rate over 30 days, by agency
console-forecast-title = Expected new applications (next 10 working days)
console-forecast-method = Model: { $method }.
console-forecast-error = Mean error on the last { $days } working days (held out): { $model } applications a day; copying last week: { $naive }.
console-forecast-no-error = The history is too short to measure the error.
console-forecast-date = Day
console-forecast-expected = Expected
console-forecast-range = 80% range

## Residents’ feedback

console-nav-feedback = Feedback
console-feedback-queue-title = Feedback to answer
console-feedback-queue-intro = Least time left first: answer within 4 hours (nights and holidays too), resolve within 3 working days.
console-feedback-filters = Filter feedback
console-feedback-filter-scope = Show
console-feedback-filter-open = Not yet closed
console-feedback-filter-all = All, closed too
console-feedback-filter-category = Category
console-feedback-caption = Your agency’s feedback, least time left first
console-feedback-total = Showing { $shown } of { $total } feedback items
console-feedback-empty = No feedback matches the filters.
console-feedback-column-time-left = Time left
console-feedback-column-category = Category
console-feedback-column-summary = What it says
console-feedback-column-received = Received
console-feedback-photo-count = { $count ->
    [one] 1 photo
   *[other] { $count } photos
}
console-time-left-minutes = { $minutes } min left
console-time-left-hours = { $hours } h { $minutes } min left
console-time-left-days = { $days } d { $hours } h left
console-time-late-minutes = { $minutes } min late
console-time-late-hours = { $hours } h { $minutes } min late
console-time-late-days = { $days } d { $hours } h late
console-time-stopped = Closed
console-clock-answer = Answer due
console-clock-resolve = Resolve by
console-clock-stopped = No clock running
console-clock-unknown = Other deadline
console-feedback-status-received = Received
console-feedback-status-assigned = Assigned
console-feedback-status-answered = Answered, being resolved
console-feedback-status-closed = Closed
console-feedback-status-reopened = Reopened by the resident
console-feedback-status-unknown = Other status
console-feedback-channel-app = OpenDVC app
console-feedback-channel-open311 = Another app (Open311)
console-feedback-channel-unknown = Other channel
console-feedback-event-received = Received
console-feedback-event-assigned = Assigned
console-feedback-event-handed-off = Handed to another agency
console-feedback-event-answered = Answered
console-feedback-event-closed = Closed
console-feedback-event-reopened = Reopened by the resident
console-feedback-event-rated = Rated by the resident
console-feedback-event-unknown = Other event
console-feedback-event-agency = to { $agency }

## Feedback item

console-back-to-feedback = ← Back to feedback
console-feedback-title = Feedback
console-feedback-heading = Feedback: { $category }
console-feedback-due-at = Answer due
console-feedback-answered-at = answered { $at }
console-feedback-resolve-by = Resolve by
console-feedback-closed-at = closed { $at }
console-feedback-agency = Handling agency
console-feedback-received-via = Received through
console-feedback-reporter = Reported by
console-feedback-reporter-unknown = No contact left
console-feedback-rating = Rating
console-feedback-rating-value = { $stars }/5
console-feedback-description = What the resident wrote
console-feedback-place = Place
console-feedback-no-place = The resident gave no place.
console-feedback-address = Address
console-feedback-point = Point (latitude, longitude)
console-feedback-map = Show on a map
console-feedback-photos = The resident’s photos
console-feedback-no-photos = No photos.
console-feedback-photo-alt = The resident’s photo { $index } of { $count } (opens full size)
console-feedback-answer-photo-alt = The answer’s photo (opens full size)
console-feedback-no-actions = Nothing to do on feedback in this state.
console-feedback-take = Take this feedback
console-feedback-assign-done = Feedback assigned.
console-feedback-assign-agency = Assign to agency
console-feedback-reassign = Reassign
console-answer-title = Answer the resident
console-answer-go = Write the answer ↓
console-answer-text = Answer (required)
console-answer-text-hint = Say what will be or was done and who handles it. The resident reads it as written.
console-answer-text-required = Write the answer.
console-answer-text-too-long = The answer is longer than { $max } characters.
console-answer-photo = Photo (optional)
console-answer-photo-type = Only JPEG, PNG, WebP or HEIC photos.
console-answer-photo-too-large = The photo is larger than 20 MB.
console-answer-resolved = Resolved (closes the feedback)
console-answer-send = Send answer
console-answer-done = The answer was sent to the resident.
console-answer-done-closed = The answer was sent and the feedback closed.
console-hand-off-title = Hand to another agency
console-hand-off-hint = The clocks keep running; the hand-off shows in the timeline the resident sees.
console-hand-off-agency = Receiving agency
console-hand-off-choose = Choose an agency
console-hand-off-agency-required = Choose the receiving agency.
console-hand-off-note = Why (required)
console-hand-off-note-required = Say why it is handed on.
console-hand-off-send = Hand off
console-hand-off-done = Handed to { $agency }.

## An application's payments (receipts, cash taken, refunds)

console-payments = Fee payment
console-payment-due = Amount due:
console-payment-amount = { $amount } VND
console-no-payments = No payment yet.
console-payment-method-vnpay = VNPay (online)
console-payment-method-counter = At the counter
console-payment-method-cod = Cash to the postman
console-payment-status-pending = Pending
console-payment-status-paid = Paid
console-payment-status-failed = Did not go through
console-payment-status-expired = Expired
console-payment-status-refunded = Refunded
console-payment-receipt = Receipt { $number }
console-payment-record = Record cash taken
console-payment-record-counter = Taken at the counter
console-payment-record-cod = Taken by the postman on delivery
console-payment-record-button = Record { $amount } taken
console-payment-recorded = Recorded { $amount } taken; the electronic receipt is issued.
console-payment-refund = Refund
console-payment-refund-confirm = Confirm the refund of { $amount }
console-payment-refunded = The citizen’s payment was refunded.
