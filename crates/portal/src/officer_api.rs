//! The officer API besides the transition (`officer`): who is signed in (`GET
//! /v1/officer/me`), the work queue (`GET /v1/officer/applications`), one application as the
//! officer sees it (`GET /v1/officer/applications/{id}`) and assignment (`POST
//! /v1/officer/applications/{id}/assign`). Every function takes the caller's [`Scope`]
//! (`crate::scope`), so the `officer` command line calls the same functions in the server's
//! name.

use axum::extract::State;
use chrono::{DateTime, FixedOffset, NaiveDate};
use opendvc_api::{
    Application, ApplicationStatus, AssignRequest, OfficerApplication, OfficerQueueQuery,
    OfficerRef, OfficerSelf, QueuePage, Urgency, WorkItem,
};
use opendvc_rules::{VIETNAM, WorkingCalendar};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::OfficerAuth;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::officer::{Desk, desk, officer_actor};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::{ApplicationChange, FINISHED, QueueRow, StaffRecord};

/// The queue's page size when none is asked for, and the largest allowed.
pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;

/// Working days from `today` to `due` on the calendar: 0 when due today, positive when due
/// later (working days after today up to the due day), negative when late (working days
/// after the due day up to today).
pub fn working_days_between(calendar: &WorkingCalendar, today: NaiveDate, due: NaiveDate) -> i32 {
    let count = |from: NaiveDate, to: NaiveDate| -> i32 {
        let mut days = 0i32;
        let mut day = from;
        while day < to {
            day = calendar.next_working_day(day);
            if day <= to {
                days = days.saturating_add(1);
            }
        }
        days
    };
    if due >= today {
        count(today, due)
    } else {
        -count(due, today)
    }
}

/// How close an application is to its due date at `now`, and the working days left (for a
/// finished one, as at `finished_at`).
pub fn urgency(
    calendar: &WorkingCalendar,
    status: ApplicationStatus,
    due_at: DateTime<FixedOffset>,
    finished_at: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> (i32, Urgency) {
    let finished = FINISHED.contains(&status);
    let at = if finished { finished_at } else { now };
    let left = working_days_between(
        calendar,
        at.with_timezone(&VIETNAM).date_naive(),
        due_at.with_timezone(&VIETNAM).date_naive(),
    );
    let urgency = if finished {
        Urgency::Finished
    } else if now > due_at {
        Urgency::Overdue
    } else if left <= 1 {
        Urgency::AtRisk
    } else {
        Urgency::OnTrack
    };
    (left, urgency)
}

/// The query as it arrives: every value a string, so a bad one is a 422 naming it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawQueueQuery {
    limit: Option<String>,
    cursor: Option<String>,
    status: Option<String>,
    procedure: Option<String>,
    unit: Option<String>,
    due_before: Option<String>,
    open: Option<String>,
    q: Option<String>,
}

impl RawQueueQuery {
    fn parse(self) -> Result<OfficerQueueQuery, ApiError> {
        let limit = self
            .limit
            .map(|limit| {
                limit
                    .parse::<u32>()
                    .ok()
                    .filter(|limit| (1..=MAX_PAGE).contains(limit))
                    .ok_or_else(|| {
                        ApiError::field("limit", format!("a number from 1 to {MAX_PAGE}"))
                    })
            })
            .transpose()?;
        let status = self
            .status
            .map(|status| {
                ApplicationStatus::ALL
                    .into_iter()
                    .find(|known| known.as_str() == status)
                    .ok_or_else(|| ApiError::field("status", "not a status of this portal"))
            })
            .transpose()?;
        let due_before = self
            .due_before
            .map(|day| {
                NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|_| ApiError::field("dueBefore", "a date YYYY-MM-DD"))
            })
            .transpose()?;
        let open = self
            .open
            .map(|open| match open.as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ApiError::field("open", "true or false")),
            })
            .transpose()?;
        let nonempty = |text: Option<String>| text.filter(|text| !text.trim().is_empty());
        Ok(OfficerQueueQuery {
            limit,
            cursor: self.cursor,
            status,
            procedure: nonempty(self.procedure),
            unit: nonempty(self.unit),
            due_before,
            open,
            q: nonempty(self.q).map(|q| q.trim().to_owned()),
        })
    }
}

/// The cursor of the row after which the next page starts: opaque to clients.
fn encode_cursor(row: &QueueRow) -> String {
    hex::encode(format!("{}|{}", row.due_at_text, row.id))
}

fn decode_cursor(cursor: &str) -> Result<(String, Uuid), ApiError> {
    let bad = || ApiError::field("cursor", "not a cursor this portal gave out");
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (due_at, id) = text.split_once('|').ok_or_else(bad)?;
    DateTime::parse_from_rfc3339(due_at).map_err(|_| bad())?;
    Ok((due_at.to_owned(), Uuid::parse_str(id).map_err(|_| bad())?))
}

/// What the queue and the application page need besides the store: the reference data and
/// the working-day calendar.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    pub desk: Desk<'a>,
    pub calendar: &'a WorkingCalendar,
}

impl std::fmt::Debug for Reading<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reading").finish_non_exhaustive()
    }
}

pub fn reading(state: &AppState) -> Reading<'_> {
    Reading {
        desk: desk(state),
        calendar: &state.calendar,
    }
}

/// One page of the work queue in `scope`.
pub async fn work_queue(
    reading: Reading<'_>,
    scope: &Scope,
    query: OfficerQueueQuery,
    now: DateTime<FixedOffset>,
) -> Result<QueuePage, ApiError> {
    let data = reading.desk.data;
    let mut filter = scope.filter(data);
    filter.status = query.status;
    filter.open = query.open.unwrap_or(false);
    filter.procedure = query.procedure;
    filter.unit = query.unit;
    filter.due_before = query
        .due_before
        .and_then(|day| day.succ_opt())
        .map(|day| day.format("%Y-%m-%d").to_string());
    filter.q = query.q;
    filter.after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    filter.limit = usize::try_from(query.limit.unwrap_or(DEFAULT_PAGE)).unwrap_or(50);
    let found = reading.desk.store.work_queue(&filter).await?;
    let next_cursor = if found.has_more {
        found.rows.last().map(encode_cursor)
    } else {
        None
    };
    let items = found
        .rows
        .into_iter()
        .map(|row| {
            let (working_days_left, urgency) = urgency(
                reading.calendar,
                row.status,
                row.due_at,
                row.updated_at,
                now,
            );
            WorkItem {
                id: row.id,
                code: row.code,
                procedure_id: row.procedure_id,
                procedure_name: row.procedure_name,
                status: row.status,
                channel: row.channel,
                applicant_name: row.applicant_name,
                unit_code: row.unit_code,
                submitted_at: row.submitted_at,
                due_at: row.due_at,
                working_days_left,
                urgency,
                assigned_to: row.assigned_to,
                delivery_method: row.delivery_method,
            }
        })
        .collect();
    Ok(QueuePage {
        items,
        next_cursor,
        total: found.total,
    })
}

/// The application `id` if it is in `scope`: 404 when it does not exist, 403 when it is
/// another agency's (or unit's).
pub async fn scoped_application(
    desk: Desk<'_>,
    scope: &Scope,
    id: Uuid,
) -> Result<crate::store::Placement, ApiError> {
    let placement = desk
        .store
        .placement(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))?;
    if !scope.covers(
        desk.data,
        &placement.procedure_id,
        placement.unit_code.as_deref(),
    ) {
        return Err(ApiError::forbidden(
            "This application is another agency's (or another unit's office's); you may not see or act on it.",
        ));
    }
    Ok(placement)
}

/// The officers an application of `procedure_id` from `unit_code` may be assigned to.
async fn assignable(
    desk: Desk<'_>,
    procedure_id: &str,
    unit_code: Option<&str>,
) -> Result<Vec<StaffRecord>, ApiError> {
    let Some(procedure) = desk.data.procedure(procedure_id) else {
        return Ok(Vec::new());
    };
    let officers = desk.store.officers_of(&procedure.agency_id).await?;
    Ok(officers
        .into_iter()
        .filter(|officer| {
            Scope::of(officer, desk.data)
                .is_ok_and(|scope| scope.covers(desk.data, procedure_id, unit_code))
        })
        .collect())
}

fn officer_ref(staff: &StaffRecord) -> OfficerRef {
    OfficerRef {
        code: staff.code.clone(),
        name: staff.name.clone(),
    }
}

/// Application `id` as an officer of `scope` sees it.
pub async fn officer_application(
    reading: Reading<'_>,
    scope: &Scope,
    id: Uuid,
    now: DateTime<FixedOffset>,
) -> Result<OfficerApplication, ApiError> {
    let desk = reading.desk;
    let placement = scoped_application(desk, scope, id).await?;
    let application = desk
        .store
        .application(None, id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))?;
    let citizen = desk
        .store
        .citizen(placement.citizen_id)
        .await?
        .ok_or_else(|| ApiError::not_found("The applicant's record is missing."))?;
    let wallet_ids: Vec<Uuid> = application
        .attachments
        .iter()
        .filter_map(|attachment| match attachment {
            opendvc_api::AttachmentRef::Wallet { document_id, .. } => Some(*document_id),
            opendvc_api::AttachmentRef::Upload { .. } => None,
        })
        .collect();
    let wallet_documents = if wallet_ids.is_empty() {
        Vec::new()
    } else {
        desk.store
            .documents(placement.citizen_id)
            .await?
            .into_iter()
            .filter(|document| wallet_ids.contains(&document.id))
            .collect()
    };
    let officers = assignable(
        desk,
        &placement.procedure_id,
        placement.unit_code.as_deref(),
    )
    .await?;
    let assigned_to = placement.assigned_to.as_ref().map(|code| {
        officers
            .iter()
            .find(|officer| &officer.code == code)
            .map(officer_ref)
            .unwrap_or_else(|| OfficerRef {
                code: code.clone(),
                name: String::new(),
            })
    });
    let (working_days_left, urgency) = urgency(
        reading.calendar,
        application.status,
        application.due_at,
        application.updated_at,
        now,
    );
    let agency_id = desk
        .data
        .procedure(&application.procedure_id)
        .map(|procedure| procedure.agency_id.clone())
        .unwrap_or_default();
    Ok(OfficerApplication {
        applicant: opendvc_api::Applicant {
            name: citizen.profile.full_name,
            id_number: citizen.profile.id_number,
            phone: citizen.profile.phone,
            email: citizen.profile.email,
        },
        agency_id,
        unit_code: placement.unit_code,
        working_days_left,
        urgency,
        assigned_to,
        assignable: officers.iter().map(officer_ref).collect(),
        wallet_documents,
        warnings: desk.store.late_warnings(id).await?,
        application,
    })
}

/// Assigns application `id` to an officer of its scope, as `actor_code` of `organisation`:
/// a timeline entry (same status) whose note names the officer, so the citizen sees it, and a
/// change in the citizen's sync feed.
pub async fn assign(
    desk: Desk<'_>,
    scope: &Scope,
    id: Uuid,
    request: AssignRequest,
    actor: opendvc_api::Actor,
    now: DateTime<FixedOffset>,
) -> Result<Application, ApiError> {
    let placement = scoped_application(desk, scope, id).await?;
    let officers = assignable(
        desk,
        &placement.procedure_id,
        placement.unit_code.as_deref(),
    )
    .await?;
    let Some(officer) = officers
        .into_iter()
        .find(|officer| officer.code == request.officer_code)
    else {
        return Err(ApiError::field(
            "officerCode",
            "not an officer of this application's agency (and unit)",
        ));
    };
    let language = desk
        .store
        .citizen(placement.citizen_id)
        .await?
        .map(|citizen| citizen.profile.language)
        .unwrap_or_else(|| "vi".to_owned());
    let note = desk.texts.text(
        &language,
        "timeline-assigned",
        &[
            ("officer", officer.name.clone()),
            ("code", officer.code.clone()),
        ],
    );
    let code = officer.code.clone();
    desk.store
        .change_application(
            None,
            id,
            Box::new(move |current| {
                Ok(ApplicationChange {
                    entries: vec![(current.status, actor, Some(note))],
                    assigned_to: Some(code),
                    ..ApplicationChange::default()
                })
            }),
            now,
            None,
        )
        .await
        .map_err(ApiError::from)
}

/// `GET /v1/officer/me`.
pub fn officer_self(
    state_data: &crate::data::ReferenceData,
    staff: &StaffRecord,
) -> Result<OfficerSelf, ApiError> {
    let scope = Scope::of(staff, state_data)?;
    let unit_code = match &scope {
        Scope::Agency { unit, .. } => unit.clone(),
        Scope::City => None,
    };
    Ok(OfficerSelf {
        code: staff.code.clone(),
        name: staff.name.clone(),
        kind: staff.kind,
        agency: staff
            .agency
            .as_deref()
            .and_then(|agency| state_data.agency_contact(agency, unit_code.as_deref())),
        unit_code,
        procedures: scope.procedures(state_data).unwrap_or_else(|| {
            state_data
                .catalog
                .items
                .iter()
                .map(|procedure| procedure.id.clone())
                .collect()
        }),
    })
}

#[utoipa::path(get, path = "/v1/officer/me", tag = "officer", security(("bearer" = [])),
    responses((status = 200, description = "The signed-in officer or supervisor: agency (with its contact), unit, and the procedures their scope covers.", body = OfficerSelf)))]
pub async fn me_handler(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
) -> Result<axum::Json<OfficerSelf>, ApiError> {
    officer_self(&state.data, &staff).map(axum::Json)
}

#[utoipa::path(get, path = "/v1/officer/applications", tag = "officer", security(("bearer" = [])),
    params(OfficerQueueQuery),
    responses((status = 200, description = "One page of the caller's work queue, by due date then id (keyset paging: pass `nextCursor` as `cursor`; rows changed meanwhile are neither skipped nor repeated unless their due date moved). A bad `limit`, `cursor`, `status`, `dueBefore` or `open` is a 422 naming it.", body = QueuePage)))]
pub async fn queue_handler(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiQuery(raw): ApiQuery<RawQueueQuery>,
) -> Result<axum::Json<QueuePage>, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    let query = raw.parse()?;
    work_queue(reading(&state), &scope, query, state.clock.now())
        .await
        .map(axum::Json)
}

#[utoipa::path(get, path = "/v1/officer/applications/{id}", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, description = "The application with its applicant, urgency, assignee and who it may be assigned to. Another agency's (or unit's) application answers 403.", body = OfficerApplication)))]
pub async fn application_handler(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<OfficerApplication>, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    officer_application(reading(&state), &scope, id, state.clock.now())
        .await
        .map(axum::Json)
}

#[utoipa::path(post, path = "/v1/officer/applications/{id}/assign", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = AssignRequest,
    responses((status = 200, description = "The application, its timeline holding a note that names the officer. Officers and supervisors of the application's scope assign; `officerCode` must be an officer of it (else 422 naming it). Another agency's application answers 403.", body = Application)))]
pub async fn assign_handler(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<AssignRequest>,
) -> Result<axum::Json<Application>, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    let actor = officer_actor(&staff.code, &staff.organisation);
    assign(desk(&state), &scope, id, request, actor, state.clock.now())
        .await
        .map(axum::Json)
}

/// A file name safe inside `Content-Disposition`: letters, digits, `.`, `-`, `_` kept, the
/// rest `_`; none, `attachment`.
fn safe_file_name(name: Option<&str>) -> String {
    let kept: String = name
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if kept.trim_matches(['.', '_']).is_empty() {
        "attachment".to_owned()
    } else {
        kept
    }
}

/// The bytes of upload `attachment_id` of application `id`, if the application is in `scope`
/// and names the upload (an officer reads only the files of applications they handle).
pub async fn attachment(
    desk: Desk<'_>,
    scope: &Scope,
    id: Uuid,
    attachment_id: &str,
) -> Result<crate::store::AttachmentFile, ApiError> {
    let placement = scoped_application(desk, scope, id).await?;
    let application = desk
        .store
        .application(None, id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))?;
    let named = application.attachments.iter().any(|attachment| {
        matches!(attachment, opendvc_api::AttachmentRef::Upload { attachment_id: named, .. } if named == attachment_id)
    });
    if !named {
        return Err(ApiError::not_found("The application names no such file."));
    }
    desk.store
        .attachment_file(placement.citizen_id, attachment_id)
        .await?
        .ok_or_else(|| ApiError::not_found("The file is no longer stored."))
}

#[utoipa::path(get, path = "/v1/officer/applications/{id}/attachments/{attachmentId}", tag = "officer", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id"), ("attachmentId" = String, Path, description = "An upload the application names (`sha256:{hex}`)")),
    responses((status = 200, description = "The file's bytes with its content type, `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`. Only files the application names; another agency's application answers 403.", content_type = "application/octet-stream")))]
pub async fn attachment_handler(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath((id, attachment_id)): ApiPath<(Uuid, String)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let scope = Scope::of(&staff, &state.data)?;
    let file = attachment(desk(&state), &scope, id, &attachment_id).await?;
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        safe_file_name(file.file_name.as_deref())
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
