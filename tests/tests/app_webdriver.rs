//! The real app in its real webview: `opendvc-app` driven through tauri-driver and
//! WebKitWebDriver under Xvfb, against a real demo portal (see `opendvc_tests::webdriver`).
//!
//! Each test starts its own portal, data folder, display and drivers. The apps of one run take
//! turns (one webview at a time), so the tests are safe to run in parallel threads.
//!
//! Needs tauri-driver, WebKitWebDriver and Xvfb, a built `opendvc-app` with the UI built into
//! it, and `ui/node_modules` for axe-core: `cd ui && npm ci && npm run build`, then
//! `cargo build --workspace --bins` (`cargo xtask test` does both).

use opendvc_api::{
    ApplicationStatus, ChannelChoice, DeliveryMethod, Feedback, FeedbackAnswer, FeedbackList,
    NotificationSettings, TransitionRequest,
};
use opendvc_tests::fault_proxy::{FaultPlan, FaultProxy, Rewrite};
use opendvc_tests::fixtures::{Citizen, Officer};
use opendvc_tests::wait::eventually;
use opendvc_tests::webdriver::{App, locale_text, main_screen_problems, main_screens, ui_text};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;
use std::time::Duration;

/// The procedure the demo citizen renews, and the unit and street the card is posted to: a
/// ward found by one of its former names, typed without diacritics, as people still write it.
const RENEWAL: &str = "id-card-renewal";
const FORMER_WARD_TYPED: &str = "khue my";
const WARD_CODE: &str = "20285";
const STREET: &str = "12 Lê Văn Hiến";

/// How long the app may take to find the portal again and send its queue: its periodic sync
/// plus the queue's back-off after the failed attempt, on a slow machine.
const ARRIVAL_WAIT: Duration = Duration::from_secs(300);

/// The lines of `opendvc-portal officer list` for `procedure_id` (the fourth column).
fn portal_applications_for(portal: &Portal, procedure_id: &str) -> Vec<String> {
    portal
        .officer(&["list"])
        .lines()
        .filter(|line| line.split('\t').nth(3) == Some(procedure_id))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_citizen_signs_in_through_the_ui_and_sees_the_applications() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.screenshots("signin");

    app.sign_in(&portal, &person);
    let held = Citizen::sign_in(&mut portal, &person.id_number).applications();
    assert!(!held.is_empty(), "the demo citizen has applications");

    app.open("#/applications");
    for application in &held {
        let link = format!("main a[href=\"#/applications/{}\"]", application.id);
        app.wait_for_element(&link);
        app.wait_for_text(&application.code);
    }
    assert_eq!(
        app.script(
            "return document.querySelectorAll('main a[href^=\"#/applications/\"]').length;",
            json!([])
        ),
        json!(held.len()),
        "the list shows the citizen's applications and no others"
    );
}

#[test]
fn an_id_card_renewal_by_post_made_offline_is_saved_and_arrives_once_when_the_portal_is_back() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    // The catalog is on the device after signing in; the person looks the procedure up once.
    app.open(&format!("#/services/{RENEWAL}"));
    let before = portal_applications_for(&portal, RENEWAL);

    portal.stop();

    // The task list, one task at a time, as a person goes through it.
    app.open(&format!("#/apply/{RENEWAL}"));
    app.click(&format!("main a[href=\"#/apply/{RENEWAL}/details\"]"));
    // Name, birth date and ID number are filled in from the profile; the reason is asked.
    app.wait_for_with(
        "the profile's ID number pre-filled",
        "const field = document.querySelector('#field-idNumber');\
         return field !== null && field.value === arguments[0];",
        json!([person.id_number]),
    );
    app.choose("#field-reason", "age");
    app.submit_form_of("#field-reason");

    // The old card comes from the wallet.
    app.click(&format!("main a[href=\"#/apply/{RENEWAL}/documents\"]"));
    app.wait_for(
        "the wallet's ID card chosen for the old card",
        "const choice = document.querySelector('input[type=\"radio\"][name=\"doc-old-card\"]');\
         return choice !== null && choice.checked;",
    );
    app.submit_form_of("#doc-old-card");

    // Home delivery: the post, then the two-tier address picker (city, then ward).
    app.click(&format!("main a[href=\"#/apply/{RENEWAL}/delivery\"]"));
    app.click("#delivery-post");
    app.choose("#address-province", "48");
    app.fill("#address-unit-search", FORMER_WARD_TYPED);
    app.click(&format!(
        "input[type=\"radio\"][name=\"address-unit\"][value=\"{WARD_CODE}\"]"
    ));
    app.fill("#delivery-street", STREET);
    app.screenshots("apply-delivery");
    app.submit_form_of("#delivery-street");

    // Check your answers, then send while the portal is down.
    app.wait_for_text(&ui_text("vi", "ui-check-declaration-title"));
    app.wait_for_text(STREET);
    app.screenshots("apply-check");
    app.click_text("main button", &ui_text("vi", "ui-check-submit"));
    app.wait_for_element("main .panel.saved");
    app.wait_for_text(&ui_text("vi", "ui-done-saved-title"));
    app.screenshots("apply-saved-offline");
    assert_eq!(
        portal_applications_for(&portal, RENEWAL),
        before,
        "nothing reached the portal while it was down"
    );

    portal.start_again();

    // The app finds the portal again by itself and sends the application, once.
    let arrived = eventually(
        "the renewal to reach the portal after it came back",
        ARRIVAL_WAIT,
        || {
            let now = portal_applications_for(&portal, RENEWAL);
            (now.len() > before.len()).then_some(now)
        },
    );
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let renewal = citizen
        .applications()
        .into_iter()
        .find(|application| application.procedure_id == RENEWAL)
        .expect("the citizen's renewal is on the portal");
    assert_eq!(
        renewal.delivery.method,
        DeliveryMethod::Post,
        "home delivery by post"
    );
    let address = renewal
        .delivery
        .address
        .clone()
        .expect("a delivery address")
        .address;
    assert_eq!(
        (address.unit_code.as_str(), address.street.as_str()),
        (WARD_CODE, STREET),
        "the ward picked by its former name and the street typed"
    );

    // The app shows it as sent: listed with the portal's code, nothing waiting on the device.
    app.open("#/applications");
    app.wait_for_element(&format!("main a[href=\"#/applications/{}\"]", renewal.id));
    app.wait_for_text(&renewal.code);
    app.wait_for_with(
        "the renewal's card without the waiting-to-send tag",
        "const link = document.querySelector(`main a[href=\"#/applications/${arguments[0]}\"]`);\
         return link !== null && link.closest('.card').querySelector('.tag-queue-queued') === null;",
        json!([renewal.id]),
    );
    app.open("#/queue");
    app.wait_for_text(&ui_text("vi", "ui-queue-empty"));

    // However often the app tried and synced meanwhile, the portal holds it exactly once.
    assert_eq!(
        portal_applications_for(&portal, RENEWAL).len(),
        before.len() + 1,
        "the renewal arrived exactly once: {arrived:?}"
    );
    assert_eq!(
        citizen
            .applications()
            .iter()
            .filter(|application| application.procedure_id == RENEWAL)
            .count(),
        1,
        "the citizen has exactly one renewal"
    );
}

/// Markup a hostile or broken portal might serve. Two variants: an alert (which would block
/// the WebDriver session with an open dialog) and a flag the test reads.
const HOSTILE_NAME: &str = "<img src=x onerror=window.__xss=1>";
const HOSTILE_NOTE: &str = "<img src=x onerror=alert(1)> <img src=x onerror=window.__xss=1>";

/// Asserts that `text` is on screen as text, that no `img` element exists in `main`, and
/// that no injected handler ran.
fn assert_shown_as_text(app: &App, screen: &str, text: &str) {
    app.wait_for_text(text);
    assert_eq!(
        app.script(
            "return document.querySelectorAll('main img').length;",
            json!([])
        ),
        json!(0),
        "{screen}: the server's markup created no img element"
    );
    assert_eq!(
        app.script("return window.__xss === undefined;", json!([])),
        json!(true),
        "{screen}: no onerror handler from the server's markup ran"
    );
}

#[test]
fn markup_from_the_portal_in_a_procedure_name_and_a_timeline_note_shows_as_text() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let target = citizen
        .applications()
        .into_iter()
        .find(|application| application.status == ApplicationStatus::SupplementRequested)
        .expect("the demo citizen has an application waiting for a supplement");
    // The note goes in the way an officer writes it; the name comes from a portal whose
    // catalog and applications carry markup (the proxy rewrites its JSON answers).
    portal.officer(&[
        "transition",
        &target.code,
        "--to",
        "processing",
        "--note",
        HOSTILE_NOTE,
    ]);
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through())
        .expect("the rewriting proxy starts");
    proxy.set_rewrites(vec![Rewrite::new(&target.procedure_name.vi, HOSTILE_NAME)]);

    let app = App::launch(&proxy.url());
    app.sign_in(&portal, &person);

    app.open("#/applications");
    assert_shown_as_text(&app, "the application list", HOSTILE_NAME);
    app.open(&format!("#/applications/{}", target.id));
    assert_shown_as_text(&app, "the application's page", HOSTILE_NAME);
    assert_shown_as_text(&app, "the application's timeline", HOSTILE_NOTE);
    app.screenshots("xss-application");
    app.open("#/services");
    assert_shown_as_text(&app, "the services list", HOSTILE_NAME);
    app.open(&format!("#/services/{}", target.procedure_id));
    assert_shown_as_text(&app, "the procedure's page", HOSTILE_NAME);
    app.open("#/inbox");
    app.click_text("main button.card-button", &target.code);
    assert_shown_as_text(&app, "the inbox message", HOSTILE_NOTE);
}

#[test]
fn every_main_screen_renders_without_errors_serious_axe_violations_or_sideways_scrolling() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let application = Citizen::sign_in(&mut portal, &person.id_number)
        .applications()
        .into_iter()
        .next()
        .expect("the demo citizen has an application");
    let app = App::launch(&portal.url());

    // Every problem of every screen is collected first, so one run shows them all.
    let mut problems = Vec::new();
    // The probe itself works in this webview: a field without a label is found.
    app.script(
        "const field = document.createElement('input'); field.id = 'e2e-unlabelled';\
         document.querySelector('main').append(field);",
        json!([]),
    );
    let planted = app.serious_accessibility_violations();
    assert!(
        planted
            .iter()
            .any(|violation| violation.starts_with("label ")),
        "axe-core finds a planted field without a label: {planted:?}"
    );
    app.script(
        "document.getElementById('e2e-unlabelled').remove();",
        json!([]),
    );
    problems.extend(
        app.serious_accessibility_violations()
            .into_iter()
            .map(|violation| format!("[signin] {violation}")),
    );
    app.sign_in(&portal, &person);
    problems.extend(main_screen_problems(
        &app,
        &main_screens(&application.id.to_string(), RENEWAL),
        (390, 844),
        "",
    ));
    assert!(
        problems.is_empty(),
        "{} problems (errors on screen, serious or critical axe-core violations, pages wider \
         than a phone):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn the_language_changes_to_english_and_indonesian_from_settings() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    for lang in ["en", "id"] {
        app.open("#/settings");
        app.click(&format!("input[name=\"language\"][value=\"{lang}\"]"));
        app.wait_for_text(&ui_text(lang, "ui-settings-saved"));
        app.wait_for_with(
            &format!("the page in {lang}"),
            "return document.documentElement.lang === arguments[0] \
             && document.querySelector('main h1').innerText === arguments[1];",
            json!([lang, ui_text(lang, "ui-settings-title")]),
        );
        app.open("#/applications");
        app.wait_for_text(&ui_text(lang, "ui-applications-title"));
        app.screenshots(&format!("applications-{lang}"));
    }
}

#[test]
fn an_officers_status_change_shows_as_a_desktop_notification_and_in_the_inbox() {
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
    app.open("#/inbox");
    let unread_before = app.script(
        "return document.querySelectorAll('main .card.unread').length;",
        json!([]),
    );

    let note = "Hồ sơ đã đủ, chúng tôi đang xử lý.";
    Officer::sign_in(&mut portal)
        .send(
            target.id,
            &TransitionRequest {
                to: Some(ApplicationStatus::Processing),
                delivery: None,
                note: Some(note.to_owned()),
            },
        )
        .expect_status(200, "the officer moves the application to processing");

    // The screen stays open: the change arrives by itself (event stream or periodic sync).
    app.wait_for_with(
        "a new unread message in the inbox",
        "return document.querySelectorAll('main .card.unread').length > arguments[0];",
        json!([unread_before]),
    );
    app.click_text("main .card.unread button.card-button", &target.code);
    app.wait_for_text(note);
    app.wait_for_text(&ui_text("vi", "ui-status-processing"));
    app.screenshots("inbox-status-change");

    // The desktop got one notification of it, in the person's language.
    let title = locale_text("vi", "notify.ftl", "notify-status-title");
    let shown = eventually("the desktop notification", ARRIVAL_WAIT, || {
        let shown = app.desktop_notifications();
        (!shown.is_empty()).then_some(shown)
    });
    let about_it: Vec<_> = shown
        .iter()
        .filter(|notification| notification.summary == title)
        .collect();
    assert_eq!(about_it.len(), 1, "one status notification: {shown:#?}");
}

#[test]
fn status_sms_switched_off_on_the_notification_settings_screen_is_what_the_portal_holds() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    app.open("#/settings");
    app.click("main a[href=\"#/settings/notifications\"]");
    app.wait_until_loaded("the notification settings");
    app.wait_for_element("main input[name=\"status-sms\"]");
    assert_eq!(
        app.script(
            "return document.querySelector('main input[name=\"status-sms\"]').checked;",
            json!([])
        ),
        json!(true),
        "status notices go by SMS until the resident says otherwise"
    );
    app.screenshots_at("notification-settings-form", &[(360, 800), (1280, 800)]);
    let overflow = app.script(
        "const root = document.documentElement; return root.scrollWidth - root.clientWidth;",
        json!([]),
    );
    app.resize_and_settle(360, 800);
    let narrow_overflow = app.script(
        "const root = document.documentElement; return root.scrollWidth - root.clientWidth;",
        json!([]),
    );
    assert_eq!(
        (overflow.as_i64(), narrow_overflow.as_i64()),
        (Some(0), Some(0)),
        "the screen is no wider than the window at 1280 px and at 360 px"
    );
    assert_eq!(
        app.serious_accessibility_violations(),
        Vec::<String>::new(),
        "no serious or critical axe-core violation at 360 px"
    );

    app.click("main input[name=\"status-sms\"]");
    app.click("main form button[type=\"submit\"]");
    app.wait_for_text(&ui_text("vi", "ui-notify-saved"));

    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let held: NotificationSettings = citizen
        .api
        .get("/v1/me/notification-settings")
        .bearer(&citizen.access_token)
        .send()
        .expect_json(200, "the citizen reads their notification settings");
    assert_eq!(
        held,
        NotificationSettings {
            status: ChannelChoice {
                sms: false,
                ..ChannelChoice::ALL
            },
            ..NotificationSettings::default()
        },
        "the portal holds status SMS off and everything else as it was"
    );
}

/// What the resident writes, and what the agency answers, in the feedback test.
const FEEDBACK_TEXT: &str = "Rác chất đống ở góc kiệt 45 Lê Văn Hiến từ ba ngày nay";
const FEEDBACK_ANSWER: &str = "Sở đã yêu cầu đội vệ sinh thu gom trong sáng mai.";
/// The demo officer of the agency that feedback about the environment without a ward goes to.
const ENVIRONMENT_OFFICER: (&str, &str) = ("CB-SNNMT-01", "demo-officer-2026");

fn portal_feedback_with_text(citizen: &Citizen, text: &str) -> Vec<Feedback> {
    let list: FeedbackList = citizen
        .get("/v1/feedback")
        .expect_json(200, "the resident's feedback");
    list.items
        .into_iter()
        .filter(|item| item.description == text)
        .collect()
}

#[test]
fn feedback_written_offline_arrives_once_and_its_answer_shows_with_a_notification_and_is_rated() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    // The form fetches the services once; from then on they are on the device.
    app.open("#/feedback/new");
    app.wait_for_element("#feedback-category");

    portal.stop();

    app.open("#/feedback");
    app.open("#/feedback/new");
    app.wait_for_element("input[name=\"feedback-category\"][value=\"environment\"]");
    app.click("input[name=\"feedback-category\"][value=\"environment\"]");
    app.fill("#feedback-description", FEEDBACK_TEXT);
    app.click("input[name=\"feedback-place\"][value=\"point\"]");
    app.fill("#feedback-lat", "16.0544");
    app.fill("#feedback-long", "108.2022");
    app.screenshots("feedback-form");
    app.submit_form_of("#feedback-description");
    app.wait_for_text(&ui_text("vi", "ui-feedback-filed-saved"));
    app.wait_for_element("main .tag-queue-queued");
    app.screenshots("feedback-waiting-to-send");

    portal.start_again();

    // The app finds the portal again by itself and sends the feedback, once.
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let item = eventually(
        "the feedback to reach the portal after it came back",
        ARRIVAL_WAIT,
        || {
            portal_feedback_with_text(&citizen, FEEDBACK_TEXT)
                .into_iter()
                .next()
        },
    );
    assert_eq!(
        (
            item.place.as_ref().and_then(|place| place.lat),
            item.place.as_ref().and_then(|place| place.long)
        ),
        (Some(16.0544), Some(108.2022)),
        "the point typed on the device"
    );

    // The agency's officer answers through the officer API.
    let officer = portal
        .staff_token(ENVIRONMENT_OFFICER.0, ENVIRONMENT_OFFICER.1)
        .access_token;
    portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/answer", item.id))
        .bearer(&officer)
        .fresh_idempotency_key()
        .json(&FeedbackAnswer {
            text: FEEDBACK_ANSWER.to_owned(),
            photo: None,
            resolved: false,
        })
        .send()
        .expect_status(200, "the officer answers the feedback");

    // The item's page shows the answer once it arrives (event stream or periodic sync).
    app.open(&format!("#/feedback/{}", item.id));
    app.wait_for_text(FEEDBACK_ANSWER);
    app.wait_for_text(&ui_text("vi", "ui-feedback-status-answered"));
    app.screenshots("feedback-answered");

    // The desktop got one notification of the answer, in the person's language.
    let title = locale_text("vi", "notify.ftl", "notify-feedback-title");
    let (titled, shown) = app.wait_for_desktop_notification(
        "the desktop notification of the answer",
        &title,
        ARRIVAL_WAIT,
    );
    assert_eq!(titled, 1, "one notification of the answer: {shown:#?}");

    // The resident rates the answer.
    app.click_text("main button", &ui_text("vi", "ui-feedback-rate"));
    app.click("#feedback-stars-5");
    app.fill("#feedback-rating-comment", "Trả lời nhanh");
    app.submit_form_of("#feedback-rating-comment");
    let rated = eventually("the rating to reach the portal", ARRIVAL_WAIT, || {
        portal_feedback_with_text(&citizen, FEEDBACK_TEXT)
            .into_iter()
            .find_map(|item| item.rating)
    });
    assert_eq!(rated.stars, 5, "five stars, as chosen");

    // However often the app tried and synced meanwhile, the portal holds it exactly once.
    assert_eq!(
        portal_feedback_with_text(&citizen, FEEDBACK_TEXT).len(),
        1,
        "the feedback arrived exactly once"
    );
}
