//! A whole submission against its procedure: the form by field kind, the delivery choice and
//! the documents named by the attachments. The app calls it before it queues a submission
//! (offline, against the cached catalog) and the portal when one arrives (authoritative), so
//! the two can no longer disagree about what is valid.

use std::collections::BTreeMap;

use opendvc_api::{
    AdminUnits, AttachmentRef, DeliveryChoice, DeliveryMethod, FieldError, FieldKind,
    FieldProblemCode, FormField, NewApplication, Procedure,
};
use serde::{Deserialize, Serialize};

use crate::fields;

/// Longest free text accepted where the catalog sets no limit (notes, comments, fields).
pub const DEFAULT_MAX_TEXT: usize = 2000;
/// Longest recipient name of a postal delivery.
pub const MAX_RECIPIENT_NAME: usize = 200;
/// Longest street line of a postal delivery.
pub const MAX_STREET: usize = 300;

/// One field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// The field's path, e.g. `form.fullName` or `delivery.address.phone`.
    pub field: String,
    /// What is wrong; also the Fluent message id that says it.
    pub code: FieldProblemCode,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, code: FieldProblemCode) -> Self {
        FieldProblem {
            field: field.into(),
            code,
        }
    }
}

impl From<FieldProblem> for FieldError {
    fn from(problem: FieldProblem) -> Self {
        FieldError::new(problem.field, problem.code)
    }
}

/// A checked value: as it is kept (normalised: trimmed, phones as `+84…`), with the problems
/// found. The value is only for keeping when there are no problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked<T> {
    pub value: T,
    pub problems: Vec<FieldProblem>,
}

impl<T> Checked<T> {
    /// The value, or every problem found.
    pub fn into_result(self) -> Result<T, Vec<FieldProblem>> {
        if self.problems.is_empty() {
            Ok(self.value)
        } else {
            Err(self.problems)
        }
    }

    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What a form is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormUse {
    /// A new application: required fields must be filled.
    Submission,
    /// A supplement: only the values given are checked.
    Supplement,
}

/// One value of `field`, trimmed: as it is kept, or what is wrong. `None` for an empty value
/// of a field that may stay empty.
fn form_value(
    field: &FormField,
    value: &str,
    form_use: FormUse,
) -> Result<Option<String>, FieldProblemCode> {
    let text = value.trim();
    if text.is_empty() {
        return if field.required && form_use == FormUse::Submission {
            Err(fields::missing(field.kind))
        } else {
            Ok(None)
        };
    }
    let max = field
        .max_length
        .map_or(DEFAULT_MAX_TEXT, |max| max as usize);
    if text.chars().count() > max {
        return Err(FieldProblemCode::TooLong);
    }
    if field.kind == FieldKind::Select {
        return if field.options.iter().any(|option| option.value == text) {
            Ok(Some(text.to_owned()))
        } else {
            Err(FieldProblemCode::OptionInvalid)
        };
    }
    fields::by_kind(field.kind, text).map(Some)
}

/// The form values against the procedure's fields, by kind. Values that name no field of the
/// procedure are problems too (`field-not-in-form`), listed first.
pub fn check_form(
    procedure: &Procedure,
    form: &BTreeMap<String, String>,
    form_use: FormUse,
) -> Checked<BTreeMap<String, String>> {
    let mut problems: Vec<FieldProblem> = form
        .keys()
        .filter(|key| !procedure.form_fields.iter().any(|field| &field.id == *key))
        .map(|key| FieldProblem::new(format!("form.{key}"), FieldProblemCode::NotAField))
        .collect();
    let mut values = BTreeMap::new();
    for field in &procedure.form_fields {
        let given = form.get(&field.id);
        match form_value(field, given.map_or("", String::as_str), form_use) {
            Ok(Some(value)) => {
                values.insert(field.id.clone(), value);
            }
            Ok(None) => {
                if given.is_some() {
                    values.insert(field.id.clone(), String::new());
                }
            }
            Err(code) => problems.push(FieldProblem::new(format!("form.{}", field.id), code)),
        }
    }
    Checked {
        value: values,
        problems,
    }
}

/// The delivery choice against what the procedure offers. With `units` (the portal's, or the
/// app's cached copy) the address's unit must be one of its province's; without, only that
/// one is named. A choice to collect at the counter keeps no address.
pub fn check_delivery(
    procedure: &Procedure,
    choice: &DeliveryChoice,
    units: Option<&AdminUnits>,
) -> Checked<DeliveryChoice> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, code| problems.push(FieldProblem::new(field, code));
    let offered = match choice.method {
        DeliveryMethod::Counter => procedure.delivery.counter,
        DeliveryMethod::Post => procedure.delivery.post,
    };
    if !offered {
        problem("delivery.method", FieldProblemCode::NotOffered);
    }
    let mut address = None;
    if choice.method == DeliveryMethod::Post {
        match &choice.address {
            None => problem("delivery.address", FieldProblemCode::Required),
            Some(given) => {
                let mut kept = given.clone();
                kept.recipient_name = given.recipient_name.trim().to_owned();
                kept.address.street = given.address.street.trim().to_owned();
                kept.address.unit_code = given.address.unit_code.trim().to_owned();
                kept.address.province_code = given.address.province_code.trim().to_owned();
                let text_limit = |text: &str, max: usize| {
                    if text.is_empty() {
                        Some(FieldProblemCode::Required)
                    } else if text.chars().count() > max {
                        Some(FieldProblemCode::TooLong)
                    } else {
                        None
                    }
                };
                if let Some(code) = text_limit(&kept.recipient_name, MAX_RECIPIENT_NAME) {
                    problem("delivery.address.recipientName", code);
                }
                match fields::phone(&given.phone) {
                    Ok(phone) => kept.phone = phone,
                    Err(code) => problem("delivery.address.phone", code),
                }
                let unit = &kept.address;
                if unit.unit_code.is_empty() {
                    problem("delivery.address.unitCode", FieldProblemCode::Required);
                } else if let Some(units) = units
                    && !units.units.iter().any(|known| {
                        known.code == unit.unit_code && known.province_code == unit.province_code
                    })
                {
                    problem("delivery.address.unitCode", FieldProblemCode::UnitInvalid);
                }
                if let Some(code) = text_limit(&kept.address.street, MAX_STREET) {
                    problem("delivery.address.street", code);
                }
                address = Some(kept);
            }
        }
    }
    Checked {
        value: DeliveryChoice {
            method: choice.method,
            address,
        },
        problems,
    }
}

/// Whether `requirement` is a document the procedure asks for.
pub fn is_requirement_of(procedure: &Procedure, requirement: &str) -> bool {
    procedure
        .required_documents
        .iter()
        .any(|document| document.id == requirement)
}

/// Attachments that name a document the procedure does not ask for, as
/// `{prefix}[index].requirementId`.
pub fn check_requirements(
    procedure: &Procedure,
    attachments: &[AttachmentRef],
    prefix: &str,
) -> Vec<FieldProblem> {
    attachments
        .iter()
        .enumerate()
        .filter_map(|(index, attachment)| {
            let requirement = match attachment {
                AttachmentRef::Upload { requirement_id, .. }
                | AttachmentRef::Wallet { requirement_id, .. } => requirement_id.as_deref()?,
            };
            (!is_requirement_of(procedure, requirement)).then(|| {
                FieldProblem::new(
                    format!("{prefix}[{index}].requirementId"),
                    FieldProblemCode::RequirementUnknown,
                )
            })
        })
        .collect()
}

/// A new application against its procedure: the form (required fields required), the
/// delivery choice and the documents its attachments name. Whether an upload or a wallet
/// document is the caller's own is the portal's to check; a required document still missing is
/// no problem here (a citizen may bring it to the counter).
pub fn check_application(
    procedure: &Procedure,
    application: &NewApplication,
    units: Option<&AdminUnits>,
) -> Checked<NewApplication> {
    let form = check_form(procedure, &application.form, FormUse::Submission);
    let delivery = check_delivery(procedure, &application.delivery, units);
    let mut problems = form.problems;
    problems.extend(delivery.problems);
    problems.extend(check_requirements(
        procedure,
        &application.attachments,
        "attachments",
    ));
    Checked {
        value: NewApplication {
            procedure_id: application.procedure_id.clone(),
            form: form.value,
            attachments: application.attachments.clone(),
            delivery: delivery.value,
            fee_case: application.fee_case.clone(),
        },
        problems,
    }
}
