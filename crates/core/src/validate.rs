//! Offline checks the app makes before it keeps anything: a document the person adds to the
//! wallet, and the files of a submission matched to the procedure's required documents. The
//! form and delivery rules are the shared ones (`opendvc_rules::form`), the same the portal
//! applies when the submission arrives.

use chrono::NaiveDate;
use opendvc_api::{AttachmentRef, Document, FieldError, FieldProblemCode, Procedure};
use opendvc_rules::fields;
use opendvc_rules::form::is_requirement_of;

use crate::queue::StagedAttachment;

/// Longest document number, issuer or kind a person may type.
const MAX_DOCUMENT_TEXT: usize = 200;

/// Checks a document the person adds to the wallet by hand, on `today` (their date, in
/// Vietnam). Field paths are those of the UI's `NewDocument`.
pub fn check_document(draft: &crate::drafts::DocumentDraft, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let kind = draft.kind.trim();
    if kind.is_empty() {
        errors.push(FieldError::new("kind", FieldProblemCode::Required));
    } else if kind.len() > 64
        || !kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        errors.push(FieldError::new(
            "kind",
            FieldProblemCode::DocumentKindInvalid,
        ));
    }
    for (field, value) in [("number", &draft.number), ("issuer", &draft.issuer)] {
        let value = value.trim();
        if value.is_empty() {
            errors.push(FieldError::new(field, FieldProblemCode::Required));
        } else if value.chars().count() > MAX_DOCUMENT_TEXT {
            errors.push(FieldError::new(field, FieldProblemCode::TooLong));
        }
    }
    if let Err(code) = fields::not_after(draft.issued_on, today) {
        errors.push(FieldError::new("issuedOn", code));
    }
    if let Some(expires_on) = draft.expires_on
        && expires_on <= draft.issued_on
    {
        errors.push(FieldError::new(
            "expiresOn",
            FieldProblemCode::DateNotAfterStart,
        ));
    }
    if draft.classes.len() > 20
        || draft
            .classes
            .iter()
            .any(|class| class.trim().chars().count() > 8)
    {
        errors.push(FieldError::new("classes", FieldProblemCode::ClassesInvalid));
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
            && !is_requirement_of(procedure, requirement)
        {
            errors.push(FieldError::new(
                format!("attachments[{index}]"),
                FieldProblemCode::RequirementUnknown,
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
