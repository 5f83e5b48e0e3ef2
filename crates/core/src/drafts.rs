//! What the person fills in before the core takes it: a new application, a document added to
//! the wallet by hand, feedback to the city. The façade checks a draft (`crate::validate`) and
//! only then turns it into a queue item or a wallet entry.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use opendvc_api::DeliveryChoice;
use uuid::Uuid;

/// A new application as the person filled it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionDraft {
    pub procedure_id: String,
    pub form: BTreeMap<String, String>,
    /// Files to attach, each with the required document it satisfies, if known.
    pub files: Vec<(PathBuf, Option<String>)>,
    /// Files picked in the app (`OpenDvc::stage_picked_file`) by their `sha256:` id, each
    /// with the required document it satisfies, if known.
    pub picked: Vec<(String, Option<String>)>,
    /// Wallet documents the person picked, by id, each with the required document it is
    /// for, if known. A required document with none picked gets the wallet's first of its
    /// kind.
    pub wallet: Vec<(Uuid, Option<String>)>,
    pub delivery: DeliveryChoice,
    /// The fee case the person chose, where the form does not select one.
    pub fee_case: Option<String>,
}

/// A document the person adds to the wallet by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentDraft {
    /// A kind of the renewal rules table (`passport`, `driving_licence`, …) or another
    /// lower-case name.
    pub kind: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub issuer: String,
    /// Driving licence classes; empty for other kinds.
    pub classes: Vec<String>,
}

impl DocumentDraft {
    /// The draft as the portal's `POST /v1/documents` takes it.
    pub fn to_new_document(&self) -> opendvc_api::NewDocument {
        opendvc_api::NewDocument {
            kind: self.kind.clone(),
            number: self.number.clone(),
            issued_on: self.issued_on,
            expires_on: self.expires_on,
            issuer: self.issuer.clone(),
            classes: self.classes.clone(),
        }
    }
}

/// What the resident filled in on the feedback form, before the façade checks it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedbackDraft {
    /// A service code of `GET /v1/feedback/services`.
    pub category: String,
    pub description: String,
    /// Photos, at most [`opendvc_api::MAX_FEEDBACK_PHOTOS`]; each is resized and re-encoded
    /// as JPEG before it is queued.
    pub photos: Vec<PickedPhoto>,
    pub place: Option<opendvc_api::FeedbackPlace>,
    pub application_id: Option<Uuid>,
}

/// A photo for feedback: a file on disk (the CLI), or the bytes the app's file picker read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickedPhoto {
    File(PathBuf),
    Bytes(Vec<u8>),
}
