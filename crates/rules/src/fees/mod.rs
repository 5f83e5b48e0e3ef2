//! What an application costs: the one computation of a quote from a procedure's fee model
//! (`feeCases`, `feeCaseField`, `feeAddOns`, `feePerUnit`, `feeExemptions`) and its postage
//! zones. The portal charges with it, the app's core quotes with it offline from the cached
//! catalog, and the UI asks the core; nobody adds fee lines up anywhere else.
//!
//! Exactly one fee case applies: the form's answer selects it (`feeCaseField`), or the citizen
//! chooses it; a procedure with one case needs neither. Add-ons are added to the case, the
//! whole is charged per unit where `feePerUnit` says so (capped per unit), the first exemption
//! that holds reduces it, and postage by the delivery address's zone comes last, less the
//! city's subsidy. Amounts are whole VND; every sum is checked.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use opendvc_api::{
    Channel, DeliveryChoice, DeliveryMethod, FeeCase, FeeCaseField, FeeExemption, FeeExemptionRule,
    FieldError, FieldProblemCode, LocalizedText, Procedure, Quote, QuoteLine, QuoteLineKind,
};
use thiserror::Error;

mod model;

pub use model::fee_model_problems;

/// Where the applicant's birth date is named in `FeeExemptionRule::AgeBelow::from`.
pub const PROFILE_BIRTH_DATE: &str = "profile.birthDate";

/// How the application is filed: online filing pays a case's online amount where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    Online,
    Counter,
}

impl From<Channel> for Filing {
    /// The citizen, or a staff member for them, file online; a paper application entered by
    /// an officer at the counter (and a channel this build does not know) pays the counter fee.
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::Online | Channel::Assisted => Filing::Online,
            Channel::Counter | Channel::Unknown => Filing::Counter,
        }
    }
}

/// What a quote is computed from, besides the procedure.
#[derive(Debug, Clone, Copy)]
pub struct QuoteInput<'a> {
    /// The form's answers (field id → value).
    pub form: &'a BTreeMap<String, String>,
    /// The case the citizen chose, when the form does not decide it.
    pub fee_case: Option<&'a str>,
    /// The delivery; `None` quotes the fee alone.
    pub delivery: Option<&'a DeliveryChoice>,
    /// The applicant's birth date (`profile.birthDate`), for exemptions by age.
    pub birth_date: Option<NaiveDate>,
    pub filing: Filing,
    /// The day of the quote in Vietnam: ages and deadlines count to it.
    pub today: NaiveDate,
}

/// Why no quote could be computed; each says what would make one possible.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FeeError {
    #[error(
        "the procedure has no fee cases (a catalog cached before fee cases): refresh the catalog"
    )]
    NoFeeCases,
    #[error("the form does not decide the fee case: choose one of {choices:?}")]
    CaseNeeded { choices: Vec<String> },
    #[error("there is no fee case `{case}`: choose one of {choices:?}")]
    UnknownCase { case: String, choices: Vec<String> },
    #[error(
        "the form's answers select the fee case `{from_form}`, not `{chosen}`: leave the case out or change the answer"
    )]
    CaseContradictsForm { chosen: String, from_form: String },
    #[error("the answer `{field}` is needed to compute the fee")]
    AnswerNeeded { field: String },
    #[error("the answer `{field}` cannot be read as a {expected}")]
    AnswerUnreadable {
        field: String,
        expected: &'static str,
    },
    #[error("postal delivery needs an address to price the postage")]
    AddressNeeded,
    #[error("no postage zone covers province `{province_code}`: the city's postage table lacks it")]
    NoPostageZone { province_code: String },
    #[error("the fee is too large to compute")]
    Overflow,
}

impl FeeError {
    /// The problem as the field errors of a 422: which part of the request to change, with
    /// the choices named where the citizen must choose a case.
    pub fn field_errors(&self) -> Vec<FieldError> {
        let error = |field: String, code: FieldProblemCode| FieldError {
            field,
            code,
            message: self.to_string(),
        };
        match self {
            FeeError::CaseNeeded { choices } | FeeError::UnknownCase { choices, .. } => {
                let code = match self {
                    FeeError::CaseNeeded { .. } => FieldProblemCode::FeeCaseNeeded,
                    _ => FieldProblemCode::OptionInvalid,
                };
                choices
                    .iter()
                    .map(|choice| FieldError {
                        field: "feeCase".to_owned(),
                        code,
                        message: format!("{self} (choice: {choice})"),
                    })
                    .collect()
            }
            FeeError::CaseContradictsForm { .. } => {
                vec![error("feeCase".to_owned(), FieldProblemCode::Invalid)]
            }
            FeeError::AnswerNeeded { field } => {
                vec![error(format!("form.{field}"), FieldProblemCode::Required)]
            }
            FeeError::AnswerUnreadable { field, expected } => {
                let code = if expected.starts_with("date") {
                    FieldProblemCode::DateInvalid
                } else {
                    FieldProblemCode::NumberInvalid
                };
                vec![error(format!("form.{field}"), code)]
            }
            FeeError::AddressNeeded => {
                vec![error(
                    "delivery.address".to_owned(),
                    FieldProblemCode::Required,
                )]
            }
            FeeError::NoPostageZone { .. } => vec![error(
                "delivery.address.provinceCode".to_owned(),
                FieldProblemCode::NotOffered,
            )],
            FeeError::NoFeeCases => {
                vec![error("procedureId".to_owned(), FieldProblemCode::Invalid)]
            }
            FeeError::Overflow => vec![error("form".to_owned(), FieldProblemCode::Invalid)],
        }
    }
}

/// The quote of `procedure` for `input`: each line and the total.
pub fn quote(procedure: &Procedure, input: &QuoteInput<'_>) -> Result<Quote, FeeError> {
    let case = select_case(procedure, input)?;
    let units = match &procedure.fee_per_unit {
        Some(per_unit) => match quantity(input.form, &per_unit.field)? {
            Some(units) if units > 0 => units,
            _ => {
                return Err(FeeError::AnswerNeeded {
                    field: per_unit.field.clone(),
                });
            }
        },
        None => 1,
    };
    let mut lines = Vec::new();
    let case_amount = match input.filing {
        Filing::Online => case.online_amount.unwrap_or(case.amount),
        Filing::Counter => case.amount,
    };
    let mut per_unit_fee = case_amount;
    lines.push(line(
        Item {
            kind: QuoteLineKind::Case,
            id: &case.id,
            label: &case.label,
            illustrative: case.illustrative,
        },
        units,
        times(case_amount, units)?,
    )?);
    for add_on in &procedure.fee_add_ons {
        let counted = match &add_on.quantity_field {
            Some(field) => quantity(input.form, field)?.unwrap_or(0),
            None if add_on.always => 1,
            None => 0,
        };
        let mut charged = counted.saturating_sub(add_on.free_units);
        if let Some(max) = add_on.max_units {
            charged = charged.min(max);
        }
        if charged == 0 {
            continue;
        }
        let amount = times(add_on.amount, charged)?;
        per_unit_fee = per_unit_fee.checked_add(amount).ok_or(FeeError::Overflow)?;
        let quantity = charged.checked_mul(units).ok_or(FeeError::Overflow)?;
        lines.push(line(
            Item {
                kind: QuoteLineKind::AddOn,
                id: &add_on.id,
                label: &add_on.label,
                illustrative: add_on.illustrative,
            },
            quantity,
            times(amount, units)?,
        )?);
    }
    let mut fee = times(per_unit_fee, units)?;
    if let Some(cap) = procedure.fee_per_unit.as_ref().and_then(|p| p.cap.as_ref())
        && per_unit_fee > cap.amount
    {
        let excess = times(per_unit_fee - cap.amount, units)?;
        fee -= excess;
        lines.push(line(
            Item {
                kind: QuoteLineKind::Exemption,
                id: "cap",
                label: &cap.label,
                illustrative: false,
            },
            units,
            negative(excess)?,
        )?);
    }
    if let Some(exemption) = procedure
        .fee_exemptions
        .iter()
        .find(|exemption| holds(exemption, input))
    {
        let due = fee
            .checked_mul(u64::from(exemption.percent_due.min(100)))
            .ok_or(FeeError::Overflow)?
            / 100;
        let waived = fee - due;
        if waived > 0 {
            fee = due;
            lines.push(line(
                Item {
                    kind: QuoteLineKind::Exemption,
                    id: &exemption.id,
                    label: &exemption.label,
                    illustrative: exemption.illustrative,
                },
                1,
                negative(waived)?,
            )?);
        }
    }
    let postage_lines = postage(procedure, input.form, input.delivery)?;
    let mut postage: i64 = 0;
    for line in &postage_lines {
        postage = postage.checked_add(line.amount).ok_or(FeeError::Overflow)?;
    }
    let postage = u64::try_from(postage).map_err(|_| FeeError::Overflow)?;
    lines.extend(postage_lines);
    Ok(Quote {
        fee_case: case.id.clone(),
        lines,
        fee,
        postage,
        total: fee.checked_add(postage).ok_or(FeeError::Overflow)?,
    })
}

/// The fee case that applies: the form's, the chosen one, or the only one.
pub fn select_case<'p>(
    procedure: &'p Procedure,
    input: &QuoteInput<'_>,
) -> Result<&'p FeeCase, FeeError> {
    let choices = || procedure.fee_cases.iter().map(|c| c.id.clone()).collect();
    let find = |id: &str| procedure.fee_cases.iter().find(|c| c.id == id);
    let from_form = match &procedure.fee_case_field {
        Some(selector) => case_from_form(selector, input)?,
        None => None,
    };
    match (from_form, input.fee_case) {
        (Some(from_form), Some(chosen)) if from_form != chosen => {
            Err(FeeError::CaseContradictsForm {
                chosen: chosen.to_owned(),
                from_form: from_form.to_owned(),
            })
        }
        (Some(id), _) | (None, Some(id)) => find(id).ok_or_else(|| FeeError::UnknownCase {
            case: id.to_owned(),
            choices: choices(),
        }),
        (None, None) => match procedure.fee_cases.as_slice() {
            [] => Err(FeeError::NoFeeCases),
            _ if let Some(FeeCaseField::Select {
                unanswered: Some(id),
                ..
            }) = &procedure.fee_case_field =>
            {
                find(id).ok_or_else(|| FeeError::UnknownCase {
                    case: id.clone(),
                    choices: choices(),
                })
            }
            [only] => Ok(only),
            _ => Err(FeeError::CaseNeeded { choices: choices() }),
        },
    }
}

/// The case the form's answers select, if they are given.
fn case_from_form<'s>(
    selector: &'s FeeCaseField,
    input: &QuoteInput<'_>,
) -> Result<Option<&'s str>, FeeError> {
    let Some(answer) = answer(input.form, selector.field()) else {
        return Ok(None);
    };
    Ok(match selector {
        FeeCaseField::Select { options, .. } => options
            .iter()
            .find(|option| option.value == answer)
            .map(|option| option.case.as_str()),
        FeeCaseField::Threshold {
            field,
            below,
            below_case,
            otherwise_case,
        } => {
            let value: u64 = answer.parse().map_err(|_| FeeError::AnswerUnreadable {
                field: field.clone(),
                expected: "whole number",
            })?;
            Some(if value < *below {
                below_case
            } else {
                otherwise_case
            })
        }
        FeeCaseField::Deadline {
            field,
            within_days,
            on_time_case,
            late_case,
        } => {
            let date = date(answer, field)?;
            let days = (input.today - date).num_days();
            Some(if days <= i64::from(*within_days) {
                on_time_case
            } else {
                late_case
            })
        }
    })
}

/// Whether an exemption holds for the input.
fn holds(exemption: &FeeExemption, input: &QuoteInput<'_>) -> bool {
    let age = |from: &str| {
        let birth = if from == PROFILE_BIRTH_DATE {
            input.birth_date
        } else {
            answer(input.form, from).and_then(|value| date(value, from).ok())
        };
        birth.and_then(|birth| input.today.years_since(birth))
    };
    match &exemption.when {
        FeeExemptionRule::AgeBelow { years, from } => age(from).is_some_and(|age| age < *years),
        FeeExemptionRule::AgeAtLeast { years, from } => age(from).is_some_and(|age| age >= *years),
        FeeExemptionRule::FieldIn { field, values } => {
            answer(input.form, field).is_some_and(|value| values.iter().any(|v| v == value))
        }
    }
}

/// The postage lines of a delivery: the zone's postage for the items sent, and the part the
/// city pays (negative); none for the counter.
pub fn postage(
    procedure: &Procedure,
    form: &BTreeMap<String, String>,
    delivery: Option<&DeliveryChoice>,
) -> Result<Vec<QuoteLine>, FeeError> {
    let mut lines = Vec::new();
    let Some(choice) = delivery else {
        return Ok(lines);
    };
    if choice.method != DeliveryMethod::Post {
        return Ok(lines);
    }
    let address = choice.address.as_ref().ok_or(FeeError::AddressNeeded)?;
    let province = &address.address.province_code;
    let zones = &procedure.delivery.postage;
    let zone = zones
        .iter()
        .find(|zone| zone.province_codes.contains(province))
        .or_else(|| zones.iter().find(|zone| zone.province_codes.is_empty()))
        .ok_or_else(|| FeeError::NoPostageZone {
            province_code: province.clone(),
        })?;
    let items = match &procedure.delivery.post_items_field {
        Some(field) => quantity(form, field)?.unwrap_or(1).max(1),
        None => 1,
    };
    let amount = times(zone.additional_item, items - 1)?
        .checked_add(zone.first_item)
        .ok_or(FeeError::Overflow)?;
    lines.push(line(
        Item {
            kind: QuoteLineKind::Postage,
            id: &zone.id,
            label: &zone.label,
            illustrative: zone.illustrative,
        },
        items,
        signed(amount)?,
    )?);
    let Some(subsidy) = &procedure.delivery.postage_subsidy else {
        return Ok(lines);
    };
    let paid_by_city = amount
        .checked_mul(u64::from(subsidy.percent.min(100)))
        .ok_or(FeeError::Overflow)?
        / 100;
    if paid_by_city == 0 {
        return Ok(lines);
    }
    lines.push(line(
        Item {
            kind: QuoteLineKind::PostageSubsidy,
            id: "subsidy",
            label: &subsidy.label,
            illustrative: subsidy.illustrative,
        },
        1,
        negative(paid_by_city)?,
    )?);
    Ok(lines)
}

/// A non-empty answer of the form.
fn answer<'f>(form: &'f BTreeMap<String, String>, field: &str) -> Option<&'f str> {
    form.get(field)
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
}

/// A count the form gives, if it gives one.
fn quantity(form: &BTreeMap<String, String>, field: &str) -> Result<Option<u32>, FeeError> {
    answer(form, field)
        .map(|value| {
            value.parse().map_err(|_| FeeError::AnswerUnreadable {
                field: field.to_owned(),
                expected: "whole number",
            })
        })
        .transpose()
}

fn date(value: &str, field: &str) -> Result<NaiveDate, FeeError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| FeeError::AnswerUnreadable {
        field: field.to_owned(),
        expected: "date (YYYY-MM-DD)",
    })
}

fn times(amount: u64, units: u32) -> Result<u64, FeeError> {
    amount
        .checked_mul(u64::from(units))
        .ok_or(FeeError::Overflow)
}

fn signed(amount: u64) -> Result<i64, FeeError> {
    i64::try_from(amount).map_err(|_| FeeError::Overflow)
}

fn negative(amount: u64) -> Result<i64, FeeError> {
    signed(amount).map(|amount| -amount)
}

/// What a line is about: its kind, id, label and whether its amount is illustrative.
struct Item<'a> {
    kind: QuoteLineKind,
    id: &'a str,
    label: &'a LocalizedText,
    illustrative: bool,
}

fn line(item: Item<'_>, quantity: u32, amount: impl TryInto<i64>) -> Result<QuoteLine, FeeError> {
    Ok(QuoteLine {
        kind: item.kind,
        id: item.id.to_owned(),
        label: item.label.clone(),
        quantity,
        amount: amount.try_into().map_err(|_| FeeError::Overflow)?,
        illustrative: item.illustrative,
    })
}
