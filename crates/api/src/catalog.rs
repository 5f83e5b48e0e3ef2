//! The catalog of procedures (`GET /v1/procedures`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    DeliveryChoice, FeeAddOn, FeeCase, FeeCaseField, FeeExemption, FeePerUnit, LocalizedText,
    PostageSubsidy, PostageZone,
};

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
    /// Where the app pre-fills the value from: a profile field (`profile.fullName`,
    /// `profile.birthDate`, `profile.idNumber`, `profile.phone`, `profile.email`,
    /// `profile.gender`), an address with its unit (`address.permanent`, `address.current`;
    /// `profile.address` is the older name of the permanent one), a wallet document's field
    /// (`document.{kind}.number`, `.issuedOn`, `.expiresOn`, `.issuer`), or the person's
    /// previous answer of a field kind (`previous.{key}`, offered, never forced). The rules'
    /// `prefill` module reads it.
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
    /// Postage by the zone of the delivery address (the portal fills it from its postage
    /// table, `data/postage.json`).
    #[serde(default)]
    pub postage: Vec<PostageZone>,
    /// The part of the postage the city pays for this procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub postage_subsidy: Option<PostageSubsidy>,
    /// The form field counting the items sent (copies); without it, one item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub post_items_field: Option<String>,
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
    /// The fee cases: exactly one applies (empty in a catalog cached before fee cases).
    #[serde(default)]
    pub fee_cases: Vec<FeeCase>,
    /// How the form selects the case; without it (and with several cases) the citizen chooses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fee_case_field: Option<FeeCaseField>,
    /// Added to the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fee_add_ons: Vec<FeeAddOn>,
    /// The fee is charged per unit a form field counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fee_per_unit: Option<FeePerUnit>,
    /// Exemptions and reductions; the first that applies counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fee_exemptions: Vec<FeeExemption>,
    /// The fee is paid before processing starts: a new application waits in
    /// `awaiting_payment` until its payment is confirmed.
    #[serde(default)]
    pub pay_before_processing: bool,
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

/// `POST /v1/procedures/{id}/quote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QuoteRequest {
    /// Field id → value, as in a submission.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// The fee case the citizen chose, when the form does not decide it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fee_case: Option<String>,
    pub delivery: DeliveryChoice,
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
        assert!(
            procedure.fee_cases.is_empty() && procedure.delivery.postage.is_empty(),
            "a catalog cached before fee cases and postage zones reads with none"
        );
    }
}
