//! Bearer tokens: random, stored only as SHA-256 hashes; a citizen's sign-in (an access and a
//! refresh token of one family), refresh rotation with a grace for a lost answer, sign-out by
//! either token.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use opendvc_api::{ErrorCode, LogoutRequest, RefreshRequest, TokenResponse};
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{ApiJson, OptionalJson};
use crate::state::AppState;
use crate::store::{AccessTokenRecord, RefreshOutcome, RefreshTokenRecord, Rotation, TokenSubject};

/// Refresh tokens live 30 days.
pub const REFRESH_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// Seconds after its rotation during which a refresh token is accepted once more, for the
/// app whose `/refresh` answer was lost on the way.
pub const REFRESH_GRACE_SECONDS: i64 = 60;

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a token or code.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(super) fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("Send a bearer token in Authorization."))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized("Authorization must be `Bearer <token>`."))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "Authorization must be `Bearer <token>`.",
        ));
    }
    Ok(token.trim())
}

pub(super) async fn issue_citizen_tokens(
    state: &AppState,
    citizen_id: Uuid,
) -> Result<TokenResponse, ApiError> {
    let now = state.clock.now().timestamp();
    let access_token = new_token();
    let refresh_token = new_token();
    let ttl = state.config.access_ttl;
    let access = AccessTokenRecord {
        token_hash: token_hash(&access_token),
        subject: TokenSubject::Citizen { citizen_id },
        expires_at: now + i64::from(ttl),
    };
    let refresh = RefreshTokenRecord {
        token_hash: token_hash(&refresh_token),
        family_id: Uuid::now_v7(),
        citizen_id,
        expires_at: now + REFRESH_TTL_SECONDS,
    };
    state.store.insert_sign_in(&access, &refresh).await?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        expires_in: ttl,
        token_type: "Bearer".into(),
    })
}

#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, description = "New tokens; the refresh token used is spent. A spent refresh token is accepted once more within 60 seconds of its use (the first answer may have been lost on the way) and gives a fresh pair; any other reuse revokes every token of that sign-in.", body = TokenResponse)))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<axum::Json<TokenResponse>, ApiError> {
    let now = state.clock.now().timestamp();
    let access_token = new_token();
    let refresh_token = new_token();
    let ttl = state.config.access_ttl;
    let rotation = Rotation {
        old_hash: token_hash(&request.refresh_token),
        new_hash: token_hash(&refresh_token),
        new_expires_at: now + REFRESH_TTL_SECONDS,
        access_hash: token_hash(&access_token),
        access_expires_at: now + i64::from(ttl),
        grace_seconds: REFRESH_GRACE_SECONDS,
    };
    let outcome = state.store.rotate_refresh_token(&rotation, now).await?;
    match outcome {
        RefreshOutcome::Rotated { .. } => Ok(axum::Json(TokenResponse {
            access_token,
            refresh_token,
            expires_in: ttl,
            token_type: "Bearer".into(),
        })),
        RefreshOutcome::Refused => Err(ApiError::new(
            ErrorCode::RefreshTokenInvalid,
            "The refresh token is unknown, spent or expired; sign in again.",
        )),
    }
}

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth",
    request_body(content = Option<LogoutRequest>, description = "Optional with a valid access token; a refresh token to revoke with its whole sign-in. The refresh token alone (with an expired access token, or none) is enough: possessing it proves the sign-in."),
    security(("bearer" = []), ()),
    responses((status = 204, description = "Signed out: the access token (valid or expired) and every token of its sign-in are revoked, and so is the sign-in of the refresh token sent. Works for staff tokens too; a revoked token is refused everywhere. 401 only when neither a known access token nor a refresh token was sent.")))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    OptionalJson(request): OptionalJson<LogoutRequest>,
) -> Result<StatusCode, ApiError> {
    let access_hash = match headers.get(header::AUTHORIZATION) {
        Some(_) => Some(token_hash(bearer(&headers)?)),
        None => None,
    };
    let refresh_hash = request.refresh_token.as_deref().map(token_hash);
    let has_refresh = refresh_hash.is_some();
    let mut known_access = false;
    if let Some(hash) = &access_hash
        && state.store.access_token(hash).await?.is_some()
    {
        state.store.revoke_access_token(hash).await?;
        known_access = true;
    }
    if let Some(hash) = &refresh_hash {
        state.store.revoke_sign_in(hash).await?;
    }
    if !known_access && !has_refresh {
        return Err(ApiError::unauthorized(
            "Send the access token, or the refresh token, of the sign-in to end.",
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_are_stable() {
        let first = new_token();
        let second = new_token();
        assert_ne!(first, second, "two tokens differ");
        assert_eq!(first.len(), 64);
        assert_eq!(token_hash(&first), token_hash(&first));
        assert_ne!(
            token_hash(&first),
            first,
            "the stored form is not the token"
        );
    }
}
