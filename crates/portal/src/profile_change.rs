//! The citizen changes their profile (`PATCH /v1/me`): contacts confirmed by a code sent to
//! the new value (`POST /v1/me/contact-codes`; a new sign-in phone also by a code sent to the
//! old one), addresses checked against the administrative units, the language of notices.
//! Identity fields are refused with where to change them. Every change leaves an audit row
//! (who, when, which fields) and reaches the citizen's devices through sync.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use opendvc_api::{
    Address, ContactChange, ContactCodeRequest, ContactCodesSent, ContactKind, FieldError,
    FieldProblemCode, IDENTITY_FIELDS, Profile, ProfilePatch,
};
use opendvc_rules::fields;
use opendvc_rules::form::MAX_STREET;

use crate::auth::CitizenOnly;
use crate::auth::otp::{OTP_TTL_SECONDS, new_otp, otp_hash};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::{ApiJson, parse_json};
use crate::notifications::compose::immediate_sms;
use crate::rate_limit;
use crate::state::AppState;
use crate::store::{CitizenRecord, NewOtp, OtpCheck, OtpGuess, OtpPurpose, ProfileUpdate};

/// The languages notices are written in.
const LANGUAGES: [&str; 3] = ["vi", "en", "id"];

#[utoipa::path(post, path = "/v1/me/contact-codes", tag = "profile", security(("bearer" = [])),
    request_body = ContactCodeRequest,
    responses((status = 202, description = "A code confirming the new phone or e-mail was sent to it; for a new phone, a second code went to the phone in the profile (the sign-in phone). Each code is bound to the value it confirms and valid for 5 minutes; only the newest of each is accepted. Only the citizen, signed in with their own code, asks (403 for anyone else); a value that is not a phone or an e-mail is 422 naming `value`; too many requests are 429.", body = ContactCodesSent)))]
pub async fn contact_codes(
    State(state): State<AppState>,
    auth: CitizenOnly,
    client: ClientAddress,
    ApiJson(request): ApiJson<ContactCodeRequest>,
) -> Result<Response, ApiError> {
    let value = normalised(request.kind, &request.value)
        .map_err(|code| ApiError::field_problem("value", code))?;
    let citizen = citizen(&state, &auth).await?;
    let language = citizen.profile.language.clone();
    let minutes = (OTP_TTL_SECONDS / 60).to_string();
    let now = state.clock.now();
    let mut notices = Vec::new();
    let code = issue(
        &state,
        &citizen,
        new_value_purpose(request.kind),
        &value,
        &client,
    )
    .await?;
    let args = [("code", code), ("minutes", minutes.clone())];
    match request.kind {
        ContactKind::Phone => notices.push(immediate_sms(
            Some(citizen.id),
            &value,
            &language,
            "contact-code-sms",
            state.texts.text(&language, "contact-code-sms", &args),
            now,
        )),
        ContactKind::Email => notices.push(crate::store::NewNotice {
            channel: "email".to_owned(),
            subject: Some(
                state
                    .texts
                    .text(&language, "contact-code-email-subject", &[]),
            ),
            ..immediate_sms(
                Some(citizen.id),
                &value,
                &language,
                "contact-code-email",
                state.texts.text(&language, "contact-code-email", &args),
                now,
            )
        }),
    }
    let old_phone_code_sent = request.kind == ContactKind::Phone;
    if old_phone_code_sent {
        let code = issue(&state, &citizen, OtpPurpose::OldPhone, &value, &client).await?;
        let ending: String = value.chars().skip(value.chars().count() - 3).collect();
        let args = [("code", code), ("minutes", minutes), ("ending", ending)];
        notices.push(immediate_sms(
            Some(citizen.id),
            &citizen.profile.phone,
            &language,
            "old-phone-code-sms",
            state.texts.text(&language, "old-phone-code-sms", &args),
            now,
        ));
    }
    state.outbox.enqueue(notices).await?;
    let sent = ContactCodesSent {
        expires_in: OTP_TTL_SECONDS as u32,
        old_phone_code_sent,
    };
    Ok((StatusCode::ACCEPTED, axum::Json(sent)).into_response())
}

#[utoipa::path(patch, path = "/v1/me", tag = "profile", security(("bearer" = [])),
    request_body = ProfilePatch,
    responses((status = 200, description = "The profile after the change, which sync brings to every device; the change is recorded (who, when, which fields, never the values). Only the fields sent change; a phone or e-mail needs the code `POST /v1/me/contact-codes` sent to it (and a new phone the code sent to the old one): a wrong, used or expired code is 422 `field-code-invalid` naming it. A field that is not valid is 422 naming it; an identity field (`idNumber`, `fullName`, `birthDate`, `gender`) is 422 `field-read-only`: those change through VNeID or the commune police. Only the citizen, signed in with their own code, changes their profile (403 for anyone else).", body = Profile)))]
pub async fn patch_me(
    State(state): State<AppState>,
    auth: CitizenOnly,
    client: ClientAddress,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<Profile>, ApiError> {
    refuse_identity_fields(&body)?;
    let patch: ProfilePatch = parse_json(body.to_string().as_bytes())?;
    let citizen = citizen(&state, &auth).await?;
    let mut profile = citizen.profile.clone();
    let mut changed = Vec::new();
    let mut errors = Vec::new();
    let mut confirmations = Vec::new();
    if let Some(change) = &patch.phone {
        match fields::phone(&change.value) {
            Ok(phone) if phone == profile.phone => {}
            Ok(phone) => {
                confirmations.push((
                    "phone.code",
                    OtpPurpose::NewPhone,
                    phone.clone(),
                    &change.code,
                ));
                match &change.old_phone_code {
                    Some(code) => confirmations.push((
                        "phone.oldPhoneCode",
                        OtpPurpose::OldPhone,
                        phone.clone(),
                        code,
                    )),
                    None => errors.push(FieldError::new(
                        "phone.oldPhoneCode",
                        FieldProblemCode::Required,
                    )),
                }
                profile.phone = phone;
                changed.push("phone");
            }
            Err(code) => errors.push(FieldError::new("phone.value", code)),
        }
    }
    if let Some(ContactChange { value, code, .. }) = &patch.email {
        match fields::email(value) {
            Ok(email) if Some(&email) == profile.email.as_ref() => {}
            Ok(email) => {
                confirmations.push(("email.code", OtpPurpose::NewEmail, email.clone(), code));
                profile.email = Some(email);
                changed.push("email");
            }
            Err(code) => errors.push(FieldError::new("email.value", code)),
        }
    }
    if let Some(address) = &patch.address {
        let address = checked_address(&state, "address", address, &mut errors);
        if address != profile.address {
            profile.address = address;
            changed.push("address");
        }
    }
    if let Some(address) = &patch.current_address {
        let address = checked_address(&state, "currentAddress", address, &mut errors);
        if Some(&address) != profile.current_address.as_ref() {
            profile.current_address = Some(address);
            changed.push("currentAddress");
        }
    }
    if let Some(language) = &patch.language {
        if !LANGUAGES.contains(&language.as_str()) {
            errors.push(FieldError::new("language", FieldProblemCode::OptionInvalid));
        } else if *language != profile.language {
            profile.language = language.clone();
            changed.push("language");
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if changed.is_empty() {
        return Ok(axum::Json(citizen.profile));
    }
    // Codes are checked last, once nothing else can refuse the change, so that a mistake in
    // another field does not spend them.
    for (field, purpose, value, code) in confirmations {
        confirm(&state, &citizen, purpose, &value, code, &client, field).await?;
    }
    let now = state.clock.now();
    profile.updated_at = now;
    let update = ProfileUpdate {
        citizen_id: citizen.id,
        profile: profile.clone(),
        fields: changed.into_iter().map(str::to_owned).collect(),
        actor: "citizen".to_owned(),
        at: now,
    };
    state.store.update_profile(&update).await?;
    Ok(axum::Json(profile))
}

/// 422 naming each identity field the body sends, with where to change it.
fn refuse_identity_fields(body: &serde_json::Value) -> Result<(), ApiError> {
    let Some(object) = body.as_object() else {
        return Ok(());
    };
    let errors: Vec<FieldError> = IDENTITY_FIELDS
        .into_iter()
        .filter(|field| object.contains_key(*field))
        .map(|field| FieldError::new(field, FieldProblemCode::ReadOnly))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The address as kept, each problem pushed onto `errors` under `field`.
fn checked_address(
    state: &AppState,
    field: &str,
    address: &Address,
    errors: &mut Vec<FieldError>,
) -> Address {
    let kept = Address {
        province_code: address.province_code.trim().to_owned(),
        unit_code: address.unit_code.trim().to_owned(),
        street: address.street.trim().to_owned(),
    };
    let known = state
        .data
        .admin_units
        .units
        .iter()
        .any(|unit| unit.code == kept.unit_code && unit.province_code == kept.province_code);
    if kept.unit_code.is_empty() {
        errors.push(FieldError::new(
            format!("{field}.unitCode"),
            FieldProblemCode::Required,
        ));
    } else if !known {
        errors.push(FieldError::new(
            format!("{field}.unitCode"),
            FieldProblemCode::UnitInvalid,
        ));
    }
    if kept.street.is_empty() {
        errors.push(FieldError::new(
            format!("{field}.street"),
            FieldProblemCode::Required,
        ));
    } else if kept.street.chars().count() > MAX_STREET {
        errors.push(FieldError::new(
            format!("{field}.street"),
            FieldProblemCode::TooLong,
        ));
    }
    kept
}

/// The new phone (`+84…`) or e-mail as kept.
fn normalised(kind: ContactKind, value: &str) -> Result<String, FieldProblemCode> {
    match kind {
        ContactKind::Phone => fields::phone(value),
        ContactKind::Email => fields::email(value),
    }
}

fn new_value_purpose(kind: ContactKind) -> OtpPurpose {
    match kind {
        ContactKind::Phone => OtpPurpose::NewPhone,
        ContactKind::Email => OtpPurpose::NewEmail,
    }
}

async fn citizen(state: &AppState, auth: &CitizenOnly) -> Result<CitizenRecord, ApiError> {
    state
        .store
        .citizen(auth.citizen_id)
        .await?
        .ok_or_else(|| ApiError::not_found("The citizen no longer exists."))
}

/// What a code is bound to: the citizen's ID number and the value it confirms, so a code
/// sent for one value never confirms another.
fn bound_hash(citizen: &CitizenRecord, value: &str, code: &str) -> String {
    otp_hash(&format!("{}:{value}", citizen.profile.id_number), code)
}

/// Stores a new code for `value` under the code-request limits and returns it.
async fn issue(
    state: &AppState,
    citizen: &CitizenRecord,
    purpose: OtpPurpose,
    value: &str,
    client: &ClientAddress,
) -> Result<String, ApiError> {
    let now = state.clock.now().timestamp();
    let code = new_otp();
    let id_number = &citizen.profile.id_number;
    let record = NewOtp {
        purpose,
        id_number: id_number.clone(),
        code_hash: bound_hash(citizen, value, &code),
        expires_at: now + OTP_TTL_SECONDS,
    };
    let limits = rate_limit::otp_request_limits(&state.limits, purpose, id_number, client);
    state
        .store
        .issue_otp(&record, &limits, now)
        .await?
        .map_err(|reached| {
            rate_limit::refusal(
                reached,
                "Too many confirmation codes were asked for; wait and retry.",
            )
        })?;
    Ok(code)
}

/// Spends the newest code of `purpose` if it is `code` for `value`; 422 naming `field` when
/// it is wrong, used or expired, 429 after too many wrong codes.
async fn confirm(
    state: &AppState,
    citizen: &CitizenRecord,
    purpose: OtpPurpose,
    value: &str,
    code: &str,
    client: &ClientAddress,
    field: &str,
) -> Result<(), ApiError> {
    let id_number = &citizen.profile.id_number;
    let guess = OtpGuess {
        purpose,
        id_number: id_number.clone(),
        code_hash: bound_hash(citizen, value, code.trim()),
        failure_limits: rate_limit::otp_failure_limits(&state.limits, purpose, id_number, client),
        failure_counter: rate_limit::otp_failure_counter(),
    };
    match state
        .store
        .check_otp(&guess, state.clock.now().timestamp())
        .await?
    {
        OtpCheck::Accepted => Ok(()),
        OtpCheck::Refused { .. } => Err(ApiError::field_problem(
            field,
            FieldProblemCode::CodeInvalid,
        )),
        OtpCheck::Limited(reached) => Err(rate_limit::refusal(
            reached,
            "Too many wrong confirmation codes; wait and retry.",
        )),
    }
}
