//! The officers' web console (`/console/`, embedded in the portal) in Debian's Chromium,
//! headless, driven through chromedriver: as an officer at a desk (1280 px) and on a tablet
//! (768 px) uses it. Every page is checked with axe-core (no serious or critical finding), for
//! sideways scrolling at 768 px, and for Content-Security-Policy violations the browser reports;
//! screenshots of each page at both widths go to `target/e2e-screenshots/console-*.png`.
//!
//! Needs the console built into the portal (`cargo xtask console` before the portal's build;
//! `cargo xtask test` does so) and axe-core from `npm ci` in `console/` or `ui/`.

use opendvc_api::{
    ApplicationStatus, Attachment, AttachmentRef, DemoOfficer, StaffKind, SyncResponse,
};
use opendvc_tests::cli::Cli;
use opendvc_tests::fixtures::{Citizen, deliverable_procedure, pdf_bytes};
use opendvc_tests::webdriver::chromium::Chromium;
use opendvc_tests::webdriver::{Session, locale_text};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;

const DESKTOP: (u32, u32) = (1280, 800);
const TABLET: (u32, u32) = (768, 1024);

fn console_text(id: &str) -> String {
    locale_text("vi", "console.ftl", id)
}

/// Opens the console and starts recording the CSP violations the browser reports from then on
/// (the console is one page: every screen after this renders in the same document, until the
/// next navigation, before which [`assert_no_csp_violation`] reads the record).
fn open_console(browser: &Session, portal: &Portal, path: &str) {
    browser.resize(DESKTOP.0, DESKTOP.1);
    browser.navigate(&format!("{}/console/{path}", portal.url()));
    browser.script(
        "window.__cspViolations = [];\
         document.addEventListener('securitypolicyviolation', (event) => {\
           window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI); });",
        json!([]),
    );
}

fn assert_no_csp_violation(browser: &Session) {
    let violations = browser.script("return window.__cspViolations;", json!([]));
    assert_eq!(
        violations,
        json!([]),
        "the console runs under its CSP without a violation"
    );
}

/// Screenshots at both widths, no sideways scrolling at either, and axe-core clean.
fn check_page(browser: &Session, name: &str) {
    for (width, height) in [DESKTOP, TABLET] {
        browser.resize(width, height);
        let widths = browser.script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            json!([]),
        );
        let scroll = widths[0].as_u64().unwrap_or(u64::MAX);
        let client = widths[1].as_u64().unwrap_or(0);
        assert!(
            scroll <= client,
            "the console's {name} page fits {width} px without sideways scrolling: \
             scrollWidth {scroll} > clientWidth {client}"
        );
    }
    let saved = browser.screenshots_at(&format!("console-{name}"), &[DESKTOP, TABLET]);
    for path in saved {
        let size = std::fs::metadata(&path).map(|meta| meta.len()).unwrap_or(0);
        assert!(size > 1000, "{} holds a screenshot", path.display());
        eprintln!("screenshot: {}", path.display());
    }
    let findings = browser.serious_accessibility_violations();
    assert!(
        findings.is_empty(),
        "axe-core finds nothing serious or critical on the console's {name} page:\n{}",
        findings.join("\n")
    );
}

fn session_storage_and_local_storage(browser: &Session) -> (String, String) {
    let value = browser.script(
        "return [JSON.stringify(sessionStorage), JSON.stringify(localStorage)];",
        json!([]),
    );
    (
        value[0].as_str().unwrap_or_default().to_owned(),
        value[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn only_officers_and_supervisors_sign_in_to_the_console_and_the_token_stays_in_the_tab() {
    let Some(browser) = Chromium::launch_or_skip("the console's browser test") else {
        return;
    };
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let officer = accounts.officers.first().expect("a demo officer").clone();
    let agent = accounts
        .staff
        .iter()
        .find(|staff| staff.kind == StaffKind::Agent)
        .expect("a demo post-office agent")
        .clone();

    open_console(&browser, &portal, "");
    browser.wait_for_element("#code");
    check_page(&browser, "signin");

    // The language switch: English at once, then back to Vietnamese, the first language.
    browser.choose(".language select", "en");
    browser.wait_for_text(&locale_text("en", "console.ftl", "console-signin-title"));
    assert_eq!(
        browser.script("return document.documentElement.lang;", json!([])),
        json!("en"),
        "the page's language follows the switch"
    );
    browser.choose(".language select", "vi");
    browser.wait_for_text(&console_text("console-signin-title"));

    // A wrong password: the portal's problem, and still the sign-in page.
    browser.fill("#code", &officer.code);
    browser.fill("#password", "not-the-password");
    browser.click("#sign-in");
    browser.wait_for_element("main .problem");
    assert!(
        browser
            .script(
                "return document.querySelector('#sign-out') === null;",
                json!([])
            )
            .as_bool()
            .unwrap_or(false),
        "a wrong password signs nobody in"
    );

    // A post-office agent has the app, not the console.
    browser.fill("#code", &agent.code);
    browser.fill("#password", &agent.password);
    browser.click("#sign-in");
    browser.wait_for_text(&console_text("console-signin-not-officer"));
    let (session, local) = session_storage_and_local_storage(&browser);
    assert!(
        !session.contains("token") && !local.contains("token") && !local.contains(&agent.code),
        "an agent's token is kept nowhere: sessionStorage {session}, localStorage {local}"
    );

    browser.fill("#code", &officer.code);
    browser.fill("#password", &officer.password);
    browser.click("#sign-in");
    browser.wait_for_element("#sign-out");
    browser.wait_for_text(&console_text("console-queue-title"));
    let (session, local) = session_storage_and_local_storage(&browser);
    assert!(
        session.contains(&officer.code) && session.contains("token"),
        "the officer's sign-in is kept in this tab's sessionStorage: {session}"
    );
    assert!(
        !local.contains("token") && !local.contains(&officer.code),
        "nothing of the sign-in goes to localStorage, which outlives the tab: {local}"
    );

    // A reload keeps the officer signed in (same tab); signing out forgets it.
    assert_no_csp_violation(&browser);
    open_console(&browser, &portal, "");
    browser.wait_for_element("#sign-out");
    browser.click("#sign-out");
    browser.wait_for_element("#code");
    let (session, _) = session_storage_and_local_storage(&browser);
    assert!(
        !session.contains("token"),
        "signing out leaves no token in the tab: {session}"
    );
    assert_no_csp_violation(&browser);
}

/// Everything of the citizen's since `cursor`, following `hasMore`.
fn sync_since(citizen: &Citizen, cursor: &str) -> SyncResponse {
    let mut response: SyncResponse = citizen
        .get(&format!("/v1/sync?cursor={}", urlencode(cursor)))
        .expect_json(200, "sync answers");
    while response.has_more {
        let next: SyncResponse = citizen
            .get(&format!("/v1/sync?cursor={}", urlencode(&response.cursor)))
            .expect_json(200, "sync continues while hasMore");
        response.applications.extend(next.applications);
        response.inbox.extend(next.inbox);
        response.cursor = next.cursor;
        response.has_more = next.has_more;
    }
    response
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn sign_in(browser: &Session, officer: &DemoOfficer) {
    browser.fill("#code", &officer.code);
    browser.fill("#password", &officer.password);
    browser.click("#sign-in");
    browser.wait_for_element("#sign-out");
}

/// Filters the queue by free text and waits for the portal's answer to be shown.
fn search_queue(browser: &Session, text: &str) {
    let before = browser.script(
        "return Number(document.querySelector('#queue').dataset.loads);",
        json!([]),
    );
    browser.fill("#filter-text", text);
    browser.click("#apply-filters");
    browser.wait_for_with(
        "the filtered queue",
        "const table = document.querySelector('#queue');\
         return Number(table.dataset.loads) > arguments[0] && table.getAttribute('aria-busy') !== 'true';",
        json!([before]),
    );
}

fn wait_for_status(browser: &Session, status: &str) {
    browser.wait_for_element(&format!("#application-status[data-status='{status}']"));
}

#[test]
fn an_officer_works_an_application_in_the_console_and_another_agency_never_sees_it() {
    let Some(browser) = Chromium::launch_or_skip("the console's browser test") else {
        return;
    };
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = deliverable_procedure(&catalog);
    // With a file of the citizen's own, which the officer downloads below.
    let mut submission = citizen.valid_application(&procedure, citizen.post_delivery());
    let upload: Attachment = citizen
        .call("POST", "/v1/attachments")
        .body(pdf_bytes("a scan the officer reads"), "application/pdf")
        .send()
        .expect_json(201, "the citizen's file is stored");
    submission.attachments.push(AttachmentRef::Upload {
        attachment_id: upload.id.clone(),
        requirement_id: None,
    });
    let application = citizen.submit(&submission);
    let accounts = portal.demo_accounts();
    let officer = accounts
        .officers
        .iter()
        .find(|officer| officer.agency == procedure.agency_id)
        .unwrap_or_else(|| panic!("a demo officer of {}", procedure.agency_id))
        .clone();
    let other = accounts
        .officers
        .iter()
        .find(|officer| officer.agency != procedure.agency_id)
        .expect("a demo officer of another agency")
        .clone();
    let before: SyncResponse = citizen.get("/v1/sync").expect_json(200, "sync answers");
    let before = sync_since(&citizen, &before.cursor).cursor;
    // The citizen's own `opendvc watch` runs beside the console, as a resident's device would.
    let cli_dir = tempfile::tempdir().expect("a folder for the citizen's CLI");
    let cli = Cli::new(cli_dir.path(), &portal.url());
    cli.sign_in(&mut portal, &citizen.id_number);
    let watch = cli.watch();
    watch.wait_for("the citizen's watch connects", |line| {
        line["type"] == "connected"
    });

    open_console(&browser, &portal, "");
    sign_in(&browser, &officer);
    browser.wait_for_element("#queue tbody tr[data-code]");
    check_page(&browser, "queue");

    // Filter by procedure and code: the one application.
    browser.choose("#filter-procedure", &procedure.id);
    search_queue(&browser, &application.code);
    let codes = browser.script(
        "return [...document.querySelectorAll('#queue tbody tr[data-code]')].map((row) => row.dataset.code);",
        json!([]),
    );
    assert_eq!(
        codes,
        json!([application.code]),
        "the filtered queue holds exactly the application searched for"
    );

    browser.click(&format!("#queue tr[data-code='{}'] a", application.code));
    browser.wait_for_element("#application-status");
    check_page(&browser, "application");

    // A file the citizen uploaded downloads through the officer's attachment endpoint, with the
    // officer's token (the console hands the browser the bytes it fetched).
    browser.script(
        "window.__downloads = [];\
         const original = URL.createObjectURL;\
         URL.createObjectURL = (blob) => { window.__downloads.push([blob.size, blob.type]); return original(blob); };",
        json!([]),
    );
    browser.click(".attachments li button:nth-of-type(2)");
    let downloaded = browser.wait_for(
        "the attachment's bytes",
        "return window.__downloads.length > 0 ? window.__downloads[0] : null;",
    );
    assert_eq!(
        downloaded,
        json!([upload.size, "application/pdf"]),
        "the downloaded attachment is the citizen's file, fetched with the officer's token"
    );

    let note = "Ảnh chân dung nền trắng, chụp trong 6 tháng gần đây.";
    browser.click("#action-supplement");
    browser.fill("#action-text", note);
    browser.click("#action-send");
    wait_for_status(&browser, "supplement_requested");

    // The citizen sees the request once: one timeline entry with the note, one inbox item.
    let seen = sync_since(&citizen, &before);
    let mine: Vec<_> = seen
        .applications
        .iter()
        .filter(|item| item.id == application.id)
        .collect();
    assert_eq!(
        mine.len(),
        1,
        "the application comes once in the citizen's sync"
    );
    let requests = mine[0]
        .timeline
        .iter()
        .filter(|entry| {
            entry.status == ApplicationStatus::SupplementRequested
                && entry.note.as_deref() == Some(note)
        })
        .count();
    assert_eq!(
        requests, 1,
        "the citizen's timeline holds the supplement request with its note once"
    );
    let notices = seen
        .inbox
        .iter()
        .filter(|item| item.application_id == Some(application.id))
        .count();
    assert_eq!(
        notices, 1,
        "the citizen's inbox gets one notice of the request"
    );
    let notice_id = seen
        .inbox
        .iter()
        .find(|item| item.application_id == Some(application.id))
        .map(|item| item.id.to_string())
        .expect("the request's notice");
    watch.wait_for("the citizen's watch prints the request's notice", |line| {
        line["type"] == "inbox" && line["item"]["id"] == notice_id.as_str()
    });
    let again = sync_since(&citizen, &seen.cursor);
    assert!(
        again
            .inbox
            .iter()
            .all(|item| item.application_id != Some(application.id)),
        "the next sync brings the request no second time"
    );

    // Back to work, result ready, dispatched by post with its tracking number.
    browser.click("#action-accept");
    wait_for_status(&browser, "processing");
    browser.click("#action-complete");
    wait_for_status(&browser, "completed");
    let tracking = "EV123456789VN";
    browser.click("#action-dispatch");
    browser.fill("#action-text", tracking);
    browser.click("#action-send");
    browser.wait_for_with(
        "the tracking number on the page",
        "return document.querySelector('#delivery').innerText.includes(arguments[0]);",
        json!([tracking]),
    );
    let delivered = citizen.application(application.id);
    assert_eq!(
        delivered.delivery.tracking_number.as_deref(),
        Some(tracking),
        "the citizen's application carries the tracking number"
    );
    assert_eq!(delivered.status, ApplicationStatus::Completed);
    // By now the watch has printed the notices of the later changes too; the request's came
    // once.
    let application_id = application.id.to_string();
    watch.wait_for("the citizen's watch prints the later notices", |line| {
        line["type"] == "inbox"
            && line["item"]["applicationId"] == application_id.as_str()
            && line["item"]["id"] != notice_id.as_str()
    });
    let printed = watch
        .lines()
        .iter()
        .filter(|line| line["type"] == "inbox" && line["item"]["id"] == notice_id.as_str())
        .count();
    assert_eq!(
        printed, 1,
        "the citizen's watch printed the supplement request's notice once"
    );

    browser.click("nav a[href='/console/overview']");
    browser.wait_for_element("main .agency");
    check_page(&browser, "overview");
    browser.click("nav a[href='/console/counter']");
    browser.wait_for_element("#counter-procedure");
    check_page(&browser, "counter");
    assert_no_csp_violation(&browser);

    // An officer of another agency: none of this agency's applications, over the API or in the
    // console.
    let token = portal
        .staff_token(&other.code, &other.password)
        .access_token;
    let refused = portal
        .api()
        .get(&format!("/v1/officer/applications/{}", application.id))
        .bearer(&token)
        .send();
    assert_eq!(
        refused.status, 403,
        "another agency's officer gets 403 for the application"
    );
    browser.click("#sign-out");
    browser.wait_for_element("#code");
    sign_in(&browser, &other);
    browser.wait_for_element("#queue[data-loads='1']");
    let agency_of = |procedure_id: &str| {
        catalog
            .items
            .iter()
            .find(|item| item.id == procedure_id)
            .map(|item| item.agency_id.clone())
    };
    let listed = browser.script(
        "return [...document.querySelectorAll('#queue tbody tr[data-code]')].map((row) => row.dataset.procedure);",
        json!([]),
    );
    for procedure_id in listed.as_array().into_iter().flatten() {
        let procedure_id = procedure_id.as_str().unwrap_or_default();
        assert_ne!(
            agency_of(procedure_id).as_deref(),
            Some(procedure.agency_id.as_str()),
            "the other agency's queue lists none of {}'s applications (found {procedure_id})",
            procedure.agency_id
        );
    }
    search_queue(&browser, &application.code);
    let found = browser.script(
        "return document.querySelectorAll('#queue tbody tr[data-code]').length;",
        json!([]),
    );
    assert_eq!(
        found,
        json!(0),
        "searching for the application's code finds nothing in another agency"
    );
    assert_no_csp_violation(&browser);
}

#[test]
fn a_city_wide_supervisor_sees_every_agency_and_moves_no_application() {
    let Some(browser) = Chromium::launch_or_skip("the console's browser test") else {
        return;
    };
    // Three months of history, so the overview (and its screenshots) show real figures.
    let mut portal = Portal::start(PortalOptions {
        extra_args: vec!["--demo-history".to_owned()],
        ..PortalOptions::default()
    });
    let accounts = portal.demo_accounts();
    let supervisor = accounts
        .supervisors
        .iter()
        .find(|supervisor| supervisor.agency.is_none())
        .expect("a city-wide demo supervisor")
        .clone();
    open_console(&browser, &portal, "");
    browser.fill("#code", &supervisor.code);
    browser.fill("#password", &supervisor.password);
    browser.click("#sign-in");
    browser.wait_for_element("#sign-out");
    assert!(
        browser
            .script(
                "return document.querySelector(\"nav a[href='/console/counter']\") === null;",
                json!([])
            )
            .as_bool()
            .unwrap_or(false),
        "a supervisor is offered no counter entry: they move no application"
    );

    browser.wait_for_element("#queue tbody tr[data-code] a");
    browser.click("#queue tbody tr[data-code] a");
    browser.wait_for_element("#application-status");
    let buttons = browser.script(
        "return document.querySelectorAll('[id^=action-]').length;",
        json!([]),
    );
    assert_eq!(
        buttons,
        json!(0),
        "a supervisor's application page offers no status action"
    );

    browser.click("nav a[href='/console/overview']");
    browser.wait_for_element("#on-time-chart");
    let agencies = browser.script(
        "return document.querySelectorAll('main .agency').length;",
        json!([]),
    );
    assert!(
        agencies.as_u64().unwrap_or(0) >= 2,
        "a city-wide supervisor's overview shows every agency, found {agencies}"
    );
    check_page(&browser, "overview-city");
    assert_no_csp_violation(&browser);
}

#[test]
fn an_officer_enters_a_paper_application_at_the_counter_in_the_console() {
    let Some(browser) = Chromium::launch_or_skip("the console's browser test") else {
        return;
    };
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let officer = accounts
        .officers
        .iter()
        .find(|officer| officer.agency == "da-nang-police")
        .expect("a demo officer of the city police, who issues ID cards")
        .clone();
    open_console(&browser, &portal, "");
    sign_in(&browser, &officer);
    browser.click("nav a[href='/console/counter']");
    browser.wait_for_element("#counter-procedure");
    browser.fill("#applicant-id", "048090009999");
    browser.fill("#applicant-name", "Nguyễn Văn An");
    browser.fill("#applicant-phone", "0905000009");
    browser.choose("#counter-procedure", "id-card-issuance");
    browser.fill("#field-fullName", "Nguyễn Văn An");
    browser.fill("#field-birthDate", "2000-01-01");
    browser.fill("#field-idNumber", "048090009999");
    browser.choose("#field-priorDocument", "none");
    check_page(&browser, "counter-filled");
    browser.click("#counter-submit");
    browser.wait_for_element("#counter-created a");
    browser.click("#counter-created a");
    browser.wait_for_element("#application-status[data-status='received']");
    let text = browser.main_text();
    assert!(
        text.contains(&console_text("console-channel-counter")),
        "the new application was received at the counter:\n{text}"
    );
    assert!(
        text.contains("048090009999"),
        "the application names its applicant:\n{text}"
    );
    assert_no_csp_violation(&browser);
}
