# Device notifications: a title per category, the text from the inbox or a renewal reminder.

notify-status-title = Your application was updated
notify-delivery-title = Update on the delivery of your result
notify-renewal-title = A document is about to expire
notify-notice-title = New notice
notify-feedback-title = Your feedback has an answer
notify-item-body = { $title }: { $body }
notify-reminder-body = { $kind } expires on { $date } ({ $days } days left). You can start the renewal in the app.
notify-shared-status-title = Your application has an update
notify-shared-delivery-title = Your result has a delivery update
notify-shared-renewal-title = One of your documents is about to expire
notify-shared-notice-title = You have a new notice
notify-shared-feedback-title = Your feedback has an update
notify-shared-body = Open OpenDVC and sign in to see the details.
notify-calendar-name = Document expiries (OpenDVC)
notify-calendar-summary = { $kind } expires
notify-calendar-description = { $kind } number { $number } expires on { $date }. Renew it with OpenDVC.
watch-connected = Receiving updates from the portal. Press Ctrl-C to stop.
watch-disconnected = Connection lost ({ $reason }); trying again in { $seconds } seconds.
watch-event = Event { $id } ({ $kind }): { $applications } applications, { $inbox } messages synced.
watch-inbox = Inbox: { $title }
watch-notification = Notification: { $title } — { $body } ({ $target })
watch-held-back = (No notification shown: your settings.)
reminders-line = { $kind } { $number }: { $standing }, expires { $expires }
reminders-line-no-date = { $kind } { $number }: { $standing }
reminders-standing-valid = valid
reminders-standing-renew-soon = time to renew
reminders-standing-expired = expired
reminders-standing-no-expiry = does not expire
reminders-standing-unknown = expiry unknown
reminders-due-held-back = Renewal reminder for { $kind } is due (no notification shown: your settings).
reminders-none-due = No reminders due today.
notify-action-open = Open

## desktop

tray-open = Open OpenDVC
tray-quit = Quit
