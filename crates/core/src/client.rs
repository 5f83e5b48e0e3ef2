//! The portal client: contract v1 over HTTP (reqwest with rustls, tokio).
//!
//! Only this module talks HTTP. Every answer is decoded into the `opendvc_api` types or
//! mapped to a [`ClientError`] with a stable code; a body that cannot be decoded becomes
//! [`ClientError::Malformed`], never a panic.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use opendvc_api::{
    AccessLog, AdminUnits, Application, ApplicationList, AssistSession, AssistSessionRequest,
    Attachment, Catalog, ConsentCodeRequest, DEVICE_TIME_HEADER, DocumentList, ErrorCode,
    HolidayCalendar, IDEMPOTENCY_KEY_HEADER, LogoutRequest, OtpAccepted, OtpRequest, Problem,
    Profile, RefreshRequest, StaffTokenRequest, StaffTokenResponse, SyncResponse, TokenRequest,
    TokenResponse,
};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

pub mod events;

use crate::clock::Clock;
use crate::queue::{OutboundRequest, ServerAnswer, Transport, UploadProgress};

/// The longest wait a server's `Retry-After` is honoured for. A broken or hostile answer
/// (`Retry-After: 18446744073709551615`, a date in the year 9999) must neither overflow the
/// queue's date arithmetic nor park an item for years: past a day the queue tries again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// When the server asked to be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    At(DateTime<Utc>),
}

impl RetryAfter {
    /// Reads a `Retry-After` value: delay seconds or an HTTP date. Anything else (a negative
    /// number, garbage) is `None`, as if the header were absent.
    pub fn parse(text: &str) -> Option<RetryAfter> {
        let text = text.trim();
        if let Ok(seconds) = text.parse::<u64>() {
            return Some(RetryAfter::Seconds(seconds));
        }
        DateTime::parse_from_rfc2822(text)
            .ok()
            .map(|at| RetryAfter::At(at.with_timezone(&Utc)))
    }

    /// How long to wait from `now`: never negative, never more than [`MAX_RETRY_AFTER`].
    pub fn duration_from(self, now: DateTime<Utc>) -> Duration {
        let wait = match self {
            RetryAfter::Seconds(seconds) => Duration::from_secs(seconds),
            RetryAfter::At(at) => at
                .signed_duration_since(now)
                .to_std()
                .unwrap_or(Duration::ZERO),
        };
        wait.min(MAX_RETRY_AFTER)
    }
}

/// Errors of talking to the portal, with stable codes ([`ClientError::code`]).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request may have reached the portal (a reset, a lost answer): the portal may have
    /// acted on it.
    #[error("the portal could not be reached: {0}")]
    Network(String),
    /// The request never left this device: no connection could be made (the device is
    /// offline, the portal is down), or the stored tokens could not be read.
    #[error("the portal could not be reached: {0}")]
    Unreachable(String),
    #[error("the portal did not answer in time")]
    Timeout,
    #[error("the portal failed (HTTP {status})")]
    Server {
        status: u16,
        problem: Option<Box<Problem>>,
        /// A 503 may say when to come back.
        retry_after: Option<RetryAfter>,
    },
    #[error("the portal asks to wait before trying again")]
    RateLimited { retry_after: Option<RetryAfter> },
    #[error("the session has ended; sign in again")]
    Unauthorized { problem: Option<Box<Problem>> },
    #[error("not signed in")]
    NotSignedIn,
    #[error("the portal refused the request (HTTP {status}): {}", problem.detail.as_deref().unwrap_or(&problem.title))]
    Validation { status: u16, problem: Box<Problem> },
    #[error("the portal does not know this item")]
    NotFound { problem: Option<Box<Problem>> },
    #[error("the request conflicts with the current state: {}", problem.detail.as_deref().unwrap_or(&problem.title))]
    Conflict { problem: Box<Problem> },
    #[error("the portal sent an answer this app cannot read ({what})")]
    Malformed { what: String },
}

impl ClientError {
    /// The stable code; also the Fluent message id `error-{code}` with dashes. The mapping
    /// is [`ClientError::core_code`], beside the core's other codes (`crate::error`).
    pub fn code(&self) -> &'static str {
        self.core_code().as_str()
    }

    /// The server's problem document, if it sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Server { problem, .. }
            | ClientError::Unauthorized { problem }
            | ClientError::NotFound { problem } => problem.as_deref(),
            ClientError::Validation { problem, .. } | ClientError::Conflict { problem } => {
                Some(problem)
            }
            _ => None,
        }
    }

    /// The HTTP status, for errors that came with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Server { status, .. } | ClientError::Validation { status, .. } => {
                Some(*status)
            }
            ClientError::RateLimited { .. } => Some(429),
            ClientError::Unauthorized { .. } => Some(401),
            ClientError::NotFound { .. } => Some(404),
            ClientError::Conflict { .. } => Some(409),
            _ => None,
        }
    }

    /// Whether the portal could not be reached at all (the device is offline, or the portal
    /// is down), as opposed to the portal answering.
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            ClientError::Network(_) | ClientError::Unreachable(_) | ClientError::Timeout
        )
    }

    fn from_reqwest(error: reqwest::Error) -> ClientError {
        // Checked first: a connect timeout is both, and nothing was sent.
        if error.is_connect() {
            ClientError::Unreachable(error.to_string())
        } else if error.is_timeout() {
            ClientError::Timeout
        } else {
            ClientError::Network(error.to_string())
        }
    }
}

/// The tokens of a signed-in citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

/// Holds a held lock until dropped (a file lock across processes, or nothing in memory).
#[derive(Debug)]
pub struct RefreshGuard {
    /// The locked file; the lock is released when it closes.
    _held: Option<std::fs::File>,
}

impl RefreshGuard {
    pub fn new(file: Option<std::fs::File>) -> Self {
        RefreshGuard { _held: file }
    }
}

/// Where the client keeps its tokens. A rotated refresh token must be stored before it is
/// used again, and across processes only one refresh may run at a time (the refresh token
/// rotates: a second use of the old one fails), hence [`TokenStore::lock_for_refresh`].
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The current tokens, read afresh (another process may have refreshed them).
    fn current(&self) -> std::io::Result<Option<Tokens>>;
    /// Stores new tokens durably, before returning.
    fn save(&self, tokens: &Tokens) -> std::io::Result<()>;
    /// Serialises refreshes; the guard releases on drop.
    fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard>;
}

/// Tokens held in memory only; for tests and one-shot tools.
#[derive(Debug, Default)]
pub struct MemoryTokens {
    tokens: std::sync::Mutex<Option<Tokens>>,
}

impl MemoryTokens {
    pub fn new(tokens: Option<Tokens>) -> Self {
        MemoryTokens {
            tokens: std::sync::Mutex::new(tokens),
        }
    }
}

impl TokenStore for MemoryTokens {
    fn current(&self) -> std::io::Result<Option<Tokens>> {
        Ok(self
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone())
    }

    fn save(&self, tokens: &Tokens) -> std::io::Result<()> {
        *self
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(tokens.clone());
        Ok(())
    }

    fn lock_for_refresh(&self) -> std::io::Result<RefreshGuard> {
        Ok(RefreshGuard::new(None))
    }
}

/// Timeouts of the client.
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Uploads of up to 20 MiB on a slow line need longer than ordinary requests.
    pub upload_timeout: Duration,
    /// Largest answer accepted, in bytes; a larger one is [`ClientError::Malformed`].
    pub max_answer_bytes: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(300),
            // Room for a catalog of tens of thousands of procedures.
            max_answer_bytes: 256 * 1024 * 1024,
        }
    }
}

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

/// A client of one portal.
#[derive(Clone)]
pub struct PortalClient {
    http: reqwest::Client,
    base: String,
    tokens: Arc<dyn TokenStore>,
    config: ClientConfig,
    /// Set on a staff member's delivery client: every request names the assisted session
    /// its work was created in (see the portal's late delivery rule).
    assist_session: Option<String>,
    /// The device's clock, read for `X-Device-Time` on the staff requests that need it
    /// ([`PortalClient::with_device_clock`]).
    device_clock: Option<Arc<dyn Clock>>,
}

/// Header naming the assisted session whose queued work a staff token delivers.
pub const ASSIST_SESSION_HEADER: &str = "X-Assist-Session";

impl fmt::Debug for PortalClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortalClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

const X_FILE_NAME: &str = "X-File-Name";

/// Reads a whole answer, refusing one larger than `limit` bytes: a broken or hostile server
/// must not be able to make the app run out of memory.
async fn read_body_limited(
    mut response: Response,
    limit: usize,
) -> Result<(StatusCode, HeaderMap, Vec<u8>), ClientError> {
    let status = response.status();
    let headers = response.headers().clone();
    let too_large = || ClientError::Malformed {
        what: format!("the answer is larger than {limit} bytes"),
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ClientError::from_reqwest)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body))
}

fn decode<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|error| ClientError::Malformed {
        what: format!("{what}: {error}"),
    })
}

fn problem_or(status: StatusCode, body: &[u8]) -> Box<Problem> {
    match serde_json::from_slice::<Problem>(body) {
        Ok(problem) => Box::new(problem),
        Err(_) => {
            let code = match status.as_u16() {
                401 => ErrorCode::Unauthorized,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                409 => ErrorCode::InvalidState,
                413 => ErrorCode::PayloadTooLarge,
                415 => ErrorCode::UnsupportedMediaType,
                422 => ErrorCode::ValidationFailed,
                429 => ErrorCode::RateLimited,
                400..=499 => ErrorCode::MalformedRequest,
                _ => ErrorCode::Internal,
            };
            let mut problem =
                Problem::new(code, format!("HTTP {status} without a problem document"));
            problem.status = status.as_u16();
            Box::new(problem)
        }
    }
}

fn error_for(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ClientError {
    let problem = || problem_or(status, body);
    let sent_problem = || serde_json::from_slice::<Problem>(body).ok().map(Box::new);
    let retry_after = || {
        headers
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(RetryAfter::parse)
    };
    match status.as_u16() {
        401 => ClientError::Unauthorized {
            problem: sent_problem(),
        },
        404 => ClientError::NotFound {
            problem: sent_problem(),
        },
        409 => ClientError::Conflict { problem: problem() },
        429 => ClientError::RateLimited {
            retry_after: retry_after(),
        },
        // The portal gave up waiting for the request (a body trickling over a weak link): it
        // did not act, and the same request may succeed on a better link, so it is retried
        // like a server failure rather than put to the person.
        408 => ClientError::Server {
            status: 408,
            problem: sent_problem(),
            retry_after: retry_after(),
        },
        400..=499 => ClientError::Validation {
            status: status.as_u16(),
            problem: problem(),
        },
        _ => ClientError::Server {
            status: status.as_u16(),
            problem: sent_problem(),
            retry_after: retry_after(),
        },
    }
}

impl PortalClient {
    /// A client of the portal at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(
        base_url: &str,
        tokens: Arc<dyn TokenStore>,
        config: ClientConfig,
    ) -> Result<PortalClient, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("opendvc-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientError::Unreachable(error.to_string()))?;
        Ok(PortalClient {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            tokens,
            config,
            assist_session: None,
            device_clock: None,
        })
    }

    /// This client, telling the portal the device's time (`X-Device-Time`, RFC 3339, from
    /// `clock`) on every staff request that records a session opened offline or delivers a
    /// session's work late: the portal judges the session's window with the device's clock
    /// offset, so a laptop whose clock nobody set still delivers.
    pub fn with_device_clock(mut self, clock: Arc<dyn Clock>) -> PortalClient {
        self.device_clock = Some(clock);
        self
    }

    /// The device's time as the header carries it.
    fn device_time(&self) -> Option<String> {
        self.device_clock.as_ref().map(|clock| {
            clock
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
    }

    /// This client, sending its requests as deliveries of work created in the assisted
    /// session `session_id` (with a staff token).
    pub fn delivering_for(mut self, session_id: Uuid) -> PortalClient {
        self.assist_session = Some(session_id.to_string());
        self
    }

    async fn read_body(
        &self,
        response: Response,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), ClientError> {
        read_body_limited(response, self.config.max_answer_bytes).await
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn send_plain(&self, request: RequestBuilder) -> Result<Response, ClientError> {
        request.send().await.map_err(ClientError::from_reqwest)
    }

    /// Sends a request built by `build` with the bearer token; on a 401 refreshes the tokens
    /// once and resends. Returns the final status, headers and body.
    async fn send_authed(
        &self,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), ClientError> {
        let tokens = self
            .tokens
            .current()
            .map_err(|error| ClientError::Unreachable(format!("token store: {error}")))?
            .ok_or(ClientError::NotSignedIn)?;
        let build = || match &self.assist_session {
            Some(session) => {
                let request = build().header(ASSIST_SESSION_HEADER, session);
                match self.device_time() {
                    Some(now) => request.header(DEVICE_TIME_HEADER, now),
                    None => request,
                }
            }
            None => build(),
        };
        let first = self
            .read_body(
                self.send_plain(build().bearer_auth(&tokens.access_token))
                    .await?,
            )
            .await?;
        if first.0 != StatusCode::UNAUTHORIZED {
            return Ok(first);
        }
        let access = self.refresh(&tokens.access_token).await?;
        self.read_body(self.send_plain(build().bearer_auth(access)).await?)
            .await
    }

    /// Refreshes the tokens after `failed_access` was refused. If another process refreshed
    /// in the meantime, its new access token is used instead of refreshing again.
    async fn refresh(&self, failed_access: &str) -> Result<String, ClientError> {
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

    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
    ) -> Result<T, ClientError> {
        let url = self.url(path);
        let (status, headers, body) = self.send_authed(|| self.http.get(&url)).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode(what, &body)
    }

    async fn send_idempotent<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        key: Uuid,
        body: &B,
        what: &str,
    ) -> Result<T, ClientError> {
        let url = self.url(path);
        let key = key.to_string();
        let (status, headers, body) = self
            .send_authed(|| {
                self.http
                    .request(method.clone(), &url)
                    .header(IDEMPOTENCY_KEY_HEADER, &key)
                    .json(body)
            })
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &body));
        }
        decode(what, &body)
    }

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

    async fn post_json<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        what: &str,
    ) -> Result<T, ClientError> {
        let url = self.url(path);
        let (status, headers, answer) =
            self.send_authed(|| self.http.post(&url).json(body)).await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &answer));
        }
        decode(what, &answer)
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

    pub async fn me(&self) -> Result<Profile, ClientError> {
        self.get_json("/v1/me", "profile").await
    }

    pub async fn documents(&self) -> Result<DocumentList, ClientError> {
        self.get_json("/v1/documents", "documents").await
    }

    pub async fn applications(&self) -> Result<ApplicationList, ClientError> {
        self.get_json("/v1/applications", "application list").await
    }

    pub async fn application(&self, id: Uuid) -> Result<Application, ClientError> {
        self.get_json(&format!("/v1/applications/{id}"), "application")
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

    /// `POST /v1/attachments` with the raw bytes; `progress` hears how much has gone out.
    pub async fn upload_attachment(
        &self,
        key: Uuid,
        bytes: Vec<u8>,
        content_type: &str,
        file_name: Option<&str>,
        progress: Option<UploadProgress>,
    ) -> Result<Attachment, ClientError> {
        let url = self.url("/v1/attachments");
        let key = key.to_string();
        let encoded_name =
            file_name.map(|name| utf8_percent_encode(name, NON_ALPHANUMERIC).to_string());
        let body = bytes::Bytes::from(bytes);
        let (status, headers, answer) = self
            .send_authed(|| {
                let mut request = self
                    .http
                    .post(&url)
                    .timeout(self.config.upload_timeout)
                    .header(IDEMPOTENCY_KEY_HEADER, &key)
                    .header(CONTENT_TYPE, content_type)
                    // A streamed body would otherwise go out chunked; the portal is told the
                    // size up front, as it would be for an unstreamed one.
                    .header(CONTENT_LENGTH, body.len())
                    .body(upload_body(&body, progress.clone()));
                if let Some(name) = &encoded_name {
                    request = request.header(X_FILE_NAME, name);
                }
                request
            })
            .await?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &answer));
        }
        decode("attachment", &answer)
    }
}

/// Size of the pieces an upload body is streamed in; progress is reported per piece.
const UPLOAD_CHUNK: usize = 64 * 1024;

/// The body of an upload: the bytes as they are, or streamed in pieces that report progress
/// as the connection takes them.
fn upload_body(bytes: &bytes::Bytes, progress: Option<UploadProgress>) -> reqwest::Body {
    let Some(progress) = progress else {
        return reqwest::Body::from(bytes.clone());
    };
    let total = bytes.len();
    let pieces: Vec<bytes::Bytes> = (0..total)
        .step_by(UPLOAD_CHUNK)
        .map(|start| bytes.slice(start..(start + UPLOAD_CHUNK).min(total)))
        .collect();
    let mut sent = 0_u64;
    let stream = futures_util::stream::iter(pieces.into_iter().map(move |piece| {
        sent += piece.len() as u64;
        progress.report(sent);
        Ok::<bytes::Bytes, std::io::Error>(piece)
    }));
    reqwest::Body::wrap_stream(stream)
}

impl Transport for PortalClient {
    async fn deliver(
        &self,
        idempotency_key: Uuid,
        request: OutboundRequest,
    ) -> Result<ServerAnswer, ClientError> {
        let application = |answer: Application| ServerAnswer::Application(Box::new(answer));
        match request {
            OutboundRequest::Upload {
                bytes,
                content_type,
                file_name,
                progress,
            } => self
                .upload_attachment(
                    idempotency_key,
                    bytes,
                    &content_type,
                    file_name.as_deref(),
                    progress,
                )
                .await
                .map(ServerAnswer::Attachment),
            OutboundRequest::Create(body) => self
                .send_idempotent(
                    Method::POST,
                    "/v1/applications",
                    idempotency_key,
                    &body,
                    "new application",
                )
                .await
                .map(application),
            OutboundRequest::Supplement {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/applications/{application_id}/supplements"),
                    idempotency_key,
                    &body,
                    "supplement",
                )
                .await
                .map(application),
            OutboundRequest::DeliveryChange {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::PUT,
                    &format!("/v1/applications/{application_id}/delivery"),
                    idempotency_key,
                    &body,
                    "delivery change",
                )
                .await
                .map(application),
            OutboundRequest::Withdraw {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/applications/{application_id}/withdraw"),
                    idempotency_key,
                    &body,
                    "withdrawal",
                )
                .await
                .map(application),
            OutboundRequest::Rating {
                application_id,
                body,
            } => self
                .send_idempotent(
                    Method::POST,
                    &format!("/v1/applications/{application_id}/rating"),
                    idempotency_key,
                    &body,
                    "rating",
                )
                .await
                .map(application),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            RetryAfter::parse("7").map(|wait| wait.duration_from(now)),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            RetryAfter::parse("Sun, 29 Nov 2026 10:00:30 GMT").map(|wait| wait.duration_from(now)),
            Some(Duration::from_secs(30))
        );
        assert_eq!(RetryAfter::parse("soon"), None);
        assert_eq!(
            RetryAfter::parse("-5"),
            None,
            "a negative delay is no delay"
        );
        for far in ["18446744073709551615", "Fri, 31 Dec 9999 23:59:59 GMT"] {
            assert_eq!(
                RetryAfter::parse(far).map(|wait| wait.duration_from(now)),
                Some(MAX_RETRY_AFTER),
                "{far} is clamped to a day"
            );
        }
    }

    #[test]
    fn error_statuses_map_to_stable_codes() {
        let headers = HeaderMap::new();
        let check = |status: u16, expected: &str| {
            let status = StatusCode::from_u16(status).expect("status");
            assert_eq!(
                error_for(status, &headers, b"not json").code(),
                expected,
                "{status}"
            );
        };
        check(400, "validation");
        check(401, "unauthorized");
        check(403, "validation");
        check(404, "not_found");
        check(409, "conflict");
        check(413, "validation");
        check(422, "validation");
        check(429, "rate_limited");
        check(500, "server");
        check(503, "server");
    }
}
