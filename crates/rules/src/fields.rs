//! One value at a time: phone numbers, ID numbers, e-mail addresses, dates, and a value by its
//! field kind. Each check answers the value as it is kept (normalised) or the problem code.
//!
//! # Vietnamese phone numbers
//!
//! The rule, after removing the spaces, dots, dashes and brackets people write between digit
//! groups: `0` or `+84`, then the national number, which is either
//! - a mobile: 9 digits starting with 3, 5, 7, 8 or 9 (the mobile ranges since the 2018
//!   renumbering: `0905 123 456`, `+84 905 123 456`), or
//! - a landline: 10 digits starting with 2 (the 2017 area codes `02xx` with a 7- or 8-digit
//!   subscriber number, so every landline has 11 digits written nationally: Da Nang
//!   `0236 3821 234`, Hanoi `024 3825 3536`).
//!
//! Every accepted number is kept as `+84` and the national number (`+84905123456`), the form
//! the data warehouse registers phones in, so one number is one string wherever it is
//! compared. Before this rule the core took 8 to 10 digits after the prefix and the portal and
//! UI 9 or 10, so the CLI could queue a number the portal refused, and a mobile with a digit too
//! many (`09051234567`) passed everywhere.

use chrono::NaiveDate;
use opendvc_api::{FieldKind, FieldProblemCode};

/// Characters people write between digit groups, removed before checking.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')')
}

/// A Vietnamese phone number (see the module documentation), as `+84…`.
pub fn phone(value: &str) -> Result<String, FieldProblemCode> {
    let compact: String = value.chars().filter(|c| !is_separator(*c)).collect();
    let national = compact
        .strip_prefix("+84")
        .or_else(|| compact.strip_prefix('0'))
        .ok_or(FieldProblemCode::PhoneInvalid)?;
    if !national.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldProblemCode::PhoneInvalid);
    }
    let valid = match national.as_bytes().first() {
        Some(b'3' | b'5' | b'7' | b'8' | b'9') => national.len() == 9,
        Some(b'2') => national.len() == 10,
        _ => false,
    };
    if valid {
        Ok(format!("+84{national}"))
    } else {
        Err(FieldProblemCode::PhoneInvalid)
    }
}

/// A personal identification number: 12 digits (spaces between groups are dropped).
pub fn id_number(value: &str) -> Result<String, FieldProblemCode> {
    let digits: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if is_id_number(&digits) {
        Ok(digits)
    } else {
        Err(FieldProblemCode::IdNumberInvalid)
    }
}

/// Whether `text` is exactly a 12-digit personal identification number, as stored.
pub fn is_id_number(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Longest e-mail address: what SMTP can carry in a path (RFC 5321, 4.5.3.1.3).
const MAX_EMAIL: usize = 254;

/// An e-mail address, by the WHATWG rule browsers apply to `<input type="email">` (a
/// practical subset of RFC 5322: no quoted or commented local parts), with a dot in the domain
/// since a citizen's address must be reachable on the Internet. Kept as typed, trimmed.
pub fn email(value: &str) -> Result<String, FieldProblemCode> {
    let text = value.trim();
    let invalid = FieldProblemCode::EmailInvalid;
    if text.len() > MAX_EMAIL {
        return Err(invalid);
    }
    let (local, domain) = text.split_once('@').ok_or(invalid)?;
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let domain_ok = domain.contains('.') && domain.split('.').all(label_ok);
    if local_ok && domain_ok {
        Ok(text.to_owned())
    } else {
        Err(invalid)
    }
}

/// A day of the calendar written `YYYY-MM-DD` (30 February is no day).
pub fn date(value: &str) -> Result<NaiveDate, FieldProblemCode> {
    let text = value.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(index, b)| match index {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(FieldProblemCode::DateInvalid);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| FieldProblemCode::DateInvalid)
}

/// A day that must not be after `today` (a birth date, an issue date): `today` is the
/// person's day, in Vietnam ([`crate::time::vietnam_today`]).
pub fn past_date(value: &str, today: NaiveDate) -> Result<NaiveDate, FieldProblemCode> {
    let day = date(value)?;
    not_after(day, today)
}

/// `day` unless it is after `today`.
pub fn not_after(day: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldProblemCode> {
    if day > today {
        Err(FieldProblemCode::DateInFuture)
    } else {
        Ok(day)
    }
}

/// A whole number: decimal digits only (form values travel as text).
pub fn number(value: &str) -> Result<String, FieldProblemCode> {
    let text = value.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(FieldProblemCode::NumberInvalid)
    }
}

/// What an empty value of a required field of `kind` lacks: a select is chosen, not typed,
/// so its message says "choose" (`field-option-invalid`); any other is `field-required`.
pub fn missing(kind: FieldKind) -> FieldProblemCode {
    match kind {
        FieldKind::Select => FieldProblemCode::OptionInvalid,
        _ => FieldProblemCode::Required,
    }
}

/// `value` checked by `kind` alone, as the UI asks while the person types: the value as it is
/// kept, or what is wrong. An empty value is what [`missing`] says (whether the field needs
/// one is the form's business, [`crate::form`]); a select is any non-empty value here, since
/// its options are the form's.
pub fn by_kind(kind: FieldKind, value: &str) -> Result<String, FieldProblemCode> {
    let text = value.trim();
    if text.is_empty() {
        return Err(missing(kind));
    }
    match kind {
        FieldKind::Text | FieldKind::Textarea | FieldKind::Select => Ok(text.to_owned()),
        FieldKind::Date => date(text).map(|day| day.format("%Y-%m-%d").to_string()),
        FieldKind::Number => number(text),
        FieldKind::IdNumber => id_number(text),
        FieldKind::Phone => phone(text),
        FieldKind::Email => email(text),
    }
}
