//! The services residents file feedback in (`data/feedback.json`): typed, checked at start-up,
//! and the routing of an item to the agency that handles it.

use std::collections::HashSet;

use opendvc_api::{FeedbackService, FeedbackServices, LocalizedText};
use serde::Deserialize;

use crate::agencies::{Agency, AgencyLevel};
use crate::data_error::{DataError, invalid};

pub const FEEDBACK: (&str, &str) = ("feedback.json", include_str!("../../data/feedback.json"));

/// Where an item of a service goes: `withUnit` when the place's commune-level unit is known
/// (a commune-level agency then means that unit's office), `withoutUnit` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeedbackRoute {
    pub with_unit: String,
    pub without_unit: String,
}

/// One service of `feedback.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeedbackServiceData {
    /// The Open311 `service_code`.
    pub code: String,
    pub name: LocalizedText,
    pub description: LocalizedText,
    /// Open311 `group`.
    pub group: String,
    /// Open311 `keywords`, comma-separated.
    pub keywords: String,
    pub answer_hours: u32,
    pub resolve_working_days: u32,
    pub route: FeedbackRoute,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FeedbackFile {
    services: Vec<FeedbackServiceData>,
}

/// The agency an item goes to, and the commune-level unit whose office it is when the agency
/// is commune-level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    pub agency_id: String,
    pub unit_code: Option<String>,
}

/// The checked services, in the file's order.
#[derive(Debug, Clone)]
pub struct FeedbackData {
    pub services: Vec<FeedbackServiceData>,
    /// Which agencies are commune-level, to route to a unit's office.
    commune_agencies: HashSet<String>,
}

/// Longest first-answer clock a service may state, hours (a month).
const MOST_ANSWER_HOURS: u32 = 24 * 31;
/// Longest resolve clock a service may state, working days.
const MOST_RESOLVE_DAYS: u32 = 366;

impl FeedbackData {
    /// Parses and checks the embedded `feedback.json` against the agencies.
    pub fn load(agencies: &[Agency]) -> Result<Self, DataError> {
        Self::parse(FEEDBACK.0, FEEDBACK.1, agencies)
    }

    /// Parses and checks `text` (the contents of `file`): codes are unique Open311 codes
    /// (lowercase letters, digits, `_`), the clocks are above zero and bounded, the texts are
    /// not empty, and every route names an agency of `agencies`.
    pub fn parse(file: &str, text: &str, agencies: &[Agency]) -> Result<Self, DataError> {
        let parsed: FeedbackFile =
            serde_json::from_str(text).map_err(|error| invalid(file, error.to_string()))?;
        if parsed.services.is_empty() {
            return Err(invalid(file, "no service is listed"));
        }
        let mut codes = HashSet::new();
        for service in &parsed.services {
            let at =
                |message: String| invalid(file, format!("service {}: {message}", service.code));
            let code_ok = !service.code.is_empty()
                && service.code.len() <= 64
                && service
                    .code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !code_ok || !codes.insert(service.code.as_str()) {
                return Err(at(
                    "code is not lowercase letters, digits and _, or is duplicated".into(),
                ));
            }
            if service.answer_hours == 0 || service.answer_hours > MOST_ANSWER_HOURS {
                return Err(at(format!(
                    "answerHours must be 1 to {MOST_ANSWER_HOURS}, not {}",
                    service.answer_hours
                )));
            }
            if service.resolve_working_days == 0 || service.resolve_working_days > MOST_RESOLVE_DAYS
            {
                return Err(at(format!(
                    "resolveWorkingDays must be 1 to {MOST_RESOLVE_DAYS}, not {}",
                    service.resolve_working_days
                )));
            }
            let texts = [
                &service.name.vi,
                &service.name.en,
                &service.description.vi,
                &service.description.en,
                &service.group,
                &service.keywords,
            ];
            if texts.iter().any(|text| text.trim().is_empty()) {
                return Err(at(
                    "name, description (vi, en), group or keywords is empty".into()
                ));
            }
            for (side, agency_id) in [
                ("withUnit", &service.route.with_unit),
                ("withoutUnit", &service.route.without_unit),
            ] {
                let Some(agency) = agencies.iter().find(|agency| &agency.id == agency_id) else {
                    return Err(at(format!(
                        "route.{side} names agency {agency_id:?}, which agencies.json does not list"
                    )));
                };
                if side == "withoutUnit" && agency.level == AgencyLevel::Commune {
                    return Err(at(format!(
                        "route.withoutUnit names the commune-level agency {agency_id}, which needs a unit"
                    )));
                }
            }
        }
        let commune_agencies = agencies
            .iter()
            .filter(|agency| agency.level == AgencyLevel::Commune)
            .map(|agency| agency.id.clone())
            .collect();
        Ok(FeedbackData {
            services: parsed.services,
            commune_agencies,
        })
    }

    /// The service of `code`.
    pub fn service(&self, code: &str) -> Option<&FeedbackServiceData> {
        self.services.iter().find(|service| service.code == code)
    }
    /// Where an item of `service` about a place in `unit_code` (a known commune-level unit, if
    /// any) goes: the `withUnit` agency when the unit is known — for a commune-level agency,
    /// that unit's office —, else the `withoutUnit` agency.
    pub fn route(&self, service: &FeedbackServiceData, unit_code: Option<&str>) -> Routed {
        match unit_code {
            Some(unit) => Routed {
                agency_id: service.route.with_unit.clone(),
                unit_code: self
                    .commune_agencies
                    .contains(&service.route.with_unit)
                    .then(|| unit.to_owned()),
            },
            None => Routed {
                agency_id: service.route.without_unit.clone(),
                unit_code: None,
            },
        }
    }

    /// `GET /v1/feedback/services`.
    pub fn wire(&self) -> FeedbackServices {
        FeedbackServices {
            services: self
                .services
                .iter()
                .map(|service| FeedbackService {
                    code: service.code.clone(),
                    name: service.name.clone(),
                    description: service.description.clone(),
                    answer_hours: service.answer_hours,
                    resolve_working_days: service.resolve_working_days,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ReferenceData;

    fn agencies() -> Vec<Agency> {
        ReferenceData::load()
            .expect("the reference data loads")
            .agencies
    }

    fn with(service_json: &str) -> String {
        format!(r#"{{"services": [{service_json}]}}"#)
    }

    const GOOD: &str = r#"{"code": "environment", "name": {"vi": "Môi trường", "en": "Environment"},
        "description": {"vi": "Rác", "en": "Waste"}, "group": "urban", "keywords": "rác",
        "answerHours": 4, "resolveWorkingDays": 3,
        "route": {"withUnit": "commune-people-committee", "withoutUnit": "da-nang-ioc"}}"#;

    #[test]
    fn the_shipped_services_route_to_known_agencies() {
        let agencies = agencies();
        let data = FeedbackData::load(&agencies).expect("feedback.json validates");
        assert_eq!(
            data.services.len(),
            7,
            "the six categories and digital_help"
        );
        assert!(
            data.service("digital_help").is_some(),
            "digital_help is a service"
        );
    }

    #[test]
    fn a_route_to_an_unknown_agency_is_refused_naming_the_file_and_service() {
        let text = with(&GOOD.replace("da-nang-ioc", "da-nang-nowhere"));
        let error = FeedbackData::parse("feedback.json", &text, &agencies())
            .expect_err("an unknown agency is refused");
        let message = error.to_string();
        assert!(
            message.contains("feedback.json")
                && message.contains("environment")
                && message.contains("da-nang-nowhere"),
            "the error names the file, the service and the agency: {message}"
        );
    }

    #[test]
    fn duplicate_codes_and_zero_clocks_are_refused() {
        let agencies = agencies();
        let twice = format!(r#"{{"services": [{GOOD}, {GOOD}]}}"#);
        assert!(
            FeedbackData::parse("feedback.json", &twice, &agencies).is_err(),
            "a code listed twice is refused"
        );
        let zero_hours = with(&GOOD.replace(r#""answerHours": 4"#, r#""answerHours": 0"#));
        assert!(
            FeedbackData::parse("feedback.json", &zero_hours, &agencies).is_err(),
            "answerHours 0 is refused"
        );
        let zero_days =
            with(&GOOD.replace(r#""resolveWorkingDays": 3"#, r#""resolveWorkingDays": 0"#));
        assert!(
            FeedbackData::parse("feedback.json", &zero_days, &agencies).is_err(),
            "resolveWorkingDays 0 is refused"
        );
        let commune_without_unit = with(&GOOD.replace(
            r#""withoutUnit": "da-nang-ioc""#,
            r#""withoutUnit": "commune-police""#,
        ));
        assert!(
            FeedbackData::parse("feedback.json", &commune_without_unit, &agencies).is_err(),
            "a commune-level agency cannot take items without a unit"
        );
        assert!(
            FeedbackData::parse("feedback.json", &with(GOOD), &agencies).is_ok(),
            "the good service itself is accepted"
        );
    }

    #[test]
    fn an_item_goes_to_the_units_office_when_the_unit_is_known_else_to_the_city() {
        let data = FeedbackData::load(&agencies()).expect("feedback.json validates");
        let environment = data.service("environment").expect("environment");
        assert_eq!(
            data.route(environment, Some("20242")),
            Routed {
                agency_id: "commune-people-committee".into(),
                unit_code: Some("20242".into()),
            },
            "with a unit: the ward's People's Committee of that unit"
        );
        assert_eq!(
            data.route(environment, None),
            Routed {
                agency_id: "da-nang-agriculture-environment".into(),
                unit_code: None,
            },
            "without a unit: the city's department"
        );
        let help = data.service("digital_help").expect("digital_help");
        assert_eq!(
            data.route(help, Some("20242")),
            Routed {
                agency_id: "da-nang-ioc".into(),
                unit_code: None,
            },
            "a city-level agency carries no unit"
        );
    }
}
