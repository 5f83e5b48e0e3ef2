//! The app that lives with its resident (issue 18), in the real app under Xvfb: closing the
//! window keeps it in the system tray where notifications still arrive, "open at login" writes
//! the desktop's autostart entry, and every main screen still works at 200% text with high
//! contrast on a 360 px phone.
//!
//! Needs what `app_webdriver.rs` needs (tauri-driver, WebKitWebDriver, Xvfb, dunst, a built
//! `opendvc-app` with the UI in it, and `ui/node_modules` for axe-core).

use opendvc_api::{ApplicationStatus, TransitionRequest};
use opendvc_tests::fixtures::{Citizen, Officer};
use opendvc_tests::wait::{eventually, poll, wait_until};
use opendvc_tests::webdriver::{
    App, WAIT, aaa_contrast_problems, locale_text, main_screen_problems, main_screens, ui_text,
};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;
use std::time::Duration;

/// A procedure of the demo catalog, for the Apply screen.
const RENEWAL: &str = "id-card-renewal";

/// How long a status change may take to reach the app with its window closed: the event
/// stream, or at worst the periodic sync, on a slow machine.
const ARRIVAL_WAIT: Duration = Duration::from_secs(300);

/// Saves one of the device's choices on the settings screen and waits for "saved".
fn choose_on_settings(app: &App, selector: &str) {
    app.open("#/settings");
    app.click(selector);
    app.wait_for_text(&ui_text("vi", "ui-settings-saved"));
}

#[test]
fn closing_the_window_keeps_the_app_in_the_tray_where_notifications_arrive_until_the_setting_is_off()
 {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let target = citizen
        .applications()
        .into_iter()
        .find(|application| application.status == ApplicationStatus::SupplementRequested)
        .expect("the demo citizen has an application waiting for a supplement");
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    assert!(app.window_shown(), "the window is on screen after sign-in");

    let before = app.describe_app_windows();
    app.close_window_as_a_person_would();
    if poll(WAIT, || (!app.window_shown()).then_some(())).is_none() {
        panic!(
            "waited {WAIT:?} in vain for the window to be hidden; the app's windows before the \
             close: {before}; now: {}",
            app.describe_app_windows()
        );
    }
    assert!(
        app.app_running(),
        "closing the window keeps the app running (the tray is on by default)"
    );

    Officer::sign_in(&mut portal)
        .send(
            target.id,
            &TransitionRequest {
                to: Some(ApplicationStatus::Processing),
                delivery: None,
                note: Some("Hồ sơ đã đủ.".to_owned()),
            },
        )
        .expect_status(200, "the officer moves the application to processing");
    let title = locale_text("vi", "notify.ftl", "notify-status-title");
    let (titled, shown) = app.wait_for_desktop_notification(
        "the status notification with the window closed",
        &title,
        ARRIVAL_WAIT,
    );
    assert_eq!(
        titled, 1,
        "one status notification arrives while the window is closed: {shown:#?}"
    );
    assert!(
        !app.window_shown(),
        "a notification does not open the window by itself"
    );

    assert!(
        app.launch_again(),
        "a second launch hands over to the running app and ends"
    );
    wait_until(
        "the second launch to show the running app's window",
        WAIT,
        || app.window_shown(),
    );
    app.wait_until_loaded("the window shown again");

    // The setting off: closing the window quits, as on a shared device.
    choose_on_settings(&app, "input[name=\"keep-in-tray\"]");
    app.close_window_as_a_person_would();
    wait_until(
        "the app to quit when the window closes with the tray switched off",
        WAIT,
        || !app.app_running(),
    );
}

#[test]
fn open_at_login_writes_and_removes_the_desktops_autostart_entry() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    let entry = app.home_dir().join(".config/autostart/OpenDVC.desktop");
    assert!(!entry.exists(), "nothing opens at login until asked");

    choose_on_settings(&app, "input[name=\"open-at-login\"]");
    let written = eventually("the autostart entry to be written", WAIT, || {
        std::fs::read_to_string(&entry).ok()
    });
    assert!(
        written.contains("Exec=") && written.contains("opendvc-app"),
        "the entry starts this app:\n{written}"
    );

    // The notice "saved" is on screen already: the file itself says when the save is done.
    app.click("input[name=\"open-at-login\"]");
    wait_until(
        &format!("switching it off to remove {}", entry.display()),
        WAIT,
        || !entry.exists(),
    );
}

#[test]
fn every_main_screen_works_at_200_percent_text_with_high_contrast_on_a_360_px_phone() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let application = Citizen::sign_in(&mut portal, &person.id_number)
        .applications()
        .into_iter()
        .next()
        .expect("the demo citizen has an application");
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    let root_size = || {
        app.script(
            "return parseFloat(getComputedStyle(document.documentElement).fontSize);",
            json!([]),
        )
        .as_f64()
        .expect("a font size")
    };
    let system_size = root_size();

    choose_on_settings(&app, "input[name=\"text-size\"][value=\"200\"]");
    choose_on_settings(&app, "input[name=\"high-contrast\"]");
    // The first choice's "saved" may still be on screen: the page itself says when the second
    // one applies.
    app.wait_for(
        "the high-contrast theme to apply",
        "return document.documentElement.dataset.contrast === 'high';",
    );
    assert!(
        (root_size() - 2.0 * system_size).abs() < 0.5,
        "the text is twice its size: {} px, was {system_size} px",
        root_size()
    );

    let screens = main_screens(&application.id.to_string(), RENEWAL);
    let mut problems = main_screen_problems(&app, &screens, (360, 740), "text200-contrast-");
    problems.extend(aaa_contrast_problems(&app, &screens));
    assert!(
        problems.is_empty(),
        "{} problems at 200% text with high contrast (errors on screen, serious or critical \
         axe-core violations, pages wider than the screen, text below WCAG AAA contrast):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}
