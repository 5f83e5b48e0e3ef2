//! The portal client: contract v1 over HTTP (reqwest with rustls, tokio).
//!
//! Only this module talks HTTP. Every answer is decoded into the `opendvc_api` types or
//! mapped to a [`ClientError`] with a stable code; a body that cannot be decoded becomes
//! [`ClientError::Malformed`], never a panic.
//!
//! The rooms of the client:
//! - [`errors`]: [`ClientError`] and the server's `Retry-After` (clamped to a day);
//! - [`handle`]: [`PortalClient`] itself, its configuration and how it is built;
//! - [`tokens`]: where the tokens are kept ([`TokenStore`]);
//! - [`refresh`]: the refresh after a 401 under a cross-process lock, and the logout that
//!   revokes the refresh token;
//! - [`request`]: building requests and reading answers, problem documents mapped to
//!   [`ClientError`], and the queue's items sent as the contract's requests;
//! - [`events`]: the `/v1/events` stream (Server-Sent Events);
//! - this module: the contract's endpoints.

use opendvc_api::{
    AccessLog, AdminUnits, Application, ApplicationList, AssistSession, AssistSessionRequest,
    Catalog, ConsentCodeRequest, ContactCodeRequest, ContactCodesSent, DEVICE_TIME_HEADER,
    Document, DocumentList, DocumentReminders, FeedbackServices, HolidayCalendar, NewPayment,
    NotificationSettings, OtpAccepted, OtpRequest, Payment, PaymentList, PaymentMethod, Profile,
    ProfilePatch, StaffTokenRequest, StaffTokenResponse, SyncResponse, TokenRequest, TokenResponse,
};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{ETAG, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};
use uuid::Uuid;

pub mod errors;
pub mod events;
pub mod handle;
pub mod refresh;
pub mod request;
pub mod tokens;

use request::{decode, error_for};

pub use errors::{ClientError, MAX_RETRY_AFTER, RetryAfter};
pub use handle::{ASSIST_SESSION_HEADER, ClientConfig, PortalClient};
pub use tokens::{MemoryTokens, RefreshGuard, TokenStore, Tokens};

/// What `GET /v1/procedures` gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogFetch {
    /// 304: the cached catalog is current.
    NotModified,
    Fresh {
        catalog: Box<Catalog>,
        etag: Option<String>,
    },
}

impl PortalClient {
    /// `POST /v1/auth/otp`.
    pub async fn request_otp(&self, id_number: &str) -> Result<OtpAccepted, ClientError> {
        let response = self
            .send_plain(self.http.post(self.url("/v1/auth/otp")).json(&OtpRequest {
                id_number: id_number.to_owned(),
            }))
            .await?;
        let (status, headers, body) = self.read_body(response).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("one-time code request", &body)
    }

    /// `POST /v1/auth/token`: exchanges a one-time code and stores the tokens.
    pub async fn exchange_otp(&self, id_number: &str, otp: &str) -> Result<Tokens, ClientError> {
        let response = self
            .send_plain(
                self.http
                    .post(self.url("/v1/auth/token"))
                    .json(&TokenRequest {
                        id_number: id_number.to_owned(),
                        otp: otp.to_owned(),
                    }),
            )
            .await?;
        let (status, headers, body) = self.read_body(response).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        let answer: TokenResponse = decode("sign-in", &body)?;
        let tokens = Tokens {
            access_token: answer.access_token,
            refresh_token: answer.refresh_token,
        };
        self.tokens
            .save(&tokens)
            .map_err(|error| ClientError::Unreachable(format!("token store: {error}")))?;
        Ok(tokens)
    }

    /// `POST /v1/auth/staff-token`: a DVC agent or volunteer signs in. The token is not
    /// stored here; the caller keeps it in the staff profile.
    pub async fn staff_token(
        &self,
        code: &str,
        password: &str,
    ) -> Result<StaffTokenResponse, ClientError> {
        let response =
            self.send_plain(self.http.post(self.url("/v1/auth/staff-token")).json(
                &StaffTokenRequest {
                    code: code.to_owned(),
                    password: password.to_owned(),
                },
            ))
            .await?;
        let (status, headers, body) = self.read_body(response).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("staff sign-in", &body)
    }

    /// `POST /v1/assist/consent-codes` (staff token): sends a consent code to the citizen.
    pub async fn request_consent_code(&self, id_number: &str) -> Result<OtpAccepted, ClientError> {
        self.post_json(
            "/v1/assist/consent-codes",
            &ConsentCodeRequest {
                id_number: id_number.to_owned(),
            },
            "consent code request",
        )
        .await
    }

    /// `POST /v1/assist/sessions` (staff token). Recording a session opened offline
    /// (`openedAt`) carries the device's time.
    pub async fn open_assist_session(
        &self,
        request: &AssistSessionRequest,
    ) -> Result<AssistSession, ClientError> {
        let url = self.url("/v1/assist/sessions");
        let device_time = request.opened_at.and(self.device_time());
        let (status, headers, answer) = self
            .send_authed(|| {
                let post = self.http.post(&url).json(request);
                match &device_time {
                    Some(now) => post.header(DEVICE_TIME_HEADER, now),
                    None => post,
                }
            })
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &answer));
        }
        decode("assisted session", &answer)
    }

    /// `DELETE /v1/assist/sessions/{id}`; an already ended or expired session counts as ended.
    pub async fn end_assist_session(&self, id: Uuid) -> Result<(), ClientError> {
        let url = self.url(&format!("/v1/assist/sessions/{id}"));
        let (status, headers, body) = self.send_authed(|| self.http.delete(&url)).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(error_for(status, &headers, &body))
        }
    }

    /// `GET /v1/me/access-log[?cursor=…]`: one page of who used the citizen's data, newest
    /// first.
    pub async fn access_log(&self, cursor: Option<&str>) -> Result<AccessLog, ClientError> {
        let path = match cursor {
            Some(cursor) => format!(
                "/v1/me/access-log?cursor={}",
                utf8_percent_encode(cursor, NON_ALPHANUMERIC)
            ),
            None => "/v1/me/access-log".to_owned(),
        };
        self.get_json(&path, "access log").await
    }

    /// `GET /v1/me/notification-settings`: how the portal reaches the citizen, per category.
    pub async fn notification_settings(&self) -> Result<NotificationSettings, ClientError> {
        self.get_json("/v1/me/notification-settings", "notification settings")
            .await
    }

    /// `PUT /v1/me/notification-settings`: replaces the citizen's choice as a whole, so
    /// sending it twice changes nothing more; answers the settings as stored.
    pub async fn put_notification_settings(
        &self,
        settings: &NotificationSettings,
    ) -> Result<NotificationSettings, ClientError> {
        let url = self.url("/v1/me/notification-settings");
        let (status, headers, body) = self
            .send_authed(|| self.http.put(&url).json(settings))
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("notification settings", &body)
    }

    /// `POST /v1/me/contact-codes`: sends a code confirming a new phone or e-mail to it (and,
    /// for a phone, one to the old phone). Asking again sends new codes; only the newest counts.
    pub async fn request_contact_code(
        &self,
        request: &ContactCodeRequest,
    ) -> Result<ContactCodesSent, ClientError> {
        let url = self.url("/v1/me/contact-codes");
        let (status, headers, body) = self
            .send_authed(|| self.http.post(&url).json(request))
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("contact codes", &body)
    }

    /// `PATCH /v1/me`: the changed fields, each contact with its codes; answers the profile
    /// as stored. A resend after a lost answer is refused for a contact (its codes are spent)
    /// and changes nothing more for the rest.
    pub async fn patch_profile(&self, patch: &ProfilePatch) -> Result<Profile, ClientError> {
        let url = self.url("/v1/me");
        let (status, headers, body) = self
            .send_authed(|| self.http.patch(&url).json(patch))
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("profile", &body)
    }

    pub async fn me(&self) -> Result<Profile, ClientError> {
        self.get_json("/v1/me", "profile").await
    }

    pub async fn documents(&self) -> Result<DocumentList, ClientError> {
        self.get_json("/v1/documents", "documents").await
    }

    /// `PUT /v1/me/documents/{id}/reminders`: the citizen's choice for one document's renewal
    /// reminders; answers the document as the portal now holds it. Setting the whole choice
    /// again is harmless, so a resend needs no idempotency key.
    pub async fn put_document_reminders(
        &self,
        document_id: Uuid,
        reminders: &DocumentReminders,
    ) -> Result<Document, ClientError> {
        let url = self.url(&format!("/v1/me/documents/{document_id}/reminders"));
        let (status, headers, answer) = self
            .send_authed(|| self.http.put(&url).json(reminders))
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &answer));
        }
        decode("document", &answer)
    }

    pub async fn applications(&self) -> Result<ApplicationList, ClientError> {
        self.get_json("/v1/applications", "application list").await
    }

    pub async fn application(&self, id: Uuid) -> Result<Application, ClientError> {
        self.get_json(&format!("/v1/applications/{id}"), "application")
            .await
    }

    /// `POST /v1/applications/{id}/payments`: starts paying the application's fee by `method`,
    /// with the caller's `Idempotency-Key`, so that a resend after a lost answer gets the
    /// first answer back instead of a second payment.
    pub async fn start_payment(
        &self,
        application_id: Uuid,
        method: PaymentMethod,
        key: Uuid,
    ) -> Result<Payment, ClientError> {
        self.send_idempotent(
            Method::POST,
            &format!("/v1/applications/{application_id}/payments"),
            key,
            &NewPayment { method },
            "payment",
        )
        .await
    }

    /// `GET /v1/applications/{id}/payments`: the application's payments with their state and
    /// receipts.
    pub async fn payments(&self, application_id: Uuid) -> Result<PaymentList, ClientError> {
        self.get_json(
            &format!("/v1/applications/{application_id}/payments"),
            "payments",
        )
        .await
    }

    /// `GET /v1/sync?cursor=…`.
    pub async fn sync(&self, cursor: Option<&str>) -> Result<SyncResponse, ClientError> {
        let url = match cursor {
            Some(cursor) => format!(
                "{}?cursor={}",
                self.url("/v1/sync"),
                utf8_percent_encode(cursor, NON_ALPHANUMERIC)
            ),
            None => self.url("/v1/sync"),
        };
        let (status, headers, body) = self.send_authed(|| self.http.get(&url)).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("sync page", &body)
    }

    /// `GET /v1/admin-units`: public reference data, asked for without a token.
    pub async fn admin_units(&self) -> Result<AdminUnits, ClientError> {
        let request = self.http.get(self.url("/v1/admin-units"));
        let (status, headers, body) = self.read_body(self.send_plain(request).await?).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("administrative units", &body)
    }

    /// `GET /v1/feedback/services`: the services feedback is filed in, public, asked for
    /// without a token.
    pub async fn feedback_services(&self) -> Result<FeedbackServices, ClientError> {
        let request = self.http.get(self.url("/v1/feedback/services"));
        let (status, headers, body) = self.read_body(self.send_plain(request).await?).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("feedback services", &body)
    }

    /// `GET /v1/holidays/{year}`: public reference data, asked for without a token.
    pub async fn holidays(&self, year: i32) -> Result<HolidayCalendar, ClientError> {
        let request = self.http.get(self.url(&format!("/v1/holidays/{year}")));
        let (status, headers, body) = self.read_body(self.send_plain(request).await?).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode("holiday calendar", &body)
    }

    /// `GET /v1/procedures` with `If-None-Match` when an ETag is known.
    pub async fn catalog(&self, etag: Option<&str>) -> Result<CatalogFetch, ClientError> {
        let mut request = self.http.get(self.url("/v1/procedures"));
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let (status, headers, body) = self.read_body(self.send_plain(request).await?).await?;
        if status == StatusCode::NOT_MODIFIED {
            return Ok(CatalogFetch::NotModified);
        }
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        let catalog: Catalog = decode("catalog", &body)?;
        let etag = headers
            .get(ETAG)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok(CatalogFetch::Fresh {
            catalog: Box::new(catalog),
            etag,
        })
    }
}
