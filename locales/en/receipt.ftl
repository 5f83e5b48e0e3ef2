# The receipt a citizen takes away from a post-office counter or an outreach event.

receipt-title = Application receipt
receipt-code = Application code
receipt-procedure = Procedure
receipt-submitted = Submitted on
receipt-due = Result due on
receipt-delivery = Result delivery
receipt-delivery-counter = Collect at the one-stop counter
receipt-delivery-post = By post to your home (fee { $fee }, paid by the city { $subsidy }, you pay { $payable })
receipt-address = Delivery address
receipt-fee = Fee
receipt-fee-free = Free
receipt-follow = How to follow it
receipt-follow-text = Look up the application code { $code } in the OpenDVC app, scan the QR code, or give this code at any one-stop counter or post office.
receipt-served-by = Assisted by { $staff } at { $venue }
receipt-qr-caption = Scan to see the application’s status
