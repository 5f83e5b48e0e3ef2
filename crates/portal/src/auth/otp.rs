//! Citizens' one-time codes: issued and checked the same way for registered and unregistered
//! ID numbers, limited per ID number and per client address, wrong guesses counted across
//! codes (`rate_limit`); the sign-in by code.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use opendvc_api::{
    ErrorCode, FieldProblemCode, OtpAccepted, OtpRequest, TokenRequest, TokenResponse,
};
use opendvc_rules::fields::is_id_number;
use rand::Rng;
use uuid::Uuid;

use super::tokens::{issue_citizen_tokens, token_hash};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::rate_limit;
use crate::state::AppState;
use crate::store::{NewOtp, OtpCheck, OtpGuess, OtpPurpose};

/// How long a one-time code is valid, seconds.
pub const OTP_TTL_SECONDS: i64 = 300;

/// A new six-digit one-time code.
pub fn new_otp() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// The stored form of a one-time code, bound to its ID number so equal codes differ.
pub fn otp_hash(id_number: &str, code: &str) -> String {
    token_hash(&format!("{id_number}:{code}"))
}

/// Validates an ID number field.
pub fn check_id_number(id_number: &str) -> Result<(), ApiError> {
    if is_id_number(id_number) {
        Ok(())
    } else {
        Err(ApiError::field_problem(
            "idNumber",
            FieldProblemCode::IdNumberInvalid,
        ))
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
    let citizen = state.store.citizen_by_id_number(&id_number).await?;
    let issued = state.store.issue_otp(&record, &limits, now).await?;
    issued.map_err(|reached| {
        rate_limit::refusal(
            reached,
            "Too many one-time codes were asked for this ID number or from this address; wait and retry.",
        )
    })?;
    let message_id = match purpose {
        OtpPurpose::SignIn => "otp-sms",
        OtpPurpose::Consent => "consent-sms",
        // Profile codes are issued by `profile_change`, which writes its own messages; a code
        // of theirs sent through here would still say what it confirms.
        OtpPurpose::NewPhone | OtpPurpose::NewEmail | OtpPurpose::OldPhone => "contact-code-sms",
    };
    let mut args = vec![
        ("code", code),
        ("minutes", (OTP_TTL_SECONDS / 60).to_string()),
    ];
    args.extend(extra_args);
    let language = citizen
        .as_ref()
        .map_or("vi", |citizen| citizen.profile.language.as_str())
        .to_owned();
    let body = state.texts.text(&language, message_id, &args);
    if let Some(citizen) = citizen {
        let notice = crate::notifications::compose::immediate_sms(
            Some(citizen.id),
            &citizen.profile.phone,
            &language,
            message_id,
            body,
            state.clock.now(),
        );
        if state.config.demo {
            // Demo clients read the dev outbox right after the answer: written and attempted
            // before answering.
            state.outbox.enqueue(vec![notice]).await?;
        } else {
            // Written after the answer: a database write only for registered numbers would
            // tell who is registered by the answer's time.
            let outbox = state.outbox.clone();
            tokio::spawn(async move {
                if let Err(error) = outbox.enqueue(vec![notice]).await {
                    tracing::error!(%error, "a one-time code could not be written to the outbox");
                }
            });
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
    let check = state.store.check_otp(&guess, now).await?;
    let citizen = state.store.citizen_by_id_number(&guess.id_number).await?;
    match check {
        OtpCheck::Accepted => Ok(citizen.map(|citizen| citizen.id)),
        OtpCheck::Refused { counted } => {
            if rate_limit::alert_due(&state.limits, counted) {
                tracing::warn!(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_codes_are_six_digits() {
        for _ in 0..100 {
            let code = new_otp();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }
}
