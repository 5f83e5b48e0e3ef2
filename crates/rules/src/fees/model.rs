//! Whether a procedure's fee model is sound data: what the portal checks when it loads its
//! catalog and the data test checks over every procedure.

use std::collections::HashSet;

use opendvc_api::{FeeCaseField, FeeExemptionRule, FieldKind, Procedure};

use super::PROFILE_BIRTH_DATE;

/// What is wrong with `procedure`'s fee model, each as a sentence; empty when it is sound.
pub fn fee_model_problems(procedure: &Procedure) -> Vec<String> {
    let mut problems = Vec::new();
    let cases = &procedure.fee_cases;
    if cases.is_empty() {
        problems.push("has no fee case (a free procedure has one case of 0)".to_owned());
    }
    let mut case_ids = HashSet::new();
    for case in cases {
        if case.id.is_empty() || !case_ids.insert(case.id.as_str()) {
            problems.push(format!("fee case id {:?} is empty or repeated", case.id));
        }
        if case
            .online_amount
            .is_some_and(|online| online > case.amount)
        {
            problems.push(format!(
                "fee case {} costs more online than at the counter",
                case.id
            ));
        }
    }
    let field = |id: &str| procedure.form_fields.iter().find(|field| field.id == id);
    let needs_field = |id: &str, what: &str, kinds: &[FieldKind]| match field(id) {
        Some(found) if kinds.contains(&found.kind) => None,
        Some(found) => Some(format!(
            "{what} {id} is a {:?} field, not one of {kinds:?}",
            found.kind
        )),
        None => Some(format!("{what} {id} is not a field of the form")),
    };
    let numbers = [FieldKind::Number, FieldKind::Select];
    match &procedure.fee_case_field {
        Some(FeeCaseField::Select {
            field: id, options, ..
        }) => {
            problems.extend(needs_field(id, "the fee case field", &[FieldKind::Select]));
            if let Some(found) = field(id) {
                for option in &found.options {
                    if !options.iter().any(|mapped| mapped.value == option.value) {
                        problems.push(format!(
                            "option {} of {id} selects no fee case",
                            option.value
                        ));
                    }
                }
            }
        }
        Some(FeeCaseField::Threshold { field: id, .. }) => {
            problems.extend(needs_field(id, "the fee case field", &[FieldKind::Number]));
        }
        Some(FeeCaseField::Deadline { field: id, .. }) => {
            problems.extend(needs_field(id, "the fee case field", &[FieldKind::Date]));
        }
        None => {}
    }
    for add_on in &procedure.fee_add_ons {
        match &add_on.quantity_field {
            Some(id) => problems.extend(needs_field(id, "the quantity field", &numbers)),
            None if !add_on.always => problems.push(format!(
                "add-on {} is neither always added nor counted by a field",
                add_on.id
            )),
            None => {}
        }
    }
    if let Some(per_unit) = &procedure.fee_per_unit {
        problems.extend(needs_field(&per_unit.field, "the per-unit field", &numbers));
    }
    if let Some(items) = &procedure.delivery.post_items_field {
        problems.extend(needs_field(items, "the postal items field", &numbers));
    }
    for exemption in &procedure.fee_exemptions {
        match &exemption.when {
            FeeExemptionRule::AgeBelow { from, .. } | FeeExemptionRule::AgeAtLeast { from, .. } => {
                if from != PROFILE_BIRTH_DATE {
                    problems.extend(needs_field(
                        from,
                        "the birth date of an exemption",
                        &[FieldKind::Date],
                    ));
                }
            }
            FeeExemptionRule::FieldIn { field: id, values } => {
                problems.extend(needs_field(
                    id,
                    "the field of an exemption",
                    &[FieldKind::Select],
                ));
                if let Some(found) = field(id) {
                    for value in values {
                        if !found.options.iter().any(|option| &option.value == value) {
                            problems.push(format!("exemption value {value} is no option of {id}"));
                        }
                    }
                }
            }
        }
        if exemption.percent_due > 100 {
            problems.push(format!("exemption {} leaves more than 100%", exemption.id));
        }
    }
    if let Some(selector) = &procedure.fee_case_field {
        let named: Vec<&str> = match selector {
            FeeCaseField::Select {
                options,
                unanswered,
                ..
            } => options
                .iter()
                .map(|option| option.case.as_str())
                .chain(unanswered.as_deref())
                .collect(),
            FeeCaseField::Threshold {
                below_case,
                otherwise_case,
                ..
            } => vec![below_case, otherwise_case],
            FeeCaseField::Deadline {
                on_time_case,
                late_case,
                ..
            } => vec![on_time_case, late_case],
        };
        for case in named {
            if !case_ids.contains(case) {
                problems.push(format!("the fee case field names no fee case {case}"));
            }
        }
    }
    problems
}
