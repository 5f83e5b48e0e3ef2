//! The refresh after a 401 (one at a time across processes, with the guard of the
//! [`TokenStore`](super::tokens::TokenStore)) and the logout that revokes the refresh token.

use opendvc_api::{LogoutRequest, RefreshRequest, TokenResponse};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::errors::ClientError;
use super::handle::PortalClient;
use super::request::{decode, error_for};
use super::tokens::Tokens;

impl PortalClient {
    /// Refreshes the tokens after `failed_access` was refused. If another process refreshed
    /// in the meantime, its new access token is used instead of refreshing again.
    pub(super) async fn refresh(&self, failed_access: &str) -> Result<String, ClientError> {
        let store_error =
            |error: std::io::Error| ClientError::Unreachable(format!("token store: {error}"));
        let _guard = self.tokens.lock_for_refresh().map_err(store_error)?;
        let current = self
            .tokens
            .current()
            .map_err(store_error)?
            .ok_or(ClientError::NotSignedIn)?;
        if current.access_token != failed_access {
            return Ok(current.access_token);
        }
        // Staff and assisted-session tokens are not refreshable: the person signs in again.
        if current.refresh_token.is_empty() {
            return Err(ClientError::Unauthorized { problem: None });
        }
        let response = self
            .send_plain(
                self.http
                    .post(self.url("/v1/auth/refresh"))
                    .json(&RefreshRequest {
                        refresh_token: current.refresh_token.clone(),
                    }),
            )
            .await?;
        let (status, headers, body) = self.read_body(response).await?;
        if !status.is_success() {
            // A refusal ends the session whatever its status: the request the refresh was
            // made for is not at fault, and resending it cannot help. A portal that is down
            // or busy (5xx, 429) did not refuse anything: the kept tokens are tried later.
            return Err(match error_for(status, &headers, &body) {
                ClientError::Validation { problem, .. } | ClientError::Conflict { problem } => {
                    ClientError::Unauthorized {
                        problem: Some(problem),
                    }
                }
                ClientError::NotFound { problem } => ClientError::Unauthorized { problem },
                other => other,
            });
        }
        // A body that cannot be read leaves the kept tokens in place (`Malformed` is retried
        // like a lost answer): the portal may have rotated them, and within its grace period
        // the kept refresh token still works.
        let fresh: TokenResponse = decode("token refresh", &body)?;
        let tokens = Tokens {
            access_token: fresh.access_token,
            refresh_token: fresh.refresh_token,
        };
        // The old refresh token is dead now: store the new one before anything else.
        self.tokens.save(&tokens).map_err(store_error)?;
        Ok(tokens.access_token)
    }

    /// `POST /v1/auth/logout` with the refresh token in the body: revokes the sign-in and its
    /// refresh token, also when the access token has expired. A sign-out that left the
    /// refresh token alive would leave a working session behind on the portal.
    ///
    /// The bearer token goes first. If the portal refuses it (expired), the logout is sent
    /// again with the refresh token alone, which a portal of contract v1 accepts as proof. A
    /// portal that still wants a live bearer token gets one: the tokens are refreshed and
    /// the new pair is signed out. A refresh token the portal no longer accepts has nothing
    /// left to revoke.
    pub async fn logout(&self) -> Result<(), ClientError> {
        let tokens = self
            .tokens
            .current()
            .map_err(|error| ClientError::Unreachable(format!("token store: {error}")))?
            .ok_or(ClientError::NotSignedIn)?;
        let send = |bearer: Option<&str>, refresh_token: &str| {
            let mut request = self
                .http
                .post(self.url("/v1/auth/logout"))
                .json(&LogoutRequest {
                    refresh_token: Some(refresh_token.to_owned()),
                });
            if let Some(bearer) = bearer {
                request = request.bearer_auth(bearer);
            }
            async move {
                let response = self.send_plain(request).await?;
                self.read_body(response).await
            }
        };
        let finished = |(status, headers, body): (StatusCode, HeaderMap, Vec<u8>)| {
            if status.is_success() {
                Some(Ok(()))
            } else if status == StatusCode::UNAUTHORIZED {
                None
            } else {
                Some(Err(error_for(status, &headers, &body)))
            }
        };
        let with_bearer = send(Some(&tokens.access_token), &tokens.refresh_token).await?;
        if let Some(result) = finished(with_bearer) {
            return result;
        }
        let refresh_token_alone = send(None, &tokens.refresh_token).await?;
        if let Some(result) = finished(refresh_token_alone) {
            return result;
        }
        let access = match self.refresh(&tokens.access_token).await {
            Ok(access) => access,
            Err(ClientError::Unauthorized { .. }) => return Ok(()),
            Err(other) => return Err(other),
        };
        let fresh = self
            .tokens
            .current()
            .map_err(|error| ClientError::Unreachable(format!("token store: {error}")))?
            .ok_or(ClientError::NotSignedIn)?;
        let (status, headers, body) = send(Some(&access), &fresh.refresh_token).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(error_for(status, &headers, &body))
        }
    }
}
