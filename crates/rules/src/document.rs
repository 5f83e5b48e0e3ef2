//! A document the resident adds to the wallet by hand (`NewDocument`), checked the same way by
//! the app before it queues the upload and by the portal when `POST /v1/documents` arrives.

use chrono::NaiveDate;
use opendvc_api::{DOCUMENT_KINDS, FieldError, FieldProblemCode, MAX_DOCUMENT_TEXT, NewDocument};

use crate::fields;

/// Most driving licence classes one document lists.
const MAX_CLASSES: usize = 20;
/// Longest class name (`A1`, `B`, `FC`, …), in characters.
const MAX_CLASS_TEXT: usize = 8;

/// The problems of `new` on `today` (the resident's date, in Vietnam), each naming its wire
/// field: the kind one of [`DOCUMENT_KINDS`], number and issuer present and not too long, the
/// issue date not after today, the expiry after the issue date, sensible classes.
pub fn check_new_document(new: &NewDocument, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let kind = new.kind.trim();
    if kind.is_empty() {
        errors.push(FieldError::new("kind", FieldProblemCode::Required));
    } else if !DOCUMENT_KINDS.contains(&kind) {
        errors.push(FieldError::new(
            "kind",
            FieldProblemCode::DocumentKindInvalid,
        ));
    }
    for (field, value) in [("number", &new.number), ("issuer", &new.issuer)] {
        let value = value.trim();
        if value.is_empty() {
            errors.push(FieldError::new(field, FieldProblemCode::Required));
        } else if value.chars().count() > MAX_DOCUMENT_TEXT {
            errors.push(FieldError::new(field, FieldProblemCode::TooLong));
        }
    }
    if let Err(code) = fields::not_after(new.issued_on, today) {
        errors.push(FieldError::new("issuedOn", code));
    }
    if let Some(expires_on) = new.expires_on
        && expires_on <= new.issued_on
    {
        errors.push(FieldError::new(
            "expiresOn",
            FieldProblemCode::DateNotAfterStart,
        ));
    }
    if new.classes.len() > MAX_CLASSES
        || new
            .classes
            .iter()
            .any(|class| class.trim().chars().count() > MAX_CLASS_TEXT)
    {
        errors.push(FieldError::new("classes", FieldProblemCode::ClassesInvalid));
    }
    errors
}

/// `new` as kept: text trimmed, empty classes dropped.
pub fn tidy_new_document(new: &NewDocument) -> NewDocument {
    NewDocument {
        kind: new.kind.trim().to_owned(),
        number: new.number.trim().to_owned(),
        issued_on: new.issued_on,
        expires_on: new.expires_on,
        issuer: new.issuer.trim().to_owned(),
        classes: new
            .classes
            .iter()
            .map(|class| class.trim().to_owned())
            .filter(|class| !class.is_empty())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn passport() -> NewDocument {
        NewDocument {
            kind: "passport".into(),
            number: "C1234567".into(),
            issued_on: day("2024-03-01"),
            expires_on: Some(day("2034-03-01")),
            issuer: "Cục Quản lý xuất nhập cảnh".into(),
            classes: vec![],
        }
    }

    #[test]
    fn a_sound_document_has_no_problems() {
        assert!(check_new_document(&passport(), day("2026-12-06")).is_empty());
    }

    #[test]
    fn each_problem_names_its_field() {
        let wrong = NewDocument {
            kind: "spaceship_licence".into(),
            number: " ".into(),
            issued_on: day("2027-01-01"),
            expires_on: Some(day("2026-01-01")),
            issuer: "x".repeat(MAX_DOCUMENT_TEXT + 1),
            classes: vec!["TOO-LONG-CLASS".into()],
        };
        let future = fields::not_after(day("2027-01-01"), day("2026-12-06"))
            .expect_err("a day after today is refused");
        let fields: Vec<_> = check_new_document(&wrong, day("2026-12-06"))
            .into_iter()
            .map(|error| (error.field, error.code))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("kind".into(), FieldProblemCode::DocumentKindInvalid),
                ("number".into(), FieldProblemCode::Required),
                ("issuer".into(), FieldProblemCode::TooLong),
                ("issuedOn".into(), future),
                ("expiresOn".into(), FieldProblemCode::DateNotAfterStart),
                ("classes".into(), FieldProblemCode::ClassesInvalid),
            ]
        );
    }

    #[test]
    fn tidying_trims_text_and_drops_empty_classes() {
        let mut messy = passport();
        messy.kind = " driving_licence ".into();
        messy.classes = vec![" B ".into(), " ".into()];
        let tidy = tidy_new_document(&messy);
        assert_eq!(tidy.kind, "driving_licence");
        assert_eq!(tidy.classes, vec!["B".to_owned()]);
    }
}
