//! Where a form field's value comes from ("declared once, used many times"): the catalog names a
//! source on each field the city or the device already holds (`FormField::prefill`), and the
//! app fills the field from it, never over what the person typed.
//!
//! The sources, as written in the catalog:
//! - `profile.fullName`, `profile.birthDate`, `profile.idNumber`, `profile.phone`,
//!   `profile.email`, `profile.gender`: a field of the citizen's profile;
//! - `address.permanent`, `address.current`: an address with its commune-level unit and
//!   province (`12 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng`), the current address falling
//!   back to the permanent one where the profile has none; `profile.address` is the older name
//!   of `address.permanent`;
//! - `document.{kind}.{number|issuedOn|expiresOn|issuer}`: a field of the wallet's document of
//!   that kind (the one the person picked for the application, else the first of its kind);
//! - `previous.{key}`: what the person typed last time in a field of the same kind (`key`, such
//!   as `bankAccount` or `childName`), remembered on their own device and only offered.

use std::collections::BTreeMap;

use opendvc_api::{Address, AdminUnits, Document, Profile};

/// A field of the profile a form may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProfileField {
    FullName,
    BirthDate,
    IdNumber,
    Phone,
    Email,
    Gender,
}

/// Which of the profile's addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddressKind {
    Permanent,
    /// Where the person lives now; the permanent address where the profile names none.
    Current,
}

/// A field of a wallet document a form may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentField {
    Number,
    IssuedOn,
    ExpiresOn,
    Issuer,
}

/// Where a form field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrefillSource {
    Profile(ProfileField),
    Address(AddressKind),
    Document {
        kind: String,
        field: DocumentField,
    },
    /// The person's previous answer to a field of this kind.
    Previous(String),
}

/// Whether `key` can name a kind of document or of answer: lower-case ASCII letters, digits
/// and `_` for a document kind, and ASCII letters and digits for an answer's key.
fn is_key(key: &str, underscore: bool) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || (underscore && c == '_'))
}

impl PrefillSource {
    /// The source a catalog names, or `None` when the text names none this app knows.
    pub fn parse(text: &str) -> Option<PrefillSource> {
        let profile = |field| Some(PrefillSource::Profile(field));
        match text {
            "profile.fullName" => return profile(ProfileField::FullName),
            "profile.birthDate" => return profile(ProfileField::BirthDate),
            "profile.idNumber" => return profile(ProfileField::IdNumber),
            "profile.phone" => return profile(ProfileField::Phone),
            "profile.email" => return profile(ProfileField::Email),
            "profile.gender" => return profile(ProfileField::Gender),
            "address.permanent" | "profile.address" => {
                return Some(PrefillSource::Address(AddressKind::Permanent));
            }
            "address.current" => return Some(PrefillSource::Address(AddressKind::Current)),
            _ => {}
        }
        if let Some(key) = text.strip_prefix("previous.") {
            return is_key(key, false).then(|| PrefillSource::Previous(key.to_owned()));
        }
        let rest = text.strip_prefix("document.")?;
        let (kind, field) = rest.rsplit_once('.')?;
        let field = match field {
            "number" => DocumentField::Number,
            "issuedOn" => DocumentField::IssuedOn,
            "expiresOn" => DocumentField::ExpiresOn,
            "issuer" => DocumentField::Issuer,
            _ => return None,
        };
        is_key(kind, true).then(|| PrefillSource::Document {
            kind: kind.to_owned(),
            field,
        })
    }

    /// The group a source counts in on the table of sources (`profile.fullName`,
    /// `address.current`, `document.number`, `previous`).
    pub fn group(&self) -> String {
        match self {
            PrefillSource::Profile(field) => format!("profile.{}", profile_name(*field)),
            PrefillSource::Address(AddressKind::Permanent) => "address.permanent".to_owned(),
            PrefillSource::Address(AddressKind::Current) => "address.current".to_owned(),
            PrefillSource::Document { field, .. } => format!("document.{}", field_name(*field)),
            PrefillSource::Previous(_) => "previous".to_owned(),
        }
    }
}

fn profile_name(field: ProfileField) -> &'static str {
    match field {
        ProfileField::FullName => "fullName",
        ProfileField::BirthDate => "birthDate",
        ProfileField::IdNumber => "idNumber",
        ProfileField::Phone => "phone",
        ProfileField::Email => "email",
        ProfileField::Gender => "gender",
    }
}

fn field_name(field: DocumentField) -> &'static str {
    match field {
        DocumentField::Number => "number",
        DocumentField::IssuedOn => "issuedOn",
        DocumentField::ExpiresOn => "expiresOn",
        DocumentField::Issuer => "issuer",
    }
}

/// What the app holds to fill a form from.
#[derive(Debug, Clone, Copy)]
pub struct PrefillFrom<'a> {
    pub profile: Option<&'a Profile>,
    /// The wallet documents, those the person picked for the application first.
    pub wallet: &'a [Document],
    /// The administrative units, to name an address's unit and province; without them an
    /// address is its street and unit code.
    pub units: Option<&'a AdminUnits>,
    /// The person's previous answers by key (`previous.{key}`).
    pub previous: &'a BTreeMap<String, String>,
}

/// The value `source` gives, if the app holds it.
pub fn value(source: &PrefillSource, from: &PrefillFrom<'_>) -> Option<String> {
    match source {
        PrefillSource::Profile(field) => {
            let profile = from.profile?;
            match field {
                ProfileField::FullName => Some(profile.full_name.clone()),
                ProfileField::BirthDate => Some(profile.birth_date.to_string()),
                ProfileField::IdNumber => Some(profile.id_number.clone()),
                ProfileField::Phone => Some(profile.phone.clone()),
                ProfileField::Email => profile.email.clone(),
                ProfileField::Gender => Some(profile.gender.clone()),
            }
        }
        PrefillSource::Address(kind) => {
            let profile = from.profile?;
            let address = match kind {
                AddressKind::Permanent => &profile.address,
                AddressKind::Current => {
                    profile.current_address.as_ref().unwrap_or(&profile.address)
                }
            };
            Some(address_text(address, from.units))
        }
        PrefillSource::Document { kind, field } => {
            let document = from.wallet.iter().find(|document| document.kind == *kind)?;
            match field {
                DocumentField::Number => Some(document.number.clone()),
                DocumentField::IssuedOn => Some(document.issued_on.to_string()),
                DocumentField::ExpiresOn => document.expires_on.map(|day| day.to_string()),
                DocumentField::Issuer => Some(document.issuer.clone()),
            }
        }
        PrefillSource::Previous(key) => from.previous.get(key).cloned(),
    }
}

/// An address as one line with its unit and province named (`12 Bạch Đằng, Phường Hải Châu,
/// Thành phố Đà Nẵng`); a unit the list does not hold is left as its code.
pub fn address_text(address: &Address, units: Option<&AdminUnits>) -> String {
    let unit = units.and_then(|units| {
        units
            .units
            .iter()
            .find(|unit| unit.code == address.unit_code)
    });
    let province = units.and_then(|units| {
        units
            .provinces
            .iter()
            .find(|province| province.code == address.province_code)
    });
    let unit_name = unit.map_or(address.unit_code.as_str(), |unit| unit.name.as_str());
    [
        address.street.as_str(),
        unit_name,
        province.map_or("", |province| province.name.as_str()),
    ]
    .into_iter()
    .map(str::trim)
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_the_catalog_may_name_parses_and_nothing_else_does() {
        for text in [
            "profile.fullName",
            "profile.email",
            "address.current",
            "address.permanent",
            "profile.address",
            "document.id_card.issuedOn",
            "document.driving_licence.number",
            "previous.bankAccount",
        ] {
            assert!(PrefillSource::parse(text).is_some(), "{text} is a source");
        }
        for text in [
            "",
            "profile.nickname",
            "document.id_card",
            "document.Id-Card.number",
            "document.id_card.colour",
            "previous.",
            "previous.bank account",
            "address.holiday",
        ] {
            assert_eq!(PrefillSource::parse(text), None, "{text:?} is not a source");
        }
        assert_eq!(
            PrefillSource::parse("profile.address"),
            PrefillSource::parse("address.permanent"),
            "the older name of the permanent address"
        );
    }
}
