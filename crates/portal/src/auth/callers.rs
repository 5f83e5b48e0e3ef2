//! Who is calling, from the bearer token, and the extractors handlers declare what they do
//! with: `CitizenRead<R>` (logs a staff read of `R`), `CitizenSubmit` (a late delivery too),
//! `CitizenOnly`, `StaffAuth`, `OfficerAuth`, `AnyAuth`.

use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use opendvc_api::{
    AccessAction, AccessResource, AccessStaff, Actor, ActorKind, AssistScope, Channel, ErrorCode,
    StaffKind, SubmittedBy,
};
use uuid::Uuid;

use super::tokens::{bearer, token_hash};
use crate::error::ApiError;
use crate::late_delivery::{self, LateDelivery};
use crate::state::AppState;
use crate::store::{AccessEntry, AssistSessionRecord, StaffRecord, TokenSubject};

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

/// Resolves the bearer token of a request.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<(String, Caller), ApiError> {
    let hash = token_hash(bearer(headers)?);
    let now = state.clock.now().timestamp();
    let store = &state.store;
    let Some(token) = store.access_token(&hash).await? else {
        return Err(ApiError::unauthorized("The access token is not valid."));
    };
    if token.expires_at <= now {
        return Err(ApiError::new(
            ErrorCode::TokenExpired,
            "The access token has expired; refresh it and resend.",
        ));
    }
    let caller = match token.subject {
        TokenSubject::Citizen { citizen_id } => Caller::Citizen { citizen_id },
        TokenSubject::Staff { code } => match store.staff(&code).await? {
            Some(staff) if matches!(staff.kind, StaffKind::Officer | StaffKind::Supervisor) => {
                Caller::Officer(staff)
            }
            Some(staff) => Caller::Staff(staff),
            None => {
                return Err(ApiError::unauthorized(
                    "The staff account no longer exists.",
                ));
            }
        },
        TokenSubject::Assisted { session_id } => match store.assist_session(session_id).await? {
            Some(session) if session.ended_at.is_some() => {
                return Err(ApiError::forbidden("This assisted session has ended."));
            }
            Some(session) => match store.staff(&session.staff_code).await? {
                Some(staff) => Caller::Assisted {
                    session: Box::new(session),
                    staff,
                },
                None => {
                    return Err(ApiError::unauthorized(
                        "The staff account no longer exists.",
                    ));
                }
            },
            None => return Err(ApiError::unauthorized("The access token is not valid.")),
        },
    };
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
            state.store.record_access(&entry).await?;
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
        .store
        .assist_session(session_id)
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

/// An officer or a supervisor of the city (what each may do is `crate::scope`'s).
#[derive(Debug, Clone)]
pub struct OfficerAuth(pub StaffRecord);

impl FromRequestParts<AppState> for OfficerAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match resolve(state, &parts.headers).await?.1 {
            Caller::Officer(staff) => Ok(OfficerAuth(staff)),
            _ => Err(ApiError::forbidden(
                "Only the city's officers and supervisors may use the officer API.",
            )),
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
