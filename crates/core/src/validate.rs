//! Offline checks the app makes before it keeps anything: a document the person adds to the
//! wallet, and the files of a submission matched to the procedure's required documents. The
//! form and delivery rules are the shared ones (`opendvc_rules::form`), the same the portal
//! applies when the submission arrives.

use chrono::NaiveDate;
use opendvc_api::{AttachmentRef, FieldError, FieldProblemCode, Procedure, RequiredDocument};
use opendvc_rules::form::is_requirement_of;
use uuid::Uuid;

use crate::queue::StagedAttachment;
use crate::store::documents::HeldDocument;

/// Checks a document the person adds to the wallet by hand, on `today` (their date, in
/// Vietnam), with the shared rule the portal's `POST /v1/documents` applies
/// ([`opendvc_rules::document::check_new_document`]), so an upload the app queues is one the
/// portal takes. Field paths are those of the UI's `NewDocument`.
pub fn check_document(draft: &crate::drafts::DocumentDraft, today: NaiveDate) -> Vec<FieldError> {
    opendvc_rules::document::check_new_document(&draft.to_new_document(), today)
}

/// Matches files and wallet documents to the procedure's required documents. Files that
/// name a requirement satisfy it; then the wallet document the person picked for it; else a
/// required document the wallet holds is referenced from the wallet ("declared once, used
/// many times"); files without a requirement fill the remaining required documents in order.
/// A required document that is still missing is not an error here: the portal decides (a
/// citizen may bring it to the counter), as the reference portal does. A file naming a
/// requirement the procedure does not have is, and so is a picked wallet document that is not
/// in the wallet, names no requirement of its kind, or is of another kind than the one it is
/// picked for: it is never swapped silently for another document.
/// Returns the wallet references to add, the files with their requirement filled in, and the
/// errors.
pub fn match_documents(
    procedure: &Procedure,
    files: &[StagedAttachment],
    picked_wallet: &[(Uuid, Option<String>)],
    wallet: &[HeldDocument],
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
    let picks = picked_documents(procedure, picked_wallet, wallet, files.len(), &mut errors);
    for document in &procedure.required_documents {
        let satisfied = files
            .iter()
            .any(|file| file.requirement_id.as_deref() == Some(document.id.as_str()));
        if satisfied {
            continue;
        }
        let picked = picks
            .iter()
            .find(|(requirement, _)| *requirement == document.id.as_str())
            .map(|(_, document_id)| *document_id);
        let held_of_kind = || {
            let kind = document.wallet_kind.as_ref()?;
            wallet
                .iter()
                .find(|held| &held.kind == kind)
                .map(|held| held.id)
        };
        if let Some(document_id) = picked.or_else(held_of_kind) {
            wallet_refs.push(AttachmentRef::Wallet {
                document_id,
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

/// The wallet documents the person picked, each with the required document it is for (the
/// one it names, else the first of its kind not picked yet). A pick that cannot stand is an
/// error on `attachments[i]`, counted after the `files_before` files.
fn picked_documents<'p>(
    procedure: &'p Procedure,
    picked_wallet: &[(Uuid, Option<String>)],
    wallet: &[HeldDocument],
    files_before: usize,
    errors: &mut Vec<FieldError>,
) -> Vec<(&'p str, Uuid)> {
    let mut picks: Vec<(&str, Uuid)> = Vec::new();
    for (index, (document_id, requirement)) in picked_wallet.iter().enumerate() {
        let field = format!("attachments[{}]", files_before + index);
        let Some(held) = wallet.iter().find(|held| held.id == *document_id) else {
            errors.push(FieldError::new(field, FieldProblemCode::DocumentNotYours));
            continue;
        };
        let of_its_kind = |required: &&RequiredDocument| {
            required.wallet_kind.as_deref() == Some(held.kind.as_str())
        };
        let target = match requirement {
            Some(id) => procedure
                .required_documents
                .iter()
                .find(|required| &required.id == id),
            None => procedure.required_documents.iter().find(|required| {
                of_its_kind(required) && !picks.iter().any(|(taken, _)| *taken == required.id)
            }),
        };
        match target {
            None => errors.push(FieldError::new(field, FieldProblemCode::RequirementUnknown)),
            Some(required) if !of_its_kind(&required) => {
                errors.push(FieldError::new(
                    field,
                    FieldProblemCode::DocumentKindInvalid,
                ));
            }
            Some(required) => picks.push((required.id.as_str(), held.id)),
        }
    }
    picks
}
