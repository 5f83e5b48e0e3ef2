//! Extractors whose rejections are problem documents, never axum's plain-text defaults.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use opendvc_api::ErrorCode;

/// A JSON body. Wrong media type → 415; not JSON, wrong types or missing fields → 400;
/// larger than the body limit → 413.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

/// Reads the whole body within the router's body limit, mapping an overrun to 413.
pub async fn read_body(request: Request) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, &())
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    "The body is larger than allowed.",
                )
            } else {
                ApiError::malformed(format!("The body could not be read: {rejection}"))
            }
        })
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_json = is_json_media(&request);
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the body as application/json.",
            ));
        }
        let bytes = read_body(request).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body into `T`, mapping every failure to a 400 problem. JSON Schema counts
/// `1.0` as an integer, so integral floats are accepted where integers are expected.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let malformed = |error: serde_json::Error| {
        ApiError::malformed(format!(
            "The body is not valid JSON for this endpoint: {error}"
        ))
    };
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(first_error) => {
            let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(malformed)?;
            if !integralise(&mut value) {
                return Err(malformed(first_error));
            }
            serde_json::from_value(value).map_err(|_| malformed(first_error))
        }
    }
}

/// Rewrites floats with no fractional part as integers; returns whether any changed.
fn integralise(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            if float.fract() == 0.0 && float.abs() < 9.0e15 {
                *value = serde_json::Value::from(float as i64);
                true
            } else {
                false
            }
        }
        serde_json::Value::Array(items) => {
            let mut changed = false;
            for item in items.iter_mut() {
                changed |= integralise(item);
            }
            changed
        }
        serde_json::Value::Object(fields) => {
            let mut changed = false;
            for item in fields.values_mut() {
                changed |= integralise(item);
            }
            changed
        }
        _ => false,
    }
}

/// A path segment parsed into `T`; a segment that does not parse names nothing → 404.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| ApiError::not_found("No such resource."))
    }
}

/// A query string parsed into `T`; anything that does not parse → 400.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::malformed(format!("Bad query string: {rejection}")))
    }
}

/// An optional JSON body: an empty body gives `T::default()`.
#[derive(Debug, Clone)]
pub struct OptionalJson<T>(pub T);

fn is_json_media(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            let media = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            media == "application/json" || media.ends_with("+json")
        })
        .unwrap_or(false)
}

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let has_content_type = request.headers().contains_key(header::CONTENT_TYPE);
        let is_json = is_json_media(&request);
        let bytes = read_body(request).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        if has_content_type && !is_json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the body as application/json.",
            ));
        }
        let value: Option<T> = parse_json(&bytes)?;
        Ok(OptionalJson(value.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_floats_count_as_integers() {
        let rating: opendvc_api::Rating = parse_json(br#"{"stars": 4.0}"#).expect("4.0 is 4");
        assert_eq!(rating.stars, 4);
        assert!(parse_json::<opendvc_api::Rating>(br#"{"stars": 4.5}"#).is_err());
        assert!(parse_json::<opendvc_api::Rating>(b"{nope").is_err());
    }
}
