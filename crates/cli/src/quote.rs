//! `opendvc quote`: what an application would cost, from the core's `quote_fee` (the shared fee
//! computation over the cached catalog), printed line by line or as the core's view.

use std::collections::BTreeMap;

use opendvc_api::{DeliveryChoice, FieldError, FieldProblemCode, NewApplication};
use opendvc_core::OpenDvc;
use opendvc_core::i18n::Arg;
use opendvc_core::views::FeeQuoteView;

use crate::exit;
use crate::output::{Failure, Output};

/// Answers `--form FIELD=VALUE` pairs as a form; a pair without `=` is refused by name.
fn form_of(pairs: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut form = BTreeMap::new();
    let mut errors = Vec::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some((field, value)) => {
                form.insert(field.trim().to_owned(), value.to_owned());
            }
            None => errors.push(FieldError {
                field: pair.clone(),
                code: FieldProblemCode::Invalid,
                message: "write each answer as FIELD=VALUE".to_owned(),
            }),
        }
    }
    if errors.is_empty() {
        return Ok(form);
    }
    Err(Failure {
        code: "invalid_submission".to_owned(),
        message: None,
        detail: None,
        errors,
        count: None,
        exit: exit::REFUSED,
    })
}

/// `opendvc quote PROCEDURE --form k=v …`.
pub fn quote(
    core: &OpenDvc,
    procedure: String,
    pairs: &[String],
    fee_case: Option<&str>,
    delivery: DeliveryChoice,
    out: &Output,
) -> Result<u8, Failure> {
    let draft = NewApplication {
        procedure_id: procedure,
        form: form_of(pairs)?,
        attachments: Vec::new(),
        delivery,
        fee_case: fee_case.map(str::to_owned),
    };
    let view = core
        .quote_fee(&draft, None)
        .map_err(|error| Failure::from_core(&error))?;
    out.data(&view, || lines(&view, out));
    Ok(if view.quote.is_some() {
        exit::OK
    } else {
        exit::REFUSED
    })
}

fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    let sign = if amount < 0 { "−" } else { "" };
    format!("{sign}{grouped} ₫")
}

fn lines(view: &FeeQuoteView, out: &Output) -> Vec<String> {
    let lang = out.lang();
    let mut lines = Vec::new();
    if let Some(quote) = &view.quote {
        for line in &quote.lines {
            let quantity = if line.quantity > 1 {
                format!(" × {}", line.quantity)
            } else {
                String::new()
            };
            let mark = if line.illustrative {
                format!(" ({})", out.text("quote-illustrative"))
            } else {
                String::new()
            };
            lines.push(format!(
                "  {}{quantity}{mark}: {}",
                line.label.get(&lang),
                vnd(line.amount)
            ));
        }
        lines.push(out.fmt(
            "quote-total",
            &[(
                "amount",
                Arg::from(vnd(i64::try_from(quote.total).unwrap_or(i64::MAX))),
            )],
        ));
    }
    if !view.choices.is_empty() {
        lines.push(out.text("quote-choose-case"));
        for case in &view.choices {
            lines.push(format!(
                "  --fee-case {}  {}: {}",
                case.id,
                case.label.get(&lang),
                vnd(i64::try_from(case.amount).unwrap_or(i64::MAX))
            ));
        }
    }
    for problem in &view.problems {
        lines.push(format!("  {}: {}", problem.field, problem.message));
    }
    lines
}
