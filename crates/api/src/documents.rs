//! The citizen's profile and document wallet, from the city's data warehouse
//! ("declared once, used many times") and from what the citizen adds.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::notifications::DocumentReminders;

/// A street address in the two-tier system in force since 1 July 2025:
/// province/city, then commune-level unit (ward, commune or special zone), then street and house.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Province or centrally-run city code, e.g. `48` for Da Nang.
    pub province_code: String,
    /// Commune-level unit code from `GET /v1/admin-units`.
    pub unit_code: String,
    /// House number and street, hamlet or group.
    pub street: String,
}

/// `GET /v1/me`: the signed-in citizen (or the citizen of an assisted session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[schema(pattern = "^[0-9]{12}$")]
    pub id_number: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    /// `male`, `female` or `other`.
    pub gender: String,
    /// Registered phone, as `+84…`.
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub email: Option<String>,
    /// The permanent address (*nơi thường trú*).
    pub address: Address,
    /// Where the citizen lives now (*nơi ở hiện tại*), when it is not the permanent address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub current_address: Option<Address>,
    /// Preferred language for notices: `vi`, `en` or `id`.
    pub language: String,
    pub updated_at: DateTime<FixedOffset>,
}

/// The profile fields only the identity registry changes (VNeID or the commune police):
/// `PATCH /v1/me` refuses each with `field-read-only`.
pub const IDENTITY_FIELDS: [&str; 4] = ["idNumber", "fullName", "birthDate", "gender"];

/// A contact a confirmation code is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// The phone, which is also the one the sign-in codes go to.
    Phone,
    Email,
}

/// `POST /v1/me/contact-codes`: send a code confirming a new phone or e-mail to that new
/// value; for a new phone, a second code goes to the phone in the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactCodeRequest {
    pub kind: ContactKind,
    /// The new phone (`0…` or `+84…`) or e-mail address.
    pub value: String,
}

/// Answer to [`ContactCodeRequest`] (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactCodesSent {
    /// Seconds the codes stay valid.
    pub expires_in: u32,
    /// Whether a second code went to the phone in the profile (a phone change), which
    /// [`ContactChange::old_phone_code`] must carry.
    pub old_phone_code_sent: bool,
}

/// A new phone or e-mail with the code sent to it by `POST /v1/me/contact-codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactChange {
    pub value: String,
    /// The code sent to the new value.
    pub code: String,
    /// For a new phone: the code sent to the phone in the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub old_phone_code: Option<String>,
}

/// `PATCH /v1/me`: only the fields that change. Identity fields ([`IDENTITY_FIELDS`]) are
/// refused with `field-read-only`; any other field not named here is refused too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfilePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub phone: Option<ContactChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub email: Option<ContactChange>,
    /// The permanent address; its unit is a commune-level unit of `GET /v1/admin-units`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<Address>,
    /// The current address, where it is not the permanent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub current_address: Option<Address>,
    /// `vi`, `en` or `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub language: Option<String>,
}

impl ProfilePatch {
    /// The wire names of the fields this patch changes, in the contract's order.
    pub fn field_names(&self) -> Vec<&'static str> {
        [
            ("phone", self.phone.is_some()),
            ("email", self.email.is_some()),
            ("address", self.address.is_some()),
            ("currentAddress", self.current_address.is_some()),
            ("language", self.language.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
    }
}

/// Where a document record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DocumentSource {
    /// The city's digital data warehouse.
    Warehouse,
    /// Added by the citizen.
    Citizen,
}

/// A document in the wallet. `kind` is an open set (`id_card`, `passport`,
/// `driving_licence`, `temporary_residence`, `health_insurance`, `vehicle_inspection`, …):
/// the app's renewal rules table says how each kind's validity is computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: Uuid,
    pub kind: String,
    /// The document's number as printed.
    pub number: String,
    pub issued_on: NaiveDate,
    /// The expiry printed on the document, if it has one. For ID cards the real expiry follows
    /// from the holder's age; the app computes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_on: Option<NaiveDate>,
    /// The issuing authority.
    pub issuer: String,
    /// Driving licence classes (`A1`, `B`, `C1`, …); empty for other kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    pub source: DocumentSource,
    pub updated_at: DateTime<FixedOffset>,
    /// The citizen's choice for this document's renewal reminders
    /// (`PUT /v1/me/documents/{id}/reminders`), so every device follows it; absent while
    /// reminders are on.
    #[serde(default, skip_serializing_if = "DocumentReminders::is_default")]
    #[cfg_attr(feature = "ts", ts(as = "Option<DocumentReminders>", optional))]
    pub reminders: DocumentReminders,
}

/// The kinds a resident may add by hand (`POST /v1/documents`): those of the app's renewal
/// rules table and the other papers the app names. The warehouse may hold other kinds.
pub const DOCUMENT_KINDS: [&str; 16] = [
    "id_card",
    "passport",
    "driving_licence",
    "temporary_residence",
    "health_insurance",
    "vehicle_inspection",
    "vehicle_registration",
    "residence_card_foreigner",
    "food_safety_certificate",
    "birth_certificate",
    "marriage_certificate",
    "land_certificate",
    "construction_permit",
    "household_business",
    "health_certificate",
    "social_insurance",
];

/// The longest number or issuer of a hand-added document, in characters.
pub const MAX_DOCUMENT_TEXT: usize = 200;

/// `POST /v1/documents` (with an `Idempotency-Key`): a document the resident adds to their own
/// wallet by hand. The portal answers 201 with the stored [`Document`] (its own `id`, source
/// `citizen`), and sync brings it to the resident's other devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDocument {
    /// One of [`DOCUMENT_KINDS`].
    pub kind: String,
    /// The number as printed, at most [`MAX_DOCUMENT_TEXT`] characters.
    pub number: String,
    /// Not after today (Vietnamese date).
    pub issued_on: NaiveDate,
    /// After `issuedOn`, when the document prints an expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_on: Option<NaiveDate>,
    /// The issuing authority, at most [`MAX_DOCUMENT_TEXT`] characters.
    pub issuer: String,
    /// Driving licence classes (at most 20, each at most 8 characters); empty for other kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
}

/// `GET /v1/documents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DocumentList {
    pub items: Vec<Document>,
}
