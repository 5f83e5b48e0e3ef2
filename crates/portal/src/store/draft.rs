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

/// A new application, complete except for its code, which the store assigns.
#[derive(Debug, Clone)]
pub struct ApplicationDraft {
    pub id: Uuid,
    pub citizen_id: Uuid,
    /// Local date the code's per-day sequence counts in.
    pub code_prefix: String,
    pub procedure_id: String,
    pub procedure_name: opendvc_api::LocalizedText,
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
    /// The first timeline entry (received).
    pub first_entry_actor: Actor,
    pub first_entry_note: Option<String>,
    /// The access log entry of a submission made by staff, written in the same transaction
    /// (the store names the application by its code).
    pub access: Option<AccessEntry>,
}

impl ApplicationDraft {
    /// The application this draft became once stored under `code`.
    pub fn into_application(self, code: String) -> Application {
        Application {
            id: self.id,
            code,
            procedure_id: self.procedure_id,
            procedure_name: self.procedure_name,
            status: ApplicationStatus::Received,
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
                status: ApplicationStatus::Received,
                at: self.submitted_at,
                actor: self.first_entry_actor,
                note: self.first_entry_note,
            }],
            supplements: Vec::new(),
            rating: None,
            updated_at: self.submitted_at,
        }
    }
}
