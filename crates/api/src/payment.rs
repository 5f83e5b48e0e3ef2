//! Paying an application's fee: `POST /v1/applications/{id}/payments` (with an
//! `Idempotency-Key`), `GET /v1/applications/{id}/payments`, the officer's refund and cash
//! recording, and the payment provider's callback (VNPay's IPN, whose answer keeps VNPay's own
//! shape, [`IpnAnswer`]).
//!
//! Only the provider's server-to-server callback (the IPN) or the portal's reconciliation
//! (`querydr`) changes an online payment: the page the browser returns to only shows its state.
//! The app comes back to a payment through the deep link [`payment_deep_link`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::LocalizedText;

/// How a fee is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Online through VNPay: the citizen pays on the provider's page (`redirectUrl`).
    Vnpay,
    /// Cash or card at the one-stop counter, recorded by the officer.
    Counter,
    /// Cash on delivery, taken by the postman and recorded by the post office or the officer.
    Cod,
}

impl PaymentMethod {
    /// The snake_case wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Vnpay => "vnpay",
            PaymentMethod::Counter => "counter",
            PaymentMethod::Cod => "cod",
        }
    }

    /// Parses the wire form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        [
            PaymentMethod::Vnpay,
            PaymentMethod::Counter,
            PaymentMethod::Cod,
        ]
        .into_iter()
        .find(|method| method.as_str() == text)
    }
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Started, not yet confirmed by the provider (or not yet taken at the counter).
    Pending,
    /// Confirmed: the receipt is issued.
    Paid,
    /// The provider reported a failure or the citizen cancelled.
    Failed,
    /// Not confirmed before its expiry.
    Expired,
    /// Paid, then refunded (a rejected or withdrawn application).
    Refunded,
}

impl PaymentStatus {
    /// The snake_case wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Expired => "expired",
            PaymentStatus::Refunded => "refunded",
        }
    }

    /// Parses the wire form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        [
            PaymentStatus::Pending,
            PaymentStatus::Paid,
            PaymentStatus::Failed,
            PaymentStatus::Expired,
            PaymentStatus::Refunded,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// `POST /v1/applications/{id}/payments`: start paying the application's fee. At most one
/// payment of an application is pending at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewPayment {
    pub method: PaymentMethod,
}

/// The electronic receipt (biên lai điện tử) of a paid payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PaymentReceipt {
    /// The receipt number, unique on the portal.
    pub receipt_no: String,
    /// Who paid: the applicant's full name.
    pub payer: String,
    /// VND.
    pub amount: i64,
    pub procedure_id: String,
    pub procedure_name: LocalizedText,
    /// The application code (mã hồ sơ).
    pub application_code: String,
    /// `vnpay`, `counter` or `cod`.
    pub provider: String,
    /// The provider's transaction reference (VNPay's `vnp_TransactionNo`; for cash, the
    /// portal's own reference).
    pub provider_ref: String,
    pub paid_at: DateTime<Utc>,
}

/// A payment of an application's fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub payment_id: Uuid,
    pub application_id: Uuid,
    pub method: PaymentMethod,
    /// VND: the application's fee and postage as charged.
    pub amount: i64,
    pub status: PaymentStatus,
    /// The provider's page the citizen pays on (VNPay only, while pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub redirect_url: Option<String>,
    /// The provider's transaction reference, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub provider_ref: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub paid_at: Option<DateTime<Utc>>,
    /// Present once paid (and kept after a refund).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub receipt: Option<PaymentReceipt>,
}

/// `GET /v1/applications/{id}/payments`: the application's payments, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PaymentList {
    pub payments: Vec<Payment>,
}

/// How cash was taken: at the counter or by the postman.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CashMethod {
    Counter,
    Cod,
}

impl From<CashMethod> for PaymentMethod {
    fn from(method: CashMethod) -> Self {
        match method {
            CashMethod::Counter => PaymentMethod::Counter,
            CashMethod::Cod => PaymentMethod::Cod,
        }
    }
}

/// `POST /v1/officer/applications/{id}/payments/record`: the officer or the post office
/// records cash taken for the application; answers the paid [`Payment`] with its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecordPayment {
    pub method: CashMethod,
    /// VND taken; must equal the amount due.
    pub amount: i64,
}

/// The answer to a VNPay IPN (`GET /v1/payments/vnpay/ipn`): always HTTP 200 with VNPay's own
/// field names, also when the portal refuses the call. `RspCode`: `00` confirmed, `01` order
/// not found, `02` already confirmed, `04` wrong amount, `97` bad checksum, `99` other error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IpnAnswer {
    #[serde(rename = "RspCode")]
    #[cfg_attr(feature = "ts", ts(rename = "RspCode"))]
    pub rsp_code: String,
    #[serde(rename = "Message")]
    #[cfg_attr(feature = "ts", ts(rename = "Message"))]
    pub message: String,
}

/// The app's deep link to a payment: the provider's return page links to it.
pub fn payment_deep_link(payment_id: Uuid) -> String {
    format!("opendvc://payments/{payment_id}")
}
