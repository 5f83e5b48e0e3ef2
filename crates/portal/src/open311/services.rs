//! `GET /open311/v2/services.{json,xml}` and `GET /open311/v2/discovery.{json,xml}`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, FixedOffset, NaiveDate};
use opendvc_api::open311::{Open311Discovery, Open311Endpoint, Open311Service};
use serde::{Deserialize, Serialize};

use super::format::{self, Format};
use crate::feedback::data::FeedbackData;
use crate::state::AppState;

/// The services in `language` ("vi" by default, "en", "id").
pub fn services(feedback: &FeedbackData, language: &str) -> Vec<Open311Service> {
    feedback
        .services
        .iter()
        .map(|service| Open311Service {
            service_code: service.code.clone(),
            service_name: service.name.get(language).to_owned(),
            description: service.description.get(language).to_owned(),
            metadata: false,
            kind: "realtime".into(),
            keywords: service.keywords.clone(),
            group: service.group.clone(),
        })
        .collect()
}

/// `?locale=vi|en|id` of the read endpoints (Vietnamese when absent or unknown).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocaleQuery {
    /// `vi` (default), `en` or `id`.
    #[serde(default)]
    pub locale: Option<String>,
}

impl LocaleQuery {
    pub fn language(&self) -> &'static str {
        match self.locale.as_deref().map(str::trim) {
            Some(locale) if locale.starts_with("en") => "en",
            Some(locale) if locale.starts_with("id") => "id",
            _ => "vi",
        }
    }
}

pub fn list(state: &AppState, Query(query): Query<LocaleQuery>, format: Format) -> Response {
    format::list(
        format,
        StatusCode::OK,
        "services",
        "service",
        &services(&state.data.feedback, query.language()),
    )
}

/// The date the Open311 interface last changed; the discovery document's `changeset`.
fn changeset() -> DateTime<FixedOffset> {
    NaiveDate::from_ymd_opt(2026, 12, 6)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc().fixed_offset())
        .unwrap_or_default()
}

/// The discovery document as the standard writes it in XML: `<endpoints><endpoint>…` and
/// `<formats><format>…`.
#[derive(Serialize)]
struct DiscoveryXml<'a> {
    changeset: String,
    contact: &'a str,
    key_service: &'a str,
    endpoints: EndpointsXml,
}

#[derive(Serialize)]
struct EndpointsXml {
    endpoint: Vec<EndpointXml>,
}

#[derive(Serialize)]
struct EndpointXml {
    specification: String,
    url: String,
    changeset: String,
    #[serde(rename = "type")]
    kind: String,
    formats: FormatsXml,
}

#[derive(Serialize)]
struct FormatsXml {
    format: Vec<String>,
}

pub fn discovery(State(state): State<AppState>, format: Format) -> Response {
    let endpoint = Open311Endpoint {
        specification: "http://wiki.open311.org/GeoReport_v2".into(),
        url: format!("{}/open311/v2", state.config.public_url),
        changeset: changeset(),
        kind: if state.config.demo {
            "test"
        } else {
            "production"
        }
        .into(),
        formats: vec!["application/json".into(), "text/xml".into()],
    };
    let discovery = Open311Discovery {
        changeset: changeset(),
        contact: "Trung tâm Giám sát, điều hành đô thị thông minh thành phố Đà Nẵng".into(),
        key_service: "The city's operators issue one api_key per client application.".into(),
        endpoints: vec![endpoint.clone()],
    };
    let xml = DiscoveryXml {
        changeset: discovery.changeset.to_rfc3339(),
        contact: &discovery.contact,
        key_service: &discovery.key_service,
        endpoints: EndpointsXml {
            endpoint: vec![EndpointXml {
                specification: endpoint.specification,
                url: endpoint.url,
                changeset: endpoint.changeset.to_rfc3339(),
                kind: endpoint.kind,
                formats: FormatsXml {
                    format: endpoint.formats,
                },
            }],
        },
    };
    format::document(format, "discovery", &discovery, &xml)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ReferenceData;

    #[test]
    fn the_seven_services_are_listed_in_vietnamese_by_default() {
        let feedback = ReferenceData::load()
            .expect("the reference data loads")
            .feedback;
        let listed = services(&feedback, LocaleQuery::default().language());
        let codes: Vec<&str> = listed.iter().map(|s| s.service_code.as_str()).collect();
        assert_eq!(codes.len(), 7, "feedback.json's seven services: {codes:?}");
        assert!(codes.contains(&"digital_help"), "digital help is a service");
        assert_eq!(
            listed
                .iter()
                .find(|s| s.service_code == "environment")
                .map(|s| s.service_name.as_str()),
            Some("Môi trường"),
            "names are Vietnamese by default"
        );
        let english = LocaleQuery {
            locale: Some("en".into()),
        };
        assert_eq!(
            services(&feedback, english.language())
                .iter()
                .find(|s| s.service_code == "environment")
                .map(|s| s.service_name.clone()),
            Some("Environment".into()),
            "?locale=en gives English names"
        );
    }
}
