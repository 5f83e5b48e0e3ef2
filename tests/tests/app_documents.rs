//! A hand-added document follows the resident to every device (issue 18), in the real app:
//! added on one data folder's wallet, it is uploaded through the queue, and the same resident
//! signing in on a second, fresh data folder finds it in that wallet.
//!
//! Needs what `app_webdriver.rs` needs: tauri-driver, WebKitWebDriver and Xvfb, and a built
//! `opendvc-app` with the UI in it (`cargo xtask test --only ui`, then
//! `cargo build -p opendvc-app -p opendvc-portal -p opendvc-cli`).

use opendvc_tests::fixtures::Citizen;
use opendvc_tests::wait::eventually;
use opendvc_tests::webdriver::{App, WAIT, screenshot_dir, ui_text};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;

const NUMBER: &str = "DN4480123456789";
const ISSUER: &str = "BHXH thành phố Đà Nẵng";

/// Scrolls the wallet's card of the added document into view and waits two animation frames,
/// after which a screenshot shows it.
fn show_added_card(app: &App) {
    app.script(
        "[...document.querySelectorAll('main li.card')]\
           .find((card) => card.textContent.includes(arguments[0])).scrollIntoView();",
        json!([NUMBER]),
    );
    app.wait_frames("two frames after scrolling");
}

#[test]
fn a_document_added_by_hand_on_one_device_is_in_the_wallet_on_a_second() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();

    let first = App::launch(&portal.url());
    first.sign_in(&portal, &person);
    first.open("#/documents");
    first.wait_until_loaded("the wallet");
    first.click_text("main button", &ui_text("vi", "ui-documents-add"));
    first.choose("#doc-kind", "health_insurance");
    first.fill("#doc-number", NUMBER);
    first.fill("#doc-issued", "2025-01-01");
    first.fill("#doc-expires", "2030-12-31");
    first.fill("#doc-issuer", ISSUER);
    first.submit_form_of("#doc-number");
    first.wait_for_text(&ui_text("vi", "ui-documents-added"));
    first.wait_for_text(NUMBER);
    show_added_card(&first);
    first.screenshot(&screenshot_dir().join("documents-added-first-device.png"));

    // The app's background sender uploads it; the portal's wallet then holds it.
    let observer = Citizen::sign_in(&mut portal, &person.id_number);
    eventually("the document in the portal's wallet", WAIT, || {
        observer
            .documents()
            .items
            .into_iter()
            .find(|document| document.number == NUMBER)
    });
    drop(first);

    let second = App::launch(&portal.url());
    second.sign_in(&portal, &person);
    second.open("#/documents");
    second.wait_until_loaded("the wallet on the second device");
    second.wait_for_text(NUMBER);
    let wallet = second.main_text();
    assert!(
        wallet.contains(&ui_text("vi", "ui-doc-kind-health-insurance")),
        "the second device names the document's kind: {wallet}"
    );
    assert_eq!(
        wallet.matches(NUMBER).count(),
        1,
        "listed once on the second device: {wallet}"
    );
    second.resize_and_settle(360, 800);
    second.wait_until_loaded("the wallet at 360 px");
    show_added_card(&second);
    second.screenshot(&screenshot_dir().join("documents-second-device-360x800.png"));
    let wide = second.script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1;",
        json!([]),
    );
    assert_eq!(
        wide,
        json!(false),
        "the wallet needs no sideways scrolling at 360 px"
    );
}
