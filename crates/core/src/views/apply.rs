//! The apply screens: a draft as the UI holds it, the files picked for it, and follow-ups on
//! an application.

use opendvc_api::{
    AttachmentRef, DeliveryChoice, FeeCase, FieldError, FieldProblemCode, NewApplication,
    NewSupplement, Quote, Rating, WithdrawRequest,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::drafts::SubmissionDraft;
use crate::queue::FollowUp;

/// Picked files (`sha256:` ids) each with the required document it satisfies.
pub type Picked = Vec<(String, Option<String>)>;

/// `Draft`: an application being prepared; `start_renewal` returns one pre-filled, and
/// `submit` takes one back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Draft"))]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    #[serde(flatten)]
    pub application: opendvc_api::NewApplication,
    /// The wallet document a renewal draft renews, for the UI's own pages. The draft also
    /// carries it in `attachments`, which is what `submit` attaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub renews_document_id: Option<Uuid>,
    /// The saved draft (`save_draft`) this is; submitting it removes that draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub draft_id: Option<Uuid>,
}

impl DraftView {
    /// The core's draft of what the UI sent. Uploads are the files picked in the app
    /// (`OpenDvc::stage_picked_file`); the wallet documents the person picked are kept, so the
    /// one picked is the one attached (a required document with none picked gets the
    /// wallet's first of its kind when the draft is checked).
    pub fn into_submission(self) -> SubmissionDraft {
        let (picked, kept) = split_attachments(self.application.attachments);
        let wallet = kept
            .into_iter()
            .filter_map(|reference| match reference {
                AttachmentRef::Wallet {
                    document_id,
                    requirement_id,
                } => Some((document_id, requirement_id)),
                AttachmentRef::Upload { .. } => None,
            })
            .collect();
        SubmissionDraft {
            procedure_id: self.application.procedure_id,
            form: self.application.form,
            files: Vec::new(),
            picked,
            wallet,
            delivery: self.application.delivery,
            fee_case: self.application.fee_case,
        }
    }

    /// A renewal draft of `document_id`, as `start_renewal` hands it to the UI.
    pub fn renewal(draft: SubmissionDraft, document_id: Uuid) -> DraftView {
        DraftView {
            application: NewApplication {
                procedure_id: draft.procedure_id,
                form: draft.form,
                attachments: draft
                    .wallet
                    .into_iter()
                    .map(|(document_id, requirement_id)| AttachmentRef::Wallet {
                        document_id,
                        requirement_id,
                    })
                    .collect(),
                delivery: draft.delivery,
                fee_case: draft.fee_case,
            },
            renews_document_id: Some(document_id),
            draft_id: None,
        }
    }
}

/// `Prefill`: the values a procedure's form starts with. `filled` come from what the city holds
/// (profile, addresses with their unit, wallet documents) and are put in the form; `offered`
/// are the person's previous answers of the same kind, which the UI offers and the person
/// takes or not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Prefill"))]
#[serde(rename_all = "camelCase")]
pub struct PrefillView {
    pub filled: std::collections::BTreeMap<String, String>,
    pub offered: std::collections::BTreeMap<String, String>,
}

/// `FollowUp` of the UI: a follow-up on an application, sent through the queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FollowUp"))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FollowUpInput {
    Supplement { supplement: NewSupplement },
    DeliveryChange { delivery: DeliveryChoice },
    Withdrawal { withdraw: WithdrawRequest },
    Rating { rating: Rating },
}

impl FollowUpInput {
    /// The queue's follow-up, and the files picked in the app that go with it.
    pub fn into_follow_up(self) -> (FollowUp, Picked) {
        match self {
            FollowUpInput::Supplement { mut supplement } => {
                let (picked, kept) = split_attachments(supplement.attachments);
                supplement.attachments = kept;
                (FollowUp::Supplement(supplement), picked)
            }
            FollowUpInput::DeliveryChange { delivery } => {
                (FollowUp::DeliveryChange(delivery), Vec::new())
            }
            FollowUpInput::Withdrawal { withdraw } => (FollowUp::Withdraw(withdraw), Vec::new()),
            FollowUpInput::Rating { rating } => (FollowUp::Rating(rating), Vec::new()),
        }
    }
}

/// Splits attachment references into the picked files the core holds (uploads, by their
/// `sha256:` id) and the references passed on as they are (wallet documents).
fn split_attachments(refs: Vec<AttachmentRef>) -> (Picked, Vec<AttachmentRef>) {
    let mut picked = Vec::new();
    let mut kept = Vec::new();
    for reference in refs {
        match reference {
            AttachmentRef::Upload {
                attachment_id,
                requirement_id,
            } => picked.push((attachment_id, requirement_id)),
            wallet => kept.push(wallet),
        }
    }
    (picked, kept)
}

/// A file the person picked, copied by the core into its content-addressed store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "StagedAttachment"))]
#[serde(rename_all = "camelCase")]
pub struct StagedView {
    /// `sha256:{hex}`, the same id the portal will give it.
    pub attachment_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

/// `stage_attachment`: a file the person picked, as the UI sends it (its bytes in base64).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickedUpload {
    pub file_name: String,
    pub content_type: String,
    pub base64: String,
}

/// `check_field`: one value checked by its field kind as the person types, by the rules the
/// core and the portal share (`opendvc_rules::fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldCheck {
    pub valid: bool,
    /// The value as it would be kept (trimmed; an ID number without spaces, a phone as
    /// `+84…`), when it is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub normalized: Option<String>,
    /// What is wrong, when it is not: a Fluent id of `fields.ftl`, taking the field's `label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub problem: Option<FieldProblemCode>,
}

impl From<Result<String, FieldProblemCode>> for FieldCheck {
    fn from(checked: Result<String, FieldProblemCode>) -> Self {
        match checked {
            Ok(kept) => FieldCheck {
                valid: true,
                normalized: Some(kept),
                problem: None,
            },
            Err(code) => FieldCheck {
                valid: false,
                normalized: None,
                problem: Some(code),
            },
        }
    }
}

/// `quote_fee`: what a draft costs, computed offline from the cached catalog by the shared fee
/// computation (`opendvc_rules::fees`), the one the portal charges with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeeQuoteView {
    /// The fee lines and the total; absent while the case must be chosen or an answer the
    /// fee depends on is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub quote: Option<Quote>,
    /// The fee cases to choose from, when the form does not decide which applies.
    pub choices: Vec<FeeCase>,
    /// What else keeps the fee from being computed (each a field and a Fluent id).
    pub problems: Vec<FieldError>,
}

/// `check_draft`: a field of a draft and what is wrong with it (a Fluent id of `fields.ftl`).
pub use opendvc_rules::FieldProblem;
