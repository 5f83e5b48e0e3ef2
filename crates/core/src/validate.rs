//! Offline validation of a submission against the cached catalog, so a mistake is caught
//! before the item is queued rather than days later when it is finally sent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use opendvc_api::{
    AttachmentRef, DeliveryChoice, DeliveryMethod, Document, FieldError, FieldKind, Procedure,
};

use crate::queue::StagedAttachment;

fn error(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// Whether `text` is a personal identification number: 12 digits.
pub fn is_id_number(text: &str) -> bool {
    text.len() == 12 && text.chars().all(|c| c.is_ascii_digit())
}

fn is_phone(value: &str) -> bool {
    let digits = if let Some(rest) = value.strip_prefix("+84") {
        rest
    } else if let Some(rest) = value.strip_prefix('0') {
        rest
    } else {
        return false;
    };
    (8..=10).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

/// Longest document number, issuer or kind a person may type.
const MAX_DOCUMENT_TEXT: usize = 200;

/// Checks a document the person adds to the wallet by hand, on `today` (their date). Field
/// paths are those of the UI's `NewDocument`.
pub fn check_document(draft: &crate::drafts::DocumentDraft, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let kind = draft.kind.trim();
    if kind.is_empty() {
        errors.push(error("kind", "required"));
    } else if kind.len() > 64
        || !kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        errors.push(error("kind", "not a document kind"));
    }
    for (field, value) in [("number", &draft.number), ("issuer", &draft.issuer)] {
        let value = value.trim();
        if value.is_empty() {
            errors.push(error(field, "required"));
        } else if value.chars().count() > MAX_DOCUMENT_TEXT {
            errors.push(error(
                field,
                format!("longer than {MAX_DOCUMENT_TEXT} characters"),
            ));
        }
    }
    if draft.issued_on > today {
        errors.push(error("issuedOn", "in the future"));
    }
    if let Some(expires_on) = draft.expires_on
        && expires_on <= draft.issued_on
    {
        errors.push(error("expiresOn", "not after the issue date"));
    }
    if draft.classes.len() > 20
        || draft
            .classes
            .iter()
            .any(|class| class.trim().chars().count() > 8)
    {
        errors.push(error("classes", "not driving licence classes"));
    }
    errors
}

/// Checks the form values against the procedure's fields.
pub fn check_form(procedure: &Procedure, form: &BTreeMap<String, String>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for field in &procedure.form_fields {
        let path = format!("form.{}", field.id);
        let value = form.get(&field.id).map(|value| value.trim()).unwrap_or("");
        if value.is_empty() {
            if field.required {
                errors.push(error(path, "required"));
            }
            continue;
        }
        if let Some(max) = field.max_length
            && value.chars().count() > max as usize
        {
            errors.push(error(&path, format!("longer than {max} characters")));
        }
        let valid = match field.kind {
            FieldKind::Text | FieldKind::Textarea => true,
            FieldKind::Date => NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
            FieldKind::Number => value.chars().all(|c| c.is_ascii_digit()),
            FieldKind::IdNumber => value.len() == 12 && value.chars().all(|c| c.is_ascii_digit()),
            FieldKind::Phone => is_phone(value),
            FieldKind::Select => field.options.iter().any(|option| option.value == value),
        };
        if !valid {
            let message = match field.kind {
                FieldKind::Date => "not a date (YYYY-MM-DD)",
                FieldKind::Number => "not a number",
                FieldKind::IdNumber => "not a 12-digit ID number",
                FieldKind::Phone => "not a Vietnamese phone number",
                FieldKind::Select => "not one of the options",
                FieldKind::Text | FieldKind::Textarea => "invalid",
            };
            errors.push(error(path, message));
        }
    }
    for key in form.keys() {
        if !procedure.form_fields.iter().any(|field| &field.id == key) {
            errors.push(error(
                format!("form.{key}"),
                "not a field of this procedure",
            ));
        }
    }
    errors
}

/// Checks the delivery choice against what the procedure offers.
pub fn check_delivery(procedure: &Procedure, delivery: &DeliveryChoice) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match delivery.method {
        DeliveryMethod::Counter if !procedure.delivery.counter => {
            errors.push(error("delivery.method", "counter collection not offered"));
        }
        DeliveryMethod::Post if !procedure.delivery.post => {
            errors.push(error("delivery.method", "postal delivery not offered"));
        }
        DeliveryMethod::Post if delivery.address.is_none() => {
            errors.push(error("delivery.address", "required for postal delivery"));
        }
        _ => {}
    }
    if let Some(address) = &delivery.address {
        if address.recipient_name.trim().is_empty() {
            errors.push(error("delivery.address.recipientName", "required"));
        }
        if !is_phone(address.phone.trim()) {
            errors.push(error(
                "delivery.address.phone",
                "not a Vietnamese phone number",
            ));
        }
        if address.address.unit_code.trim().is_empty() {
            errors.push(error("delivery.address.unitCode", "required"));
        }
        if address.address.street.trim().is_empty() {
            errors.push(error("delivery.address.street", "required"));
        }
    }
    errors
}

/// Matches files and wallet documents to the procedure's required documents. Files that
/// name a requirement satisfy it; a required document the wallet holds is referenced from
/// the wallet ("declared once, used many times"); files without a requirement fill the
/// remaining required documents in order. A required document that is still missing is not
/// an error here: the portal decides (a citizen may bring it to the counter), as the
/// reference portal does. A file naming a requirement the procedure does not have is.
/// Returns the wallet references to add, the files with their requirement filled in, and the
/// errors.
pub fn match_documents(
    procedure: &Procedure,
    files: &[StagedAttachment],
    wallet: &[Document],
) -> (Vec<AttachmentRef>, Vec<StagedAttachment>, Vec<FieldError>) {
    let mut files = files.to_vec();
    let mut wallet_refs = Vec::new();
    let mut errors = Vec::new();
    for (index, file) in files.iter().enumerate() {
        if let Some(requirement) = &file.requirement_id
            && !procedure
                .required_documents
                .iter()
                .any(|document| &document.id == requirement)
        {
            errors.push(error(
                format!("attachments[{index}]"),
                format!("{requirement} is not a document of this procedure"),
            ));
        }
    }
    for document in &procedure.required_documents {
        let satisfied = files
            .iter()
            .any(|file| file.requirement_id.as_deref() == Some(document.id.as_str()));
        if satisfied {
            continue;
        }
        if let Some(kind) = &document.wallet_kind
            && let Some(held) = wallet.iter().find(|held| &held.kind == kind)
        {
            wallet_refs.push(AttachmentRef::Wallet {
                document_id: held.id,
                requirement_id: Some(document.id.clone()),
            });
            continue;
        }
        if let Some(free) = files.iter_mut().find(|file| file.requirement_id.is_none()) {
            free.requirement_id = Some(document.id.clone());
        }
    }
    (wallet_refs, files, errors)
}
