//! The handlers of paying a fee (the command list is `command_table.rs`): each takes its
//! arguments, calls the core and maps the error. The one thing the shell adds is opening the
//! provider's page in the system browser (tauri-plugin-opener), where the person pays outside
//! the app; the provider's return page brings them back through `opendvc://payments/{id}`.

use opendvc_api::{Payment, PaymentMethod};
use opendvc_core::views::{PaymentReceiptEntry, PaymentStepView};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;
use uuid::Uuid;

use crate::commands::{Answer, fail};
use crate::error::{IpcCode, IpcError};
use crate::state::AppState;

pub async fn payment_step(state: &AppState, application_id: Uuid) -> Answer<PaymentStepView> {
    let core = state.core.read().await;
    core.payment_step(application_id).map_err(fail(state))
}

pub async fn refresh_payments(state: &AppState, application_id: Uuid) -> Answer<PaymentStepView> {
    let core = state.core.read().await;
    core.refresh_payments(application_id)
        .await
        .map_err(fail(state))
}

pub async fn pay(
    state: &AppState,
    app: AppHandle,
    application_id: Uuid,
    method: PaymentMethod,
) -> Answer<Payment> {
    let payment = {
        let core = state.core.read().await;
        core.pay(application_id, method)
            .await
            .map_err(fail(state))?
    };
    open_provider_page(state, &app, &payment)?;
    Ok(payment)
}

pub async fn open_payment_page(
    state: &AppState,
    app: AppHandle,
    payment_id: Uuid,
) -> Answer<Payment> {
    let payment = {
        let core = state.core.read().await;
        core.refresh_payment(payment_id)
            .await
            .map_err(fail(state))?
    };
    open_provider_page(state, &app, &payment)?;
    Ok(payment)
}

pub async fn refresh_payment(state: &AppState, payment_id: Uuid) -> Answer<Payment> {
    let core = state.core.read().await;
    core.refresh_payment(payment_id).await.map_err(fail(state))
}

pub async fn payment_receipts(state: &AppState) -> Answer<Vec<PaymentReceiptEntry>> {
    let core = state.core.read().await;
    core.receipts().map_err(fail(state))
}

/// Opens a pending online payment's page (only `http(s)`: the URL comes from the portal) in the
/// system browser. A payment that has none (at the counter, cash on delivery, or no longer
/// pending) opens nothing.
fn open_provider_page(state: &AppState, app: &AppHandle, payment: &Payment) -> Answer<()> {
    let Some(url) = payment.redirect_url.as_deref() else {
        return Ok(());
    };
    let web = url.starts_with("https://") || url.starts_with("http://");
    let opened = web && app.opener().open_url(url, None::<&str>).is_ok();
    if opened {
        Ok(())
    } else {
        Err(IpcError::shell(
            IpcCode::Internal,
            "error-payment-page-failed",
            &state.localizer(),
        ))
    }
}
