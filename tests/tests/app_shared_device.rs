//! Shared devices in the real app: a DVC agent at a post office and a volunteer at an outreach
//! event drive `opendvc-app` in its webview (tauri-driver, WebKitWebDriver, Xvfb) against a
//! real demo portal. Citizens served one after another leave nothing of themselves on the
//! device or in the webview, receipts carry a QR code a camera reads, and work saved offline
//! at an event arrives once each when the portal is back.
//!
//! The app runs with a home folder of its own (see `App::launch_with`), so a scan of its data
//! folder and its home folder covers everything it and its webview wrote to disk.

use std::path::Path;
use std::time::Duration;

use opendvc_api::{ApplicationStatus, DemoCitizen, StaffKind};
use opendvc_tests::fault_proxy::{FaultPlan, FaultProxy};
use opendvc_tests::fixtures::{Citizen, Officer, staff_of};
use opendvc_tests::traces::{files_containing, identifiers};
use opendvc_tests::wait::eventually;
use opendvc_tests::webdriver::{App, ui_text};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;

/// The renewal the agent files for the first citizen, and where the card is posted.
const RENEWAL: &str = "id-card-renewal";
const PROVINCE_CODE: &str = "48";
const FORMER_WARD_TYPED: &str = "khue my";
const WARD_CODE: &str = "20285";
const STREET: &str = "12 Lê Văn Hiến";

/// What the volunteers file at the event: a first ID card, with no papers required.
const ISSUANCE: &str = "id-card-issuance";

/// How long the app may take to find the portal again and send its queue.
const ARRIVAL_WAIT: Duration = Duration::from_secs(600);

/// Everything the app wrote to disk that holds one of `needles`: its data folder, and its
/// home folder, where WebKit would keep a webview's storage and caches.
fn traces_on_device(app: &App, needles: &[String]) -> Vec<(String, String)> {
    let mut found = files_containing(&app.data_dir(), needles);
    found.extend(files_containing(&app.home_dir(), needles));
    found
}

/// Signs a staff member in through the staff sign-in screen; an `event` is name, unit code.
fn staff_sign_in(app: &App, code: &str, password: &str, event: Option<(&str, &str)>) {
    app.open("#/staff");
    app.fill("#staff-code", code);
    app.fill("#staff-password", password);
    if let Some((name, _)) = event {
        app.click("#staff-where-event");
        app.fill("#event-name", name);
        app.choose("#address-province", PROVINCE_CODE);
    }
    if let Some((_, unit)) = event {
        app.click(&format!(
            "input[type=\"radio\"][name=\"address-unit\"][value=\"{unit}\"]"
        ));
    }
    app.submit_form_of("#staff-code");
    app.wait_for_text(&ui_text("vi", "ui-staff-serve"));
    app.wait_until_loaded("the staff home");
}

/// Opens an assisted session through the "serve a citizen" screen: with the code the portal
/// texted to the citizen, or with a paper consent reference.
fn serve(app: &App, portal: &Portal, citizen: &DemoCitizen, paper: Option<&str>) {
    app.open("#/serve");
    app.fill("#citizen-id", &citizen.id_number);
    match paper {
        Some(reference) => {
            app.click("#consent-by-paper");
            app.fill("#consent-reference", reference);
            app.submit_form_of("#citizen-id");
        }
        None => {
            app.click("#consent-by-otp");
            app.submit_form_of("#citizen-id");
            app.wait_for_element("#consent-otp");
            app.fill("#consent-otp", &portal.latest_code_sent_to(&citizen.phone));
            app.submit_form_of("#consent-otp");
        }
    }
    app.wait_for_element(".session-banner");
    app.wait_until_loaded("the session's first screen");
}

/// Ends the open session from its banner (with the confirmation) and waits for the staff
/// home the app reloads on.
fn end_session(app: &App) {
    app.click(".session-banner .session-end");
    app.click(".session-banner .confirm .button.warning");
    app.wait_for_text(&ui_text("vi", "ui-staff-ended-title"));
    app.wait_until_loaded("the staff home after the session");
}

/// Fails with every serious or critical axe-core finding on the screen now.
fn assert_accessible(app: &App, screen: &str) {
    let violations = app.serious_accessibility_violations();
    assert!(
        violations.is_empty(),
        "[{screen}] accessibility problems:\n{}",
        violations.join("\n\n")
    );
}

/// The whole page as markup, for checking what it holds (also what is not visible).
fn page_markup(app: &App) -> String {
    app.script("return document.documentElement.outerHTML;", json!([]))
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// What the QR codes visible in the element `selector` hold, read off a screenshot.
fn qr_codes_shown_in(app: &App, selector: &str) -> Vec<String> {
    app.script(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
        json!([selector]),
    );
    app.wait_for(
        "the page to settle after scrolling",
        "if (window.__settled === undefined) {\
           window.__settled = false;\
           requestAnimationFrame(() => requestAnimationFrame(() => { window.__settled = true; }));\
         }\
         if (window.__settled) { delete window.__settled; return true; }\
         return false;",
    );
    let rect = app.script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();\
         const scale = window.devicePixelRatio || 1;\
         return [r.left * scale, r.top * scale, r.width * scale, r.height * scale];",
        json!([selector]),
    );
    let number = |index: usize| rect[index].as_f64().unwrap_or(0.0).max(0.0) as usize;
    let (left, top, width, height) = (number(0), number(1), number(2), number(3));
    let (screen_width, screen_height, pixels) = app.screenshot_grey();
    // A quiet margin around the code, as a camera would see it on paper.
    let margin = 24;
    let x0 = left.saturating_sub(margin);
    let y0 = top.saturating_sub(margin);
    let x1 = (left + width + margin).min(screen_width);
    let y1 = (top + height + margin).min(screen_height);
    assert!(x1 > x0 && y1 > y0, "the QR code is on screen: {rect}");
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(x1 - x0, y1 - y0, |x, y| {
        pixels[(y0 + y) * screen_width + x0 + x]
    });
    image
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

/// Exports the tally as a person does (the export button, then the download link) and returns
/// the file that lands on the device.
fn download_tally_csv(app: &App) -> String {
    app.click_text("main button", &ui_text("vi", "ui-staff-tally-csv"));
    app.click("#tally-csv-download");
    let name = app
        .script(
            "return document.querySelector('#tally-csv-download').getAttribute('download');",
            json!([]),
        )
        .as_str()
        .expect("the link names its file")
        .to_owned();
    eventually("the CSV file downloaded", Duration::from_secs(60), || {
        find_file(&app.home_dir(), &name).and_then(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            text.contains("people_helped").then_some(text)
        })
    })
}

/// The first file named `name` under `dir`.
fn find_file(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|file| file == name) {
                return Some(path);
            }
        }
    }
    None
}

#[test]
fn an_agent_serves_two_citizens_one_after_another_and_the_first_leaves_no_trace() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let (first, second) = (citizens[0].clone(), citizens[1].clone());
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let app = App::launch(&portal.url());
    app.open("#/staff");
    app.screenshots("staff-signin");
    assert_accessible(&app, "staff sign-in");

    staff_sign_in(&app, &code, &password, None);
    app.screenshots("staff-home");
    assert_accessible(&app, "staff home");
    app.open("#/serve");
    assert_accessible(&app, "serve a citizen");

    // The first citizen consents with the code texted to their phone.
    serve(&app, &portal, &first, None);
    app.wait_for_text(&first.name);
    let banner = app
        .script(
            "return document.querySelector('.session-banner').innerText;",
            json!([]),
        )
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !banner.contains(&first.name) && !banner.contains(&first.id_number),
        "the banner names the citizen by initials only: {banner}"
    );
    assert!(
        banner.contains(':'),
        "the banner shows the time the session has left: {banner}"
    );
    app.screenshots("assisted-home");
    assert_accessible(&app, "assisted session home with its banner");

    // An ID card renewal, posted home: at a post office the post is offered first.
    app.open(&format!("#/apply/{RENEWAL}"));
    app.click(&format!("main a[href=\"#/apply/{RENEWAL}/details\"]"));
    app.wait_for_with(
        "the citizen's ID number pre-filled",
        "const field = document.querySelector('#field-idNumber');\
         return field !== null && field.value === arguments[0];",
        json!([first.id_number]),
    );
    app.choose("#field-reason", "age");
    app.submit_form_of("#field-reason");
    app.click(&format!("main a[href=\"#/apply/{RENEWAL}/documents\"]"));
    app.wait_for(
        "the wallet's ID card chosen",
        "const choice = document.querySelector('input[type=\"radio\"][name=\"doc-old-card\"]');\
         return choice !== null && choice.checked;",
    );
    app.submit_form_of("#doc-old-card");
    app.click(&format!("main a[href=\"#/apply/{RENEWAL}/delivery\"]"));
    assert_eq!(
        app.script(
            "return document.querySelector('input[name=\"delivery-method\"]').value;",
            json!([])
        ),
        json!("post"),
        "at a post office, delivery by post is the first choice offered"
    );
    app.click("#delivery-post");
    app.choose("#address-province", PROVINCE_CODE);
    app.fill("#address-unit-search", FORMER_WARD_TYPED);
    app.click(&format!(
        "input[type=\"radio\"][name=\"address-unit\"][value=\"{WARD_CODE}\"]"
    ));
    app.fill("#delivery-street", STREET);
    app.screenshots("assisted-delivery");
    app.submit_form_of("#delivery-street");
    app.wait_for_text(&ui_text("vi", "ui-check-declaration-title"));
    app.click_text("main button", &ui_text("vi", "ui-check-submit"));
    app.wait_for_element("#open-receipt");

    // The receipt: the code, and a QR code a phone's camera reads back to it.
    app.click("#open-receipt");
    app.wait_for_element(".receipt-code");
    app.wait_for(
        "the QR code drawn",
        "const image = document.querySelector('.receipt-qr img');\
         return image !== null && image.complete && image.naturalWidth > 0;",
    );
    let application_code = app
        .script(
            "return document.querySelector('.receipt-code').dataset.applicationCode;",
            json!([]),
        )
        .as_str()
        .expect("the receipt shows the application code")
        .to_owned();
    let filed = Citizen::sign_in(&mut portal, &first.id_number)
        .applications()
        .into_iter()
        .find(|application| application.code == application_code)
        .expect("the receipt's code is an application of the citizen at the portal");
    assert_eq!(filed.procedure_id, RENEWAL);
    assert!(
        filed
            .submitted_by
            .as_ref()
            .is_some_and(|by| by.staff_code == code),
        "the portal records the agent with the submission: {:?}",
        filed.submitted_by
    );
    app.screenshots("receipt");
    assert_accessible(&app, "receipt");
    let scanned = qr_codes_shown_in(&app, ".receipt-qr img");
    let status_page = format!("{}/s/{application_code}", portal.url());
    assert!(
        scanned.contains(&status_page),
        "the receipt's QR code reads back to the status page of its application, \
         {status_page}: {scanned:?}"
    );

    // A status change while the citizen is still here: the notification names nobody.
    Officer::sign_in(&mut portal).transition(filed.id, ApplicationStatus::Processing);
    let shown = eventually(
        "a desktop notification of the status change",
        Duration::from_secs(120),
        || Some(app.desktop_notifications()).filter(|shown| !shown.is_empty()),
    );
    for notification in &shown {
        let text = format!("{} {}", notification.summary, notification.body);
        for secret in identifiers(&first)
            .into_iter()
            .chain([application_code.clone()])
        {
            assert!(
                !text.contains(&secret),
                "a notification on a shared device names nothing of the citizen: {text}"
            );
        }
    }

    assert!(
        !traces_on_device(&app, &identifiers(&first)).is_empty(),
        "while the session is open the citizen's data is on the device (the scan finds it)"
    );
    end_session(&app);
    app.screenshots("staff-session-ended");
    let leftovers = traces_on_device(&app, &identifiers(&first));
    assert!(
        leftovers.is_empty(),
        "after the session ends, nothing on the device holds the first citizen's ID number, \
         name or phone: {leftovers:?}"
    );
    let tally = app.main_text();
    assert!(
        tally.contains(&application_code) && !tally.contains(&first.name),
        "the agent's day lists the application code, never the name:\n{tally}"
    );
    let csv = download_tally_csv(&app);
    assert!(
        csv.contains(",*,,1,0,0") && !csv.contains(&application_code),
        "the day's CSV counts one sent submission and lists no application code: {csv}"
    );

    // The second citizen, on a paper consent: the session may submit but reads nothing of
    // them, and says so; none of their screens shows the first.
    serve(&app, &portal, &second, Some("GIAYUQ-2026-100002"));
    app.wait_for_text(&ui_text("vi", "ui-session-paper-title"));
    let banner = app.script(
        "return document.querySelector('.session-banner').innerText;",
        json!([]),
    );
    assert!(
        banner
            .as_str()
            .is_some_and(|text| text.contains(&ui_text("vi", "ui-session-paper-note"))),
        "the session banner says a paper session submits but reads nothing: {banner}"
    );
    assert!(
        !app.main_text().contains(&second.name),
        "a paper session shows nothing read from the citizen's records"
    );
    app.screenshots("paper-session");
    assert_accessible(&app, "paper session");
    let first_citizens_data: Vec<String> = identifiers(&first)
        .into_iter()
        .chain([application_code.clone()])
        .collect();
    for route in [
        "#/",
        "#/applications",
        "#/documents",
        "#/inbox",
        "#/queue",
        "#/services",
        &format!("#/applications/{}", filed.id),
        &format!("#/receipt/{}", filed.id),
    ] {
        app.open(route);
        let markup = page_markup(&app);
        for secret in &first_citizens_data {
            assert!(
                !markup.contains(secret.as_str()),
                "the second citizen's screen {route} shows nothing of the first ({secret})"
            );
        }
    }

    // The app being closed (here by the system, as at logout) ends the session too.
    assert!(
        !traces_on_device(&app, &identifiers(&second)).is_empty(),
        "the second citizen's session holds their data"
    );
    app.terminate_app();
    let leftovers = traces_on_device(&app, &identifiers(&second));
    assert!(
        leftovers.is_empty(),
        "after the app is closed, nothing holds the second citizen's identifiers: {leftovers:?}"
    );
}

/// Fills in and sends a first ID card application in an offline session, as the volunteer
/// types it from the citizen's papers, and waits for "saved on this device".
fn file_offline(app: &App, citizen: &DemoCitizen) {
    app.open(&format!("#/apply/{ISSUANCE}/details"));
    app.fill("#field-fullName", &citizen.name);
    app.fill("#field-birthDate", "2012-05-17");
    app.fill("#field-idNumber", &citizen.id_number);
    // The card a fourteen-year-old holds before their first one: none (it decides the fee
    // case, the free first card).
    app.choose("#field-priorDocument", "none");
    app.submit_form_of("#field-fullName");
    // Saving the details waits for the core's check, then goes back to the task list; the
    // volunteer opens the next task from there, as the screen invites.
    app.wait_for_with(
        "the task list after saving the details",
        "return location.hash === arguments[0];",
        json!([format!("#/apply/{ISSUANCE}")]),
    );
    app.wait_until_loaded("the task list");
    app.open(&format!("#/apply/{ISSUANCE}/documents"));
    app.submit_form_of("#doc-old-cmnd");
    app.open(&format!("#/apply/{ISSUANCE}/delivery"));
    app.click("#delivery-counter");
    app.submit_form_of("#delivery-counter");
    app.wait_for_text(&ui_text("vi", "ui-check-declaration-title"));
    app.click_text("main button", &ui_text("vi", "ui-check-submit"));
    app.wait_for_element("main .panel.saved");
}

/// The number shown for one of the tally's totals (`people`, `sent`, `waiting` …).
fn tally_total(app: &App, which: &str) -> Option<u64> {
    app.try_script(
        "const cell = document.querySelector(`[data-tally=\"${arguments[0]}\"]`);\
         return cell === null ? null : Number(cell.innerText);",
        json!([which]),
    )
    .and_then(|value| value.as_u64())
}

#[test]
fn an_outreach_event_of_thirty_citizens_offline_arrives_once_each_when_the_portal_is_back() {
    const PEOPLE: usize = 30;
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let (code, password) = staff_of(&mut portal, StaffKind::Volunteer);
    let before: Vec<usize> = (0..citizens.len())
        .map(|index| Citizen::demo(&mut portal, index).applications().len())
        .collect();
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let app = App::launch_with(
        &proxy.url(),
        // The volunteers are at the device all along; only the wait for the portal at the end
        // is long enough to lock it otherwise.
        &[("OPENDVC_AUTO_LOCK_SECONDS", "3600")],
    );
    staff_sign_in(
        &app,
        &code,
        &password,
        Some(("Ngày hội dịch vụ công gần dân", WARD_CODE)),
    );

    // The commune hall has no connection all day.
    proxy.set_unreachable(true);
    for person in 0..PEOPLE {
        let citizen = &citizens[person % citizens.len()];
        serve(
            &app,
            &portal,
            citizen,
            Some(&format!("GIAYUQ-2026-2{person:05}")),
        );
        file_offline(&app, citizen);
        end_session(&app);
    }
    app.wait_for_with(
        "the tally of thirty people, all waiting",
        "return [...document.querySelectorAll('[data-tally]')]\
           .map((cell) => cell.dataset.tally + '=' + cell.innerText).join(' ') === arguments[0];",
        json!([format!(
            "people={PEOPLE} submissions={PEOPLE} sent=0 waiting={PEOPLE} attention=0"
        )]),
    );
    app.screenshots("event-tally-offline");
    let everyone: Vec<String> = citizens.iter().flat_map(identifiers).collect();
    let queued = traces_on_device(&app, &everyone);
    assert!(
        queued.is_empty(),
        "queued personal data is encrypted at rest, and nothing else of anyone is kept: \
         {queued:?}"
    );
    assert!(
        portal
            .officer(&["list"])
            .lines()
            .all(|line| line.split('\t').nth(3) != Some(ISSUANCE)),
        "nothing reached the portal while it was unreachable"
    );

    // The connection comes back: the queue sends by itself.
    proxy.set_unreachable(false);
    eventually("all thirty submissions sent", ARRIVAL_WAIT, || {
        (tally_total(&app, "sent") == Some(PEOPLE as u64)).then_some(())
    });
    for (index, count) in before.iter().enumerate() {
        let now = Citizen::demo(&mut portal, index).applications();
        let new = now.len() - count;
        assert_eq!(
            new,
            PEOPLE / citizens.len(),
            "citizen {index} was served {} times and has as many new applications, none doubled",
            PEOPLE / citizens.len()
        );
        assert!(
            now.iter()
                .filter(|application| application.procedure_id == ISSUANCE)
                .count()
                >= new,
            "the new applications are the event's"
        );
    }
    assert_eq!(tally_total(&app, "people"), Some(PEOPLE as u64));
    assert_eq!(tally_total(&app, "waiting"), Some(0));
    app.screenshots("event-tally-sent");
    app.script(
        "document.querySelector('.tally-chart').scrollIntoView({block: 'start'});",
        json!([]),
    );
    app.screenshot(&opendvc_tests::webdriver::screenshot_dir().join("event-tally-chart.png"));

    // The CSV holds the counts and nothing about anyone.
    let csv = download_tally_csv(&app);
    assert!(
        csv.contains(&format!(",*,,{PEOPLE},0,0")),
        "the CSV totals thirty sent: {csv}"
    );
    assert!(
        csv.contains(&format!("people_helped,,{PEOPLE}")),
        "the CSV counts the people helped: {csv}"
    );
    for needle in &everyone {
        assert!(
            !csv.contains(needle.as_str()),
            "the CSV holds no personal data: {needle}"
        );
    }
    let leftovers = traces_on_device(&app, &everyone);
    assert!(
        leftovers.is_empty(),
        "after acknowledgement no personal data of anyone remains on the device: {leftovers:?}"
    );
}

#[test]
fn a_shared_device_locks_itself_when_left_alone_and_only_the_staff_password_opens_it() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = portal.demo_accounts().citizens[2].clone();
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let app = App::launch_with(&portal.url(), &[("OPENDVC_AUTO_LOCK_SECONDS", "30")]);
    staff_sign_in(&app, &code, &password, None);
    // The citizen consents by code, so the session shows their name.
    serve(&app, &portal, &citizen, None);
    app.wait_for_text(&citizen.name);

    // Nobody touches the device for a while.
    app.wait_for_text(&ui_text("vi", "ui-lock-title"));
    let markup = page_markup(&app);
    for secret in identifiers(&citizen) {
        assert!(
            !markup.contains(&secret),
            "the locked screen shows nothing of the citizen ({secret})"
        );
    }
    app.screenshots("locked");
    assert_accessible(&app, "lock screen");
    app.fill("#unlock-password", "not the password");
    app.submit_form_of("#unlock-password");
    app.wait_for_element("main .error-message");
    assert!(
        app.main_text().contains(&ui_text("vi", "ui-lock-title")),
        "a wrong password leaves it locked"
    );
    app.fill("#unlock-password", &password);
    app.submit_form_of("#unlock-password");
    app.wait_for_text(&citizen.name);
    assert!(
        app.script(
            "return document.querySelector('.session-banner') !== null;",
            json!([])
        ) == json!(true),
        "the session is back, still running"
    );
}

#[test]
fn the_citizen_sees_in_their_own_app_who_used_their_data_at_the_counter() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = portal.demo_accounts().citizens[0].clone();
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let app = App::launch(&portal.url());
    staff_sign_in(&app, &code, &password, None);
    // The citizen consents by code: the agent reads their papers at the counter.
    serve(&app, &portal, &citizen, None);
    app.wait_for_text(&citizen.name);
    end_session(&app);
    app.click_text("main button", &ui_text("vi", "ui-staff-sign-out"));
    app.wait_for_element("#staff-code");

    // Later the citizen signs in on their own (here on the same device, at #/citizen) and
    // asks who used their data.
    app.open("#/citizen");
    app.sign_in(&portal, &citizen);
    app.open("#/settings");
    app.click_text("main a", &ui_text("vi", "ui-access-log-title"));
    app.wait_for_text(&ui_text("vi", "ui-access-session-opened"));
    let screen = app.main_text();
    assert!(
        screen.contains(&code),
        "the agent's code is named on the screen: {screen}"
    );
    assert!(
        screen.contains(&ui_text("vi", "ui-access-log-consent-otp")),
        "the consent by code is named: {screen}"
    );
    let dir = opendvc_tests::webdriver::screenshot_dir();
    for (width, height) in [(360, 800), (1280, 800)] {
        app.resize_and_settle(width, height);
        app.wait_for_text(&ui_text("vi", "ui-access-log-title"));
        app.screenshot(&dir.join(format!("access-log-{width}x{height}.png")));
        let overflow = app.script(
            "const root = document.documentElement; return root.scrollWidth - root.clientWidth;",
            json!([]),
        );
        assert!(
            overflow.as_i64().unwrap_or(0) <= 0,
            "at {width} px the page is no wider than the screen ({overflow} px more)"
        );
    }
    assert_accessible(&app, "who used my data");
}
