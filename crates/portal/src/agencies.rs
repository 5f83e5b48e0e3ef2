//! The agencies that decide the catalog's procedures (`data/agencies.json`): their names, level
//! and public contact. A city-level agency has one office; a commune-level agency is the
//! one-stop office of each commune-level unit, named and reached by the unit (an office listed
//! in the file, else the rule: the agency's name and address with the unit's name filled in,
//! and the agency's phone, the city's hotline).

use std::collections::HashSet;

use opendvc_api::{AdminUnits, AgencyContact, LocalizedText, Procedure};
use serde::Deserialize;

use crate::data::{DataError, invalid, is_agency_id};

/// Where an agency sits in the city's two tiers of local government.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyLevel {
    /// One body for the whole city (a department, the city police).
    City,
    /// One office per commune-level unit (ward, commune, special zone); applications go to the
    /// office of the applicant's unit.
    Commune,
}

/// One commune-level office with a contact of its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommuneOffice {
    pub unit_code: String,
    pub phone: String,
    pub address: String,
}

/// One agency of `agencies.json`. For a commune-level agency `name` and `address` hold
/// `{unit}` (the unit's name) and `address` may hold `{province}`; `phone` is the fallback
/// for the units `offices` does not list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Agency {
    pub id: String,
    pub level: AgencyLevel,
    pub name: LocalizedText,
    pub phone: String,
    pub address: String,
    #[serde(default)]
    pub offices: Vec<CommuneOffice>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgencyFile {
    pub agencies: Vec<Agency>,
}

const UNIT: &str = "{unit}";
const PROVINCE: &str = "{province}";

impl Agency {
    /// The agency's contact for an application of `unit_code` (the applicant's commune-level
    /// unit). A city-level agency ignores the unit; a commune-level one without a known unit
    /// answers with its generic name ("the ward's People's Committee") and the city hotline.
    pub fn contact(&self, unit_code: Option<&str>, units: &AdminUnits) -> AgencyContact {
        let unit = match self.level {
            AgencyLevel::City => None,
            AgencyLevel::Commune => {
                unit_code.and_then(|code| units.units.iter().find(|unit| unit.code == code))
            }
        };
        let Some(unit) = unit else {
            let generic = match self.level {
                AgencyLevel::City => self.name.clone(),
                AgencyLevel::Commune => LocalizedText {
                    vi: fill(&self.name.vi, "phường, xã, đặc khu", ""),
                    en: fill(&self.name.en, "the ward, commune or special zone", ""),
                    id: self
                        .name
                        .id
                        .as_deref()
                        .map(|text| fill(text, "kelurahan/desa", "")),
                },
            };
            let address = match self.level {
                AgencyLevel::City => self.address.clone(),
                AgencyLevel::Commune => String::new(),
            };
            return AgencyContact {
                agency_id: self.id.clone(),
                name: generic,
                phone: self.phone.clone(),
                address,
            };
        };
        let unit_name = lower_first(&unit.name);
        let province = units
            .provinces
            .iter()
            .find(|province| province.code == unit.province_code)
            .map(|province| lower_first(&province.name))
            .unwrap_or_default();
        let name = LocalizedText {
            vi: fill(&self.name.vi, &unit_name, &province),
            en: fill(&self.name.en, &unit.name, &province),
            id: self
                .name
                .id
                .as_deref()
                .map(|text| fill(text, &unit.name, &province)),
        };
        match self
            .offices
            .iter()
            .find(|office| office.unit_code == unit.code)
        {
            Some(office) => AgencyContact {
                agency_id: self.id.clone(),
                name,
                phone: office.phone.clone(),
                address: office.address.clone(),
            },
            None => AgencyContact {
                agency_id: self.id.clone(),
                name,
                phone: self.phone.clone(),
                address: fill(&self.address, &unit_name, &province),
            },
        }
    }
}

fn fill(template: &str, unit: &str, province: &str) -> String {
    template.replace(UNIT, unit).replace(PROVINCE, province)
}

/// "Phường Hải Châu" → "phường Hải Châu", as the unit's kind is written inside a name.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Checks the agencies: ids are slugs and unique, every procedure's `agencyId` is one of them,
/// a commune-level agency's templates name the unit, and its offices are known units.
pub fn validate_agencies(
    file: &str,
    agencies: &[Agency],
    procedures: &[Procedure],
    units: &AdminUnits,
) -> Result<(), DataError> {
    let mut ids = HashSet::new();
    for agency in agencies {
        let at = |message: String| invalid(file, format!("agency {}: {message}", agency.id));
        if !is_agency_id(&agency.id) || !ids.insert(agency.id.as_str()) {
            return Err(at("id is not a lowercase slug or is duplicated".into()));
        }
        let texts = [
            Some(agency.name.vi.as_str()),
            Some(agency.name.en.as_str()),
            agency.name.id.as_deref(),
        ];
        if agency.phone.trim().is_empty() || agency.address.trim().is_empty() {
            return Err(at("phone or address is empty".into()));
        }
        match agency.level {
            AgencyLevel::City => {
                if !agency.offices.is_empty() {
                    return Err(at("a city-level agency has no commune offices".into()));
                }
                if texts.iter().flatten().any(|text| text.contains(UNIT))
                    || agency.address.contains(UNIT)
                    || agency.address.contains(PROVINCE)
                {
                    return Err(at("a city-level agency's texts name no {unit}".into()));
                }
            }
            AgencyLevel::Commune => {
                if !texts.iter().flatten().all(|text| text.contains(UNIT))
                    || !agency.address.contains(UNIT)
                {
                    return Err(at(
                        "a commune-level agency's name (every language) and address name {unit}"
                            .into(),
                    ));
                }
                let mut office_units = HashSet::new();
                for office in &agency.offices {
                    if !units.units.iter().any(|unit| unit.code == office.unit_code)
                        || !office_units.insert(office.unit_code.as_str())
                    {
                        return Err(at(format!(
                            "office of unknown or repeated unit {}",
                            office.unit_code
                        )));
                    }
                    if office.phone.trim().is_empty() || office.address.trim().is_empty() {
                        return Err(at(format!(
                            "office of unit {} has an empty phone or address",
                            office.unit_code
                        )));
                    }
                }
            }
        }
    }
    if let Some(procedure) = procedures
        .iter()
        .find(|procedure| !ids.contains(procedure.agency_id.as_str()))
    {
        return Err(invalid(
            file,
            format!(
                "procedure {} names agency {:?}, which the file does not list",
                procedure.id, procedure.agency_id
            ),
        ));
    }
    Ok(())
}
