//! The fee model of a procedure, as data (`feeCases`, `feeCaseField`, `feeAddOns`,
//! `feePerUnit`, `feeExemptions` of [`crate::Procedure`]; postage in
//! [`crate::DeliveryOptions`]), and the quote computed from it
//! (`POST /v1/procedures/{id}/quote`, whose request is `crate::QuoteRequest`). The one computation lives in `opendvc_rules::fees`.
//!
//! Exactly one fee case applies to an application: the cases of a procedure are alternatives
//! (new or replacement), never parts of a sum. What is added to the case is an add-on.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::LocalizedText;

/// One fee case of a procedure: exactly one applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeeCase {
    /// Stable id within the procedure, e.g. `new`, `lost-or-damaged`.
    pub id: String,
    pub label: LocalizedText,
    /// Fee at the counter, VND.
    pub amount: u64,
    /// Fee when filed online, VND, where the online reduction still applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub online_amount: Option<u64>,
    /// The amount is invented or not verified for the city ("giá trị minh họa").
    #[serde(default)]
    pub illustrative: bool,
}

/// One answer of the case field and the case it selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeeCaseOption {
    /// The form field's option value.
    pub value: String,
    /// The fee case's id.
    pub case: String,
}

/// How the form's answers select the fee case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum FeeCaseField {
    /// A select field's answer names the case.
    #[serde(rename_all = "camelCase")]
    Select {
        field: String,
        options: Vec<FeeCaseOption>,
        /// The case when the (optional) field is not answered: the standard fee.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        unanswered: Option<String>,
    },
    /// A number field: below `below` selects `belowCase`, otherwise `otherwiseCase`
    /// (e.g. meals a day for the food-safety certificate).
    #[serde(rename_all = "camelCase")]
    Threshold {
        field: String,
        below: u64,
        below_case: String,
        otherwise_case: String,
    },
    /// A date field: registered within `withinDays` days of it selects `onTimeCase`, later
    /// `lateCase` (e.g. birth registration within 60 days is free).
    #[serde(rename_all = "camelCase")]
    Deadline {
        field: String,
        within_days: u32,
        on_time_case: String,
        late_case: String,
    },
}

impl FeeCaseField {
    /// The form field whose answer selects the case.
    pub fn field(&self) -> &str {
        match self {
            FeeCaseField::Select { field, .. }
            | FeeCaseField::Threshold { field, .. }
            | FeeCaseField::Deadline { field, .. } => field,
        }
    }
}

/// What a fee or a postage is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeeUnit {
    Copy,
    Page,
    Certificate,
    Month,
    Registration,
    Item,
}

/// Something added to the fee case: extra copies, a publication fee, express handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeeAddOn {
    pub id: String,
    pub label: LocalizedText,
    /// Amount per unit, VND.
    pub amount: u64,
    pub unit: FeeUnit,
    /// The form field giving the number of units; without it the add-on counts one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub quantity_field: Option<String>,
    /// Units included in the case before the add-on starts counting (the first two judicial
    /// record certificates).
    #[serde(default)]
    pub free_units: u32,
    /// Most units charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub max_units: Option<u32>,
    /// Always added (a publication fee the law requires). An add-on that is not always added
    /// counts only the units its `quantityField` gives.
    #[serde(default)]
    pub always: bool,
    #[serde(default)]
    pub illustrative: bool,
}

/// The whole fee (case and add-ons) is charged once per unit a form field counts: per copy of
/// a certification, per month of household health insurance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeePerUnit {
    pub field: String,
    pub unit: FeeUnit,
    /// Most charged for one unit (200,000 per certified copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cap: Option<FeeCap>,
}

/// The most charged for one unit, and the label of the line that takes off the excess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeeCap {
    /// VND per unit.
    pub amount: u64,
    pub label: LocalizedText,
}

/// The part of the postage the city pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PostageSubsidy {
    /// Percent of the postage.
    pub percent: u8,
    pub label: LocalizedText,
    #[serde(default)]
    pub illustrative: bool,
}

/// When an exemption applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum FeeExemptionRule {
    /// The person is younger than `years` on the day of the quote. `from` is a date field of
    /// the form or `profile.birthDate` (the applicant's birth date).
    #[serde(rename_all = "camelCase")]
    AgeBelow { years: u32, from: String },
    /// The person is `years` old or older on the day of the quote.
    #[serde(rename_all = "camelCase")]
    AgeAtLeast { years: u32, from: String },
    /// A form field's answer is one of `values` (a declared group, checked by the officer
    /// against the proof).
    #[serde(rename_all = "camelCase")]
    FieldIn { field: String, values: Vec<String> },
}

/// An exemption or reduction of the fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeeExemption {
    pub id: String,
    pub label: LocalizedText,
    pub when: FeeExemptionRule,
    /// Percent of the fee (case and add-ons) still due: 0 exempts it.
    pub percent_due: u8,
    #[serde(default)]
    pub illustrative: bool,
}

/// The postage of one delivery zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PostageZone {
    /// `in-city`, `elsewhere-vn`.
    pub id: String,
    pub label: LocalizedText,
    /// Province codes of the delivery address in this zone; empty: every province no other
    /// zone names.
    #[serde(default)]
    pub province_codes: Vec<String>,
    /// Postage of the first item, VND.
    pub first_item: u64,
    /// Postage of each further item in the same parcel, VND.
    pub additional_item: u64,
    #[serde(default)]
    pub illustrative: bool,
}

/// What the kind of a quote line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum QuoteLineKind {
    /// The fee case.
    Case,
    AddOn,
    /// An exemption, a reduction or a cap (a negative amount).
    Exemption,
    Postage,
    /// The part of the postage the city pays (a negative amount).
    PostageSubsidy,
}

/// One line of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QuoteLine {
    pub kind: QuoteLineKind,
    /// The case, add-on, exemption or postage zone id.
    pub id: String,
    pub label: LocalizedText,
    /// Units counted (copies, months, items); 1 for a flat amount.
    pub quantity: u32,
    /// VND; negative for an exemption or a subsidy.
    pub amount: i64,
    /// The amount is invented or not verified for the city ("giá trị minh họa").
    #[serde(default)]
    pub illustrative: bool,
}

/// A computed fee: the lines and what the citizen pays in total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// The fee case that applies.
    pub fee_case: String,
    pub lines: Vec<QuoteLine>,
    /// The procedure's fee after exemptions, VND (without postage).
    pub fee: u64,
    /// The postage the citizen pays, VND.
    pub postage: u64,
    /// `fee` + `postage`, VND.
    pub total: u64,
}
