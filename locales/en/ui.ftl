# OpenDVC web UI — English. Every message here exists in vi/ui.ftl and id/ui.ftl too
# (checked by ui/scripts/check-locales.mjs). Vietnamese is the source language.

## Common

ui-loading = Loading…
ui-try-again = Try again
ui-error-title = Something went wrong
ui-back = Back
ui-back-home = Go to the home page
ui-cancel = Cancel
ui-save = Save
ui-save-continue = Save and continue
ui-send = Send
ui-change = Change
ui-optional = optional
ui-skip-to-content = Skip to main content
ui-not-found-title = Page not found
ui-online = Online
ui-offline = Offline
ui-offline-banner = You are offline. You see what was saved on this device. What you send now is kept and sent when you are back online.
ui-synced-at = Last updated { $time }
ui-waiting-to-send = Waiting to send
ui-overdue = Overdue
ui-working-days = { $days ->
    [one] { $days } working day
   *[other] { $days } working days
}

## Navigation

ui-nav-main = Main menu
ui-nav-more = More
ui-nav-home = Home
ui-nav-applications = Applications
ui-nav-services = Services
ui-nav-documents = Documents
ui-nav-inbox = Inbox
ui-nav-queue = Sending
ui-nav-settings = Settings

## Errors (one per code the app branches on)

ui-error-summary-title = There is a problem

## Sign in

ui-signin-title = Sign in
ui-signin-intro = Sign in with your personal identification number. We send a one-time code to the phone number registered with it.
ui-signin-id-label = Personal identification number
ui-signin-id-hint = The 12 digits on your citizen ID card
ui-signin-id-invalid = Enter your personal identification number: 12 digits
ui-signin-send-code = Send me a code
ui-signin-code-sent = We sent a 6-digit code by text message to your registered phone.
ui-signin-otp-label = Code from the text message
ui-signin-otp-hint = 6 digits
ui-signin-otp-invalid = Enter the 6-digit code from the text message
ui-signin-submit = Sign in
ui-signin-resend = Send a new code
ui-signin-code-resent = We sent a new code. Use the newest one.
ui-signin-change-id = Use another number

## Home

ui-home-greeting = Hello, { $name }
ui-home-all-clear-title = Nothing needs you now
ui-home-all-clear = Your applications are on their way and your papers are in order.
ui-home-needs-action = Needs your attention
ui-home-supplement-needed = The office asks for more documents or information.
ui-home-overdue = Should have been finished by { $date }.
ui-home-waiting = { $count ->
    [one] { $count } item waiting to send
   *[other] { $count } items waiting to send
}
ui-home-queue-attention = { $count ->
    [one] Something you sent needs your attention
   *[other] { $count } things you sent need your attention
}
ui-home-queue-attention-link = See what to fix
ui-home-see-queue = See what is waiting to send
ui-home-renewals = Papers to renew soon
ui-home-see-documents = See my documents
ui-home-shortcuts = What do you want to do?
ui-home-new-application = Start a new application
ui-home-my-applications = My applications ({ $count })
ui-home-inbox = Inbox ({ $count } new)

## Applications

ui-applications-title = My applications
ui-applications-empty = You have no applications yet.
ui-application-code = Application code: { $code }
ui-application-submitted = Sent on { $date }
ui-application-code-label = Application code
ui-application-submitted-label = Sent
ui-application-due-label = Due
ui-application-processing-days = ({ $days ->
    [one] { $days } working day
   *[other] { $days } working days
})
ui-application-days-left = { $days ->
    [0] due today
    [one] { $days } working day left
   *[other] { $days } working days left
}
ui-application-fee-label = Fee
ui-application-delivery-label = Result
ui-application-assisted-label = Sent for you at
ui-application-overdue-warning = This application is late: it should have been finished by { $date }. You can ask at the one-stop office with your application code.
ui-application-overdue-warned = This application is late: it should have been finished by { $date }. { $agency } was warned on { $warnedAt }. You can call them with your application code.
ui-application-overdue-phone = Phone
ui-application-overdue-address = Address
ui-application-supplement-title = The office needs more from you
ui-application-supplement-body = Read the note in the timeline below, then send what is asked for.
ui-application-timeline = What has happened
ui-application-actions = What you can do
ui-action-supplement = Send more documents
ui-action-change-delivery = Change how I get the result
ui-action-rate = Rate this service
ui-action-withdraw = Withdraw the application
ui-supplement-note = What are you sending?
ui-supplement-files = Files to send (optional)
ui-supplement-files-hint = Photos or PDF files, each smaller than 20 MB
ui-supplement-note-missing = Write what you are sending, or add a file
ui-withdraw-reason = Why are you withdrawing? (optional)
ui-withdraw-confirm = Withdraw this application? This cannot be undone.
ui-rating-question = How was this service?
ui-rating-stars = { $stars ->
    [one] { $stars } star
   *[other] { $stars } stars
}
ui-rating-comment = Anything to add? (optional)
ui-rating-missing = Choose from 1 to 5 stars
ui-rating-given = You rated this { $stars } out of 5.
ui-followup-sent = Sent.
ui-followup-saved = Saved on this device. It will be sent when you are online.

## Statuses

ui-status-awaiting-payment = Awaiting payment
ui-status-received = Received
ui-status-processing = Being processed
ui-status-supplement-requested = More needed from you
ui-status-completed = Result ready
ui-status-handed-over = Result handed over
ui-status-rejected = Refused
ui-status-withdrawn = Withdrawn
ui-status-unknown = Status not known

## Delivery

ui-delivery-question = How do you want to get the result?
ui-delivery-counter = Collect it at the one-stop counter
ui-delivery-post = Send it to me by post
ui-delivery-post-hint = The post office brings it to your door. You pay on delivery.
ui-delivery-post-available = Delivery by post
ui-delivery-payable = You pay { $amount } on delivery
ui-delivery-tracking = Tracking number: { $number }
ui-delivery-name = Name of the person receiving it
ui-delivery-phone = Phone number for the postman
ui-delivery-phone-hint = For example 0905 123 456
ui-delivery-method-missing = Choose how you want to get the result
ui-delivery-name-missing = Enter the name of the person receiving it
ui-delivery-phone-invalid = Enter a phone number, like 0905 123 456
ui-delivery-state-preparing = Being prepared
ui-delivery-state-dispatched = On its way
ui-delivery-state-delivered = Delivered
ui-delivery-state-returned = Returned to the office
ui-delivery-state-unknown = Delivery state not known

## Address

ui-address-province = Province or city
ui-address-choose = Choose…
ui-address-unit-search = Find your ward or commune
ui-address-unit-hint = You can type the old name too, for example the old ward or district.
ui-address-unit = Ward, commune or special zone
ui-address-no-unit = No ward or commune has this name. Check the spelling.
ui-address-formerly = formerly { $name }
ui-address-street = House number and street
ui-address-street-hint = For example 12 Lê Lợi, or the hamlet or group
ui-address-province-missing = Choose the province or city
ui-address-unit-missing = Choose the ward, commune or special zone
ui-address-street-missing = Enter the house number and street

## Services

ui-services-title = Public services
ui-services-search = Search for a service
ui-services-search-hint = For example: cap doi can cuoc, passport, birth
ui-services-results = { $count ->
    [one] { $count } service found
   *[other] { $count } services found
}
ui-services-count = { $count ->
    [one] { $count } service
   *[other] { $count } services
}
ui-services-no-results = No service matches. Try other words.
ui-services-empty = The list of services is not on this device yet. Connect to the internet and try again.
ui-sector-identity = Identity papers
ui-sector-civil-status = Births, marriages and deaths
ui-sector-residence = Residence
ui-sector-transport = Vehicles and driving
ui-sector-health = Health
ui-sector-social = Social support and insurance
ui-sector-education = Education
ui-sector-land = Land and housing
ui-sector-construction = Building
ui-sector-business = Business
ui-sector-justice = Justice and certified copies
ui-sector-other = Other services
ui-online-full = Fully online
ui-online-partial = Partly online
ui-procedure-code = Procedure code { $code }
ui-procedure-time-online = Time if you apply online
ui-procedure-time-in-person = Time at the counter
ui-procedure-online-level = Online
ui-procedure-fees = Fees
ui-procedure-free = Free of charge.
ui-fee-online = { $amount } online
ui-fee-counter = { $amount } at the counter
ui-fee-illustrative = illustrative amount
ui-fee-total = Total
ui-fee-choose-case = Choose which fee applies to you
ui-fee-not-quoted = The fee cannot be computed yet: answer every question and choose how to receive the result.
ui-fee-one-case-applies = Only one of these fees applies to your application.
ui-fee-add-on = In addition: { $label }
ui-fee-exemptions = Exemptions and reductions
ui-delivery-subsidy-share = the city pays { $percent }%
ui-procedure-documents = Documents you need
ui-procedure-no-documents = No documents are needed.
ui-procedure-from-wallet = already in your documents
ui-procedure-delivery = How you get the result
ui-procedure-start = Apply online

## Apply

ui-apply-title = Your application
ui-apply-task-details = Your details
ui-apply-task-documents = Documents
ui-apply-task-delivery = How you get the result
ui-apply-task-check = Check and send
ui-task-completed = Completed
ui-task-not-started = Not started
ui-task-cannot-start = Cannot start yet
ui-apply-prefilled = We filled in what we already know about you. Check it and change anything that is wrong.
ui-apply-from-wallet = Use { $name } no. { $number } from my documents
ui-apply-choose-file = Or choose a photo or PDF file
ui-apply-file-chosen = File chosen: { $name }
ui-apply-file-attached = A file is attached
ui-apply-document-missing = Add { $name }
ui-apply-not-provided = Not provided
ui-field-invalid = { $label } is not valid
ui-field-date-hint = For example 2026-03-27
ui-check-title = Check your answers before sending
ui-check-declaration-title = Now send your application
ui-check-declaration = By sending this application you confirm that, to the best of your knowledge, the details you are providing are correct.
ui-check-submit = Accept and send
ui-done-sent-title = Application sent
ui-done-code = Your application code
ui-done-sent-body = We will tell you when its status changes. You can follow it in My applications.
ui-done-see-application = See the application
ui-done-saved-title = Saved on this device
ui-done-saved-body = You are offline, so your application is saved on this device. It will be sent by itself when you are online. You do not need to send it again.

## Documents

ui-documents-title = My documents
ui-documents-empty = You have no documents here yet.
ui-documents-number = Number
ui-documents-issued = Issued on
ui-documents-valid-until = Valid until
ui-documents-expires = { $date } ({ $days ->
    [0] ends today
    [one] { $days } day left
   *[other] { $days } days left
})
ui-documents-expired-on = Expired on { $date }
ui-documents-next-reminder = Next reminder
ui-documents-reminders = Reminders
ui-documents-renew = Renew now
ui-documents-add = Add a document
ui-documents-added = Document added.
ui-documents-export = Add reminders to my calendar
ui-documents-download-calendar = Download the calendar file
ui-documents-kind = Type of document
ui-documents-expires-on = Expiry date
ui-documents-issuer = Issued by
ui-documents-kind-missing = Choose the type of document
ui-documents-number-missing = Enter the document number
ui-documents-issued-missing = Enter the date it was issued
ui-documents-issued-invalid = The date it was issued cannot be after today
ui-documents-expires-invalid = The expiry date must be a real date after the issue date
ui-documents-issuer-missing = Enter who issued it
ui-doc-kind-id-card = Citizen ID card
ui-doc-kind-passport = Passport
ui-doc-kind-driving-licence = Driving licence
ui-doc-kind-temporary-residence = Temporary residence registration
ui-doc-kind-health-insurance = Health insurance card
ui-doc-kind-vehicle-inspection = Vehicle inspection certificate
ui-doc-kind-vehicle-registration = Vehicle registration
ui-doc-kind-birth-certificate = Birth certificate
ui-doc-kind-marriage-certificate = Marriage certificate
ui-doc-kind-land-certificate = Land use right certificate
ui-doc-kind-construction-permit = Building permit
ui-doc-kind-household-business = Household business registration
ui-doc-kind-health-certificate = Health certificate
ui-doc-kind-social-insurance = Social insurance book
ui-standing-valid = Valid
ui-standing-renew-soon = Renew soon
ui-standing-expired = Expired
ui-standing-no-expiry = Does not expire
ui-standing-unknown = Validity not known
ui-reminder-on = On
ui-reminder-off = Off
ui-reminder-snoozed-until = Paused until { $date }
ui-reminder-snooze = Remind me in 30 days
ui-reminder-turn-off = Turn reminders off
ui-reminder-turn-on = Turn reminders on
ui-reminder-turned-on = Reminders are on.
ui-reminder-turned-off = Reminders are off.
ui-reminder-snoozed = We will remind you again in 30 days.

## Inbox

ui-inbox-title = Inbox
ui-inbox-empty = No messages yet.
ui-inbox-new = New
ui-inbox-open-application = Open the application
ui-category-status = Application status
ui-category-delivery = Delivery of results
ui-category-renewal = Renewal reminders
ui-category-notice = Notices from the city
ui-category-feedback = Feedback to the city

## Sending queue

ui-queue-title = Waiting to send
ui-queue-intro = What you send is kept on this device until the service has received it. Nothing is lost when you are offline.
ui-queue-empty = Everything has been sent.
ui-queue-offline = You are offline. These will be sent when you are back online.
ui-queue-paused-auth = Sending is paused because your sign-in has ended. Sign in again to continue.
ui-queue-state-queued = Waiting
ui-queue-state-sending = Sending
ui-queue-state-sent = Sent
ui-queue-state-needs-attention = Needs your attention
ui-queue-state-paused-auth = Paused: sign in again
ui-queue-kind-application = New application
ui-queue-kind-attachment = File
ui-queue-kind-supplement = More documents
ui-queue-kind-delivery-change = Change of delivery
ui-queue-kind-withdrawal = Withdrawal
ui-queue-kind-rating = Rating
ui-queue-kind-feedback = New feedback
ui-queue-kind-feedback-rating = Feedback rating
ui-queue-kind-feedback-reopen = Feedback reopened
ui-queue-progress = { $sent } of { $total } sent
ui-queue-attempts = { $count ->
    [one] Tried once.
   *[other] Tried { $count } times.
}
ui-queue-next-attempt = Next try at { $time }.
ui-queue-what-to-fix = What to fix
ui-queue-retry = Try again now
ui-queue-retrying = Trying again.
ui-queue-discard = Discard
ui-queue-discard-confirm = Discard this? It will not be sent, and you would have to start again.
ui-queue-discarded = Discarded.
ui-queue-discard-reached-portal = This had reached the portal, so it was not discarded: application { $code } exists. Withdraw it if you no longer want it.
ui-queue-discard-reached-portal-item = This had reached the portal, so it was not discarded: the portal has it.
ui-queue-sync-now = Update now

## Settings

ui-settings-title = Settings
ui-settings-language = Language
ui-settings-notifications = Notifications
ui-settings-categories = Tell me about
ui-settings-quiet = Quiet hours
ui-settings-quiet-hint = No sound or pop-up at night. Messages still arrive in the inbox.
ui-settings-quiet-from = From
ui-settings-quiet-to = To
ui-settings-time-invalid = Enter a time like 22:00
ui-settings-saved = Settings saved.
ui-settings-account = Account and this device
ui-settings-signed-in-as = Signed in as { $name }
ui-settings-tokens-keyring = Your sign-in is stored in: the system keyring.
ui-settings-tokens-private-file = Your sign-in is stored in: a file only you can read (this device has no system keyring).
ui-settings-sign-out = Sign out
ui-settings-sign-out-confirm = Sign out? Items waiting to send stay on this device.
ui-settings-clear = Remove my data from this device
ui-settings-clear-confirm = Remove all your data from this device? Items not yet sent will be lost.
ui-settings-clear-hint = Use this on a shared or borrowed device.

## Shared devices: DVC agents at post offices, volunteers at outreach events

ui-signin-staff-link = DVC agent or volunteer? Sign in here
ui-staff-signin-title = Staff sign-in
ui-staff-signin-intro = For public service (DVC) agents at post offices and community digital technology team volunteers. This device is shared: each citizen’s data is removed when their assisted session ends.
ui-staff-code = Staff code
ui-staff-code-hint = For example: BDDN-HC-01
ui-staff-code-missing = Enter your staff code
ui-staff-password = Password
ui-staff-password-missing = Enter your password
ui-staff-where = Where are you working today?
ui-staff-where-post-office = At a post office counter
ui-staff-where-event = At an outreach event (community digital technology team)
ui-staff-post-office = Post office
ui-staff-post-office-hint = Leave empty for the post office you work at.
ui-staff-event-name = Name of the event
ui-staff-event-name-hint = For example: Public services close to the people day
ui-staff-event-name-missing = Enter the name of the event
ui-staff-event-unit-missing = Choose the ward or commune where the event takes place
ui-staff-event-date = Date of the event
ui-staff-event-date-missing = Enter the date of the event
ui-staff-password-changed = Changed your password recently?
ui-staff-previous-password-hint = Enter your previous password to open the waiting submissions encrypted on this device.
ui-staff-previous-password = Previous password
ui-staff-signin-submit = Sign in
ui-staff-citizen-instead = I am a citizen: sign in with my personal identification number
ui-staff-home-title = Service desk
ui-staff-venue-post-office = Public service agent at a post office
ui-staff-venue-event = Outreach event
ui-staff-signed-in-as = Staff: { $name } ({ $code })
ui-staff-serve = Serve the next citizen
ui-staff-ended-title = The assisted session has ended
ui-staff-ended-body = Everything of the citizen just served has been removed from this device. Submissions not sent yet are kept, encrypted, until the portal has them.
ui-staff-tally-today = Today
ui-staff-tally-event = The event’s tally
ui-staff-tally-people = People helped
ui-staff-tally-submissions = Submissions
ui-staff-tally-sent = Sent
ui-staff-tally-waiting = Waiting to send
ui-staff-tally-attention = Need attention
ui-staff-tally-per-service = By service
ui-staff-tally-service = Service
ui-staff-tally-chart = Chart
ui-staff-tally-entries = Submissions made
ui-staff-tally-empty = No submissions yet.
ui-staff-tally-csv = Export the tally (CSV)
ui-staff-tally-csv-download = Download the CSV file
ui-staff-tally-csv-hint = The CSV file holds counts per service only: no application codes, nothing about anyone.
ui-staff-end-of-day = End of the day
ui-staff-sign-out-hint = Submissions not sent yet stay on this device, encrypted, and are sent after you sign in again.
ui-staff-sign-out = Sign out of staff mode
ui-serve-title = Serve a citizen
ui-serve-intro = The citizen lets you act for them with a code sent to their phone, or with a paper consent form they signed.
ui-serve-id-label = The citizen’s personal identification number
ui-serve-consent = How does the citizen consent?
ui-serve-consent-otp = A code sent to the citizen’s phone
ui-serve-consent-otp-hint = The citizen reads you the 6-digit code from the text message.
ui-serve-consent-otp-offline = Not available while offline.
ui-serve-consent-paper = A paper consent form
ui-serve-consent-paper-hint = The citizen signs the form; you enter the reference printed on it. Works offline too.
ui-serve-send-code = Send the citizen a code
ui-serve-code-sent = A code was sent to the citizen’s registered phone.
ui-serve-otp-label = The code the citizen received
ui-serve-reference-label = Reference of the consent form
ui-serve-reference-hint = For example: GIAYUQ-2026-000123
ui-serve-reference-missing = Enter the reference of the consent form
ui-serve-open = Start the assisted session
ui-session-banner-label = Assisted session
ui-session-serving = Serving: { $initials }
ui-session-initials-unknown = a citizen (not yet confirmed online)
ui-session-time-left = { $time } left
ui-session-end = End the session
ui-session-end-confirm = End the session? Everything of this citizen will be removed from the device. Submissions not sent yet are kept, encrypted, until they are sent.
ui-session-offline-title = Assisted session while offline
ui-session-offline-body = The citizen’s profile and papers cannot be read from the data warehouse yet. Type in their details and attach photos of their papers; the submission is saved on the device and sent when the connection is back.
ui-session-paper-note = Paper consent: this session can submit but not read the citizen’s papers.
ui-session-paper-title = Assisted session on a paper consent
ui-session-paper-body = Type in the citizen’s details and attach photos of the papers they brought. Their profile, papers and earlier applications are not shown here.
ui-lock-title = This device is locked
ui-lock-body = The device locked itself after a while without use. { $name } enters their password to go on.
ui-lock-unlock = Unlock
ui-lock-now = Lock
ui-receipt-title = Application receipt
ui-receipt-open = Print the receipt
ui-receipt-language = Language of the receipt
ui-receipt-print = Print
ui-receipt-print-hint = The print dialog can also save the receipt as a PDF file.
ui-done-saved-assisted = The receipt with the application code can be printed once it is sent; the citizen also gets the code by text message.
ui-delivery-post-hint-post-office = The post office brings the result to the citizen’s home.
ui-download-saved = File saved to { $path }
ui-download-failed = The file could not be saved. Try again.
ui-download-dismiss = Dismiss
ui-access-log-title = Who used my data
ui-access-log-link-hint = When a post-office agent or a volunteer opened an assisted session for you or read your data.
ui-access-log-back = Back to Settings
ui-access-log-intro = Every time a post-office agent or a volunteer opened an assisted session for you or read your data, the public-service portal recorded it here. If you see one you did not agree to, report it to the public-service hotline.
ui-access-log-empty = Nobody has used your data on your behalf.
ui-access-log-more = Show older entries
ui-access-log-time = Time (Vietnam)
ui-access-log-staff = Staff member
ui-access-log-staff-value = { $name } (code { $code })
ui-access-log-organisation = Organisation
ui-access-log-venue = Place
ui-access-log-consent = Consent
ui-access-log-consent-otp = By the code sent to your phone
ui-access-log-consent-paper = On a paper consent form
ui-notify-title = Notices by SMS and e-mail
ui-notify-link-hint = Choose whether the public-service portal reaches you in the app, by SMS or by e-mail, and when no SMS should arrive.
ui-notify-back = Back to Settings
ui-notify-intro = The public-service portal reaches you as you choose below, on every device. One-time codes and assisted-session notices always go by SMS at once.
ui-notify-category-status = Application status
ui-notify-category-status-hint = Your application was received, needs more documents, is ready or was rejected.
ui-notify-category-delivery = Delivery of results by post
ui-notify-category-delivery-hint = Your result was dispatched (with its tracking number) and delivered.
ui-notify-category-renewal = Document renewal reminders
ui-notify-category-renewal-hint = One of your documents is about to expire.
ui-notify-channel-app = App
ui-notify-channel-sms = SMS
ui-notify-channel-email = E-mail
ui-notify-no-email = Your profile has no e-mail address, so nothing can be sent to you by e-mail. Add one at the one-stop counter.
ui-notify-quiet-title = Quiet hours for SMS
ui-notify-quiet-switch = No SMS during quiet hours
ui-notify-quiet-hint = Vietnam time. An SMS due in these hours is held and sent when they end, never dropped. The app and e-mail are not held.
ui-notify-saved = Saved. The public-service portal will reach you as you chose.
ui-notify-offline = You are offline, so how you are reached cannot be changed now. Your choices are still on this screen; press Save again when you are online.
ui-notify-offline-load = You are offline. How you are reached is kept by the public-service portal, so it can be seen and changed only when you are online.
ui-access-session-opened = Opened an assisted session
ui-access-read-profile = Read your profile
ui-access-read-documents = Read your documents
ui-access-read-applications = Read your applications
ui-access-read-attachment = Read a file
ui-access-read-changes = Read your updates
ui-access-submitted-application = Submitted an application
ui-access-submitted-attachment = Uploaded a file
ui-access-submitted-other = Sent a change to an application
ui-lock-again-title = Sign in again
ui-lock-again-body = After too many wrong passwords the device makes each try wait. Signing in again as staff (needs the network) opens it at once.
ui-lock-again-password = Staff password to sign in again
ui-lock-again = Sign in again as staff

## Feedback to the city

ui-nav-feedback = Feedback
ui-feedback-title = Feedback to the city
ui-feedback-intro = Report a problem with the environment, traffic, public order, streets and buildings… The city’s operations centre works around the clock and answers within hours; the agency in charge resolves it within a few working days.
ui-feedback-new = Send new feedback
ui-feedback-sent-heading = Feedback you sent
ui-feedback-empty = You have not sent any feedback yet.
ui-feedback-answer-due = Answer due by { $time }
ui-feedback-resolve-by = Resolved by { $time }
ui-feedback-status-received = Received
ui-feedback-status-assigned = Being handled
ui-feedback-status-answered = Answered
ui-feedback-status-closed = Resolved
ui-feedback-status-reopened = Reopened
ui-feedback-status-unknown = Status not known
ui-feedback-event-received = Received
ui-feedback-event-assigned = Given to the agency in charge
ui-feedback-event-handed-off = Handed to another agency
ui-feedback-event-answered = Answered
ui-feedback-event-closed = Resolved
ui-feedback-event-reopened = You reopened it
ui-feedback-event-rated = You rated the answer
ui-feedback-event-unknown = Other update
ui-feedback-new-title = Send new feedback
ui-feedback-new-intro = Your feedback is saved on this device first, so you can write it without a connection: it is sent once when you are back online.
ui-feedback-category = What is it about?
ui-feedback-category-missing = Choose what the feedback is about
ui-feedback-service-clocks = Answered within { $hours } hours, resolved within { $days } working days
ui-feedback-description = What happened
ui-feedback-description-hint = What is going on, since when, and how it affects you or others.
ui-feedback-description-missing = Describe what happened
ui-feedback-description-too-long = That is too long: at most 4000 characters
ui-feedback-characters = { $count } of { $max } characters
ui-feedback-photos = Photos (optional)
ui-feedback-photos-hint = Up to { $max } photos. Large photos are made smaller on this device before they are sent.
ui-feedback-photos-too-many = You can send at most 3 photos
ui-feedback-photo-unreadable = This photo could not be read. Choose another one.
ui-feedback-photo-remove = Remove { $name }
ui-feedback-place = Place
ui-feedback-place-none = Do not give a place
ui-feedback-place-address = An address
ui-feedback-place-point = Coordinates (latitude, longitude)
ui-feedback-point-hint = Type or paste the coordinates from a map, for example 16.0544, 108.2022.
ui-feedback-lat = Latitude
ui-feedback-long = Longitude
ui-feedback-lat-invalid = Enter the latitude as a number from -90 to 90, for example 16.0544
ui-feedback-long-invalid = Enter the longitude as a number from -180 to 180, for example 108.2022
ui-feedback-share = Let the place be shown publicly
ui-feedback-share-hint = The public list of feedback will show this place. If you leave this off, only the ward or commune is shown. Photos never carry their location: it is removed on this device.
ui-feedback-application = About one of your applications (optional)
ui-feedback-application-none = Not about an application
ui-feedback-send = Send feedback
ui-feedback-filed-sent = Your feedback was sent. You will be notified when it is answered.
ui-feedback-filed-saved = Your feedback is saved on this device. It will be sent when you are online.
ui-feedback-missing-title = This feedback is not on this device yet
ui-feedback-missing-body = It has not been synced to this device. Try again when you are online.
ui-feedback-answer = The agency’s answer
ui-feedback-description-label = What you wrote
ui-feedback-submitted-label = Sent on
ui-feedback-answer-due-label = Answer due by
ui-feedback-answered-at = Answered on { $time }
ui-feedback-resolve-by-label = To be resolved by
ui-feedback-closed-at = Resolved on { $time }
ui-feedback-agency-label = Agency in charge
ui-feedback-photos-label = Photos
ui-feedback-photo-count = { $count ->
    [one] 1 photo
   *[other] { $count } photos
}
ui-feedback-timeline = What has happened
ui-feedback-rate = Rate the answer
ui-feedback-rating-question = How good was the answer?
ui-feedback-reopen = Reopen the feedback
ui-feedback-reopen-once = If the answer did not resolve the matter, you can reopen it once.
ui-feedback-reopen-reason = Why is it not resolved?
ui-feedback-reopen-reason-missing = Say why you reopen it

# The personal profile (declared once, used many times): phone, e-mail, addresses.
ui-profile-title = Personal profile
ui-profile-link-hint = The phone, e-mail and addresses that fill in your applications.
ui-profile-identity = Identity
ui-profile-full-name = Full name
ui-profile-id-number = Personal identification number
ui-profile-birth-date = Date of birth
ui-profile-identity-hint = Your name, ID number, date of birth and sex can only be changed in the VNeID app or at the commune police where you live.
ui-profile-phone = Phone
ui-profile-phone-hint = Sign-in codes go to this number. Changing it needs a code sent to the new number and one sent to the old number.
ui-profile-email = E-mail
ui-profile-email-none = None yet
ui-profile-change = Change
ui-profile-phone-new = New phone number
ui-profile-email-new = New e-mail address
ui-profile-send-code = Send a confirmation code
ui-profile-send-again = Send the code again
ui-profile-code = Confirmation code sent to the new address
ui-profile-old-phone-code = Confirmation code sent to the old phone
ui-profile-confirm = Confirm the change
ui-profile-code-sent-phone = Codes were sent to your new and your old phone. They are valid for 5 minutes.
ui-profile-code-sent-email = A code was sent to the new e-mail address. It is valid for 5 minutes.
ui-profile-code-invalid = The code is wrong or has expired. Choose Send the code again.
ui-profile-field-invalid = This is not valid.
ui-profile-value-missing = Enter the new value
ui-profile-permanent-address = Permanent address
ui-profile-current-address = Current address
ui-profile-same-as-permanent = Same as the permanent address
ui-profile-street = House number, street, hamlet or group
ui-profile-street-missing = Enter the house number, street, hamlet or group
ui-profile-unit-missing = Choose the ward, commune or special zone
ui-profile-language = Language of texts and e-mails
ui-profile-saved = Your profile is saved. Your next applications are filled in with it.
ui-profile-needs-connection = Changing your profile needs a connection. What you typed is still on this screen.
ui-apply-use-previous = Use your previous answer: { $value }

## Paying a fee (the "Pay" step of an application, the electronic receipt)

ui-payment-title = Pay the fee
ui-payment-amount-due = Amount to pay:
ui-payment-awaiting-hint = This application is processed once the fee is paid.
ui-payment-choose-method = Choose how to pay
ui-payment-method-vnpay = Pay online with VNPay
ui-payment-method-vnpay-hint = Opens VNPay’s payment page in your browser, then come back to the app.
ui-payment-method-counter = Pay at the one-stop counter
ui-payment-method-counter-hint = Pay when you visit the counter; the officer records it and the receipt shows here.
ui-payment-method-cod = Pay the postman in cash on delivery
ui-payment-method-cod-hint = Only when the result comes by post.
ui-payment-pay = Pay { $amount }
ui-payment-try-again = Try paying again
ui-payment-needs-connection = Payment needs a connection. Your application is kept as it is; pay when you are online.
ui-payment-failed-try-again = The last payment did not go through and nothing was charged. Try again.
ui-payment-expired-try-again = The last payment expired before it was finished. Try again.
ui-payment-opened-browser = VNPay’s payment page opened in your browser. Once you have paid, the app shows the result here.
ui-payment-choice-recorded = Your choice of how to pay is recorded.
ui-payment-conflict = This application already has a payment in progress. Its latest state is shown below.
ui-payment-pending-vnpay = Waiting for VNPay to confirm the payment.
ui-payment-continue = Continue to payment
ui-payment-check-again = Check the payment again
ui-payment-pending-counter = Pay { $amount } at the one-stop counter. Once the officer records it, the electronic receipt shows here.
ui-payment-pending-cod = Pay the postman { $amount } when your result arrives. The electronic receipt shows here after that.
ui-payment-started-at = Started at { $time }
ui-payment-paid = Paid { $amount }.
ui-payment-refunded-note = The { $amount } you paid was refunded.
ui-payment-refunded = Refunded
ui-payment-returning = Checking the payment…
ui-payment-to-applications = Back to my applications
ui-payment-status-pending = Waiting for confirmation
ui-payment-status-paid = Paid
ui-payment-status-failed = Did not go through
ui-payment-status-expired = Expired
ui-payment-status-refunded = Refunded
ui-payment-receipts-title = Electronic receipts
ui-payment-receipt-title = Electronic receipt
ui-payment-receipt-number = Receipt number
ui-payment-receipt-payer = Paid by
ui-payment-receipt-amount = Amount
ui-payment-receipt-procedure = Procedure
ui-payment-receipt-provider = Paid through
ui-payment-receipt-reference = Transaction reference
ui-payment-receipt-time = Paid at
ui-payment-receipt-open-application = See the application

## drafts

ui-home-drafts = Applications in progress ({ $count })
ui-home-draft-changed = Last changed { $time }
ui-home-draft-resume = Continue
ui-home-draft-discard = Delete draft
ui-home-draft-discard-confirm = Delete this draft? What you entered will be lost.
ui-apply-pick-again = { $count ->
    [one] A file you picked before is no longer on this device; pick it again under Documents.
   *[other] { $count } files you picked before are no longer on this device; pick them again under Documents.
}

## docs-upload

ui-queue-kind-document = Document added to the wallet

## desktop

ui-settings-display = Text size and contrast
ui-settings-text-size = Text size
ui-settings-text-size-hint = Compared with the text size set for this computer.
ui-settings-text-size-option = { $percent }%
ui-settings-text-size-system = { $percent }% (as this computer)
ui-settings-high-contrast = High contrast
ui-settings-high-contrast-hint = Black text on white, with bolder borders and links.
ui-settings-desktop = When the window closes
ui-settings-keep-in-tray = Keep running in the system tray when the window closes
ui-settings-keep-in-tray-hint = So news of your applications and renewal reminders still arrive with the window closed. Choose “Quit” on the tray icon to close it completely.
ui-settings-open-at-login = Open OpenDVC when I log in to this computer
