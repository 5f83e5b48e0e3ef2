# Texts of the OpenDVC reference portal (messages, inbox).
otp-sms = OpenDVC: your sign-in code is { $code }, valid for { $minutes } minutes. Do not share it with anyone.
consent-sms = OpenDVC: { $staff } ({ $venue }) asks to help you submit an application. If you agree, read the code { $code } to them. Valid for { $minutes } minutes.
# Confirming a new phone or e-mail in the profile (PATCH /v1/me).
contact-code-sms = OpenDVC: the code confirming your new phone is { $code }, valid for { $minutes } minutes. Do not share it with anyone.
contact-code-email-subject = OpenDVC: confirm your e-mail address
contact-code-email = The code confirming your new e-mail address is { $code }, valid for { $minutes } minutes. If you did not ask to change it, ignore this message.
old-phone-code-sms = OpenDVC: someone asked to change your sign-in phone to a number ending in { $ending }. If it is you, enter the code { $code } (valid { $minutes } minutes). If not, do not share it.
notice-received-sms = OpenDVC: application { $code } has been received, result due on { $due }. Status: { $link }
# Tells the citizen whenever staff open a session for them: who, where, when, and how to report misuse.
assist-opened-sms = OpenDVC: staff member { $staff } ({ $organisation }) opened a session to act for you at { $venue } at { $time }. Not you? Call the { $hotline } hotline.
status-awaiting-payment = Awaiting payment
status-received = Received
status-processing = Processing
status-supplement-requested = Supplement requested
status-completed = Result ready
status-handed-over = Result handed over
status-rejected = Rejected
status-withdrawn = Withdrawn
delivery-preparing = Being prepared for post
delivery-dispatched = Handed to the postal service
delivery-delivered = Delivered
delivery-returned-to-sender = Returned to sender
inbox-status-title = Application { $code }: { $status }
inbox-status-body = Your application “{ $procedure }” is now “{ $status }”.
inbox-status-note = Note: { $note }
inbox-delivery-title = Delivery of application { $code }: { $state }
inbox-delivery-body = Result of “{ $procedure }”: { $state }.
inbox-delivery-tracking = Tracking number: { $tracking }
inbox-delivery-changed-title = Delivery of application { $code } changed
inbox-delivery-changed-body = “{ $procedure }”: your new delivery choice is recorded. You pay { $payable } VND.
notice-received-email-subject = Application { $code }: received
notice-received-email = OpenDVC: application { $code } (“{ $procedure }”) has been received; the result is due on { $due }. Status: { $link }
notice-email-subject = Application { $code }: { $status }
notice-email = OpenDVC: application { $code } (“{ $procedure }”) is now “{ $status }”.
notice-supplement-sms = OpenDVC: application { $code } needs more: { $note } See { $link }
notice-completed-sms = OpenDVC: the result of application { $code } is ready. See { $link }
notice-rejected-sms = OpenDVC: application { $code } was rejected: { $note } See { $link }
notice-dispatched-sms = OpenDVC: the result of application { $code } was posted, tracking number { $tracking }. See { $link }
notice-delivered-sms = OpenDVC: the result of application { $code } was delivered. See { $link }
notice-delivery-email-subject = Result of application { $code }: { $state }
notice-delivery-email = OpenDVC: the result of application { $code } (“{ $procedure }”): { $state }. Status: { $link }

# Renewal notices the portal writes itself when a document’s expiry comes near (an ID card’s by its holder’s age).
inbox-renewal-title = { $kind ->
        [id_card] Your citizen ID card
        [passport] Your passport
        [driving_licence] Your driving licence
        [temporary_residence] Your temporary residence registration
        [health_insurance] Your health insurance card
       *[other] A document
    } expires soon
inbox-renewal-body = Document number { $number } expires on { $date }. You can apply for the renewal online.
notice-renewal-sms = OpenDVC: your { $kind ->
        [id_card] citizen ID card
        [passport] passport
        [driving_licence] driving licence
        [temporary_residence] temporary residence registration
        [health_insurance] health insurance card
       *[other] document
    } expires on { $date }. Renew it online in the OpenDVC app.

# The timeline note when an application is assigned to an officer (POST /v1/officer/applications/{id}/assign).
timeline-assigned = The application was assigned to officer { $officer } ({ $code }).

## Early warning of late applications (the operations centre)

late-warning-at-risk-sms = OpenDVC IOC: application { $code } ({ $procedure }) is due { $date }. Please finish it on time.
late-warning-at-risk-subject = Application { $code } is due soon ({ $date })
late-warning-overdue-sms = OpenDVC IOC: application { $code } ({ $procedure }) was due { $date } and is late. Please handle it now and report.
late-warning-overdue-subject = Application { $code } is late (due { $date })
inbox-late-title = Application { $code } is late
inbox-late-body = Application { $code } should have been finished by { $date }. The operations centre has told { $agency }. You can call { $phone } or go to { $address } with your application code.

## The officers’ console (/console/) when the portal was built without its files.

console-missing-title = The officers’ console is not built
console-missing-body = This portal was built without the console’s files. Run { $command } in the source folder, then build the portal again.

## Residents' feedback: the inbox item when it is answered.

inbox-feedback-answered-title = Your feedback has an answer
inbox-feedback-answered-body = { $agency } answered your feedback: { $answer }
notice-feedback-answered-sms = OpenDVC: { $agency } answered your feedback: { $answer }
notice-feedback-answered-email-subject = Your feedback has an answer
notice-feedback-answered-email = OpenDVC: { $agency } answered your feedback (reference { $reference }):
    “{ $description }”

    Answer: { $answer }

## Feedback: the early warnings to staff (75% of the clock, past it).

feedback-warning-at-risk-sms = OpenDVC IOC: feedback on { $service } “{ $summary }” must be { $clock ->
    [resolve] resolved
   *[other] answered
} by { $time } { $date }. Please handle it on time.
feedback-warning-at-risk-subject = Feedback on { $service } is due soon ({ $time } { $date })
feedback-warning-overdue-sms = OpenDVC IOC: feedback on { $service } “{ $summary }” is past its { $clock ->
    [resolve] resolution
   *[other] answer
} deadline ({ $time } { $date }). Please see that it is handled now.
feedback-warning-overdue-subject = Feedback on { $service } is late ({ $time } { $date })

## Paying fees (issue 17)

payment-paid-note = Fee of { $amount } VND paid.
payment-amount = Amount: { $amount } VND
payment-return-title = Fee payment
payment-return-pending = The payment is waiting for the bank’s confirmation.
payment-return-paid = Paid.
payment-return-failed = The payment did not go through.
payment-return-expired = The payment expired.
payment-return-refunded = Refunded.
payment-return-not-found = No such payment.
payment-return-back = Go back to the OpenDVC app to see your application and its receipt.
payment-return-open-app = Open the OpenDVC app
sandbox-title = Sandbox bank (demo)
sandbox-explain = This page plays the bank in the demo; no real money moves.
sandbox-order = Order: { $info }
sandbox-pay = Pay
sandbox-cancel = Cancel the payment
sandbox-fail = Simulate a failed payment
sandbox-bad-signature = The payment request’s signature is not valid.
