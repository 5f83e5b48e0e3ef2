//! The renewal rules table: per document kind, how validity is computed, which procedure
//! renews it and when to remind. The table is data (`data/renewal-rules.json`) so that a city
//! can replace it and a new kind needs no code.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use opendvc_api::{Document, LocalizedText};
use serde::Deserialize;

/// The rules shipped with the app.
const BUILT_IN_RULES: &str = include_str!("../../data/renewal-rules.json");

/// A rules file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("the renewal rules file is not valid JSON of the expected shape: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("the renewal rules file lists the document kind `{0}` twice")]
    DuplicateKind(String),
    #[error("the renewal rule for `{kind}` is inconsistent: {reason}")]
    Inconsistent { kind: String, reason: String },
}

/// How a kind's validity is computed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Validity {
    /// The date printed on the document.
    Printed,
    /// A fixed number of years from the issue date, shorter for holders under an age at issue.
    YearsFromIssue {
        years: u32,
        #[serde(default)]
        under: Option<UnderAge>,
        /// Use the printed expiry where the document has one.
        #[serde(default)]
        prefer_printed: bool,
    },
    /// The citizen ID card: renewed on reaching each milestone age; a card issued within
    /// `grace_years_before` of a milestone lasts to the next one; a card issued at
    /// `lifetime_from_age` or older never expires.
    AgeMilestones {
        milestones: Vec<u32>,
        grace_years_before: u32,
        lifetime_from_age: u32,
    },
    /// Driving licences: years per class; `null` means the class does not expire. A licence
    /// with several classes expires with its first expiring class.
    ByClass {
        years: BTreeMap<String, Option<u32>>,
    },
    /// The document does not expire.
    None,
}

/// A shorter validity for holders under an age at issue (passports of children).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnderAge {
    pub age: u32,
    pub years: u32,
}

/// The rule for one document kind.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalRule {
    pub kind: String,
    pub name: LocalizedText,
    pub validity: Validity,
    /// The catalog procedure that renews this kind, if there is one online.
    #[serde(default)]
    pub renewal_procedure: Option<String>,
    /// Days before expiry on which a reminder fires, once each. 0 is the day of expiry.
    pub stages: Vec<u32>,
    pub notes: LocalizedText,
}

#[derive(Debug, Deserialize)]
struct RulesFile {
    kinds: Vec<RenewalRule>,
}

/// All rules, by kind.
#[derive(Debug, Clone)]
pub struct RulesTable {
    rules: BTreeMap<String, RenewalRule>,
}

/// What the rules say about one document's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// The document stops being valid at the end of the day before this date, and must be
    /// renewed by this date.
    On(NaiveDate),
    /// The document does not expire.
    Never,
    /// The expiry cannot be known: no rule for the kind, or a printed date is missing, or a
    /// rule needs the birth date and it is unknown.
    Unknown,
}

impl RulesTable {
    /// The table shipped with the app.
    pub fn built_in() -> Result<Self, RulesError> {
        Self::from_json(BUILT_IN_RULES)
    }

    /// A table from the JSON of a rules file (for a city's own table).
    pub fn from_json(json: &str) -> Result<Self, RulesError> {
        let file: RulesFile = serde_json::from_str(json)?;
        let mut rules = BTreeMap::new();
        for rule in file.kinds {
            rule.check()?;
            let kind = rule.kind.clone();
            if rules.insert(kind.clone(), rule).is_some() {
                return Err(RulesError::DuplicateKind(kind));
            }
        }
        Ok(RulesTable { rules })
    }

    /// The rule for a kind, if the table has one.
    pub fn rule(&self, kind: &str) -> Option<&RenewalRule> {
        self.rules.get(kind)
    }

    /// Every rule, ordered by kind.
    pub fn rules(&self) -> impl Iterator<Item = &RenewalRule> {
        self.rules.values()
    }

    /// The expiry of `document` for a holder born on `birth_date`.
    pub fn expiry(&self, document: &Document, birth_date: Option<NaiveDate>) -> Expiry {
        match self.rule(&document.kind) {
            Some(rule) => rule.expiry(document, birth_date),
            None => document.expires_on.map_or(Expiry::Unknown, Expiry::On),
        }
    }
}

impl RenewalRule {
    fn check(&self) -> Result<(), RulesError> {
        let inconsistent = |reason: &str| RulesError::Inconsistent {
            kind: self.kind.clone(),
            reason: reason.to_owned(),
        };
        if let Validity::AgeMilestones { milestones, .. } = &self.validity
            && (milestones.is_empty() || milestones.windows(2).any(|pair| pair[0] >= pair[1]))
        {
            return Err(inconsistent("milestones must be ascending and not empty"));
        }
        if matches!(self.validity, Validity::None) && !self.stages.is_empty() {
            return Err(inconsistent("a kind that never expires cannot have stages"));
        }
        Ok(())
    }

    /// The expiry of `document` under this rule.
    pub fn expiry(&self, document: &Document, birth_date: Option<NaiveDate>) -> Expiry {
        let issued = document.issued_on;
        match &self.validity {
            Validity::Printed => document.expires_on.map_or(Expiry::Unknown, Expiry::On),
            Validity::YearsFromIssue {
                years,
                under,
                prefer_printed,
            } => {
                if *prefer_printed && let Some(printed) = document.expires_on {
                    return Expiry::On(printed);
                }
                let years = match under {
                    Some(under) => match birth_date {
                        Some(birth) if age_on(birth, issued) < under.age => under.years,
                        Some(_) => *years,
                        None => return Expiry::Unknown,
                    },
                    None => *years,
                };
                add_years(issued, years).map_or(Expiry::Unknown, Expiry::On)
            }
            Validity::AgeMilestones {
                milestones,
                grace_years_before,
                lifetime_from_age,
            } => match birth_date {
                Some(birth) => id_card_expiry(
                    birth,
                    issued,
                    milestones,
                    *grace_years_before,
                    *lifetime_from_age,
                ),
                None => Expiry::Unknown,
            },
            Validity::ByClass { years } => {
                if document.classes.is_empty() {
                    return document.expires_on.map_or(Expiry::Unknown, Expiry::On);
                }
                let mut earliest: Option<NaiveDate> = None;
                for class in &document.classes {
                    match years.get(class.trim().to_uppercase().as_str()) {
                        // An unknown class: only the printed date can tell.
                        None => return document.expires_on.map_or(Expiry::Unknown, Expiry::On),
                        Some(None) => {}
                        Some(Some(class_years)) => {
                            let Some(date) = add_years(issued, *class_years) else {
                                return Expiry::Unknown;
                            };
                            earliest = Some(earliest.map_or(date, |known| known.min(date)));
                        }
                    }
                }
                earliest.map_or(Expiry::Never, Expiry::On)
            }
            Validity::None => Expiry::Never,
        }
    }
}

/// The ID card rule of the Law on Identification 2023, Art. 21.
fn id_card_expiry(
    birth: NaiveDate,
    issued: NaiveDate,
    milestones: &[u32],
    grace_years_before: u32,
    lifetime_from_age: u32,
) -> Expiry {
    if age_on(birth, issued) >= lifetime_from_age {
        return Expiry::Never;
    }
    let mut upcoming = milestones
        .iter()
        .filter_map(|&age| add_years(birth, age))
        .filter(|&birthday| birthday > issued);
    let Some(first) = upcoming.next() else {
        return Expiry::Never;
    };
    let grace_starts = sub_years(first, grace_years_before);
    if grace_starts.is_some_and(|start| issued >= start) {
        // Issued within the grace years before a milestone: valid to the next one, or for
        // life when there is none.
        upcoming.next().map_or(Expiry::Never, Expiry::On)
    } else {
        Expiry::On(first)
    }
}

/// Whole years of age on `day` for someone born on `birth`: the largest `n` whose `n`th
/// birthday, as [`add_years`] counts it, is on or before `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let Ok(mut age) = u32::try_from(day.year() - birth.year()) else {
        return 0;
    };
    while age > 0 && add_years(birth, age).is_none_or(|birthday| birthday > day) {
        age -= 1;
    }
    age
}

/// `date` plus whole years. A 29 February moves to 28 February in a common year: the Civil
/// Code 2015, Art. 148, ends a period on the last day of the month when the month has no
/// corresponding day.
pub fn add_years(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(years.checked_mul(12)?))
}

fn sub_years(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    date.checked_sub_months(Months::new(years.checked_mul(12)?))
}
