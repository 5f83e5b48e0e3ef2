//! Open311 GeoReport v2 at `/open311/v2/`, so that existing city tools (FixMyStreet and
//! others) can file feedback into a city running OpenDVC.
//!
//! **Documented exceptions to this crate's conventions**, because the standard fixes them:
//! field names are snake_case (not camelCase); an absent value is left out of JSON (and written
//! as an empty element in XML); errors are a list `[{code, description}]` (not
//! problem+json); each answer comes as JSON or XML after the path's extension
//! (`services.json`, `services.xml`); `POST requests.{json,xml}` takes a form-encoded body
//! (`application/x-www-form-urlencoded`, or `multipart/form-data` with a `media` file), with an
//! `api_key` issued per client application in the portal's configuration and checked before
//! the body is read. Public answers never carry a reporter's name, phone, e-mail or exact
//! address. See <http://wiki.open311.org/GeoReport_v2/>.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One service of `GET /open311/v2/services.{json,xml}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Open311Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// Whether the service has extra attributes (`GET services/{code}.json`); false here.
    pub metadata: bool,
    /// `realtime`, `batch` or `blackbox`; `realtime` here (the id is known at once).
    #[serde(rename = "type")]
    pub kind: String,
    pub keywords: String,
    pub group: String,
}

/// One request (a feedback item) of `GET /open311/v2/requests.{json,xml}` and
/// `GET /open311/v2/requests/{id}.{json,xml}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Open311Request {
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: String,
    /// The latest answer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    /// The agency's name (Vietnamese).
    pub agency_responsible: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub service_notice: Option<String>,
    pub requested_datetime: DateTime<FixedOffset>,
    pub updated_datetime: DateTime<FixedOffset>,
    /// The answer deadline (`Feedback.dueAt`).
    pub expected_datetime: DateTime<FixedOffset>,
    /// The commune-level unit's name, never the reporter's exact address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub zipcode: Option<String>,
    /// Only when the reporter chose to share the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub lat: Option<f64>,
    /// Only when the reporter chose to share the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub long: Option<f64>,
    /// A public URL of the first photo, only when the reporter chose to share the place;
    /// otherwise absent (photos are for the reporter and officers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub media_url: Option<String>,
}

/// One element of `POST /open311/v2/requests.{json,xml}`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Open311Created {
    pub service_request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub service_notice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub account_id: Option<String>,
}

/// One element of an Open311 error answer (`[{code, description}]`); `code` repeats the HTTP
/// status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Open311Error {
    pub code: u16,
    pub description: String,
}

/// One endpoint of the discovery document (`GET /open311/v2/discovery.{json,xml}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Open311Endpoint {
    /// `http://wiki.open311.org/GeoReport_v2`.
    pub specification: String,
    pub url: String,
    pub changeset: DateTime<FixedOffset>,
    /// `production` or `test`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `application/json`, `text/xml`.
    pub formats: Vec<String>,
}

/// `GET /open311/v2/discovery.{json,xml}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Open311Discovery {
    pub changeset: DateTime<FixedOffset>,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Open311Endpoint>,
}
