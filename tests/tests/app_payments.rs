//! Paying a fee through the core (issue 17) against a real demo portal and its sandbox bank:
//! paid online through the provider's page, the receipt kept on the device and shown offline;
//! a cancelled payment offered again; a payment whose answer was lost started once however
//! often the core retries; and offline, paying needs a connection and nothing is kept.
//!
//! Build the binaries first: `cargo build -p opendvc-portal -p opendvc-cli`.

use opendvc_api::{ApplicationStatus, PaymentList, PaymentMethod, PaymentStatus};
use opendvc_core::session::DataDir;
use opendvc_core::vault::VaultChoice;
use opendvc_core::views::PaymentStage;
use opendvc_core::{CoreCode, OpenDvc, OpenDvcOptions};
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy, RequestFilter};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions};
use uuid::Uuid;

const PASSPORT: &str = "passport-issuance";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// A core on a fresh data folder talking to `portal_url`, with the first demo citizen signed
/// in by the code the portal texted, and synced.
fn signed_in_core(
    runtime: &tokio::runtime::Runtime,
    portal: &mut Portal,
    portal_url: &str,
    data: &tempfile::TempDir,
) -> OpenDvc {
    let citizen = portal.demo_accounts().citizens[0].clone();
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.portal_override = Some(portal_url.to_owned());
    options.token_vault = VaultChoice::File;
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.request_otp(&citizen.id_number))
        .expect("the portal texts a code");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    runtime
        .block_on(core.sign_in(&citizen.id_number, &otp))
        .expect("the citizen signs in");
    core
}

/// A passport application of the first demo citizen, waiting for its payment, submitted at the
/// portal; the core knows it after a sync.
fn passport_awaiting_payment(portal: &mut Portal) -> (Citizen, Uuid) {
    let citizen = Citizen::demo(portal, 0);
    let procedure = citizen
        .catalog()
        .items
        .into_iter()
        .find(|procedure| procedure.id == PASSPORT)
        .expect("the demo catalog has the passport");
    let application = citizen.submit_valid(&procedure);
    assert_eq!(
        application.status,
        ApplicationStatus::AwaitingPayment,
        "the passport is paid before processing starts"
    );
    (citizen, application.id)
}

/// Presses a button (`pay`, `cancel`, `fail`) on the sandbox bank's page the payment's
/// `redirectUrl` opens, as a person in the system browser would: the form posts the pay
/// request's query and the action.
fn press_on_bank_page(redirect_url: &str, action: &str) {
    let (page, query) = redirect_url
        .split_once('?')
        .expect("the bank's page carries the signed pay request");
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let shown = client.get(redirect_url).send().expect("the bank's page");
    assert_eq!(shown.status(), 200, "the sandbox bank shows its page");
    let pressed = client
        .post(page)
        .form(&[("query", query), ("action", action)])
        .send()
        .expect("the bank takes the button");
    assert_eq!(
        pressed.status(),
        303,
        "the bank sends the browser back to the portal's return page"
    );
}

fn portal_payments(citizen: &Citizen, application_id: Uuid) -> PaymentList {
    citizen
        .get(&format!("/v1/applications/{application_id}/payments"))
        .expect_json(200, "the citizen lists the application's payments")
}

#[test]
fn paid_through_the_sandbox_the_receipt_is_kept_and_shown_offline() {
    let mut portal = Portal::start(PortalOptions::default());
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("a proxy");
    let (_citizen, application_id) = passport_awaiting_payment(&mut portal);
    let core = signed_in_core(&runtime, &mut portal, &proxy.url(), &data);
    runtime.block_on(core.sync_now()).expect("the core syncs");

    let step = core
        .payment_step(application_id)
        .expect("the step from the cache");
    assert_eq!(step.stage, PaymentStage::Due, "the passport is to be paid");
    assert!(step.awaiting_payment);

    let payment = runtime
        .block_on(core.pay(application_id, PaymentMethod::Vnpay))
        .expect("the payment starts at the portal");
    assert_eq!(payment.status, PaymentStatus::Pending);
    assert_eq!(payment.amount, step.amount, "the amount the step showed");
    let redirect = payment
        .redirect_url
        .clone()
        .expect("an online payment opens the provider's page");
    press_on_bank_page(&redirect, "pay");

    // The provider's return page links to opendvc://payments/{id}: the app refreshes it.
    let paid = runtime
        .block_on(core.refresh_payment(payment.payment_id))
        .expect("the payment the deep link names");
    assert_eq!(paid.status, PaymentStatus::Paid, "the IPN confirmed it");
    let receipt = paid.receipt.expect("a paid payment carries its receipt");
    assert_eq!(receipt.amount, payment.amount);
    assert_eq!(receipt.procedure_id, PASSPORT);
    let step = core.payment_step(application_id).expect("the step");
    assert_eq!(step.stage, PaymentStage::Paid);
    assert!(
        !step.awaiting_payment,
        "the application moved on to received once paid, and the core has it"
    );

    proxy.set_unreachable(true);
    let receipts = core.receipts().expect("the wallet's receipts, offline");
    assert_eq!(receipts.len(), 1, "the receipt is kept on the device");
    assert_eq!(receipts[0].receipt.receipt_no, receipt.receipt_no);
    let offline_step = runtime
        .block_on(core.refresh_payments(application_id))
        .expect("offline, the cached step");
    assert_eq!(offline_step.stage, PaymentStage::Paid);
    assert_eq!(
        offline_step.online,
        Some(false),
        "the step says it is offline"
    );
}

#[test]
fn a_cancelled_payment_is_offered_again_and_paid_at_the_second_try() {
    let mut portal = Portal::start(PortalOptions::default());
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let (citizen, application_id) = passport_awaiting_payment(&mut portal);
    let url = portal.url();
    let core = signed_in_core(&runtime, &mut portal, &url, &data);
    runtime.block_on(core.sync_now()).expect("the core syncs");

    let first = runtime
        .block_on(core.pay(application_id, PaymentMethod::Vnpay))
        .expect("the first payment starts");
    press_on_bank_page(first.redirect_url.as_deref().expect("a page"), "cancel");
    let step = runtime
        .block_on(core.refresh_payments(application_id))
        .expect("the step refreshed");
    assert_eq!(step.stage, PaymentStage::Due, "cancelled: try again");
    assert_eq!(
        step.current.map(|payment| payment.status),
        Some(PaymentStatus::Failed)
    );

    let second = runtime
        .block_on(core.pay(application_id, PaymentMethod::Vnpay))
        .expect("trying again starts a new payment");
    assert_ne!(
        second.payment_id, first.payment_id,
        "a new payment, a new key"
    );
    press_on_bank_page(second.redirect_url.as_deref().expect("a page"), "pay");
    let paid = runtime
        .block_on(core.refresh_payment(second.payment_id))
        .expect("the second payment");
    assert_eq!(paid.status, PaymentStatus::Paid);
    assert_eq!(
        portal_payments(&citizen, application_id).payments.len(),
        2,
        "the cancelled payment and the paid one, nothing more"
    );
}

#[test]
fn a_payment_whose_answer_was_lost_is_started_once_however_often_it_is_retried() {
    let mut portal = Portal::start(PortalOptions::default());
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("a proxy");
    let (citizen, application_id) = passport_awaiting_payment(&mut portal);
    let core = signed_in_core(&runtime, &mut portal, &proxy.url(), &data);
    runtime.block_on(core.sync_now()).expect("the core syncs");

    // The portal starts the payment, the answer never reaches the device.
    proxy.set_plan(
        FaultPlan::pass_through()
            .scripted([Fault::LostResponse])
            .only_for(
                RequestFilter::path_prefix(&format!("/v1/applications/{application_id}/payments"))
                    .method("POST"),
            ),
    );
    let lost = runtime.block_on(core.pay(application_id, PaymentMethod::Counter));
    let error = lost.expect_err("the answer was lost");
    // The resident is told to try again with a connection; the payment's key is kept, since
    // the request may have arrived.
    assert_eq!(
        error.code(),
        CoreCode::PaymentNeedsConnection,
        "a lost answer reads as no connection"
    );

    proxy.set_plan(FaultPlan::pass_through());
    let retried = runtime
        .block_on(core.pay(application_id, PaymentMethod::Counter))
        .expect("the retry gets the first payment back");
    let at_portal = portal_payments(&citizen, application_id).payments;
    assert_eq!(
        at_portal.len(),
        1,
        "one payment, however often it was asked"
    );
    assert_eq!(at_portal[0].payment_id, retried.payment_id);
    let keys: Vec<_> = proxy
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST" && request.path().ends_with("/payments"))
        .filter_map(|request| request.header("idempotency-key").map(str::to_owned))
        .collect();
    assert_eq!(keys.len(), 2, "sent twice");
    assert_eq!(keys[0], keys[1], "with the same Idempotency-Key");
}

#[test]
fn offline_paying_needs_a_connection_and_nothing_is_kept_to_send_later() {
    let mut portal = Portal::start(PortalOptions::default());
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("a proxy");
    let (citizen, application_id) = passport_awaiting_payment(&mut portal);
    let core = signed_in_core(&runtime, &mut portal, &proxy.url(), &data);
    runtime.block_on(core.sync_now()).expect("the core syncs");

    proxy.set_unreachable(true);
    let error = runtime
        .block_on(core.pay(application_id, PaymentMethod::Vnpay))
        .expect_err("offline, nothing is paid");
    assert_eq!(error.code(), CoreCode::PaymentNeedsConnection);
    assert!(
        core.queue_items(true).expect("the queue").is_empty(),
        "no payment waits in the queue"
    );
    let step = core.payment_step(application_id).expect("the step");
    assert_eq!(
        step.stage,
        PaymentStage::Due,
        "the application stays ready to pay"
    );

    proxy.set_unreachable(false);
    runtime
        .block_on(core.sync_now())
        .expect("the core syncs again");
    assert!(
        portal_payments(&citizen, application_id)
            .payments
            .is_empty(),
        "back online, nothing was sent by itself"
    );
}
