//! What every online payment provider offers the portal (`PaymentProvider`): the page a
//! citizen pays on, the check of its signed callback, the query of a transaction's state
//! (reconciliation when a callback never came) and a refund. [`Providers`] holds the ones
//! configured.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};

use crate::store::PaymentRecord;

/// What the citizen pays for, as the provider's page shows it.
#[derive(Debug, Clone)]
pub struct Checkout<'a> {
    pub payment: &'a PaymentRecord,
    /// The application code (mã hồ sơ), in the order's description.
    pub application_code: &'a str,
    /// `vi`, `en` or `id`: the provider page's language (VNPay: `vn` or `en`).
    pub language: &'a str,
    /// The citizen's address as the portal sees it.
    pub client_ip: String,
    pub now: DateTime<FixedOffset>,
}

/// A callback whose signature is right, as the provider reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackReport {
    /// The portal's reference of the payment.
    pub txn_ref: String,
    /// VND.
    pub amount: i64,
    /// Whether the provider reports the payment made.
    pub success: bool,
    /// The provider's code for the outcome (VNPay's `vnp_ResponseCode`).
    pub response_code: String,
    /// The provider's transaction number, when it gave one.
    pub provider_txn: Option<String>,
}

/// Why a callback is refused before anything is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackRefusal {
    /// The signature is missing or wrong: forged or tampered.
    BadSignature,
    /// Signed, but a field the portal needs is missing or malformed.
    Malformed,
}

/// A transaction's state as the provider's query answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderState {
    Paid {
        provider_txn: String,
        /// VND.
        amount: i64,
    },
    Failed {
        code: String,
    },
    /// Not finished, or the provider does not know it (the citizen never opened the page).
    Pending,
}

/// A provider call failed (unreachable, an unsigned or refused answer); nothing was decided.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProviderError(pub String);

/// An online payment provider.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The name recorded with payments (`vnpay`).
    fn name(&self) -> &'static str;
    /// The page the citizen pays on, signed.
    fn checkout_url(&self, checkout: &Checkout<'_>) -> String;
    /// Checks a callback's query string (its parameters, as sent) and reads it.
    fn verify_callback(
        &self,
        query: &[(String, String)],
    ) -> Result<CallbackReport, CallbackRefusal>;
    /// Asks the provider for the state of `payment` (VNPay's `querydr`).
    async fn query(
        &self,
        payment: &PaymentRecord,
        now: DateTime<FixedOffset>,
    ) -> Result<ProviderState, ProviderError>;
    /// Refunds the whole of a paid `payment` (VNPay's `refund`), in the name of `by`.
    async fn refund(
        &self,
        payment: &PaymentRecord,
        by: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<(), ProviderError>;
}

/// The providers the portal is configured with.
#[derive(Clone, Default)]
pub struct Providers {
    pub vnpay: Option<Arc<dyn PaymentProvider>>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers")
            .field("vnpay", &self.vnpay.is_some())
            .finish()
    }
}

impl Providers {
    /// The provider recorded as `name` on a payment.
    pub fn by_name(&self, name: &str) -> Option<&Arc<dyn PaymentProvider>> {
        match name {
            "vnpay" => self.vnpay.as_ref(),
            _ => None,
        }
    }
}
