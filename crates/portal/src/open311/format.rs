//! Open311 answers as JSON or XML, after the path's extension (`services.json`,
//! `services.xml`), and its errors as `[{code, description}]` / `<errors><error>…`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::open311::Open311Error;
use serde::Serialize;

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// A list answer: a JSON array, or in XML the standard's root element (`services`,
/// `service_requests`, `errors`) around one `item` element per entry.
pub fn list<T: Serialize>(
    format: Format,
    status: StatusCode,
    root: &str,
    item: &str,
    entries: &[T],
) -> Response {
    match format {
        Format::Json => match serde_json::to_vec(entries) {
            Ok(body) => with_type(status, "application/json; charset=utf-8", body),
            Err(error) => unserializable(format, &error.to_string()),
        },
        Format::Xml => {
            let mut body = format!("{XML_DECLARATION}<{root}>");
            for entry in entries {
                match quick_xml::se::to_string_with_root(item, entry) {
                    Ok(element) => body.push_str(&element),
                    Err(error) => return unserializable(format, &error.to_string()),
                }
            }
            body.push_str(&format!("</{root}>"));
            with_type(status, "text/xml; charset=utf-8", body.into_bytes())
        }
    }
}

/// One document: JSON as the value, XML as `root` built from `xml` (a shape written for the
/// standard's element names where they differ from the JSON's).
pub fn document<J: Serialize, X: Serialize>(
    format: Format,
    root: &str,
    json: &J,
    xml: &X,
) -> Response {
    match format {
        Format::Json => match serde_json::to_vec(json) {
            Ok(body) => with_type(StatusCode::OK, "application/json; charset=utf-8", body),
            Err(error) => unserializable(format, &error.to_string()),
        },
        Format::Xml => match quick_xml::se::to_string_with_root(root, xml) {
            Ok(element) => with_type(
                StatusCode::OK,
                "text/xml; charset=utf-8",
                format!("{XML_DECLARATION}{element}").into_bytes(),
            ),
            Err(error) => unserializable(format, &error.to_string()),
        },
    }
}

fn with_type(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A value the serializers refuse is the portal's fault; the client still gets the standard's
/// error shape (in JSON, which cannot fail for an error list), never a bare 500 page.
fn unserializable(format: Format, reason: &str) -> Response {
    tracing::error!(?format, reason, "an Open311 answer could not be serialized");
    let errors = [Open311Error {
        code: 500,
        description: "The portal could not write this answer; try again later.".into(),
    }];
    match serde_json::to_vec(&errors) {
        Ok(body) => with_type(
            StatusCode::INTERNAL_SERVER_ERROR,
            "application/json; charset=utf-8",
            body,
        ),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
