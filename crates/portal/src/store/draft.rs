//! A new application before the store has given it its code, and the application it becomes:
//! built once here for both stores, exactly as `load_application` reads it back, so a
//! submission's answer needs no reads inside the writer's critical section.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    Actor, Application, ApplicationStatus, AttachmentRef, Channel, Delivery, SubmittedBy,
    TimelineEntry,
};
use uuid::Uuid;

use super::access::AccessEntry;
use super::notifications::NewNotice;

/// Composes the notices a new application causes once the store has given it its code; run
/// inside the transaction that inserts it, so they are written together.
pub type ComposeNotices = dyn Fn(&Application) -> Vec<NewNotice> + Send + Sync;

/// The notices of a new application (none by default).
#[derive(Clone, Default)]
pub struct NoticesOfNew(Option<std::sync::Arc<ComposeNotices>>);

impl NoticesOfNew {
    pub fn new(compose: impl Fn(&Application) -> Vec<NewNotice> + Send + Sync + 'static) -> Self {
        NoticesOfNew(Some(std::sync::Arc::new(compose)))
    }

    /// The notices of `application`, just given its code.
    pub fn compose(&self, application: &Application) -> Vec<NewNotice> {
        self.0
            .as_ref()
            .map(|compose| compose(application))
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for NoticesOfNew {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "NoticesOfNew(compose)"
        } else {
            "NoticesOfNew(none)"
        })
    }
}

/// A new application, complete except for its code, which the store assigns.
#[derive(Debug, Clone)]
pub struct ApplicationDraft {
    pub id: Uuid,
    pub citizen_id: Uuid,
    /// Local date the code's per-day sequence counts in.
    pub code_prefix: String,
    pub procedure_id: String,
    pub procedure_name: opendvc_api::LocalizedText,
    /// The applicant's commune-level unit (the profile's address unit; for a counter
    /// application the unit the officer entered): a commune-level agency's office of that
    /// unit handles it.
    pub unit_code: Option<String>,
    pub channel: Channel,
    pub submitted_by: Option<SubmittedBy>,
    pub submitted_at: DateTime<FixedOffset>,
    pub due_at: DateTime<FixedOffset>,
    pub processing_days: u32,
    pub form: BTreeMap<String, String>,
    pub attachments: Vec<AttachmentRef>,
    pub delivery: Delivery,
    pub fee: u64,
    /// The fee lines charged (the quote's lines, postage aside).
    pub fee_lines: Vec<opendvc_api::QuoteLine>,
    /// The first status: `received`, or `awaiting_payment` for a procedure paid before
    /// processing (`payBeforeProcessing`) filed online.
    pub first_status: ApplicationStatus,
    /// The first timeline entry's actor.
    pub first_entry_actor: Actor,
    pub first_entry_note: Option<String>,
    /// The access log entry of a submission made by staff, written in the same transaction
    /// (the store names the application by its code).
    pub access: Option<AccessEntry>,
    /// SMS and e-mail the submission causes, written in its transaction.
    pub notices: NoticesOfNew,
}

impl ApplicationDraft {
    /// The application this draft became once stored under `code`.
    pub fn into_application(self, code: String) -> Application {
        Application {
            id: self.id,
            code,
            procedure_id: self.procedure_id,
            procedure_name: self.procedure_name,
            status: self.first_status,
            channel: self.channel,
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            due_at: self.due_at,
            processing_days: self.processing_days,
            form: self.form,
            attachments: self.attachments,
            delivery: self.delivery,
            fee: self.fee,
            fee_lines: self.fee_lines,
            timeline: vec![TimelineEntry {
                seq: 1,
                status: self.first_status,
                at: self.submitted_at,
                actor: self.first_entry_actor,
                note: self.first_entry_note,
            }],
            supplements: Vec::new(),
            rating: None,
            late_warning: None,
            updated_at: self.submitted_at,
        }
    }
}

#[cfg(test)]
impl ApplicationDraft {
    /// A complete draft for the stores' own tests: an ID card renewal submitted at a post office.
    pub fn sample(citizen_id: Uuid, at: DateTime<FixedOffset>) -> ApplicationDraft {
        ApplicationDraft {
            id: Uuid::now_v7(),
            citizen_id,
            code_prefix: "000.00.48.H17-261127".into(),
            procedure_id: "id-card-renewal".into(),
            procedure_name: opendvc_api::LocalizedText {
                vi: "Cấp đổi thẻ căn cước".into(),
                en: "ID card renewal".into(),
                id: None,
            },
            unit_code: Some("20242".into()),
            channel: opendvc_api::Channel::Assisted,
            submitted_by: Some(opendvc_api::SubmittedBy {
                staff_code: "BD-HC-001".into(),
                staff_kind: opendvc_api::StaffKind::Agent,
                venue: "Bưu điện Hải Châu".into(),
            }),
            submitted_at: at,
            due_at: at,
            processing_days: 4,
            form: [("fullName".to_owned(), "Nguyễn Thị Lan".to_owned())].into(),
            attachments: Vec::new(),
            delivery: serde_json::from_value(serde_json::json!({
                "method": "counter", "fee": 0, "subsidy": 0, "payable": 0
            }))
            .expect("delivery parses"),
            fee: 50_000,
            fee_lines: serde_json::from_value(serde_json::json!([{
                "kind": "case", "id": "renewal", "label": {"vi": "Cấp đổi", "en": "Renewal"},
                "quantity": 1, "amount": 50_000
            }]))
            .expect("fee lines parse"),
            first_status: ApplicationStatus::Received,
            first_entry_actor: opendvc_api::Actor {
                kind: opendvc_api::ActorKind::Staff,
                name: "Phạm Thu Hà".into(),
                code: Some("BD-HC-001".into()),
                venue: Some("Bưu điện Hải Châu".into()),
            },
            first_entry_note: None,
            access: None,
            notices: NoticesOfNew::default(),
        }
    }
}

/// One entry of a seeded application's history after its first (received) entry: status,
/// time, actor and note.
pub type HistoryEntry = (
    ApplicationStatus,
    DateTime<FixedOffset>,
    Actor,
    Option<String>,
);

/// An application of the demo history (`serve --demo-history`): the draft, its timeline after
/// the first entry, and the citizen's rating.
#[derive(Debug, Clone)]
pub struct SeededApplication {
    pub draft: ApplicationDraft,
    pub history: Vec<HistoryEntry>,
    pub rating: Option<opendvc_api::Rating>,
}
