//! Idempotency keys, after the IETF Idempotency-Key draft.
//!
//! Every state-changing request on applications needs an `Idempotency-Key`. The key is scoped
//! to the citizen, method and path. The first successful answer is stored with a hash of the
//! canonical request, in the same transaction as the change itself. Then:
//! same key and same payload → the stored answer again (`Idempotent-Replayed: true`), nothing
//! changes; same key, other payload → 422 `idempotency_key_reused`; same key while the first
//! request is still being handled → 409 `idempotency_in_flight`; no key → 400
//! `idempotency_key_missing`. Keys are kept at least 30 days: records older than that are
//! purged at start-up and once a day. Refusals (4xx) are not stored: a corrected retry with the
//! same key is handled afresh.
//!
//! A late delivery of assisted-session work (`late_delivery`) is judged after the lookup: a
//! replay gets its stored answer even after the delivery window closed and is not counted as
//! a new item; only a fresh request must fall inside the window and within the item limit.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{
    ErrorCode, IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_RETENTION_DAYS, IDEMPOTENT_REPLAY_HEADER,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub mod in_flight;

use in_flight::InFlightGuard;

use crate::auth::CitizenAuth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{IdempotencyRecord, StoredResponse};

/// Longest accepted key.
pub const MAX_KEY_LENGTH: usize = 255;

/// The key of a request, validated.
pub fn key_of(headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY_HEADER) else {
        return Err(ApiError::new(
            ErrorCode::IdempotencyKeyMissing,
            "This request changes state and needs an Idempotency-Key header.",
        ));
    };
    let key = value
        .to_str()
        .map(str::trim)
        .map_err(|_| ApiError::malformed("The Idempotency-Key must be printable ASCII."))?;
    if key.is_empty() {
        return Err(ApiError::new(
            ErrorCode::IdempotencyKeyMissing,
            "The Idempotency-Key header is empty.",
        ));
    }
    if key.len() > MAX_KEY_LENGTH {
        return Err(ApiError::malformed(
            "The Idempotency-Key is longer than 255 characters.",
        ));
    }
    Ok(key.to_owned())
}

/// A hash of the request's canonical form (its typed value, re-serialised).
pub fn request_hash<T: Serialize>(request: &T) -> Result<String, ApiError> {
    let canonical = serde_json::to_vec(request).map_err(ApiError::internal)?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}

/// What to do with a request after looking at its key.
#[derive(Debug)]
pub enum Begin {
    /// Answer with the stored response.
    Replay(Response),
    /// Handle the request; store `record` with the change. Hold `guard` until done.
    Fresh {
        record: IdempotencyRecord,
        guard: InFlightGuard,
    },
}

/// Decides what a stored answer means for a request with `request_hash`.
pub fn judge(
    stored: Option<StoredResponse>,
    request_hash: &str,
) -> Result<Option<Response>, ApiError> {
    match stored {
        None => Ok(None),
        Some(stored) if stored.request_hash == request_hash => Ok(Some(replay(stored))),
        Some(_) => Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "This Idempotency-Key was used with a different request; use a new key.",
        )),
    }
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(IDEMPOTENT_REPLAY_HEADER, HeaderValue::from_static("true"));
    response
}

/// Starts an idempotent request of the caller's citizen on `method` `path`.
pub async fn begin<T: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    auth: &CitizenAuth,
    method: &str,
    path: &str,
    request: &T,
    success_status: StatusCode,
) -> Result<Begin, ApiError> {
    begin_as(
        state,
        headers,
        &auth.citizen_id.to_string(),
        auth.late.as_ref(),
        (method, path),
        request,
        success_status,
    )
    .await
}

/// [`begin`] for a request whose keys are scoped by `owner` (a citizen's id, or an officer's
/// code for the officer's own requests). Work of an assisted session delivered `late` is
/// admitted only after the lookup, so a replay is answered even after its window closed.
pub async fn begin_as<T: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    owner: &str,
    late: Option<&crate::late_delivery::LateDelivery>,
    (method, path): (&str, &str),
    request: &T,
    success_status: StatusCode,
) -> Result<Begin, ApiError> {
    let key = key_of(headers)?;
    let hash = request_hash(request)?;
    let scope = format!("{owner} {method} {path} {key}");
    let guard = state.in_flight.claim(&scope).ok_or_else(|| {
        ApiError::new(
            ErrorCode::IdempotencyInFlight,
            "A request with this Idempotency-Key is still being handled; retry shortly.",
        )
        .with_retry_after(1)
    })?;
    let lookup = scope.clone();
    let stored = state.store.stored_response(&lookup).await?;
    if let Some(response) = judge(stored, &hash)? {
        return Ok(Begin::Replay(response));
    }
    let now = state.clock.now().timestamp();
    let late_item = late
        .map(|late| late.admit(now, &state.limits.assist))
        .transpose()?;
    Ok(Begin::Fresh {
        record: IdempotencyRecord {
            scope,
            request_hash: hash,
            status: success_status.as_u16(),
            created_at: now,
            late_item,
        },
        guard,
    })
}

/// Unix time before which idempotency records may be purged at `now`.
pub fn retention_cutoff(now: i64) -> i64 {
    now - i64::from(IDEMPOTENCY_RETENTION_DAYS) * 24 * 3600
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(hash: &str) -> StoredResponse {
        StoredResponse {
            request_hash: hash.into(),
            status: 201,
            body: "{\"id\":1}".into(),
        }
    }

    #[test]
    fn same_payload_replays_the_stored_answer() {
        let response = judge(Some(stored("abc")), "abc")
            .expect("same payload accepted")
            .expect("a replay");
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[IDEMPOTENT_REPLAY_HEADER], "true");
    }

    #[test]
    fn different_payload_under_the_same_key_is_refused() {
        let error = judge(Some(stored("abc")), "abd").expect_err("other payload refused");
        assert_eq!(error.code(), ErrorCode::IdempotencyKeyReused);
        assert_eq!(error.problem.status, 422);
    }

    #[test]
    fn unknown_key_is_handled_afresh() {
        assert!(judge(None, "abc").expect("fresh").is_none());
    }

    #[test]
    fn missing_or_empty_keys_are_refused() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            key_of(&headers).expect_err("missing").code(),
            ErrorCode::IdempotencyKeyMissing
        );
        headers.insert(IDEMPOTENCY_KEY_HEADER, HeaderValue::from_static(" "));
        assert_eq!(
            key_of(&headers).expect_err("empty").code(),
            ErrorCode::IdempotencyKeyMissing
        );
        headers.insert(IDEMPOTENCY_KEY_HEADER, HeaderValue::from_static("k-1"));
        assert_eq!(key_of(&headers).expect("valid"), "k-1");
    }

    #[test]
    fn the_request_hash_ignores_key_order() {
        let a: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":2}"#).expect("json");
        let b: serde_json::Value = serde_json::from_str(r#"{"b":2,"a":1}"#).expect("json");
        let typed_a: std::collections::BTreeMap<String, i32> =
            serde_json::from_value(a).expect("map");
        let typed_b: std::collections::BTreeMap<String, i32> =
            serde_json::from_value(b).expect("map");
        assert_eq!(
            request_hash(&typed_a).expect("hash"),
            request_hash(&typed_b).expect("hash")
        );
    }

    #[test]
    fn keys_are_kept_thirty_days() {
        assert_eq!(retention_cutoff(30 * 86_400 + 5), 5);
    }
}
