//! Sign-in and bearer tokens: citizens by ID number and one-time code, staff by code and
//! password. Tokens are random and stored only as SHA-256 hashes.
//!
//! One-time codes are limited per ID number and per client address, and wrong guesses count
//! across codes (`rate_limit`); a registered and an unregistered ID number take the same path
//! and get the same answers. A staff sign-in attempt is counted as a failure before the
//! password is verified, and verifications run a few at a time, so parallel guesses cannot
//! outrun the limit or the CPU.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, MatchedPath, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::marker::PhantomData;
use std::ops::Deref;

use opendvc_api::{
    AccessAction, AccessResource, AccessStaff, Actor, ActorKind, AssistScope, Channel, ErrorCode,
    LogoutRequest, OtpAccepted, OtpRequest, RefreshRequest, StaffKind, StaffProfile,
    StaffTokenRequest, StaffTokenResponse, SubmittedBy, TokenRequest, TokenResponse,
};
use rand::Rng;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::client_address::ClientAddress;
use crate::data::is_id_number;
use crate::error::ApiError;
use crate::extract::{ApiJson, OptionalJson};
use crate::late_delivery::{self, LateDelivery};
use crate::rate_limit;
use crate::sender::Outgoing;
use crate::state::AppState;
use crate::store::{
    AccessEntry, AccessTokenRecord, AssistSessionRecord, NewOtp, OtpCheck, OtpGuess, OtpPurpose,
    RefreshOutcome, RefreshTokenRecord, Rotation, StaffRecord, TokenSubject,
};

/// How long a one-time code is valid, seconds.
pub const OTP_TTL_SECONDS: i64 = 300;
/// Refresh tokens live 30 days.
pub const REFRESH_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// Seconds after its rotation during which a refresh token is accepted once more, for the
/// app whose `/refresh` answer was lost on the way.
pub const REFRESH_GRACE_SECONDS: i64 = 60;
/// Staff tokens live one working day and are not refreshable.
pub const STAFF_TTL_SECONDS: u32 = 8 * 3600;

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

/// A new six-digit one-time code.
pub fn new_otp() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// The stored form of a one-time code, bound to its ID number so equal codes differ.
pub fn otp_hash(id_number: &str, code: &str) -> String {
    token_hash(&format!("{id_number}:{code}"))
}

/// Hashes a staff password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(ApiError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches the stored Argon2 hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Staff password verification: at most a few Argon2 runs at once, so a burst of sign-ins
/// cannot take every core (each run is deliberately slow and memory-hungry). An unknown staff
/// code is verified against a decoy hash, so it takes as long as a wrong password.
#[derive(Debug)]
pub struct PasswordCheck {
    permits: Semaphore,
    decoy: OnceLock<String>,
}

impl PasswordCheck {
    /// At most `concurrent` verifications at once (`staffSignIn.concurrentVerifications`).
    pub fn new(concurrent: u32) -> Self {
        PasswordCheck {
            permits: Semaphore::new(usize::try_from(concurrent).unwrap_or(1).max(1)),
            decoy: OnceLock::new(),
        }
    }

    /// Whether `password` matches `stored`, or, without a stored hash, the time a wrong
    /// password would take and `false`.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let decoy = match &stored {
            Some(_) => None,
            None => Some(match self.decoy.get() {
                Some(decoy) => decoy.clone(),
                None => {
                    let made = tokio::task::spawn_blocking(|| hash_password("decoy"))
                        .await
                        .map_err(ApiError::internal)??;
                    self.decoy.get_or_init(|| made).clone()
                }
            }),
        };
        tokio::task::spawn_blocking(move || match (stored, decoy) {
            (Some(stored), _) => verify_password(&password, &stored),
            (None, Some(decoy)) => {
                verify_password(&password, &decoy);
                false
            }
            (None, None) => false,
        })
        .await
        .map_err(ApiError::internal)
    }
}

/// Who is calling, from the bearer token.
#[derive(Debug, Clone)]
pub enum Caller {
    Citizen {
        citizen_id: Uuid,
    },
    Assisted {
        session: Box<AssistSessionRecord>,
        staff: StaffRecord,
    },
    Staff(StaffRecord),
    Officer(StaffRecord),
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
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

/// Resolves the bearer token of a request.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<(String, Caller), ApiError> {
    let hash = token_hash(bearer(headers)?);
    let now = state.clock.now().timestamp();
    let lookup = hash.clone();
    let caller = state
        .db(move |store| {
            let Some(token) = store.access_token(&lookup)? else {
                return Ok(Err(ApiError::unauthorized(
                    "The access token is not valid.",
                )));
            };
            if token.expires_at <= now {
                return Ok(Err(ApiError::new(
                    ErrorCode::TokenExpired,
                    "The access token has expired; refresh it and resend.",
                )));
            }
            Ok(match token.subject {
                TokenSubject::Citizen { citizen_id } => Ok(Caller::Citizen { citizen_id }),
                TokenSubject::Staff { code } => match store.staff(&code)? {
                    Some(staff) if staff.kind == StaffKind::Officer => Ok(Caller::Officer(staff)),
                    Some(staff) => Ok(Caller::Staff(staff)),
                    None => Err(ApiError::unauthorized(
                        "The staff account no longer exists.",
                    )),
                },
                TokenSubject::Assisted { session_id } => {
                    let session = store.assist_session(session_id)?;
                    match session {
                        Some(session) if session.ended_at.is_some() => {
                            Err(ApiError::forbidden("This assisted session has ended."))
                        }
                        Some(session) => match store.staff(&session.staff_code)? {
                            Some(staff) => Ok(Caller::Assisted {
                                session: Box::new(session),
                                staff,
                            }),
                            None => Err(ApiError::unauthorized(
                                "The staff account no longer exists.",
                            )),
                        },
                        None => Err(ApiError::unauthorized("The access token is not valid.")),
                    }
                }
            })
        })
        .await??;
    Ok((hash, caller))
}

/// A citizen, or a staff member acting for one in an assisted session. Handlers never extract
/// it directly: they declare what they do with the citizen's data by extracting
/// [`CitizenRead`] or [`CitizenSubmit`], which check the session's scopes and record staff
/// access in the citizen's access log.
#[derive(Debug, Clone)]
pub struct CitizenAuth {
    pub citizen_id: Uuid,
    pub assisted: Option<(AssistSessionRecord, StaffRecord)>,
    /// Set when the staff member's own token delivers the session's work late; new work is
    /// admitted only after the idempotency lookup (`idempotency::begin`).
    pub late: Option<LateDelivery>,
}

impl CitizenAuth {
    /// The timeline actor of actions taken with this token.
    pub fn actor(&self) -> Actor {
        match &self.assisted {
            None => Actor {
                kind: ActorKind::Citizen,
                name: String::new(),
                code: None,
                venue: None,
            },
            Some((session, staff)) => Actor {
                kind: ActorKind::Staff,
                name: staff.name.clone(),
                code: Some(staff.code.clone()),
                venue: Some(session.venue_name.clone()),
            },
        }
    }

    pub fn channel(&self) -> Channel {
        if self.assisted.is_some() {
            Channel::Assisted
        } else {
            Channel::Online
        }
    }

    pub fn submitted_by(&self) -> Option<SubmittedBy> {
        self.assisted.as_ref().map(|(session, staff)| SubmittedBy {
            staff_code: staff.code.clone(),
            staff_kind: staff.kind,
            venue: session.venue_name.clone(),
        })
    }

    /// The session of a staff member acting for the citizen, if one is.
    pub fn session(&self) -> Option<&AssistSessionRecord> {
        self.assisted.as_ref().map(|(session, _)| session)
    }

    /// The access log entry of what a staff member does with the citizen's data; `None` when
    /// the citizen acts themself.
    pub fn access(
        &self,
        action: AccessAction,
        resource: AccessResource,
        resource_ref: Option<String>,
        at: i64,
    ) -> Option<AccessEntry> {
        self.assisted.as_ref().map(|(session, staff)| {
            access_entry(session, staff, action, resource, resource_ref, at)
        })
    }
}

/// An entry of the access log of the session's citizen.
pub fn access_entry(
    session: &AssistSessionRecord,
    staff: &StaffRecord,
    action: AccessAction,
    resource: AccessResource,
    resource_ref: Option<String>,
    at: i64,
) -> AccessEntry {
    AccessEntry {
        id: Uuid::now_v7(),
        citizen_id: session.citizen_id,
        at,
        action,
        resource,
        resource_ref,
        application_id: None,
        staff: AccessStaff {
            code: staff.code.clone(),
            name: staff.name.clone(),
            kind: staff.kind,
            organisation: staff.organisation.clone(),
        },
        venue: session.venue(),
        session_id: session.id,
        consent: session.consent(),
    }
}

fn officers_refused() -> ApiError {
    ApiError::forbidden("Officers cannot use citizen endpoints.")
}

/// What a read endpoint shows of the citizen's data, as its access log names it. Each read
/// handler names one in its extractor: `CitizenRead<reads::Me>`.
pub trait ReadOf: Send + Sync + 'static {
    const RESOURCE: AccessResource;

    /// The application the request reads, if it reads one.
    fn application(_parts: &Parts) -> Option<Uuid> {
        None
    }
}

/// The parts of a citizen's data that read endpoints show.
pub mod reads {
    use axum::http::request::Parts;
    use opendvc_api::AccessResource;
    use uuid::Uuid;

    use super::ReadOf;

    /// The profile, `GET /v1/me`.
    #[derive(Debug)]
    pub struct Me;
    /// The document wallet, `GET /v1/documents`.
    #[derive(Debug)]
    pub struct Wallet;
    /// The list of applications, `GET /v1/applications`.
    #[derive(Debug)]
    pub struct AllApplications;
    /// `GET /v1/applications/{id}`.
    #[derive(Debug)]
    pub struct OneApplication;
    /// `GET /v1/sync`, `GET /v1/events`.
    #[derive(Debug)]
    pub struct Changes;

    impl ReadOf for Me {
        const RESOURCE: AccessResource = AccessResource::Profile;
    }
    impl ReadOf for Wallet {
        const RESOURCE: AccessResource = AccessResource::Documents;
    }
    impl ReadOf for AllApplications {
        const RESOURCE: AccessResource = AccessResource::Applications;
    }
    impl ReadOf for OneApplication {
        const RESOURCE: AccessResource = AccessResource::Application;

        fn application(parts: &Parts) -> Option<Uuid> {
            parts
                .uri
                .path()
                .strip_prefix("/v1/applications/")
                .and_then(|rest| rest.split('/').next())
                .and_then(|id| Uuid::parse_str(id).ok())
        }
    }
    impl ReadOf for Changes {
        const RESOURCE: AccessResource = AccessResource::Changes;
    }
}

/// A caller who may read the citizen's data `R`: the citizen, or an assisted session with the
/// `read` scope (opened on a consent code from the citizen's phone). A session without it (a
/// paper consent), a staff token alone and an officer get 403 `forbidden`. A staff member's
/// read is recorded in the citizen's access log before it is served.
#[derive(Debug)]
pub struct CitizenRead<R> {
    pub auth: CitizenAuth,
    read: PhantomData<R>,
}

impl<R> Deref for CitizenRead<R> {
    type Target = CitizenAuth;

    fn deref(&self) -> &CitizenAuth {
        &self.auth
    }
}

impl<R: ReadOf> FromRequestParts<AppState> for CitizenRead<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let auth = match resolve(state, &parts.headers).await?.1 {
            Caller::Citizen { citizen_id } => CitizenAuth {
                citizen_id,
                assisted: None,
                late: None,
            },
            Caller::Assisted { session, .. } if !session.allows(AssistScope::Read) => {
                return Err(ApiError::forbidden(
                    "This assisted session was opened on a paper consent: it may submit for the \
                     citizen but not read their data. Open it with the consent code sent to \
                     the citizen's phone to read.",
                ));
            }
            Caller::Assisted { session, staff } => CitizenAuth {
                citizen_id: session.citizen_id,
                assisted: Some((*session, staff)),
                late: None,
            },
            Caller::Staff(_) => {
                return Err(ApiError::forbidden(
                    "A staff token reads no citizen's data; open an assisted session with the \
                     citizen's consent code.",
                ));
            }
            Caller::Officer(_) => return Err(officers_refused()),
        };
        let now = state.clock.now().timestamp();
        if let Some(mut entry) = auth.access(AccessAction::Read, R::RESOURCE, None, now) {
            entry.application_id = R::application(parts);
            state.db(move |store| store.record_access(&entry)).await?;
        }
        Ok(CitizenRead {
            auth,
            read: PhantomData,
        })
    }
}

/// A caller who may submit for the citizen: the citizen, an assisted session with the `submit`
/// scope, or a staff member delivering late the work of a session they opened (see
/// `late_delivery`). Handlers record a staff member's submission in the citizen's access log
/// with the change itself.
#[derive(Debug)]
pub struct CitizenSubmit(pub CitizenAuth);

impl Deref for CitizenSubmit {
    type Target = CitizenAuth;

    fn deref(&self) -> &CitizenAuth {
        &self.0
    }
}

impl FromRequestParts<AppState> for CitizenSubmit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match resolve(state, &parts.headers).await?.1 {
            Caller::Citizen { citizen_id } => Ok(CitizenSubmit(CitizenAuth {
                citizen_id,
                assisted: None,
                late: None,
            })),
            Caller::Assisted { session, .. } if !session.allows(AssistScope::Submit) => Err(
                ApiError::forbidden("This assisted session may not submit for the citizen."),
            ),
            Caller::Assisted { session, staff } => Ok(CitizenSubmit(CitizenAuth {
                citizen_id: session.citizen_id,
                assisted: Some((*session, staff)),
                late: None,
            })),
            Caller::Staff(staff) => late_delivery(state, parts, staff).await.map(CitizenSubmit),
            Caller::Officer(_) => Err(officers_refused()),
        }
    }
}

/// The citizen themself, signed in with their own code: no assisted session, no staff member,
/// no officer. For what only the citizen may see, such as who used their data.
#[derive(Debug, Clone)]
pub struct CitizenOnly {
    pub citizen_id: Uuid,
}

impl FromRequestParts<AppState> for CitizenOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match resolve(state, &parts.headers).await?.1 {
            Caller::Citizen { citizen_id } => Ok(CitizenOnly { citizen_id }),
            _ => Err(ApiError::forbidden(
                "Only the citizen, signed in with their own code, may do this.",
            )),
        }
    }
}

/// Header naming the assisted session a late delivery belongs to.
pub const ASSIST_SESSION_HEADER: &str = "X-Assist-Session";

/// Delivery of work created in an assisted session after the session ended or expired, with
/// the staff member's own token and `X-Assist-Session` (the rule is in `late_delivery`).
/// Checked here: a deliverable route, a session this staff member opened, a UUIDv7 key.
/// The window and the item limit are judged for new work only, after the idempotency lookup,
/// so a replay is answered even after the window closed.
async fn late_delivery(
    state: &AppState,
    parts: &Parts,
    staff: StaffRecord,
) -> Result<CitizenAuth, ApiError> {
    let refused =
        || ApiError::forbidden("Staff act for a citizen only with an assisted-session token.");
    let Some(session_id) = parts
        .headers
        .get(ASSIST_SESSION_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| Uuid::parse_str(value.trim()).ok())
    else {
        return Err(refused());
    };
    let deliverable = parts
        .extensions
        .get::<MatchedPath>()
        .is_some_and(|route| late_delivery::is_deliverable(&parts.method, route.as_str()));
    if !deliverable {
        return Err(refused());
    }
    let minted_at = parts
        .headers
        .get(opendvc_api::IDEMPOTENCY_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(late_delivery::key_minted_at)
        .ok_or_else(|| {
            ApiError::forbidden(
                "A late delivery needs the UUIDv7 Idempotency-Key minted in the session.",
            )
        })?;
    let request_offset =
        late_delivery::device_clock_offset(&parts.headers, state.clock.now().timestamp())?;
    let session = state
        .db(move |store| store.assist_session(session_id))
        .await?
        .filter(|session| session.staff_code == staff.code)
        .ok_or_else(refused)?;
    Ok(CitizenAuth {
        citizen_id: session.citizen_id,
        late: Some(LateDelivery::new(
            session.clone(),
            minted_at,
            request_offset,
        )),
        assisted: Some((session, staff)),
    })
}

/// A DVC agent or outreach volunteer.
#[derive(Debug, Clone)]
pub struct StaffAuth(pub StaffRecord);

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match resolve(state, &parts.headers).await?.1 {
            Caller::Staff(staff) => Ok(StaffAuth(staff)),
            _ => Err(ApiError::forbidden(
                "Only DVC agents and volunteers may do this.",
            )),
        }
    }
}

/// An officer of the city.
#[derive(Debug, Clone)]
pub struct OfficerAuth(pub StaffRecord);

impl FromRequestParts<AppState> for OfficerAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match resolve(state, &parts.headers).await?.1 {
            Caller::Officer(staff) => Ok(OfficerAuth(staff)),
            _ => Err(ApiError::forbidden("Only officers may do this.")),
        }
    }
}

/// Any valid bearer token.
#[derive(Debug, Clone)]
pub struct AnyAuth {
    pub caller: Caller,
}

impl FromRequestParts<AppState> for AnyAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (_, caller) = resolve(state, &parts.headers).await?;
        Ok(AnyAuth { caller })
    }
}

/// Validates an ID number field.
pub fn check_id_number(id_number: &str) -> Result<(), ApiError> {
    if is_id_number(id_number) {
        Ok(())
    } else {
        Err(ApiError::field("idNumber", "must be 12 digits"))
    }
}

/// Creates a one-time code for `id_number` and texts it with `extra_args` to the citizen, if
/// one is registered with that number. Registered and unregistered numbers take the same path
/// (the same reads, limits and insert) and get the same answer; only the text is not sent.
pub async fn issue_code(
    state: &AppState,
    id_number: String,
    purpose: OtpPurpose,
    client: &ClientAddress,
    extra_args: Vec<(&'static str, String)>,
) -> Result<OtpAccepted, ApiError> {
    let now = state.clock.now().timestamp();
    let code = new_otp();
    let limits = rate_limit::otp_request_limits(&state.limits, purpose, &id_number, client);
    let record = NewOtp {
        purpose,
        id_number: id_number.clone(),
        code_hash: otp_hash(&id_number, &code),
        expires_at: now + OTP_TTL_SECONDS,
    };
    let (citizen, issued) = state
        .db(move |store| {
            let citizen = store.citizen_by_id_number(&id_number)?;
            let issued = store.issue_otp(&record, &limits, now)?;
            Ok((citizen, issued))
        })
        .await?;
    issued.map_err(|reached| {
        rate_limit::refusal(
            reached,
            "Too many one-time codes were asked for this ID number or from this address; wait and retry.",
        )
    })?;
    let message_id = match purpose {
        OtpPurpose::SignIn => "otp-sms",
        OtpPurpose::Consent => "consent-sms",
    };
    let mut args = vec![
        ("code", code),
        ("minutes", (OTP_TTL_SECONDS / 60).to_string()),
    ];
    args.extend(extra_args);
    let language = citizen
        .as_ref()
        .map_or("vi", |citizen| citizen.profile.language.as_str());
    let body = state.texts.text(language, message_id, &args);
    if let Some(citizen) = citizen {
        let message = Outgoing {
            to: citizen.profile.phone.clone(),
            channel: "sms",
            kind: message_id.to_owned(),
            body,
        };
        if state.config.demo {
            // Demo clients read the dev outbox right after the answer: send before answering.
            state.send(message).await;
        } else {
            // A real gateway takes its time; waiting for it would tell who is registered.
            let state = state.clone();
            tokio::spawn(async move { state.send(message).await });
        }
    }
    Ok(OtpAccepted {
        expires_in: OTP_TTL_SECONDS as u32,
        channel: "sms".into(),
    })
}

/// Checks a one-time code for `id_number`: the citizen when it is the newest code sent to
/// them, `None` when it is wrong, expired or used (or the number is not registered), 429 when
/// too many wrong guesses were made for this number or from this address.
pub async fn accept_code(
    state: &AppState,
    id_number: String,
    code: String,
    purpose: OtpPurpose,
    client: &ClientAddress,
) -> Result<Option<Uuid>, ApiError> {
    let now = state.clock.now().timestamp();
    let guess = OtpGuess {
        purpose,
        code_hash: otp_hash(&id_number, &code),
        failure_limits: rate_limit::otp_failure_limits(&state.limits, purpose, &id_number, client),
        failure_counter: rate_limit::otp_failure_counter(),
        id_number,
    };
    let (check, citizen) = state
        .db(move |store| {
            let check = store.check_otp(&guess, now)?;
            let citizen = store.citizen_by_id_number(&guess.id_number)?;
            Ok((check, citizen))
        })
        .await?;
    match check {
        OtpCheck::Accepted => Ok(citizen.map(|citizen| citizen.id)),
        OtpCheck::Refused { counted } => {
            if rate_limit::alert_due(&state.limits, counted) {
                eprintln!(
                    "ALERT one-time codes: {counted} wrong guesses across the portal within \
                     {} seconds (alert threshold {} a minute); per-number and per-address limits \
                     still apply, nobody is refused for this",
                    rate_limit::ALERT_WINDOW_SECONDS,
                    state.limits.otp.alert_failures_per_minute
                );
            }
            Ok(None)
        }
        OtpCheck::Limited(reached) => Err(rate_limit::refusal(
            reached,
            "Too many wrong one-time codes for this ID number or from this address; wait and retry.",
        )),
    }
}

#[utoipa::path(post, path = "/v1/auth/otp", tag = "auth",
    request_body = OtpRequest,
    responses((status = 202, description = "A code was sent if the ID number is registered; an unregistered number gets the same answer, limits and timing. A code is valid 5 minutes; only the newest code of a number works. Limits (limits.json as shipped): 10 requests per ID number and 60 per client address an hour, then 429 with Retry-After. Behind a trusted proxy (`serve --trusted-proxy`) the client address is taken from X-Forwarded-For, otherwise from the connection.", body = OtpAccepted)))]
pub async fn request_otp(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(request): ApiJson<OtpRequest>,
) -> Result<Response, ApiError> {
    check_id_number(&request.id_number)?;
    let accepted = issue_code(
        &state,
        request.id_number,
        OtpPurpose::SignIn,
        &client,
        Vec::new(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)).into_response())
}

async fn issue_citizen_tokens(
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
    state
        .db(move |store| store.insert_sign_in(&access, &refresh))
        .await?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        expires_in: ttl,
        token_type: "Bearer".into(),
    })
}

#[utoipa::path(post, path = "/v1/auth/token", tag = "auth",
    request_body = TokenRequest,
    responses((status = 200, description = "Signed in. Wrong codes count across codes (a new code does not reset the count): after 10 wrong guesses for an ID number, or 50 from one client address, within an hour (limits.json as shipped) every guess gets 429 with Retry-After, the right code too. Wrong guesses across the whole portal alert the operators (200 a minute) but refuse nobody.", body = TokenResponse)))]
pub async fn exchange_otp(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<axum::Json<TokenResponse>, ApiError> {
    check_id_number(&request.id_number)?;
    let citizen_id = accept_code(
        &state,
        request.id_number,
        request.otp,
        OtpPurpose::SignIn,
        &client,
    )
    .await?
    .ok_or_else(|| {
        ApiError::new(
            ErrorCode::OtpInvalid,
            "The one-time code is wrong or expired.",
        )
    })?;
    Ok(axum::Json(issue_citizen_tokens(&state, citizen_id).await?))
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
    let outcome = state
        .db(move |store| store.rotate_refresh_token(&rotation, now))
        .await?;
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
    let known_access = state
        .db(move |store| {
            let mut known = false;
            if let Some(hash) = &access_hash
                && store.access_token(hash)?.is_some()
            {
                store.revoke_access_token(hash)?;
                known = true;
            }
            if let Some(hash) = &refresh_hash {
                store.revoke_sign_in(hash)?;
            }
            Ok(known)
        })
        .await?;
    if !known_access && !has_refresh {
        return Err(ApiError::unauthorized(
            "Send the access token, or the refresh token, of the sign-in to end.",
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/auth/staff-token", tag = "auth",
    request_body = StaffTokenRequest,
    responses((status = 200, description = "Signed in as staff (agent, volunteer or officer). Each attempt counts as a failure before the password is verified (a right password takes its count back), per client address and staff code: after 10 failures within 5 minutes (limits.json as shipped) that address gets 429 with Retry-After for that code, while the staff member can still sign in from elsewhere. At most 2 passwords are verified at once. `POST /v1/auth/logout` with the staff token revokes it.", body = StaffTokenResponse)))]
pub async fn staff_token(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(request): ApiJson<StaffTokenRequest>,
) -> Result<axum::Json<StaffTokenResponse>, ApiError> {
    let limit = rate_limit::staff_failure_limit(&state.limits, &request.code, &client);
    let started = state.clock.now().timestamp();
    let code = request.code.clone();
    // Reserve the attempt as a failure before anything is verified, so parallel attempts
    // cannot all pass a check that only later ones would fail.
    let (reserved, staff) = state
        .db(move |store| {
            let reserved = store.take_limits(&[limit], started)?;
            let staff = match reserved {
                Ok(_) => store.staff(&code)?,
                Err(_) => None,
            };
            Ok((reserved, staff))
        })
        .await?;
    let reserved = reserved.map_err(|reached| {
        rate_limit::refusal(
            reached,
            "Too many failed sign-ins for this staff code from this address; wait and retry.",
        )
    })?;
    let stored = staff.as_ref().map(|staff| staff.password_hash.clone());
    let matches = state.passwords.verify(request.password, stored).await?;
    let Some(staff) = staff.filter(|_| matches) else {
        return Err(ApiError::unauthorized(
            "Unknown staff code or wrong password.",
        ));
    };
    let now = state.clock.now().timestamp();
    let access_token = new_token();
    let record = AccessTokenRecord {
        token_hash: token_hash(&access_token),
        subject: TokenSubject::Staff {
            code: staff.code.clone(),
        },
        expires_at: now + i64::from(STAFF_TTL_SECONDS),
    };
    state
        .db(move |store| {
            // A right password is no failure: its reservation goes, the failures of other
            // attempts (from this address or any other) stay.
            store.release_hits(&reserved)?;
            store.insert_access_token(&record)
        })
        .await?;
    Ok(axum::Json(StaffTokenResponse {
        access_token,
        expires_in: STAFF_TTL_SECONDS,
        token_type: "Bearer".into(),
        staff: StaffProfile {
            code: staff.code,
            name: staff.name,
            kind: staff.kind,
            organisation: staff.organisation,
        },
    }))
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

    #[test]
    fn one_time_codes_are_six_digits() {
        for _ in 0..100 {
            let code = new_otp();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }

    #[test]
    fn staff_passwords_verify_only_with_the_right_password() {
        let hash = hash_password("s3cret").expect("hashes");
        assert!(verify_password("s3cret", &hash));
        assert!(!verify_password("S3cret", &hash));
        assert!(!verify_password("s3cret", "not a hash"));
    }
}
