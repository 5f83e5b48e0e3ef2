//! The resident's side of paying: `POST /v1/applications/{id}/payments` (with an
//! `Idempotency-Key`, replayed like a submission) and `GET /v1/applications/{id}/payments`
//! (the resident's own application; an officer in its scope reads it too).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{Application, NewPayment, PaymentList, PaymentMethod, PaymentStatus};
use uuid::Uuid;

use crate::auth::callers::{AnyAuth, Caller, CitizenOnly};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::idempotency::{self, Begin};
use crate::payments::provider::Checkout;
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::PaymentRecord;

/// How long a pending payment waits for its confirmation before it expires, seconds (the
/// provider's page closes after `vnpay::EXPIRE_MINUTES`; the rest is slack for a late IPN).
pub const PENDING_SECONDS: i64 = 30 * 60;

/// What the resident pays for `application`: its fee and the postage they pay, VND.
pub fn amount_due(application: &Application) -> i64 {
    i64::try_from(application.fee.saturating_add(application.delivery.payable)).unwrap_or(i64::MAX)
}

/// Whether `application` may still be paid: not finished, and no payment of it paid.
pub fn payable(application: &Application, payments: &[PaymentRecord]) -> Result<(), ApiError> {
    if application.status.is_finished() {
        return Err(ApiError::invalid_state(format!(
            "An application in status {} is not paid any more.",
            application.status.as_str()
        )));
    }
    if payments
        .iter()
        .any(|payment| payment.status == PaymentStatus::Paid)
    {
        return Err(ApiError::invalid_state("This application is paid already."));
    }
    if amount_due(application) <= 0 {
        return Err(ApiError::invalid_state(
            "This application has nothing to pay.",
        ));
    }
    Ok(())
}

fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(body).map_err(ApiError::internal)?;
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

#[utoipa::path(post, path = "/v1/applications/{id}/payments", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = NewPayment,
    responses((status = 201, description = "The payment started. `vnpay`: pending, with `redirectUrl`, the provider's page to open in the system browser; only the provider's callback (IPN) or the portal's reconciliation confirms it. `counter` and `cod`: pending until an officer or the post office records the cash taken. At most one payment of an application is pending: another answers 409 `invalid_state` (as does an application paid already, finished, or with nothing to pay). The resident's own application only (another's is 404). A replay with the same Idempotency-Key answers the stored payment with `Idempotent-Replayed: true`.", body = opendvc_api::Payment)))]
pub async fn create(
    State(state): State<AppState>,
    auth: CitizenOnly,
    client: ClientAddress,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(new): ApiJson<NewPayment>,
) -> Result<Response, ApiError> {
    let path = format!("/v1/applications/{id}/payments");
    let begin = idempotency::begin_as(
        &state,
        &headers,
        &auth.citizen_id.to_string(),
        None,
        ("POST", path.as_str()),
        &new,
        StatusCode::CREATED,
    )
    .await?;
    let (record, _guard) = match begin {
        Begin::Replay(response) => return Ok(response),
        Begin::Fresh { record, guard } => (record, guard),
    };
    let application = state
        .store
        .application(Some(auth.citizen_id), id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))?;
    let payments = state.store.payments_of_application(id).await?;
    payable(&application, &payments)?;
    let now = state.clock.now();
    let payment_id = Uuid::now_v7();
    let provider = match new.method {
        PaymentMethod::Vnpay => Some(state.payments.vnpay.clone().ok_or_else(|| {
            ApiError::field("method", "online payment is not configured on this portal")
        })?),
        PaymentMethod::Counter | PaymentMethod::Cod => None,
    };
    let mut payment = PaymentRecord {
        id: payment_id,
        application_id: id,
        citizen_id: auth.citizen_id,
        method: new.method,
        provider: new.method.as_str().to_owned(),
        txn_ref: payment_id.simple().to_string(),
        provider_txn: None,
        amount: amount_due(&application),
        status: PaymentStatus::Pending,
        redirect_url: None,
        created_unix: now.timestamp(),
        expires_unix: now.timestamp() + PENDING_SECONDS,
        paid_unix: None,
        receipt: None,
    };
    if let Some(provider) = provider {
        let language = state
            .store
            .citizen(auth.citizen_id)
            .await?
            .map(|citizen| citizen.profile.language)
            .unwrap_or_else(|| "vi".to_owned());
        payment.redirect_url = Some(
            provider.checkout_url(&Checkout {
                payment: &payment,
                application_code: &application.code,
                language: &language,
                client_ip: client
                    .0
                    .map_or_else(|| "127.0.0.1".to_owned(), |ip| ip.to_string()),
                now,
            }),
        );
    }
    let payment = state
        .store
        .insert_payment(&payment, None, now, Some(record))
        .await?;
    let mut response = json(StatusCode::CREATED, &payment.wire())?;
    if let Ok(location) = HeaderValue::from_str(&path) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/v1/applications/{id}/payments", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    responses((status = 200, description = "The application's payments, oldest first, each with its receipt once paid. The resident's own application (another's is 404); an officer or supervisor whose scope covers the application reads it too (outside the scope 403).", body = PaymentList)))]
pub async fn list(
    State(state): State<AppState>,
    auth: AnyAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<PaymentList>, ApiError> {
    let not_found = || ApiError::not_found("No such application.");
    match &auth.caller {
        Caller::Citizen { citizen_id } => {
            state
                .store
                .application(Some(*citizen_id), id)
                .await?
                .ok_or_else(not_found)?;
        }
        Caller::Officer(staff) => {
            let scope = Scope::of(staff, &state.data)?;
            let placement = state.store.placement(id).await?.ok_or_else(not_found)?;
            if !scope.covers(
                &state.data,
                &placement.procedure_id,
                placement.unit_code.as_deref(),
            ) {
                return Err(ApiError::forbidden(
                    "This application is outside your agency's scope.",
                ));
            }
        }
        Caller::Assisted { .. } | Caller::Staff(_) => {
            return Err(ApiError::forbidden(
                "Only the resident and the officers of the application read its payments.",
            ));
        }
    }
    let payments = state
        .store
        .payments_of_application(id)
        .await?
        .iter()
        .map(PaymentRecord::wire)
        .collect();
    Ok(axum::Json(PaymentList { payments }))
}
