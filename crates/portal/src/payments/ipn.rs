//! VNPay's IPN, `GET /v1/payments/vnpay/ipn`: the provider's server-to-server callback and,
//! with the reconciliation (`reconcile`), the only way an online payment changes. VNPay's
//! order of checks: the signature (97), the payment (01), the amount (04), not yet confirmed
//! (02); then the payment is settled (00). A valid IPN reporting a failure records the payment
//! failed and is acknowledged 00. Whatever happens the answer is HTTP 200 with VNPay's
//! `{"RspCode", "Message"}`, never a problem document or a 500: anything unexpected is 99.
//! Forged or tampered calls change nothing and are logged for the operators.

use axum::extract::{RawQuery, State};
use opendvc_api::{IpnAnswer, PaymentStatus};

use crate::payments::provider::CallbackRefusal;
use crate::payments::settle::{Outcome, settle_pending};
use crate::state::AppState;

fn answer(code: &str, message: &str) -> axum::Json<IpnAnswer> {
    axum::Json(IpnAnswer {
        rsp_code: code.to_owned(),
        message: message.to_owned(),
    })
}

#[utoipa::path(get, path = "/v1/payments/vnpay/ipn", tag = "payments",
    params(("vnp_SecureHash" = Option<String>, Query, description = "VNPay's HMAC-SHA512 over the other `vnp_*` parameters (sorted, URL-encoded, joined with `&`); the other `vnp_*` parameters of VNPay's IPN (`vnp_TxnRef`, `vnp_Amount`, `vnp_ResponseCode`, `vnp_TransactionStatus`, `vnp_TransactionNo`, …) come alongside.")),
    responses((status = 200, description = "A documented exception to the contract's conventions, as VNPay's protocol fixes it: always HTTP 200 with `{\"RspCode\", \"Message\"}`, also when the call is refused — `00` confirmed (also a valid report of a failed payment, recorded as failed), `01` no such payment, `02` already confirmed (a replay changes nothing), `04` wrong amount, `97` bad checksum, `99` anything else. A refused call changes nothing and is logged for the operators.", body = IpnAnswer)))]
pub async fn vnpay_ipn(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> axum::Json<IpnAnswer> {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let Some(provider) = state.payments.vnpay.clone() else {
        tracing::warn!("a VNPay IPN arrived, but VNPay is not configured");
        return answer("99", "Unknown error");
    };
    let report = match provider.verify_callback(&query) {
        Ok(report) => report,
        Err(CallbackRefusal::BadSignature) => {
            tracing::warn!(
                alert = "payment_ipn_forged",
                "a VNPay IPN with a wrong or missing checksum was refused; nothing changed"
            );
            return answer("97", "Invalid Checksum");
        }
        Err(CallbackRefusal::Malformed) => {
            tracing::warn!("a signed VNPay IPN lacks a field the portal needs; nothing changed");
            return answer("99", "Invalid request");
        }
    };
    let payment = match state.store.payment_by_txn_ref(&report.txn_ref).await {
        Ok(Some(payment)) if payment.provider == provider.name() => payment,
        Ok(_) => {
            tracing::warn!(
                alert = "payment_ipn_unknown",
                txn_ref = %report.txn_ref,
                "a signed VNPay IPN names no payment of this portal; nothing changed"
            );
            return answer("01", "Order not found");
        }
        Err(error) => {
            tracing::error!(%error, "a VNPay IPN could not be handled");
            return answer("99", "Unknown error");
        }
    };
    if report.amount != payment.amount {
        tracing::warn!(
            alert = "payment_ipn_wrong_amount",
            payment_id = %payment.id,
            reported = report.amount,
            expected = payment.amount,
            "a signed VNPay IPN reports another amount than the payment's; nothing changed"
        );
        return answer("04", "Invalid amount");
    }
    if payment.status != PaymentStatus::Pending {
        return answer("02", "Order already confirmed");
    }
    let outcome = if report.success {
        Outcome::Paid {
            provider_txn: report
                .provider_txn
                .clone()
                .unwrap_or_else(|| report.txn_ref.clone()),
        }
    } else {
        Outcome::Failed
    };
    match settle_pending(&state, &payment, outcome, state.clock.now()).await {
        Ok(Some(settled)) => {
            tracing::info!(
                payment_id = %settled.id,
                status = settled.status.as_str(),
                response_code = %report.response_code,
                "a VNPay IPN settled a payment"
            );
            answer("00", "Confirm Success")
        }
        Ok(None) => answer("02", "Order already confirmed"),
        Err(error) => {
            tracing::error!(%error, payment_id = %payment.id, "a VNPay IPN could not be recorded");
            answer("99", "Unknown error")
        }
    }
}
