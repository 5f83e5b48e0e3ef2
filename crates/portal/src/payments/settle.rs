//! What settling a payment does, decided alike for the provider's callback (IPN), the
//! reconciliation (`querydr`), the officer's cash record and the refund: the payment's new
//! state, its receipt (biên lai điện tử), and the application's move from
//! `awaiting_payment` to `received` in the same transaction (a status event, so sync, events
//! and push carry it).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use opendvc_api::{
    Actor, ActorKind, Application, ApplicationStatus, PaymentReceipt, PaymentStatus,
};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{ApplicationChange, ChangeDecision, PaymentRecord, PaymentUpdate};

/// The portal itself, moving an application once it is paid.
pub fn system_actor() -> Actor {
    Actor {
        kind: ActorKind::System,
        name: String::new(),
        code: None,
        venue: None,
    }
}

/// The application's change once its payment is confirmed: `awaiting_payment` moves to
/// `received`; any other status stays (nothing is written).
pub fn paid_decision(actor: Actor, note: String) -> ChangeDecision {
    Box::new(move |application: &Application| {
        let mut change = ApplicationChange::default();
        if application.status == ApplicationStatus::AwaitingPayment {
            change
                .entries
                .push((ApplicationStatus::Received, actor, Some(note)));
        }
        Ok(change)
    })
}

/// The receipt number: the payment's unique reference, prefixed.
pub fn receipt_no(payment: &PaymentRecord) -> String {
    format!("BL-{}", payment.txn_ref.to_ascii_uppercase())
}

/// The electronic receipt of `payment` of `application`, paid by `payer` at `paid_unix`.
pub fn receipt(
    payment: &PaymentRecord,
    application: &Application,
    payer: &str,
    provider_ref: &str,
    paid_unix: i64,
) -> PaymentReceipt {
    PaymentReceipt {
        receipt_no: receipt_no(payment),
        payer: payer.to_owned(),
        amount: payment.amount,
        procedure_id: application.procedure_id.clone(),
        procedure_name: application.procedure_name.clone(),
        application_code: application.code.clone(),
        provider: payment.provider.clone(),
        provider_ref: provider_ref.to_owned(),
        paid_at: Utc.timestamp_opt(paid_unix, 0).single().unwrap_or_default(),
    }
}

/// What a provider reported about a pending payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Paid { provider_txn: String },
    Failed,
    Expired,
}

fn unpaid(status: PaymentStatus) -> PaymentUpdate {
    PaymentUpdate {
        status,
        provider_txn: None,
        paid_unix: None,
        receipt: None,
    }
}

/// Moves the pending `payment` as `outcome` says (and its application when paid), in one
/// store transaction. `None` when it was not pending any more: someone settled it first.
pub async fn settle_pending(
    state: &AppState,
    payment: &PaymentRecord,
    outcome: Outcome,
    now: DateTime<FixedOffset>,
) -> Result<Option<PaymentRecord>, ApiError> {
    let (update, then) = match outcome {
        Outcome::Paid { provider_txn } => {
            let application = state
                .store
                .application(None, payment.application_id)
                .await?
                .ok_or_else(|| ApiError::internal("a payment's application vanished"))?;
            let payer = state
                .store
                .citizen(payment.citizen_id)
                .await?
                .map(|citizen| citizen.profile.full_name)
                .unwrap_or_default();
            let paid_unix = now.timestamp();
            let note = state.texts.text(
                "vi",
                "payment-paid-note",
                &[("amount", payment.amount.to_string())],
            );
            (
                PaymentUpdate {
                    status: PaymentStatus::Paid,
                    receipt: Some(receipt(
                        payment,
                        &application,
                        &payer,
                        &provider_txn,
                        paid_unix,
                    )),
                    provider_txn: Some(provider_txn),
                    paid_unix: Some(paid_unix),
                },
                Some(paid_decision(system_actor(), note)),
            )
        }
        Outcome::Failed => (unpaid(PaymentStatus::Failed), None),
        Outcome::Expired => (unpaid(PaymentStatus::Expired), None),
    };
    Ok(state
        .store
        .update_payment(payment.id, PaymentStatus::Pending, &update, then, now)
        .await?)
}
