//! Applications: submission, the timeline, delivery and follow-ups.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{Address, LocalizedText, StaffKind};

/// Status of an application on the portal. "Overdue" is not a status: it is derived from
/// `dueAt` for applications that are not finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Chờ thanh toán: the procedure is paid before processing starts
    /// (`payBeforeProcessing`); the application moves to `received` when paid.
    AwaitingPayment,
    /// Mới tiếp nhận.
    Received,
    /// Đang xử lý.
    Processing,
    /// Chờ bổ sung: the citizen must send more documents or information.
    SupplementRequested,
    /// Đã có kết quả: the result is ready.
    Completed,
    /// Đã trả kết quả: the result was collected or delivered.
    HandedOver,
    /// Từ chối.
    Rejected,
    /// Đã rút: withdrawn by the citizen.
    Withdrawn,
    /// A status this client does not know yet (a newer portal). Never sent by a portal.
    #[serde(other)]
    Unknown,
}

impl ApplicationStatus {
    /// All statuses a portal sends.
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::AwaitingPayment,
        ApplicationStatus::Received,
        ApplicationStatus::Processing,
        ApplicationStatus::SupplementRequested,
        ApplicationStatus::Completed,
        ApplicationStatus::HandedOver,
        ApplicationStatus::Rejected,
        ApplicationStatus::Withdrawn,
    ];

    /// The snake_case wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::AwaitingPayment => "awaiting_payment",
            ApplicationStatus::Received => "received",
            ApplicationStatus::Processing => "processing",
            ApplicationStatus::SupplementRequested => "supplement_requested",
            ApplicationStatus::Completed => "completed",
            ApplicationStatus::HandedOver => "handed_over",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Withdrawn => "withdrawn",
            ApplicationStatus::Unknown => "unknown",
        }
    }

    /// Parses the wire form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Whether the city's work on the application is over (no due date applies any more).
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Completed
                | ApplicationStatus::HandedOver
                | ApplicationStatus::Rejected
                | ApplicationStatus::Withdrawn
        )
    }

    /// Whether the citizen can still change how the result is delivered.
    pub fn allows_delivery_change(self) -> bool {
        matches!(
            self,
            ApplicationStatus::AwaitingPayment
                | ApplicationStatus::Received
                | ApplicationStatus::Processing
                | ApplicationStatus::SupplementRequested
                | ApplicationStatus::Completed
        )
    }

    /// Whether the citizen can still withdraw the application.
    pub fn allows_withdrawal(self) -> bool {
        matches!(
            self,
            ApplicationStatus::AwaitingPayment
                | ApplicationStatus::Received
                | ApplicationStatus::Processing
                | ApplicationStatus::SupplementRequested
        )
    }
}

/// How the result reaches the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// Collect at the one-stop counter.
    Counter,
    /// Receive by public postal service at an address.
    Post,
}

/// Where a postal delivery goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAddress {
    pub recipient_name: String,
    /// Phone the postman calls, `+84…` or `0…`.
    pub phone: String,
    #[serde(flatten)]
    pub address: Address,
}

/// The delivery choice, in a submission or a delivery change
/// (`PUT /v1/applications/{id}/delivery`). `address` is required for `post`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryChoice {
    pub method: DeliveryMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<DeliveryAddress>,
}

/// State of a postal delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for the result, or being packed.
    Preparing,
    /// Handed to the postal service; see `trackingNumber`.
    Dispatched,
    /// Delivered to the recipient.
    Delivered,
    /// Could not be delivered and came back to the agency.
    ReturnedToSender,
    /// A state this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// The delivery of an application's result, with what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub method: DeliveryMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<DeliveryAddress>,
    /// Postal fee, VND (0 for the counter).
    pub fee: u64,
    /// Part of the fee the city pays, VND.
    pub subsidy: u64,
    /// What the citizen pays on delivery, VND.
    pub payable: u64,
    /// Postal delivery state; absent for the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub state: Option<DeliveryState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tracking_number: Option<String>,
}

/// A file attached to an application: an upload (`POST /v1/attachments`) or a wallet document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "source",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum AttachmentRef {
    /// An uploaded file, by the id `POST /v1/attachments` returned.
    // utoipa ignores `rename_all_fields`; the variant-level rename keeps the schema camelCase.
    #[serde(rename_all = "camelCase")]
    Upload {
        /// `sha256:{hex}`.
        attachment_id: String,
        /// The required document of the procedure it satisfies, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        requirement_id: Option<String>,
    },
    /// A document from the wallet; no upload needed ("declared once, used many times").
    #[serde(rename_all = "camelCase")]
    Wallet {
        document_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        requirement_id: Option<String>,
    },
}

/// `POST /v1/applications` (requires `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewApplication {
    pub procedure_id: String,
    /// Field id → value, as strings; validated against the procedure's form fields.
    pub form: BTreeMap<String, String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
    pub delivery: DeliveryChoice,
    /// The fee case the citizen chose (`feeCases[].id`), where the form's answers do not
    /// select one; the portal charges the case the form selects, and refuses a choice that
    /// contradicts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fee_case: Option<String>,
}

/// Who did something on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Citizen,
    /// A DVC agent or volunteer acting for the citizen in an assisted session.
    Staff,
    Officer,
    /// The portal itself (e.g. automatic receipt).
    System,
}

/// The actor of a timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub kind: ActorKind,
    /// Display name: the officer's agency, the staff member's name, or empty for the citizen.
    pub name: String,
    /// Staff or officer code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub code: Option<String>,
    /// The post office or outreach event of a staff member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub venue: Option<String>,
}

/// One entry of an application's timeline. The timeline is append-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// Position in the timeline, from 1.
    pub seq: u32,
    pub status: ApplicationStatus,
    pub at: DateTime<FixedOffset>,
    pub actor: Actor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
}

/// A supplement the citizen sent after a request for more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Supplement {
    pub id: Uuid,
    pub at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// `POST /v1/applications/{id}/supplements` (requires `Idempotency-Key`). Allowed while the
/// status is `supplement_requested`; moves the application back to `processing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewSupplement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// `POST /v1/applications/{id}/withdraw` (requires `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WithdrawRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reason: Option<String>,
}

/// `POST /v1/applications/{id}/rating` (requires `Idempotency-Key`); allowed once the result
/// is ready. A later rating replaces the earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    /// 1 to 5.
    #[schema(minimum = 1, maximum = 5)]
    pub stars: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub comment: Option<String>,
}

/// How the application reached the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// By the citizen, online.
    Online,
    /// By a staff member in an assisted session.
    Assisted,
    /// On paper at the agency's counter, entered by an officer (`POST /v1/officer/applications`).
    Counter,
    /// A channel this client does not know yet. Never sent by a portal.
    #[serde(other)]
    Unknown,
}

/// The staff member who submitted for the citizen, for assisted submissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SubmittedBy {
    pub staff_code: String,
    pub staff_kind: StaffKind,
    pub venue: String,
}

/// An application with its timeline (`GET /v1/applications/{id}`, and the answer of every
/// state-changing request on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: Uuid,
    /// The application code printed on receipts (mã hồ sơ), e.g. `000.17.48.H17-261129-0001`.
    pub code: String,
    pub procedure_id: String,
    pub procedure_name: LocalizedText,
    pub status: ApplicationStatus,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub submitted_by: Option<SubmittedBy>,
    pub submitted_at: DateTime<FixedOffset>,
    /// End of the last working day for processing (17:00 local time).
    pub due_at: DateTime<FixedOffset>,
    /// Working days granted: the procedure's days, reduced for online submission.
    pub processing_days: u32,
    pub form: BTreeMap<String, String>,
    pub attachments: Vec<AttachmentRef>,
    pub delivery: Delivery,
    /// Total procedure fee, VND (postage is in `delivery`).
    pub fee: u64,
    /// The lines of the fee charged: the case, add-ons and exemptions of the shared fee
    /// computation (postage is in `delivery`). Empty for applications recorded before.
    #[serde(default)]
    pub fee_lines: Vec<crate::QuoteLine>,
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub supplements: Vec<Supplement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rating: Option<Rating>,
    /// Set once the application is overdue: the agency the operations centre warned, when,
    /// and how the citizen reaches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub late_warning: Option<crate::LateWarning>,
    pub updated_at: DateTime<FixedOffset>,
}

/// `GET /v1/applications`: the caller's applications, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationList {
    pub items: Vec<Application>,
}

/// `POST /v1/attachments` answer: the stored file. Uploading the same bytes again returns the
/// same attachment (200 instead of 201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// `sha256:{hex}` of the content.
    pub id: String,
    pub size: u64,
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub file_name: Option<String>,
    pub uploaded_at: DateTime<FixedOffset>,
}

/// A change to a postal delivery made by the officer side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryUpdate {
    pub state: DeliveryState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tracking_number: Option<String>,
}

/// `POST /v1/officer/applications/{id}/transition` (officer token): move the application to a
/// new status, and/or update its postal delivery. At least one of `to` and `delivery`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TransitionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub to: Option<ApplicationStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub delivery: Option<DeliveryUpdate>,
    /// Shown to the citizen in the timeline (e.g. what to supplement, why rejected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_wire_names_round_trip() {
        for status in ApplicationStatus::ALL {
            let json = serde_json::to_string(&status).expect("serialises");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(ApplicationStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn unknown_status_from_a_newer_portal_is_tolerated() {
        let status: ApplicationStatus =
            serde_json::from_str("\"on_hold\"").expect("unknown status tolerated");
        assert_eq!(status, ApplicationStatus::Unknown);
    }

    #[test]
    fn delivery_address_is_flat_on_the_wire() {
        let choice: DeliveryChoice = serde_json::from_str(
            r#"{"method":"post","address":{"recipientName":"A","phone":"0905000000",
                "provinceCode":"48","unitCode":"20194","street":"1 Bach Dang"}}"#,
        )
        .expect("flat address parses");
        let address = choice.address.expect("address present");
        assert_eq!(address.address.unit_code, "20194");
    }

    #[test]
    fn attachment_refs_are_tagged_by_source() {
        let refs: Vec<AttachmentRef> = serde_json::from_str(
            r#"[{"source":"upload","attachmentId":"sha256:00"},
                {"source":"wallet","documentId":"0190b0a0-0000-7000-8000-000000000000"}]"#,
        )
        .expect("tagged refs parse");
        assert!(matches!(refs[0], AttachmentRef::Upload { .. }));
        assert!(matches!(refs[1], AttachmentRef::Wallet { .. }));
    }

    #[test]
    fn attachment_ref_schema_names_fields_in_camel_case() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_string(&AttachmentRef::schema()).expect("schema serialises");
        assert!(
            schema.contains("attachmentId") && schema.contains("documentId"),
            "{schema}"
        );
        assert!(!schema.contains("attachment_id"), "{schema}");
    }
}
