//! The reconciliation of online payments whose IPN never came: a worker under the lease
//! `payments-reconcile` (every minute, and when the demo clock moves) asks the provider
//! (VNPay's `querydr`) about each pending payment older than [`RECONCILE_AFTER_SECONDS`] and
//! settles it as the provider answers (a paid amount other than the payment's changes nothing
//! and is logged); a payment the provider does not report paid expires once past its expiry.
//! With the IPN, the only way an online payment changes.

use std::time::Duration;

use opendvc_api::PaymentMethod;

use crate::error::ApiError;
use crate::payments::provider::ProviderState;
use crate::payments::settle::{Outcome, settle_pending};
use crate::state::AppState;

/// A pending payment is asked about once it is this old, seconds.
pub const RECONCILE_AFTER_SECONDS: i64 = 5 * 60;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub paid: usize,
    pub failed: usize,
    pub expired: usize,
}

/// Runs [`run`] every minute on the instance holding the lease `payments-reconcile`.
pub async fn periodic(state: AppState) {
    let store = state.store.clone();
    crate::periodic::run_once_across_instances(
        store,
        "payments-reconcile",
        Duration::from_secs(60),
        || {
            let state = state.clone();
            async move { log(run(&state).await) }
        },
    )
    .await;
}

/// Logs a run's outcome.
pub fn log(outcome: Result<Reconciled, ApiError>) {
    match outcome {
        Ok(done) if done != Reconciled::default() => tracing::info!(
            paid = done.paid,
            failed = done.failed,
            expired = done.expired,
            "pending payments reconciled with their provider"
        ),
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "reconciling pending payments failed"),
    }
}

/// Reconciles every pending online payment old enough.
pub async fn run(state: &AppState) -> Result<Reconciled, ApiError> {
    let now = state.clock.now();
    let mut done = Reconciled::default();
    let pending = state
        .store
        .pending_payments(now.timestamp() - RECONCILE_AFTER_SECONDS)
        .await?;
    for payment in pending {
        if payment.method != PaymentMethod::Vnpay {
            // Cash waits for the officer or the post office to record it.
            continue;
        }
        let Some(provider) = state.payments.by_name(&payment.provider) else {
            continue;
        };
        let expired = now.timestamp() >= payment.expires_unix;
        let outcome = match provider.query(&payment, now).await {
            Ok(ProviderState::Paid {
                provider_txn,
                amount,
            }) if amount == payment.amount => Outcome::Paid { provider_txn },
            Ok(ProviderState::Paid { amount, .. }) => {
                tracing::warn!(
                    alert = "payment_query_wrong_amount",
                    payment_id = %payment.id,
                    reported = amount,
                    expected = payment.amount,
                    "the provider reports another amount paid than the payment's; nothing changed"
                );
                continue;
            }
            Ok(ProviderState::Failed { code }) => {
                tracing::info!(payment_id = %payment.id, %code, "the provider reports the payment failed");
                Outcome::Failed
            }
            Ok(ProviderState::Pending) if expired => Outcome::Expired,
            Ok(ProviderState::Pending) => continue,
            Err(error) => {
                // Unknown: it may be paid, so it neither settles nor expires.
                tracing::warn!(%error, payment_id = %payment.id, "the provider's query failed");
                continue;
            }
        };
        let counted = match &outcome {
            Outcome::Paid { .. } => &mut done.paid,
            Outcome::Failed => &mut done.failed,
            Outcome::Expired => &mut done.expired,
        };
        if settle_pending(state, &payment, outcome.clone(), now)
            .await?
            .is_some()
        {
            *counted += 1;
        }
    }
    Ok(done)
}
