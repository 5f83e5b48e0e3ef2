//! The catalog of procedures (`GET /v1/procedures`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::LocalizedText;

/// How far a procedure can be done online (the national portal's levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Filed and paid online end to end ("toàn trình").
    Full,
    /// Filed online, but some step needs the citizen in person ("một phần").
    Partial,
}

/// A fee, in Vietnamese đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Fee {
    pub label: LocalizedText,
    /// Fee at the counter, VND.
    pub amount: u64,
    /// Fee when filed online, VND, where it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub online_amount: Option<u64>,
}

/// Processing time in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProcessingDays {
    /// Working days when filed at the counter.
    pub in_person: u32,
    /// Working days when filed online (after the city's reduction where the procedure allows it).
    pub online: u32,
}

/// A document the procedure needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RequiredDocument {
    pub id: String,
    pub name: LocalizedText,
    pub required: bool,
    /// A wallet document kind that satisfies this requirement without an upload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub wallet_kind: Option<String>,
}

/// Kind of a form field; the portal validates values by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    /// `YYYY-MM-DD`.
    Date,
    /// Decimal digits.
    Number,
    /// 12-digit personal identification number.
    IdNumber,
    /// Vietnamese phone number.
    Phone,
    /// E-mail address.
    Email,
    /// One of `options`.
    Select,
}

/// One option of a select field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldOption {
    pub value: String,
    pub label: LocalizedText,
}

/// A field of the procedure's application form. Form values travel as strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FormField {
    pub id: String,
    pub label: LocalizedText,
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FieldOption>,
    /// Where the app pre-fills the value from: `profile.fullName`, `profile.birthDate`,
    /// `profile.idNumber`, `profile.phone`, `profile.address`, or `document.{kind}.number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub prefill: Option<String>,
    /// Longest accepted value, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub max_length: Option<u32>,
}

/// Delivery options of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOptions {
    /// Collect at the one-stop counter.
    pub counter: bool,
    /// Receive by public postal service.
    pub post: bool,
    /// Postal fee, VND.
    pub post_fee: u64,
    /// Part of the postal fee the city pays, VND.
    pub post_subsidy: u64,
}

/// A procedure of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Procedure {
    /// Stable id used by the app, e.g. `id-card-renewal`.
    pub id: String,
    /// The national procedure code, e.g. `1.001612`.
    pub code: String,
    pub name: LocalizedText,
    /// The agency that decides applications of this procedure, as people know it.
    pub agency: LocalizedText,
    /// The stable id of that agency, e.g. `da-nang-police`: an officer handles only the
    /// applications of procedures whose `agencyId` is the officer's agency. Empty in a catalog
    /// cached before the portal served it.
    #[serde(default)]
    pub agency_id: String,
    /// Field of administration (`identity`, `civil_status`, `residence`, `transport`, …).
    pub sector: String,
    pub online_level: OnlineLevel,
    pub fees: Vec<Fee>,
    pub processing_days: ProcessingDays,
    pub required_documents: Vec<RequiredDocument>,
    pub form_fields: Vec<FormField>,
    pub delivery: DeliveryOptions,
    /// Extra search words (abbreviations, old names) in any language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

/// `GET /v1/procedures`. Served with an `ETag`; `If-None-Match` with it answers 304.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    /// Changes whenever the catalog changes; equals the ETag without quotes.
    pub version: String,
    pub items: Vec<Procedure>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_procedure_cached_before_agency_ids_still_reads() {
        let cached = r#"{"id": "passport-issuance", "code": "1.001456",
            "name": {"vi": "Cấp hộ chiếu", "en": "Passport"},
            "agency": {"vi": "Công an", "en": "Police"}, "sector": "identity",
            "onlineLevel": "full", "fees": [], "processingDays": {"inPerson": 8, "online": 8},
            "requiredDocuments": [], "formFields": [],
            "delivery": {"counter": true, "post": false, "postFee": 0, "postSubsidy": 0}}"#;
        let procedure: Procedure =
            serde_json::from_str(cached).expect("a catalog cached by an older app still reads");
        assert_eq!(
            procedure.agency_id, "",
            "an unknown agency id reads as empty"
        );
    }
}
