//! Drafts that survive (issue 18) in the real app: a resident starts two applications, types,
//! closes OpenDVC and opens it again on the same data folder; Home lists both drafts with
//! their procedure and when they were last changed, and one resumes with what was typed.
//!
//! Needs what `app_webdriver.rs` needs: tauri-driver, WebKitWebDriver and Xvfb, and a built
//! `opendvc-app` with the UI in it (`cargo xtask test --only ui`, then
//! `cargo build -p opendvc-app -p opendvc-portal -p opendvc-cli`).

use opendvc_tests::wait::eventually;
use opendvc_tests::webdriver::{App, WAIT, screenshot_dir, ui_text};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;

const BIRTH: &str = "birth-registration";
const PASSPORT: &str = "passport-issuance";
const CHILD: &str = "Nguyễn Minh An";
const FATHER: &str = "Nguyễn Văn Bình";
const PLACE: &str = "Bệnh viện Phụ sản - Nhi Đà Nẵng";

/// How many drafts Home lists, once it has loaded.
fn drafts_on_home(app: &App) -> u64 {
    app.open("#/");
    app.script(
        "return document.querySelectorAll('main li[data-draft]').length;",
        json!([]),
    )
    .as_u64()
    .unwrap_or_default()
}

/// Opens `procedure`'s details page and waits for its first field.
fn open_details(app: &App, procedure: &str, field: &str) {
    app.open(&format!("#/apply/{procedure}"));
    app.click(&format!("main a[href=\"#/apply/{procedure}/details\"]"));
    app.wait_for_element(field);
}

#[test]
fn a_draft_typed_before_the_app_was_closed_is_listed_on_home_and_resumed_as_typed() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);

    open_details(&app, BIRTH, "#field-childName");
    app.fill("#field-childName", CHILD);
    app.fill("#field-fatherName", FATHER);
    open_details(&app, PASSPORT, "#field-placeOfBirth");
    app.fill("#field-placeOfBirth", PLACE);
    // Leaving the page saves the draft at once; Home then lists both.
    eventually("both drafts on Home", WAIT, || {
        (drafts_on_home(&app) == 2).then_some(())
    });

    let app = app.relaunch(&portal.url());
    app.wait_for(
        "the home screen after the restart",
        "return performance.getEntriesByName('opendvc:dashboard-rendered').length > 0;",
    );
    app.wait_until_loaded("home");
    // The drafts come with the dashboard in the start state; a start without them (a page
    // from a development server) reads them a moment after the dashboard shows.
    eventually(
        "both started applications listed on Home after the app was closed",
        WAIT,
        || (drafts_on_home(&app) == 2).then_some(()),
    );
    let listed = app.main_text();
    assert!(
        listed.contains(&ui_text("vi", "ui-home-draft-resume")),
        "each draft can be resumed: {listed}"
    );
    app.resize_and_settle(360, 800);
    app.wait_until_loaded("home at 360 px");
    app.screenshot(&screenshot_dir().join("home-two-drafts-360x800.png"));
    let wide = app.script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1;",
        json!([]),
    );
    assert_eq!(
        wide,
        json!(false),
        "Home with drafts needs no sideways scrolling at 360 px"
    );

    // The birth registration resumes on its task list, with what was typed.
    app.script(
        "const card = [...document.querySelectorAll('li[data-draft]')]\
           .find((item) => item.textContent.includes(arguments[0]));\
         card.querySelector('button:not(.secondary)').click();",
        json!(["Đăng ký khai sinh"]),
    );
    app.wait_for_with(
        "the birth registration's task list",
        "return location.hash === arguments[0];",
        json!([format!("#/apply/{BIRTH}")]),
    );
    app.wait_until_loaded("the task list");
    app.click(&format!("main a[href=\"#/apply/{BIRTH}/details\"]"));
    for (field, typed) in [("#field-childName", CHILD), ("#field-fatherName", FATHER)] {
        app.wait_for_with(
            &format!("{field} as it was typed"),
            "const field = document.querySelector(arguments[0]);\
             return field !== null && field.value === arguments[1];",
            json!([field, typed]),
        );
    }
}
