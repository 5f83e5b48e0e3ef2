//! The sandbox provider of the demo portal (`--demo` only; 404 otherwise): it plays VNPay with
//! the demo secret, so the whole flow runs with no external service.
//!
//! - `GET /dev/pay/{paymentId}?vnp_…`: the bank's page, checked like VNPay checks a pay
//!   request (the signature), with Pay / Cancel / Fail buttons.
//! - `POST /dev/pay/{paymentId}`: the button pressed. The sandbox records the transaction,
//!   sends a correctly signed IPN to the portal's own IPN URL (loopback) and redirects the
//!   browser to the return URL with the same signed result, as VNPay does. The action `lost`
//!   (no button; for tests and demonstrations of the reconciliation) records a paid
//!   transaction but sends no IPN.
//! - `POST /dev/pay/api`: VNPay's merchant API for `querydr` and `refund`, signed both ways.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::payments::page::{page, vnd};
use crate::payments::sandbox_ledger::{Ledger, SandboxTxn};
use crate::payments::vnpay::{
    QUERYDR_ANSWER_FIELDS, REFUND_ANSWER_FIELDS, VnpaySettings, pipe_hash, signature_holds,
    signed_query, vnpay_date,
};
use crate::state::AppState;
use crate::status_page::{choose_lang, escape};

/// The demo merchant's terminal.
pub const DEMO_TMN_CODE: &str = "OPENDVC1";
/// The demo merchant's secret: public on purpose, it guards nothing but the demo.
pub const DEMO_SECRET: &str = "opendvc-demo-sandbox-secret";

/// The VNPay settings of a demo portal reachable at `public_url` (pages) and `loopback_url`
/// (its own server-to-server calls).
pub fn demo_settings(public_url: &str, loopback_url: &str) -> VnpaySettings {
    VnpaySettings {
        tmn_code: DEMO_TMN_CODE.to_owned(),
        secret: DEMO_SECRET.to_owned(),
        pay_url: format!("{public_url}/dev/pay/{{paymentId}}"),
        api_url: format!("{loopback_url}/dev/pay/api"),
        return_url: format!("{public_url}/v1/payments/return"),
    }
}

fn demo_only(state: &AppState) -> Result<&Ledger, ApiError> {
    state
        .payments_sandbox
        .as_deref()
        .filter(|_| state.config.demo)
        .ok_or_else(|| ApiError::not_found("The sandbox bank exists only in demo mode."))
}

fn parse(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn get<'a>(query: &'a [(String, String)], name: &str) -> &'a str {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

fn lang_of(query: &[(String, String)], headers: &HeaderMap) -> opendvc_i18n::Lang {
    let wanted = match get(query, "vnp_Locale") {
        "vn" => Some("vi"),
        "en" => Some("en"),
        _ => None,
    };
    choose_lang(wanted, headers)
}

#[utoipa::path(get, path = "/dev/pay/{paymentId}", tag = "dev",
    params(("paymentId" = Uuid, Path, description = "Payment id"),
        ("vnp_SecureHash" = Option<String>, Query, description = "The pay request's signature; the other `vnp_*` parameters of VNPay's pay request come alongside.")),
    responses(
        (status = 200, description = "Demo mode only: the sandbox bank's page (`text/html`, UTF-8, Vietnamese first) with Pay, Cancel and Fail buttons.", content_type = "text/html"),
        (status = 403, description = "The pay request's signature is wrong: the bank refuses it (a page).", content_type = "text/html")))]
pub async fn bank_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(payment_id): ApiPath<Uuid>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    demo_only(&state)?;
    let query = parse(raw.as_deref());
    let lang = lang_of(&query, &headers);
    let text = |id: &str, args: &[(&str, String)]| state.texts.text(lang.code(), id, args);
    let title = text("sandbox-title", &[]);
    if !signature_holds(DEMO_SECRET, &query) || get(&query, "vnp_TmnCode") != DEMO_TMN_CODE {
        let body = format!("<p>{}</p>", escape(&text("sandbox-bad-signature", &[])));
        return Ok(page(StatusCode::FORBIDDEN, lang, &title, &body));
    }
    let amount = get(&query, "vnp_Amount").parse::<i64>().unwrap_or(0) / 100;
    let button = |action: &str, label: &str| {
        format!(
            "<button type=\"submit\" name=\"action\" value=\"{action}\">{}</button>",
            escape(&text(label, &[]))
        )
    };
    let body = format!(
        "<p>{explain}</p>\n<p>{order}</p>\n<p><strong>{amount}</strong></p>\n\
         <form method=\"post\" action=\"/dev/pay/{payment_id}\">\n\
         <input type=\"hidden\" name=\"query\" value=\"{raw}\">\n{pay}\n{cancel}\n{fail}\n</form>",
        explain = escape(&text("sandbox-explain", &[])),
        order = escape(&text(
            "sandbox-order",
            &[("info", get(&query, "vnp_OrderInfo").to_owned())]
        )),
        amount = escape(&text("payment-amount", &[("amount", vnd(amount))])),
        raw = escape(raw.as_deref().unwrap_or_default()),
        pay = button("pay", "sandbox-pay"),
        cancel = button("cancel", "sandbox-cancel"),
        fail = button("fail", "sandbox-fail"),
    );
    Ok(page(StatusCode::OK, lang, &title, &body))
}

/// The button pressed on the bank's page.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BankAction {
    /// The pay request's query string, as the page received it.
    pub query: String,
    /// `pay`, `cancel`, `fail`, or `lost` (paid, but no IPN is sent).
    pub action: String,
}

fn result_params(
    request: &[(String, String)],
    txn: &SandboxTxn,
    txn_ref: &str,
) -> BTreeMap<String, String> {
    [
        ("vnp_Amount", txn.amount_x100.clone()),
        ("vnp_BankCode", "NCB".to_owned()),
        ("vnp_CardType", "ATM".to_owned()),
        ("vnp_OrderInfo", txn.order_info.clone()),
        ("vnp_PayDate", txn.pay_date.clone()),
        ("vnp_ResponseCode", txn.response_code.clone()),
        ("vnp_TmnCode", get(request, "vnp_TmnCode").to_owned()),
        ("vnp_TransactionNo", txn.transaction_no.clone()),
        ("vnp_TransactionStatus", txn.transaction_status.clone()),
        ("vnp_TxnRef", txn_ref.to_owned()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect()
}

#[utoipa::path(post, path = "/dev/pay/{paymentId}", tag = "dev",
    params(("paymentId" = Uuid, Path, description = "Payment id")),
    request_body(content = BankAction, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Demo mode only: the sandbox recorded the transaction, sent the signed IPN to the portal (not for `lost`), and sends the browser to the return URL with the signed result."),
        (status = 403, description = "The pay request's signature is wrong, or the action unknown: the bank refuses it (a page).", content_type = "text/html")))]
pub async fn bank_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(_payment_id): ApiPath<Uuid>,
    form: Result<Form<BankAction>, FormRejection>,
) -> Result<Response, ApiError> {
    let ledger = demo_only(&state)?;
    let Form(form) = form.map_err(|rejection| {
        ApiError::malformed(format!("the form needs `query` and `action`: {rejection}"))
    })?;
    let request = parse(Some(&form.query));
    let lang = lang_of(&request, &headers);
    let title = state.texts.text(lang.code(), "sandbox-title", &[]);
    let refuse = || {
        let body = format!(
            "<p>{}</p>",
            escape(&state.texts.text(lang.code(), "sandbox-bad-signature", &[]))
        );
        Ok(page(StatusCode::FORBIDDEN, lang, &title, &body))
    };
    if !signature_holds(DEMO_SECRET, &request) {
        return refuse();
    }
    let (response_code, transaction_status) = match form.action.as_str() {
        "pay" | "lost" => ("00", "00"),
        "cancel" => ("24", "02"),
        "fail" => ("51", "02"),
        _ => return refuse(),
    };
    let now = state.clock.now();
    let txn_ref = get(&request, "vnp_TxnRef").to_owned();
    let txn = SandboxTxn {
        amount_x100: get(&request, "vnp_Amount").to_owned(),
        order_info: get(&request, "vnp_OrderInfo").to_owned(),
        transaction_no: (Uuid::now_v7().as_u128() % 100_000_000).to_string(),
        pay_date: vnpay_date(now),
        response_code: response_code.to_owned(),
        transaction_status: transaction_status.to_owned(),
        refunded: false,
    };
    ledger.book().insert(txn_ref.clone(), txn.clone());
    let signed = signed_query(DEMO_SECRET, &result_params(&request, &txn, &txn_ref));
    if form.action != "lost" {
        let ipn = format!(
            "{}/v1/payments/vnpay/ipn?{signed}",
            state.config.loopback_url
        );
        match ledger.client.get(&ipn).send().await {
            Ok(answer) => {
                let body = answer.text().await.unwrap_or_default();
                tracing::info!(%body, "the sandbox bank's IPN was answered");
            }
            Err(error) => tracing::warn!(%error, "the sandbox bank's IPN did not arrive"),
        }
    }
    let return_url = get(&request, "vnp_ReturnUrl");
    let separator = if return_url.contains('?') { '&' } else { '?' };
    let location = format!("{return_url}{separator}{signed}");
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response())
}

fn field<'a>(json: &'a serde_json::Value, name: &str) -> &'a str {
    json.get(name)
        .and_then(|value| value.as_str())
        .unwrap_or("")
}

fn signed_answer(
    fields: &[&str],
    mut answer: serde_json::Map<String, serde_json::Value>,
) -> Response {
    let values: Vec<String> = fields
        .iter()
        .map(|name| {
            answer
                .get(*name)
                .and_then(|value| value.as_str())
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    answer.insert(
        "vnp_SecureHash".to_owned(),
        pipe_hash(DEMO_SECRET, &values).into(),
    );
    axum::Json(serde_json::Value::Object(answer)).into_response()
}

fn answer_of(
    request: &serde_json::Value,
    code: &str,
    message: &str,
    txn: Option<&SandboxTxn>,
    now: DateTime<FixedOffset>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut answer = serde_json::Map::new();
    let mut put = |name: &str, value: String| {
        answer.insert(name.to_owned(), value.into());
    };
    put("vnp_ResponseId", Uuid::now_v7().simple().to_string());
    put("vnp_Command", field(request, "vnp_Command").to_owned());
    put("vnp_ResponseCode", code.to_owned());
    put("vnp_Message", message.to_owned());
    put("vnp_TmnCode", field(request, "vnp_TmnCode").to_owned());
    put("vnp_TxnRef", field(request, "vnp_TxnRef").to_owned());
    if let Some(txn) = txn {
        put("vnp_Amount", txn.amount_x100.clone());
        put("vnp_BankCode", "NCB".to_owned());
        put("vnp_PayDate", txn.pay_date.clone());
        put("vnp_TransactionNo", txn.transaction_no.clone());
        put("vnp_TransactionType", "01".to_owned());
        put("vnp_TransactionStatus", txn.transaction_status.clone());
        put("vnp_OrderInfo", txn.order_info.clone());
    } else {
        put("vnp_PayDate", vnpay_date(now));
    }
    answer
}

#[utoipa::path(post, path = "/dev/pay/api", tag = "dev",
    request_body(content = serde_json::Value, description = "VNPay's merchant API request (`vnp_Command` `querydr` or `refund`), signed with `|`."),
    responses((status = 200, description = "Demo mode only: the sandbox bank's answer, signed like VNPay's (`vnp_ResponseCode` `00`, `91` not found, `97` bad checksum, `02` refund refused).", body = serde_json::Value)))]
pub async fn merchant_api(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let ledger = demo_only(&state)?;
    let now = state.clock.now();
    let command = field(&request, "vnp_Command");
    let names: &[&str] = match command {
        "querydr" => &[
            "vnp_RequestId",
            "vnp_Version",
            "vnp_Command",
            "vnp_TmnCode",
            "vnp_TxnRef",
            "vnp_TransactionDate",
            "vnp_CreateDate",
            "vnp_IpAddr",
            "vnp_OrderInfo",
        ],
        "refund" => &[
            "vnp_RequestId",
            "vnp_Version",
            "vnp_Command",
            "vnp_TmnCode",
            "vnp_TransactionType",
            "vnp_TxnRef",
            "vnp_Amount",
            "vnp_TransactionNo",
            "vnp_TransactionDate",
            "vnp_CreateBy",
            "vnp_CreateDate",
            "vnp_IpAddr",
            "vnp_OrderInfo",
        ],
        _ => return Err(ApiError::field("vnp_Command", "querydr or refund")),
    };
    let fields = if command == "querydr" {
        &QUERYDR_ANSWER_FIELDS[..]
    } else {
        &REFUND_ANSWER_FIELDS[..]
    };
    let values: Vec<&str> = names.iter().map(|name| field(&request, name)).collect();
    let given = field(&request, "vnp_SecureHash").to_ascii_lowercase();
    if given != pipe_hash(DEMO_SECRET, &values) {
        return Ok(signed_answer(
            fields,
            answer_of(&request, "97", "Invalid Checksum", None, now),
        ));
    }
    let txn_ref = field(&request, "vnp_TxnRef");
    let mut book = ledger.book();
    let Some(txn) = book.get_mut(txn_ref) else {
        return Ok(signed_answer(
            fields,
            answer_of(&request, "91", "Transaction not found", None, now),
        ));
    };
    if command == "refund" {
        if txn.transaction_status != "00" || txn.refunded {
            let answer = answer_of(&request, "02", "Refund refused", Some(&*txn), now);
            return Ok(signed_answer(fields, answer));
        }
        txn.refunded = true;
    }
    let answer = answer_of(&request, "00", "Success", Some(&*txn), now);
    Ok(signed_answer(fields, answer))
}
