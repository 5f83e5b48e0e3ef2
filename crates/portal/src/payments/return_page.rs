//! `GET /v1/payments/return`: where the provider sends the browser back. It only SHOWS the
//! payment's state as the portal knows it (from the IPN or the reconciliation) and links to
//! the app's deep link; it changes nothing, whatever the query says.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opendvc_api::{PaymentStatus, payment_deep_link};

use crate::payments::page::{page, vnd};
use crate::state::AppState;
use crate::status_page::{choose_lang, escape};

fn status_message(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Pending => "payment-return-pending",
        PaymentStatus::Paid => "payment-return-paid",
        PaymentStatus::Failed => "payment-return-failed",
        PaymentStatus::Expired => "payment-return-expired",
        PaymentStatus::Refunded => "payment-return-refunded",
    }
}

#[utoipa::path(get, path = "/v1/payments/return", tag = "payments",
    params(
        ("lang" = Option<String>, Query, description = "`vi`, `en` or `id`; else `Accept-Language`; else `vi`."),
        ("vnp_TxnRef" = Option<String>, Query, description = "The payment's reference, as the provider sends it back with its other `vnp_*` parameters (which are ignored: this page changes nothing).")),
    responses(
        (status = 200, description = "A page (`text/html`, UTF-8, no script) showing the payment's state as the portal knows it (pending until the provider's IPN or the reconciliation confirms it), telling the resident to go back to the app, with a link to `opendvc://payments/{paymentId}`. A documented exception to JSON. It never changes a payment.", content_type = "text/html"),
        (status = 404, description = "No payment has this reference (a page).", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let get = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let lang = choose_lang(get("lang"), &headers);
    let text = |id: &str, args: &[(&str, String)]| state.texts.text(lang.code(), id, args);
    let title = text("payment-return-title", &[]);
    let payment = match get("vnp_TxnRef") {
        Some(txn_ref) => state.store.payment_by_txn_ref(txn_ref).await,
        None => Ok(None),
    };
    let payment = match payment {
        Ok(Some(payment)) => payment,
        Ok(None) => {
            let body = format!("<p>{}</p>", escape(&text("payment-return-not-found", &[])));
            return page(StatusCode::NOT_FOUND, lang, &title, &body);
        }
        Err(error) => {
            tracing::error!(%error, "the payment return page could not read the payment");
            let body = format!("<p>{}</p>", escape(&text("payment-return-not-found", &[])));
            return page(StatusCode::SERVICE_UNAVAILABLE, lang, &title, &body);
        }
    };
    let link = payment_deep_link(payment.id);
    let body = format!(
        "<p id=\"status\" data-status=\"{status}\"><strong>{state_text}</strong></p>\n\
         <p>{amount}</p>\n<p>{back}</p>\n<p><a class=\"button\" href=\"{link}\">{open}</a></p>",
        status = payment.status.as_str(),
        state_text = escape(&text(status_message(payment.status), &[])),
        amount = escape(&text("payment-amount", &[("amount", vnd(payment.amount))])),
        back = escape(&text("payment-return-back", &[])),
        link = escape(&link),
        open = escape(&text("payment-return-open-app", &[])),
    );
    page(StatusCode::OK, lang, &title, &body)
}
