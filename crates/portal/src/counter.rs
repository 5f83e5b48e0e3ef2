//! Applications received on paper at an agency's counter and entered by an officer (`POST
//! /v1/officer/applications`, channel `counter`): checked by the same shared rules as an
//! online submission, the counter fee and the counter processing days, the citizen found by ID
//! number or recorded. The `officer counter` command line calls [`enter`] too.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, NaiveDate};
use opendvc_api::{
    Actor, Address, Application, ApplicationStatus, AttachmentRef, Channel, CounterApplication,
    FieldError, Profile,
};
use opendvc_rules::form::{FormUse, check_form};
use opendvc_rules::{WorkingCalendar, fields, granted_days, vietnam_today};
use uuid::Uuid;

use crate::applications::notices_of_new;
use crate::auth::OfficerAuth;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::idempotency::{self, Begin};
use crate::notifications::compose::Recipient;
use crate::officer::{Desk, desk, officer_actor};
use crate::scope::{Scope, officer_only};
use crate::state::AppState;
use crate::store::{ApplicationDraft, CitizenRecord, IdempotencyRecord};
use crate::submission::{self, check_attachments, delivery_for};

/// The province of the city the portal serves, for citizens recorded at its counters.
const CITY_PROVINCE: &str = "48";

/// A citizen's birth year and gender from their 12-digit ID number: the fourth digit codes
/// century and gender (0/1: 1900s male/female, 2/3: 2000s, …), the fifth and sixth the year.
fn from_id_number(id_number: &str) -> Option<(i32, &'static str)> {
    let digits: Vec<u32> = id_number.chars().filter_map(|c| c.to_digit(10)).collect();
    let code = *digits.get(3)?;
    let year = digits.get(4)? * 10 + digits.get(5)?;
    let century = 1900 + (code / 2) * 100;
    let gender = if code % 2 == 0 { "male" } else { "female" };
    Some((i32::try_from(century + year).ok()?, gender))
}

/// The citizen of the ID number, or a new record of them. A citizen the portal does not know
/// (not in the data warehouse this portal stands in for) is recorded with what the counter
/// knows: name, phone, the unit, and the birth year and gender the ID number codes (the birth
/// day is unknown and recorded as 1 January).
async fn find_or_record(
    desk: Desk<'_>,
    request: &CounterApplication,
    phone: &str,
    unit_code: Option<&str>,
    now: DateTime<FixedOffset>,
) -> Result<CitizenRecord, ApiError> {
    if let Some(found) = desk
        .store
        .citizen_by_id_number(&request.applicant.id_number)
        .await?
    {
        return Ok(found);
    }
    let (year, gender) = from_id_number(&request.applicant.id_number)
        .ok_or_else(|| ApiError::field("applicant.idNumber", "not an ID number"))?;
    let birth_date = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| ApiError::field("applicant.idNumber", "not an ID number"))?;
    let record = CitizenRecord {
        id: Uuid::now_v7(),
        profile: Profile {
            id_number: request.applicant.id_number.clone(),
            full_name: request.applicant.name.trim().to_owned(),
            birth_date,
            gender: gender.to_owned(),
            phone: phone.to_owned(),
            email: None,
            address: Address {
                province_code: CITY_PROVINCE.to_owned(),
                unit_code: unit_code.unwrap_or_default().to_owned(),
                street: String::new(),
            },
            current_address: None,
            language: "vi".to_owned(),
            updated_at: now,
        },
    };
    desk.store.seed_citizen(&record, &[], &[]).await?;
    // Two counters recording one citizen at once: the one stored first is the citizen.
    desk.store
        .citizen_by_id_number(&request.applicant.id_number)
        .await?
        .ok_or_else(|| ApiError::internal("the recorded citizen is missing"))
}

/// Enters the counter application `request` in `scope` as `actor`, its answer stored with
/// `idempotency` (none from the command line).
pub async fn enter(
    desk: Desk<'_>,
    calendar: &WorkingCalendar,
    scope: &Scope,
    request: CounterApplication,
    actor: Actor,
    now: DateTime<FixedOffset>,
    idempotency: Option<IdempotencyRecord>,
) -> Result<Application, ApiError> {
    let procedure = desk
        .data
        .procedure(&request.procedure_id)
        .ok_or_else(|| ApiError::field("procedureId", "no such procedure"))?;
    let commune = desk
        .data
        .agency(&procedure.agency_id)
        .is_some_and(|agency| agency.level == crate::agencies::AgencyLevel::Commune);
    let unit_code = request
        .unit_code
        .clone()
        .filter(|unit| !unit.trim().is_empty());
    if let Some(unit) = &unit_code
        && !desk
            .data
            .admin_units
            .units
            .iter()
            .any(|known| &known.code == unit)
    {
        return Err(ApiError::field("unitCode", "not a commune-level unit"));
    }
    if commune && unit_code.is_none() {
        return Err(ApiError::field(
            "unitCode",
            "a commune-level procedure needs the applicant's unit",
        ));
    }
    if !scope.covers(desk.data, &procedure.id, unit_code.as_deref()) {
        return Err(ApiError::forbidden(
            "This procedure (or unit) is another agency's or office's; enter it there.",
        ));
    }
    let mut errors: Vec<FieldError> = Vec::new();
    if !fields::is_id_number(&request.applicant.id_number) {
        errors.push(FieldError::new(
            "applicant.idNumber",
            opendvc_api::FieldProblemCode::Invalid,
        ));
    }
    if request.applicant.name.trim().is_empty() {
        errors.push(FieldError::new(
            "applicant.name",
            opendvc_api::FieldProblemCode::Required,
        ));
    }
    let phone = match fields::phone(&request.applicant.phone) {
        Ok(phone) => Some(phone),
        Err(code) => {
            errors.push(FieldError::new("applicant.phone", code));
            None
        }
    };
    let form = check_form(procedure, &request.form, FormUse::Submission);
    errors.extend(form.problems.into_iter().map(FieldError::from));
    let delivery = match delivery_for(desk.data, procedure, &request.form, &request.delivery) {
        Ok(delivery) => Some(delivery),
        Err(delivery_errors) => {
            errors.extend(delivery_errors);
            None
        }
    };
    let (true, Some(delivery), Some(phone)) = (errors.is_empty(), delivery, phone) else {
        return Err(ApiError::validation(errors));
    };
    let citizen = find_or_record(desk, &request, &phone, unit_code.as_deref(), now).await?;
    // Paper documents are held at the counter; the attachments named are the citizen's
    // wallet documents (uploads belong to a citizen's own sign-in).
    let wallet: Vec<Uuid> = desk
        .store
        .documents(citizen.id)
        .await?
        .into_iter()
        .map(|document| document.id)
        .collect();
    let attachment_errors =
        check_attachments(procedure, &request.attachments, &[], &wallet, "attachments");
    if request
        .attachments
        .iter()
        .any(|attachment| matches!(attachment, AttachmentRef::Upload { .. }))
        || !attachment_errors.is_empty()
    {
        let mut errors = attachment_errors;
        if errors.is_empty() {
            errors.push(FieldError::new(
                "attachments",
                opendvc_api::FieldProblemCode::AttachmentNotYours,
            ));
        }
        return Err(ApiError::validation(errors));
    }
    let quote = submission::fee_quote(
        procedure,
        &form.value,
        request.fee_case.as_deref(),
        Some(citizen.profile.birth_date),
        Channel::Counter,
        vietnam_today(now),
    )
    .map_err(ApiError::validation)?;
    let processing_days = granted_days(&procedure.processing_days, Channel::Counter);
    let unit_code = unit_code.or_else(|| Some(citizen.profile.address.unit_code.clone()));
    let settings = desk
        .store
        .notification_settings(citizen.id)
        .await?
        .unwrap_or_default();
    let citizen_id = citizen.id;
    let recipient = Recipient::from_record(citizen, settings);
    let caused: Arc<Mutex<Vec<Uuid>>> = Arc::default();
    let due_at = calendar.due_at(now, processing_days);
    let notices = notices_of_new(
        desk.texts.clone(),
        desk.public_url.to_owned(),
        recipient,
        due_at,
        caused.clone(),
    );
    let draft = ApplicationDraft {
        id: Uuid::now_v7(),
        citizen_id,
        code_prefix: submission::code_prefix(now),
        procedure_id: procedure.id.clone(),
        procedure_name: procedure.name.clone(),
        unit_code,
        channel: Channel::Counter,
        submitted_by: None,
        submitted_at: now,
        due_at,
        processing_days,
        form: form.value,
        attachments: request.attachments,
        delivery,
        fee: quote.fee,
        fee_lines: quote.lines,
        first_status: ApplicationStatus::Received,
        first_entry_actor: actor,
        first_entry_note: None,
        access: None,
        notices,
    };
    let application = desk.store.create_application(draft, idempotency).await?;
    let ids = caused
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    desk.outbox.caused(&ids).await;
    Ok(application)
}

#[utoipa::path(post, path = "/v1/officer/applications", tag = "officer", security(("bearer" = [])),
    request_body = CounterApplication,
    responses((status = 201, description = "The application received at the counter (channel `counter`, the counter fee and processing days), the citizen found by ID number or recorded. Officers only (a supervisor: 403); a procedure or unit outside the officer's scope: 403.", body = Application)))]
pub async fn counter_handler(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    headers: HeaderMap,
    ApiJson(request): ApiJson<CounterApplication>,
) -> Result<Response, ApiError> {
    let scope = Scope::of(&staff, &state.data)?;
    officer_only(&staff)?;
    let begin = idempotency::begin_as(
        &state,
        &headers,
        &format!("officer:{}", staff.code),
        None,
        ("POST", "/v1/officer/applications"),
        &request,
        StatusCode::CREATED,
    )
    .await?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    let actor = officer_actor(&staff.code, &staff.organisation);
    let application = enter(
        desk(&state),
        &state.calendar,
        &scope,
        request,
        actor,
        state.clock.now(),
        Some(record),
    )
    .await?;
    let body = serde_json::to_string(&application).map_err(ApiError::internal)?;
    let mut response = (StatusCode::CREATED, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
