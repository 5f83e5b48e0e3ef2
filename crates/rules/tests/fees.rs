//! The fee model: each case of `tests/fee-cases.json` quoted with the one computation
//! (`opendvc_rules::fees::quote`) over the portal's real catalog, and the catalog's fee data
//! checked procedure by procedure (printed as a table with `--nocapture`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use opendvc_api::{
    Address, DeliveryAddress, DeliveryChoice, DeliveryMethod, FeeCaseField, PostageZone, Procedure,
    QuoteLineKind,
};
use opendvc_rules::fees::{FeeError, Filing, QuoteInput, fee_model_problems, quote};
use serde::Deserialize;

/// The portal's catalog, with the postage zones the portal fills in from `postage.json`.
fn catalog() -> Vec<Procedure> {
    #[derive(Deserialize)]
    struct Postage {
        zones: Vec<PostageZone>,
    }
    let mut procedures: Vec<Procedure> =
        serde_json::from_str(include_str!("../../portal/data/procedures.json"))
            .expect("the portal's procedures.json reads");
    let postage: Postage = serde_json::from_str(include_str!("../../portal/data/postage.json"))
        .expect("the portal's postage.json reads");
    for procedure in procedures.iter_mut().filter(|p| p.delivery.post) {
        procedure.delivery.postage = postage.zones.clone();
    }
    procedures
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Case {
    why: String,
    procedure: String,
    form: BTreeMap<String, String>,
    chosen: Option<String>,
    filing: Option<String>,
    birth_date: Option<NaiveDate>,
    today: Option<NaiveDate>,
    /// Province code of a postal delivery address.
    post: Option<String>,
    #[serde(default)]
    counter: bool,
    fee: Option<u64>,
    postage: Option<u64>,
    total: Option<u64>,
    fee_case: Option<String>,
    lines: Option<Vec<(QuoteLineKind, String, i64)>>,
    error: Option<String>,
    choices: Option<Vec<String>>,
}

fn delivery(case: &Case) -> Option<DeliveryChoice> {
    if case.counter {
        return Some(DeliveryChoice {
            method: DeliveryMethod::Counter,
            address: None,
        });
    }
    let province = case.post.as_ref()?;
    Some(DeliveryChoice {
        method: DeliveryMethod::Post,
        address: Some(DeliveryAddress {
            recipient_name: "Trần Thị Minh Thư".into(),
            phone: "+84905123456".into(),
            address: Address {
                province_code: province.clone(),
                unit_code: "20242".into(),
                street: "1 Bạch Đằng".into(),
            },
        }),
    })
}

fn check(catalog: &[Procedure], case: &Case) -> Result<(), String> {
    let fail = |what: String| Err(format!("{} ({}): {what}", case.why, case.procedure));
    let Some(procedure) = catalog.iter().find(|p| p.id == case.procedure) else {
        return fail("no such procedure".into());
    };
    let delivery = delivery(case);
    let input = QuoteInput {
        form: &case.form,
        fee_case: case.chosen.as_deref(),
        delivery: delivery.as_ref(),
        birth_date: case.birth_date,
        filing: match case.filing.as_deref() {
            Some("counter") => Filing::Counter,
            _ => Filing::Online,
        },
        today: case
            .today
            .unwrap_or(NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date")),
    };
    match (quote(procedure, &input), &case.error) {
        (Ok(quote), None) => {
            let lines: Vec<(QuoteLineKind, String, i64)> = quote
                .lines
                .iter()
                .map(|line| (line.kind, line.id.clone(), line.amount))
                .collect();
            let sum: i64 = lines.iter().map(|line| line.2).sum();
            if i64::try_from(quote.total).ok() != Some(sum) {
                return fail(format!(
                    "the total {} is not the sum of the lines {lines:?}",
                    quote.total
                ));
            }
            for (what, expected, got) in [
                ("fee", case.fee, quote.fee),
                ("postage", case.postage, quote.postage),
                ("total", case.total, quote.total),
            ] {
                if expected.is_some_and(|expected| expected != got) {
                    return fail(format!(
                        "{what} {got}, expected {expected:?}; lines {lines:?}"
                    ));
                }
            }
            if case
                .fee_case
                .as_ref()
                .is_some_and(|id| *id != quote.fee_case)
            {
                return fail(format!(
                    "case {}, expected {:?}",
                    quote.fee_case, case.fee_case
                ));
            }
            if case
                .lines
                .as_ref()
                .is_some_and(|expected| *expected != lines)
            {
                return fail(format!("lines {lines:?}, expected {:?}", case.lines));
            }
            Ok(())
        }
        (Err(error), Some(expected)) => {
            let name = match &error {
                FeeError::CaseNeeded { .. } => "case_needed",
                FeeError::CaseContradictsForm { .. } => "case_contradicts_form",
                FeeError::UnknownCase { .. } => "unknown_case",
                FeeError::AnswerNeeded { .. } => "answer_needed",
                _ => "other",
            };
            if name != expected {
                return fail(format!("error {error}, expected {expected}"));
            }
            if let (FeeError::CaseNeeded { choices }, Some(expected)) = (&error, &case.choices)
                && choices != expected
            {
                return fail(format!("choices {choices:?}, expected {expected:?}"));
            }
            if error.field_errors().is_empty() {
                return fail("the error names no field for the 422".into());
            }
            Ok(())
        }
        (Ok(quote), Some(expected)) => fail(format!("quoted {quote:?}, expected error {expected}")),
        (Err(error), None) => fail(format!("no quote: {error}")),
    }
}

#[test]
fn every_fee_case_of_the_table_is_quoted_as_the_law_says() {
    let catalog = catalog();
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("fee-cases.json")).expect("tests/fee-cases.json reads");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check(&catalog, case).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fee cases failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

fn vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The catalog's fee cases as a markdown table (one row per procedure).
fn fee_table(catalog: &[Procedure]) -> String {
    let mut table = String::from(
        "| procedure | fee cases (counter / online) | add-ons | exemptions | case chosen by |\n\
         |---|---|---|---|---|\n",
    );
    for procedure in catalog {
        let cases: Vec<String> = procedure
            .fee_cases
            .iter()
            .map(|case| {
                let online = case
                    .online_amount
                    .map(|online| format!("/{}", vnd(online)))
                    .unwrap_or_default();
                let mark = if case.illustrative { "*" } else { "" };
                format!("{} {}{online}{mark}", case.id, vnd(case.amount))
            })
            .collect();
        let add_ons: Vec<String> = procedure
            .fee_add_ons
            .iter()
            .map(|add_on| format!("{} {}/{:?}", add_on.id, vnd(add_on.amount), add_on.unit))
            .collect();
        let chosen_by = match &procedure.fee_case_field {
            Some(FeeCaseField::Select { field, .. }) => format!("`{field}`"),
            Some(FeeCaseField::Threshold { field, below, .. }) => format!("`{field}` < {below}"),
            Some(FeeCaseField::Deadline {
                field, within_days, ..
            }) => format!("`{field}` within {within_days} days"),
            None if procedure.fee_cases.len() > 1 => "the citizen, from the list".to_owned(),
            None => "— (one case)".to_owned(),
        };
        let per_unit = procedure
            .fee_per_unit
            .as_ref()
            .map(|per| format!(" × `{}`", per.field))
            .unwrap_or_default();
        table.push_str(&format!(
            "| `{}` | {}{per_unit} | {} | {} | {chosen_by} |\n",
            procedure.id,
            cases.join("; "),
            if add_ons.is_empty() {
                "—".to_owned()
            } else {
                add_ons.join("; ")
            },
            procedure.fee_exemptions.len(),
        ));
    }
    table
}

#[test]
fn every_procedure_has_sound_fee_cases_and_none_is_a_sum_of_alternatives() {
    let catalog = catalog();
    println!("{}", fee_table(&catalog));
    let mut wrong = Vec::new();
    for procedure in &catalog {
        for problem in fee_model_problems(procedure) {
            wrong.push(format!("{}: {problem}", procedure.id));
        }
        // Whatever case applies, the fee is that case alone (plus its add-ons), never the sum
        // of the alternatives.
        if procedure.fee_cases.len() > 1 {
            let sum: u64 = procedure.fee_cases.iter().map(|case| case.amount).sum();
            let form = BTreeMap::new();
            for case in &procedure.fee_cases {
                let input = QuoteInput {
                    form: &form,
                    fee_case: Some(&case.id),
                    delivery: None,
                    birth_date: None,
                    filing: Filing::Counter,
                    today: NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date"),
                };
                match quote(procedure, &input) {
                    Ok(quote) => {
                        let case_line = quote.lines.iter().find(|l| l.kind == QuoteLineKind::Case);
                        if case_line.map(|line| line.amount) != i64::try_from(case.amount).ok() {
                            wrong.push(format!(
                                "{}: case {} is not charged alone",
                                procedure.id, case.id
                            ));
                        }
                        if sum > case.amount && quote.fee == sum {
                            wrong
                                .push(format!("{}: the quote sums the alternatives", procedure.id));
                        }
                    }
                    // A procedure charged per unit needs its count; its cases are checked by
                    // the table of cases.
                    Err(FeeError::AnswerNeeded { .. }) => {}
                    Err(error) => {
                        wrong.push(format!("{}: case {}: {error}", procedure.id, case.id))
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the catalog's fee data is unsound:\n  {}",
        wrong.join("\n  ")
    );
}
