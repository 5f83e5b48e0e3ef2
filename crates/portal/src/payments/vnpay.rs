//! VNPay's public protocol v2.1.0.
//!
//! - **Pay** (`vnp_Command=pay`): the citizen's browser goes to the payment page with the
//!   `vnp_*` parameters (amount ×100, `vnp_TxnRef` unique, dates `yyyyMMddHHmmss` in GMT+7)
//!   and `vnp_SecureHash`, the hex HMAC-SHA512 (key: the merchant's secret) of the parameters
//!   sorted by name, each name and value URL-encoded as PHP's `urlencode` does (space `+`),
//!   joined `name=value` with `&`, `vnp_SecureHash` and `vnp_SecureHashType` left out.
//! - **IPN**: VNPay calls the portal with the result's `vnp_*` parameters, signed the same way.
//! - **querydr** and **refund**: JSON POSTs to the merchant API, each signed over its fields
//!   joined with `|` in the order VNPay's documentation fixes; the answer is signed alike and
//!   checked before it is believed.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha512;
use subtle::ConstantTimeEq;

use super::provider::{
    CallbackRefusal, CallbackReport, Checkout, PaymentProvider, ProviderError, ProviderState,
};
use crate::store::PaymentRecord;

/// The protocol version spoken.
pub const VERSION: &str = "2.1.0";

/// How long the provider's page accepts a payment, minutes (`vnp_ExpireDate`).
pub const EXPIRE_MINUTES: i64 = 15;

/// What PHP's `urlencode` leaves as it is: letters, digits, `-`, `_`, `.`.
const URLENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// A merchant's VNPay account.
#[derive(Debug, Clone)]
pub struct VnpaySettings {
    /// `vnp_TmnCode`, the merchant's terminal.
    pub tmn_code: String,
    /// The secret the hashes are keyed with (`vnp_HashSecret`).
    pub secret: String,
    /// The payment page (`…/paymentv2/vpcpay.html`); `{paymentId}` in it is replaced by the
    /// payment's id (the demo sandbox's page takes it in the path).
    pub pay_url: String,
    /// The merchant API for `querydr` and `refund` (`…/merchant_webapi/api/transaction`).
    pub api_url: String,
    /// Where the browser returns after paying (`vnp_ReturnUrl`).
    pub return_url: String,
}

/// VNPay as a [`PaymentProvider`].
#[derive(Debug, Clone)]
pub struct Vnpay {
    pub settings: VnpaySettings,
    pub client: reqwest::Client,
}

/// URL-encodes `text` as VNPay's hash data wants it (PHP `urlencode`).
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, URLENCODE)
        .to_string()
        .replace("%20", "+")
}

/// Hex HMAC-SHA512 of `data` keyed with `secret`.
pub fn hmac_sha512(secret: &str, data: &str) -> String {
    let mut mac =
        Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The hash data of a pay request or a callback: the `vnp_*` parameters but the hash itself,
/// sorted by name, encoded, joined with `&`. Empty values are left out, as VNPay does.
pub fn hash_data<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let sorted: BTreeMap<&str, &str> = params
        .into_iter()
        .filter(|(name, value)| {
            name.starts_with("vnp_")
                && *name != "vnp_SecureHash"
                && *name != "vnp_SecureHashType"
                && !value.is_empty()
        })
        .collect();
    sorted
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `params` as a query string with its `vnp_SecureHash`.
pub fn signed_query(secret: &str, params: &BTreeMap<String, String>) -> String {
    let data = hash_data(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    format!("{data}&vnp_SecureHash={}", hmac_sha512(secret, &data))
}

/// Whether `query` (a callback's parameters) carries the right `vnp_SecureHash`, compared in
/// constant time, either case.
pub fn signature_holds(secret: &str, query: &[(String, String)]) -> bool {
    let Some((_, given)) = query.iter().find(|(name, _)| name == "vnp_SecureHash") else {
        return false;
    };
    let data = hash_data(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let expected = hmac_sha512(secret, &data);
    let given = given.to_ascii_lowercase();
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// `at` as VNPay writes dates: `yyyyMMddHHmmss` in GMT+7.
pub fn vnpay_date(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&opendvc_rules::VIETNAM)
        .format("%Y%m%d%H%M%S")
        .to_string()
}

/// The hash of a merchant API call or answer: `fields` joined with `|`.
pub fn pipe_hash(secret: &str, fields: &[&str]) -> String {
    hmac_sha512(secret, &fields.join("|"))
}

fn field<'a>(json: &'a serde_json::Value, name: &str) -> &'a str {
    json.get(name)
        .and_then(|value| value.as_str())
        .unwrap_or("")
}

/// The fields of a querydr answer its hash covers, in order.
pub const QUERYDR_ANSWER_FIELDS: [&str; 15] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
];

/// The fields of a refund answer its hash covers, in order.
pub const REFUND_ANSWER_FIELDS: [&str; 13] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
];

/// Whether a merchant API answer's `vnp_SecureHash` covers `fields` of it.
pub fn answer_signature_holds(secret: &str, answer: &serde_json::Value, fields: &[&str]) -> bool {
    let values: Vec<&str> = fields.iter().map(|name| field(answer, name)).collect();
    let expected = pipe_hash(secret, &values);
    let given = field(answer, "vnp_SecureHash").to_ascii_lowercase();
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// The order's description: VNPay wants it without diacritics.
fn order_info(application_code: &str) -> String {
    format!("Thanh toan phi ho so {application_code}")
}

impl Vnpay {
    pub fn new(settings: VnpaySettings) -> Self {
        Vnpay {
            settings,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }

    async fn call(&self, body: serde_json::Value) -> Result<serde_json::Value, ProviderError> {
        let answer = self
            .client
            .post(&self.settings.api_url)
            .json(&body)
            .send()
            .await
            .map_err(|error| ProviderError(format!("VNPay is unreachable: {error}")))?;
        if !answer.status().is_success() {
            return Err(ProviderError(format!(
                "VNPay answered HTTP {}",
                answer.status()
            )));
        }
        answer
            .json()
            .await
            .map_err(|error| ProviderError(format!("VNPay's answer is no JSON: {error}")))
    }
}

#[async_trait]
impl PaymentProvider for Vnpay {
    fn name(&self) -> &'static str {
        "vnpay"
    }

    fn checkout_url(&self, checkout: &Checkout<'_>) -> String {
        let payment = checkout.payment;
        let expires = checkout.now + chrono::Duration::minutes(EXPIRE_MINUTES);
        let params: BTreeMap<String, String> = [
            ("vnp_Version", VERSION.to_owned()),
            ("vnp_Command", "pay".to_owned()),
            ("vnp_TmnCode", self.settings.tmn_code.clone()),
            ("vnp_Amount", (payment.amount * 100).to_string()),
            ("vnp_CurrCode", "VND".to_owned()),
            ("vnp_TxnRef", payment.txn_ref.clone()),
            ("vnp_OrderInfo", order_info(checkout.application_code)),
            ("vnp_OrderType", "other".to_owned()),
            (
                "vnp_Locale",
                if checkout.language == "vi" {
                    "vn"
                } else {
                    "en"
                }
                .to_owned(),
            ),
            (
                "vnp_ReturnUrl",
                format!("{}?lang={}", self.settings.return_url, checkout.language),
            ),
            ("vnp_IpAddr", checkout.client_ip.clone()),
            ("vnp_CreateDate", vnpay_date(checkout.now)),
            ("vnp_ExpireDate", vnpay_date(expires)),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
        let base = self
            .settings
            .pay_url
            .replace("{paymentId}", &payment.id.to_string());
        format!("{base}?{}", signed_query(&self.settings.secret, &params))
    }

    fn verify_callback(
        &self,
        query: &[(String, String)],
    ) -> Result<CallbackReport, CallbackRefusal> {
        if !signature_holds(&self.settings.secret, query) {
            return Err(CallbackRefusal::BadSignature);
        }
        let get = |name: &str| {
            query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let txn_ref = get("vnp_TxnRef").ok_or(CallbackRefusal::Malformed)?;
        let amount: i64 = get("vnp_Amount")
            .and_then(|text| text.parse().ok())
            .ok_or(CallbackRefusal::Malformed)?;
        let response_code = get("vnp_ResponseCode").ok_or(CallbackRefusal::Malformed)?;
        let status = get("vnp_TransactionStatus").unwrap_or(response_code);
        Ok(CallbackReport {
            txn_ref: txn_ref.to_owned(),
            amount: amount / 100,
            success: response_code == "00" && status == "00" && amount % 100 == 0,
            response_code: response_code.to_owned(),
            provider_txn: get("vnp_TransactionNo")
                .filter(|number| !number.is_empty() && *number != "0")
                .map(str::to_owned),
        })
    }

    async fn query(
        &self,
        payment: &PaymentRecord,
        now: DateTime<FixedOffset>,
    ) -> Result<ProviderState, ProviderError> {
        let settings = &self.settings;
        let request_id = uuid::Uuid::now_v7().simple().to_string();
        let created = chrono::DateTime::from_timestamp(payment.created_unix, 0)
            .unwrap_or_default()
            .fixed_offset();
        let transaction_date = vnpay_date(created);
        let create_date = vnpay_date(now);
        let info = format!("Truy van giao dich {}", payment.txn_ref);
        let ip = "127.0.0.1";
        let hash = pipe_hash(
            &settings.secret,
            &[
                &request_id,
                VERSION,
                "querydr",
                &settings.tmn_code,
                &payment.txn_ref,
                &transaction_date,
                &create_date,
                ip,
                &info,
            ],
        );
        let answer = self
            .call(serde_json::json!({
                "vnp_RequestId": request_id,
                "vnp_Version": VERSION,
                "vnp_Command": "querydr",
                "vnp_TmnCode": settings.tmn_code,
                "vnp_TxnRef": payment.txn_ref,
                "vnp_OrderInfo": info,
                "vnp_TransactionDate": transaction_date,
                "vnp_CreateDate": create_date,
                "vnp_IpAddr": ip,
                "vnp_SecureHash": hash,
            }))
            .await?;
        if !answer_signature_holds(&settings.secret, &answer, &QUERYDR_ANSWER_FIELDS) {
            return Err(ProviderError(
                "VNPay's querydr answer is not signed with the merchant's secret".into(),
            ));
        }
        let response = field(&answer, "vnp_ResponseCode");
        if response == "91" {
            // "Transaction not found": the citizen never reached the payment page.
            return Ok(ProviderState::Pending);
        }
        if response != "00" {
            return Err(ProviderError(format!(
                "VNPay's querydr answered {response}: {}",
                field(&answer, "vnp_Message")
            )));
        }
        Ok(match field(&answer, "vnp_TransactionStatus") {
            "00" => ProviderState::Paid {
                provider_txn: field(&answer, "vnp_TransactionNo").to_owned(),
                amount: field(&answer, "vnp_Amount").parse::<i64>().unwrap_or(0) / 100,
            },
            "01" | "05" | "06" => ProviderState::Pending,
            code => ProviderState::Failed {
                code: code.to_owned(),
            },
        })
    }

    async fn refund(
        &self,
        payment: &PaymentRecord,
        by: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<(), ProviderError> {
        let settings = &self.settings;
        let request_id = uuid::Uuid::now_v7().simple().to_string();
        let paid =
            chrono::DateTime::from_timestamp(payment.paid_unix.unwrap_or(payment.created_unix), 0)
                .unwrap_or_default()
                .fixed_offset();
        let transaction_date = vnpay_date(paid);
        let create_date = vnpay_date(now);
        let amount = (payment.amount * 100).to_string();
        let transaction_no = payment.provider_txn.clone().unwrap_or_default();
        let info = format!("Hoan tien giao dich {}", payment.txn_ref);
        let ip = "127.0.0.1";
        let hash = pipe_hash(
            &settings.secret,
            &[
                &request_id,
                VERSION,
                "refund",
                &settings.tmn_code,
                "02",
                &payment.txn_ref,
                &amount,
                &transaction_no,
                &transaction_date,
                by,
                &create_date,
                ip,
                &info,
            ],
        );
        let answer = self
            .call(serde_json::json!({
                "vnp_RequestId": request_id,
                "vnp_Version": VERSION,
                "vnp_Command": "refund",
                "vnp_TmnCode": settings.tmn_code,
                "vnp_TransactionType": "02",
                "vnp_TxnRef": payment.txn_ref,
                "vnp_Amount": amount,
                "vnp_OrderInfo": info,
                "vnp_TransactionNo": transaction_no,
                "vnp_TransactionDate": transaction_date,
                "vnp_CreateBy": by,
                "vnp_CreateDate": create_date,
                "vnp_IpAddr": ip,
                "vnp_SecureHash": hash,
            }))
            .await?;
        if !answer_signature_holds(&settings.secret, &answer, &REFUND_ANSWER_FIELDS) {
            return Err(ProviderError(
                "VNPay's refund answer is not signed with the merchant's secret".into(),
            ));
        }
        match field(&answer, "vnp_ResponseCode") {
            "00" => Ok(()),
            code => Err(ProviderError(format!(
                "VNPay refused the refund ({code}): {}",
                field(&answer, "vnp_Message")
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_data_is_sorted_encoded_and_leaves_out_the_hash_itself() {
        let data = hash_data([
            ("vnp_TxnRef", "abc"),
            ("vnp_Amount", "20000000"),
            ("vnp_OrderInfo", "Thanh toan phi ho so 000.17/1"),
            ("vnp_SecureHash", "ff"),
            ("vnp_SecureHashType", "HmacSHA512"),
            ("other", "x"),
            ("vnp_BankCode", ""),
        ]);
        assert_eq!(
            data,
            "vnp_Amount=20000000&vnp_OrderInfo=Thanh+toan+phi+ho+so+000.17%2F1&vnp_TxnRef=abc"
        );
    }

    #[test]
    fn a_signed_query_verifies_and_a_changed_one_does_not() {
        let params: BTreeMap<String, String> = [
            ("vnp_Amount".to_owned(), "20000000".to_owned()),
            ("vnp_TxnRef".to_owned(), "ref1".to_owned()),
        ]
        .into_iter()
        .collect();
        let query = signed_query("secret", &params);
        let parsed: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        assert!(signature_holds("secret", &parsed));
        assert!(!signature_holds("other secret", &parsed));
        let tampered: Vec<(String, String)> = parsed
            .into_iter()
            .map(|(name, value)| {
                if name == "vnp_Amount" {
                    (name, "100".to_owned())
                } else {
                    (name, value)
                }
            })
            .collect();
        assert!(!signature_holds("secret", &tampered));
    }

    #[test]
    fn the_hmac_is_hex_sha512_keyed_with_the_secret() {
        // RFC 4231 test case 2.
        assert_eq!(
            hmac_sha512("Jefe", "what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn dates_are_written_in_vietnam_time() {
        let at = DateTime::parse_from_rfc3339("2026-12-06T01:02:03Z").expect("time");
        assert_eq!(vnpay_date(at), "20261206080203");
    }
}
