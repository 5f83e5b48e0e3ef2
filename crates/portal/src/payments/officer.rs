//! The officers' side of paying: the refund of a paid payment of a rejected or withdrawn
//! application (`POST /v1/officer/payments/{paymentId}/refund`, through the provider's refund
//! call for an online payment) and cash taken at the counter or by the postman
//! (`POST /v1/officer/applications/{id}/payments/record`), both within the officer's scope;
//! and the post office's side: a DVC agent records the cash the postman took on delivery
//! (`POST /v1/assist/applications/{id}/payments/cod`) of an application delivered by post.

use axum::extract::State;
use axum::http::StatusCode;
use opendvc_api::{
    Actor, ActorKind, Application, ApplicationStatus, CashMethod, DeliveryMethod, Payment,
    PaymentMethod, PaymentStatus, RecordPayment, StaffKind,
};
use uuid::Uuid;

use crate::auth::{OfficerAuth, StaffAuth};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::officer::officer_actor;
use crate::payments::resident::{PENDING_SECONDS, amount_due, payable};
use crate::payments::settle::{paid_decision, receipt};
use crate::scope::{Scope, officer_only};
use crate::state::AppState;
use crate::store::{PaymentRecord, PaymentUpdate, StaffRecord};

/// The application `id`, when the officer's scope covers it (403 otherwise, 404 if none).
async fn in_scope(
    state: &AppState,
    staff: &StaffRecord,
    id: Uuid,
) -> Result<Application, ApiError> {
    officer_only(staff)?;
    let scope = Scope::of(staff, &state.data)?;
    let placement = state
        .store
        .placement(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))?;
    if !scope.covers(
        &state.data,
        &placement.procedure_id,
        placement.unit_code.as_deref(),
    ) {
        return Err(ApiError::forbidden(
            "This application is outside your agency's scope.",
        ));
    }
    state
        .store
        .application(None, id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))
}

#[utoipa::path(post, path = "/v1/officer/payments/{paymentId}/refund", tag = "payments", security(("bearer" = [])),
    params(("paymentId" = Uuid, Path, description = "Payment id")),
    responses((status = 200, description = "The payment, refunded: a paid payment of a rejected or withdrawn application, refunded through the provider's refund call (an online payment) or handed back in cash. Another state answers 409 `invalid_state`; the provider refusing or unreachable answers 503 and nothing changes. An officer of the application's scope only (403 otherwise).", body = Payment)))]
pub async fn refund(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath(payment_id): ApiPath<Uuid>,
) -> Result<axum::Json<Payment>, ApiError> {
    let payment = state
        .store
        .payment(payment_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such payment."))?;
    let application = in_scope(&state, &staff, payment.application_id).await?;
    if !matches!(
        application.status,
        ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
    ) {
        return Err(ApiError::invalid_state(
            "Only a payment of a rejected or withdrawn application is refunded.",
        ));
    }
    if payment.status != PaymentStatus::Paid {
        return Err(ApiError::invalid_state(format!(
            "A payment in state {} is not refunded.",
            payment.status.as_str()
        )));
    }
    let now = state.clock.now();
    if let Some(provider) = state.payments.by_name(&payment.provider) {
        provider
            .refund(&payment, &staff.code, now)
            .await
            .map_err(|error| {
                tracing::warn!(%error, payment_id = %payment.id, "the provider's refund failed");
                ApiError::unavailable(format!(
                    "The payment provider did not refund the payment: {error}"
                ))
            })?;
    }
    let update = PaymentUpdate {
        status: PaymentStatus::Refunded,
        provider_txn: None,
        paid_unix: None,
        receipt: None,
    };
    let refunded = state
        .store
        .update_payment(payment.id, PaymentStatus::Paid, &update, None, now)
        .await?
        .ok_or_else(|| ApiError::invalid_state("The payment was changed meanwhile."))?;
    tracing::info!(payment_id = %refunded.id, officer = %staff.code, "a payment was refunded");
    Ok(axum::Json(refunded.wire()))
}

#[utoipa::path(post, path = "/v1/officer/applications/{id}/payments/record", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = RecordPayment,
    responses((status = 201, description = "The payment, paid, with its receipt: cash taken at the counter (`counter`) or by the postman (`cod`), recorded by an officer of the application's scope (403 otherwise). A pending payment of the same method is the one settled; a pending online payment answers 409 `invalid_state`, as do an application paid already, finished, or with nothing to pay. `amount` must be the amount due (else 422 naming `amount`). An application waiting for payment moves to `received`.", body = Payment)))]
pub async fn record(
    State(state): State<AppState>,
    OfficerAuth(staff): OfficerAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<RecordPayment>,
) -> Result<(StatusCode, axum::Json<Payment>), ApiError> {
    let application = in_scope(&state, &staff, id).await?;
    let actor = officer_actor(&staff.code, &staff.organisation);
    settle_cash(&state, &staff.code, actor, &application, request).await
}

#[utoipa::path(post, path = "/v1/assist/applications/{id}/payments/cod", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = RecordPayment,
    responses((status = 201, description = "The payment, paid, with its receipt: the cash the postman took on delivery, recorded by a DVC agent of the post office (a volunteer, or any other caller, gets 403). Only `cod` (else 422 naming `method`) and only for an application delivered by post (else 409 `invalid_state`); otherwise as the officer's `POST /v1/officer/applications/{id}/payments/record`: `amount` must be the amount due (else 422 naming `amount`), a pending online payment, an application paid already, finished, or with nothing to pay answer 409 `invalid_state`, and an application waiting for payment moves to `received`.", body = Payment)))]
pub async fn record_cod(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<RecordPayment>,
) -> Result<(StatusCode, axum::Json<Payment>), ApiError> {
    if staff.kind != StaffKind::Agent {
        return Err(ApiError::forbidden(
            "Only a post office's DVC agents record cash taken on delivery.",
        ));
    }
    if request.method != CashMethod::Cod {
        return Err(ApiError::field(
            "method",
            "a post office records cash on delivery (`cod`) only",
        ));
    }
    let application = state
        .store
        .application(None, id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))?;
    if application.delivery.method != DeliveryMethod::Post {
        return Err(ApiError::invalid_state(
            "This application is not delivered by post: no postman takes its fee.",
        ));
    }
    let actor = Actor {
        kind: ActorKind::Staff,
        name: staff.organisation.clone(),
        code: Some(staff.code.clone()),
        venue: None,
    };
    settle_cash(&state, &staff.code, actor, &application, request).await
}

/// Records cash taken for `application` (at the counter or on delivery) by `staff_code`, as
/// `actor` in its timeline: settles the pending payment of that method, or records a paid one.
async fn settle_cash(
    state: &AppState,
    staff_code: &str,
    actor: Actor,
    application: &Application,
    request: RecordPayment,
) -> Result<(StatusCode, axum::Json<Payment>), ApiError> {
    let id = application.id;
    let application = application.clone();
    let payments = state.store.payments_of_application(id).await?;
    payable(&application, &payments)?;
    let due = amount_due(&application);
    if request.amount != due {
        return Err(ApiError::field(
            "amount",
            format!("the amount due is {due} VND"),
        ));
    }
    let method = PaymentMethod::from(request.method);
    let pending = payments
        .iter()
        .find(|payment| payment.status == PaymentStatus::Pending);
    if pending.is_some_and(|payment| payment.method == PaymentMethod::Vnpay) {
        return Err(ApiError::invalid_state(
            "An online payment of this application is pending; wait for it to finish or expire.",
        ));
    }
    let now = state.clock.now();
    let payer = state
        .store
        .citizen(application_citizen(state, id).await?)
        .await?
        .map(|citizen| citizen.profile.full_name)
        .unwrap_or_default();
    let note = state
        .texts
        .text("vi", "payment-paid-note", &[("amount", due.to_string())]);
    let paid = match pending.filter(|payment| payment.method == method) {
        Some(pending) => {
            let update = PaymentUpdate {
                status: PaymentStatus::Paid,
                provider_txn: Some(pending.txn_ref.clone()),
                paid_unix: Some(now.timestamp()),
                receipt: Some(receipt(
                    pending,
                    &application,
                    &payer,
                    &pending.txn_ref,
                    now.timestamp(),
                )),
            };
            state
                .store
                .update_payment(
                    pending.id,
                    PaymentStatus::Pending,
                    &update,
                    Some(paid_decision(actor, note)),
                    now,
                )
                .await?
                .ok_or_else(|| ApiError::invalid_state("The payment was changed meanwhile."))?
        }
        None => {
            if pending.is_some() {
                return Err(ApiError::invalid_state(
                    "Another payment of this application is pending.",
                ));
            }
            let payment_id = Uuid::now_v7();
            let txn_ref = payment_id.simple().to_string();
            let mut payment = PaymentRecord {
                id: payment_id,
                application_id: id,
                citizen_id: application_citizen(state, id).await?,
                method,
                provider: method.as_str().to_owned(),
                provider_txn: Some(txn_ref.clone()),
                txn_ref,
                amount: due,
                status: PaymentStatus::Paid,
                redirect_url: None,
                created_unix: now.timestamp(),
                expires_unix: now.timestamp() + PENDING_SECONDS,
                paid_unix: Some(now.timestamp()),
                receipt: None,
            };
            payment.receipt = Some(receipt(
                &payment,
                &application,
                &payer,
                &payment.txn_ref,
                now.timestamp(),
            ));
            state
                .store
                .insert_payment(&payment, Some(paid_decision(actor, note)), now, None)
                .await?
        }
    };
    tracing::info!(payment_id = %paid.id, staff = %staff_code, method = method.as_str(), "cash taken was recorded");
    Ok((StatusCode::CREATED, axum::Json(paid.wire())))
}

async fn application_citizen(state: &AppState, id: Uuid) -> Result<Uuid, ApiError> {
    state
        .store
        .citizen_of_application(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such application."))
}
