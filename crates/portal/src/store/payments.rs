//! Payments of an application's fee as stored (`PaymentStore`): one row per payment, its
//! provider's transaction recorded once (`UNIQUE (provider, provider_txn)`), its reference to
//! the provider unique, at most one pending payment per application (a partial unique index).
//!
//! A payment moves only by [`PaymentStore::update_payment`], a conditional update from the
//! state its caller saw: of two callers settling one payment (an IPN and its replay, an IPN
//! and the reconciliation) exactly one moves it, the other learns it moved already.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use opendvc_api::{Payment, PaymentMethod, PaymentReceipt, PaymentStatus};
use uuid::Uuid;

use super::{ChangeDecision, IdempotencyRecord, StoreResult};

/// A payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub id: Uuid,
    pub application_id: Uuid,
    /// The application's citizen.
    pub citizen_id: Uuid,
    pub method: PaymentMethod,
    /// `vnpay`, `counter` or `cod`.
    pub provider: String,
    /// The reference sent to the provider (VNPay's `vnp_TxnRef`), unique on the portal.
    pub txn_ref: String,
    /// The provider's own transaction number, once it reported one.
    pub provider_txn: Option<String>,
    /// VND.
    pub amount: i64,
    pub status: PaymentStatus,
    pub redirect_url: Option<String>,
    /// Unix seconds on the portal's clock.
    pub created_unix: i64,
    /// A pending payment not confirmed by then expires (unix seconds).
    pub expires_unix: i64,
    pub paid_unix: Option<i64>,
    pub receipt: Option<PaymentReceipt>,
}

fn utc(unix: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(unix, 0).single().unwrap_or_default()
}

impl PaymentRecord {
    /// The payment as the contract shows it. The provider's page is shown only while pending.
    pub fn wire(&self) -> Payment {
        Payment {
            payment_id: self.id,
            application_id: self.application_id,
            method: self.method,
            amount: self.amount,
            status: self.status,
            redirect_url: self
                .redirect_url
                .clone()
                .filter(|_| self.status == PaymentStatus::Pending),
            provider_ref: self.provider_txn.clone(),
            created_at: utc(self.created_unix),
            paid_at: self.paid_unix.map(utc),
            receipt: self.receipt.clone(),
        }
    }
}

/// What moves a payment: its new state and what the provider reported with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentUpdate {
    pub status: PaymentStatus,
    /// The provider's transaction number; `None` keeps the stored one.
    pub provider_txn: Option<String>,
    /// `None` keeps the stored one.
    pub paid_unix: Option<i64>,
    /// `None` keeps the stored one.
    pub receipt: Option<PaymentReceipt>,
}

/// Payments, each with the change it makes to its application in the same transaction.
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Inserts a payment with its idempotency record (answer: the payment) and, when `then` is
    /// given, the change it decides for the application, all in one transaction. A second
    /// pending payment of the application is refused (409 `invalid_state`): the partial unique
    /// index decides between parallel requests.
    async fn insert_payment(
        &self,
        record: &PaymentRecord,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
        idempotency: Option<IdempotencyRecord>,
    ) -> StoreResult<PaymentRecord>;
    async fn payment(&self, id: Uuid) -> StoreResult<Option<PaymentRecord>>;
    async fn payment_by_txn_ref(&self, txn_ref: &str) -> StoreResult<Option<PaymentRecord>>;
    /// The application's payments, oldest first.
    async fn payments_of_application(
        &self,
        application_id: Uuid,
    ) -> StoreResult<Vec<PaymentRecord>>;
    /// Pending payments created before `created_before` (unix seconds), oldest first.
    async fn pending_payments(&self, created_before: i64) -> StoreResult<Vec<PaymentRecord>>;
    /// Moves the payment from `from` as `update` says, and applies the change `then` decides
    /// for its application (when it has entries), in one transaction; `None`, with nothing
    /// written, when the payment is not (or no longer) in `from`. A provider transaction
    /// recorded on another payment already is refused (409).
    async fn update_payment(
        &self,
        id: Uuid,
        from: PaymentStatus,
        update: &PaymentUpdate,
        then: Option<ChangeDecision>,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Option<PaymentRecord>>;
}
