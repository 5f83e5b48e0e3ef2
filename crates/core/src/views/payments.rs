//! The "Pay" step of an application's page and the electronic receipts of the wallet: what is
//! due, the payments with their state, whether paying can start now (never offline: a payment
//! is never queued), and each receipt (biên lai điện tử).

use opendvc_api::{
    Application, ApplicationStatus, DeliveryMethod, Payment, PaymentMethod, PaymentReceipt,
    PaymentStatus,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where paying an application stands, as the step shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStage {
    /// Nothing to pay (a free procedure, or a closed application never paid).
    NotDue,
    /// Due and not started, or the last attempt failed or expired: the person may pay.
    Due,
    /// A payment is started and not yet confirmed.
    Pending,
    /// Paid: the receipt is there.
    Paid,
    /// Paid, then refunded.
    Refunded,
}

/// The "Pay" step of one application.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PaymentStepView {
    pub application_id: Uuid,
    pub stage: PaymentStage,
    /// VND due: the procedure's fee and the postage payable.
    pub amount: i64,
    /// The application waits for its payment before processing starts (`awaiting_payment`).
    pub awaiting_payment: bool,
    /// The ways to pay this application: online, at the counter, and cash on delivery only
    /// where the result comes by post.
    pub methods: Vec<PaymentMethod>,
    /// The payment the step is about: the pending one, else the paid or refunded one, else
    /// the last attempt (failed or expired: "try again").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub current: Option<Payment>,
    /// Every payment of the application, newest first.
    pub payments: Vec<Payment>,
    /// Whether the portal answered at the last attempt; `false` disables paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub online: Option<bool>,
}

/// A receipt in the wallet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PaymentReceiptEntry {
    pub payment_id: Uuid,
    pub application_id: Uuid,
    pub method: PaymentMethod,
    /// `paid`, or `refunded` for a receipt whose money went back.
    pub status: PaymentStatus,
    pub receipt: PaymentReceipt,
}

/// The step of `application` from its cached `payments` (any order).
pub fn payment_step(
    application: &Application,
    mut payments: Vec<Payment>,
    online: Option<bool>,
) -> PaymentStepView {
    payments.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.payment_id.cmp(&a.payment_id))
    });
    let find = |status: PaymentStatus| payments.iter().find(|p| p.status == status);
    let current = find(PaymentStatus::Pending)
        .or_else(|| find(PaymentStatus::Paid))
        .or_else(|| find(PaymentStatus::Refunded))
        .or_else(|| payments.first())
        .cloned();
    let amount = i64::try_from(application.fee.saturating_add(application.delivery.payable))
        .unwrap_or(i64::MAX);
    let awaiting_payment = application.status == ApplicationStatus::AwaitingPayment;
    let open = matches!(
        application.status,
        ApplicationStatus::AwaitingPayment
            | ApplicationStatus::Received
            | ApplicationStatus::Processing
            | ApplicationStatus::SupplementRequested
            | ApplicationStatus::Completed
    );
    let stage = match current.as_ref().map(|payment| payment.status) {
        Some(PaymentStatus::Pending) => PaymentStage::Pending,
        Some(PaymentStatus::Paid) => PaymentStage::Paid,
        Some(PaymentStatus::Refunded) => PaymentStage::Refunded,
        Some(PaymentStatus::Failed | PaymentStatus::Expired) | None
            if open && (awaiting_payment || amount > 0) =>
        {
            PaymentStage::Due
        }
        Some(PaymentStatus::Failed | PaymentStatus::Expired) | None => PaymentStage::NotDue,
    };
    let mut methods = vec![PaymentMethod::Vnpay, PaymentMethod::Counter];
    if application.delivery.method == DeliveryMethod::Post {
        methods.push(PaymentMethod::Cod);
    }
    PaymentStepView {
        application_id: application.id,
        stage,
        amount,
        awaiting_payment,
        methods,
        current,
        payments,
        online,
    }
}

/// The wallet's receipts from the cached payments that carry one, newest first as given.
pub fn receipt_entries(payments: Vec<Payment>) -> Vec<PaymentReceiptEntry> {
    payments
        .into_iter()
        .filter_map(|payment| {
            Some(PaymentReceiptEntry {
                payment_id: payment.payment_id,
                application_id: payment.application_id,
                method: payment.method,
                status: payment.status,
                receipt: payment.receipt?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn application(status: &str, fee: u64, delivery: &str) -> Application {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(7),
            "code": "DN-7",
            "procedureId": "passport",
            "procedureName": {"vi": "Cấp hộ chiếu", "en": "Passport"},
            "status": status,
            "channel": "online",
            "submittedAt": "2026-12-06T09:00:00+07:00",
            "dueAt": "2026-12-20T17:00:00+07:00",
            "processingDays": 8,
            "form": {},
            "attachments": [],
            "delivery": {"method": delivery, "fee": 0, "subsidy": 0,
                         "payable": if delivery == "post" { 25_000 } else { 0 }},
            "fee": fee,
            "timeline": [],
            "updatedAt": "2026-12-06T09:00:00+07:00"
        }))
        .expect("an application as the portal sends it")
    }

    fn payment(id: u128, status: PaymentStatus, minute: u32) -> Payment {
        Payment {
            payment_id: Uuid::from_u128(id),
            application_id: Uuid::from_u128(7),
            method: PaymentMethod::Vnpay,
            amount: 200_000,
            status,
            redirect_url: None,
            provider_ref: None,
            created_at: Utc.with_ymd_and_hms(2026, 12, 6, 9, minute, 0).unwrap(),
            paid_at: None,
            receipt: None,
        }
    }

    #[test]
    fn an_application_awaiting_payment_is_due_with_its_fee_and_postage() {
        let step = payment_step(
            &application("awaiting_payment", 200_000, "post"),
            Vec::new(),
            Some(true),
        );
        assert_eq!(step.stage, PaymentStage::Due);
        assert!(step.awaiting_payment);
        assert_eq!(step.amount, 225_000, "the fee and the postage payable");
        assert_eq!(
            step.methods,
            [
                PaymentMethod::Vnpay,
                PaymentMethod::Counter,
                PaymentMethod::Cod
            ],
            "cash on delivery only where the result comes by post"
        );
        let counter = payment_step(&application("received", 200_000, "counter"), vec![], None);
        assert_eq!(
            counter.methods,
            [PaymentMethod::Vnpay, PaymentMethod::Counter]
        );
    }

    #[test]
    fn a_failed_attempt_can_be_tried_again_and_a_pending_one_is_followed() {
        let app = application("awaiting_payment", 200_000, "counter");
        let failed = payment_step(&app, vec![payment(1, PaymentStatus::Failed, 1)], Some(true));
        assert_eq!(failed.stage, PaymentStage::Due, "failed: try again");
        assert_eq!(
            failed.current.map(|p| p.payment_id),
            Some(Uuid::from_u128(1))
        );
        let pending = payment_step(
            &app,
            vec![
                payment(1, PaymentStatus::Failed, 1),
                payment(2, PaymentStatus::Pending, 2),
            ],
            Some(true),
        );
        assert_eq!(pending.stage, PaymentStage::Pending);
        assert_eq!(
            pending.payments.first().map(|p| p.payment_id),
            Some(Uuid::from_u128(2)),
            "newest first"
        );
    }

    #[test]
    fn a_paid_payment_wins_over_older_failures_and_a_free_closed_application_is_not_due() {
        let app = application("received", 200_000, "counter");
        let step = payment_step(
            &app,
            vec![
                payment(1, PaymentStatus::Failed, 1),
                payment(2, PaymentStatus::Paid, 2),
                payment(3, PaymentStatus::Expired, 3),
            ],
            None,
        );
        assert_eq!(step.stage, PaymentStage::Paid);
        assert_eq!(step.current.map(|p| p.payment_id), Some(Uuid::from_u128(2)));
        let free = payment_step(&application("received", 0, "counter"), vec![], None);
        assert_eq!(free.stage, PaymentStage::NotDue, "nothing to pay");
        let rejected = payment_step(&application("rejected", 200_000, "counter"), vec![], None);
        assert_eq!(
            rejected.stage,
            PaymentStage::NotDue,
            "a rejected application is not paid"
        );
    }
}
