# What is wrong with a field: each problem code of the shared rules (crates/rules) is a message here.
# The app, the command line and the portal share these codes; $label is the field’s name.

field-required = Enter { $label }
field-too-long = { $label } is too long
field-not-in-form = { $label } is not a field of this procedure
field-id-number-invalid = { $label } must be 12 digits
field-phone-invalid = { $label } must be a Vietnamese phone number: a 10-digit mobile like 0905 123 456, or an 11-digit landline like 0236 3821 234
field-email-invalid = { $label } must be an e-mail address, like name@example.vn
field-date-invalid = { $label } must be a real date, written YYYY-MM-DD, like 2026-03-27
field-date-in-future = { $label } cannot be in the future
field-date-not-after-start = { $label } must be after the start date
field-number-invalid = { $label } must be a whole number
field-option-invalid = Choose { $label }
field-not-offered = This procedure does not offer { $label }
field-unit-invalid = { $label } is not a ward, commune or special zone of the chosen province or city
field-document-kind-invalid = { $label } is not a kind of document
field-classes-invalid = { $label } are not driving licence classes
field-requirement-unknown = This procedure does not ask for { $label }
field-attachment-not-yours = The file { $label } was not uploaded by you
field-document-not-yours = The document { $label } is not in your wallet
field-fee-case-needed = Choose which fee applies: { $label }
field-read-only = { $label } can only be changed in the VNeID app or at the commune police where you live
field-code-invalid = The confirmation code for { $label } is wrong or has expired: ask for a new one
field-invalid = { $label } is not valid
