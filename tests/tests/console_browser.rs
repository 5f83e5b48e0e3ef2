//! The officers' web console (`/console/`, embedded in the portal) in Debian's Chromium,
//! headless, driven through chromedriver: as an officer at a desk (1280 px) and on a tablet
//! (768 px) uses it. Every page is checked with axe-core (no serious or critical finding), for
//! sideways scrolling at 768 px, and for Content-Security-Policy violations the browser reports;
//! screenshots of each page at both widths go to `target/e2e-screenshots/console-*.png`.
//!
//! Needs the console built into the portal (`cargo xtask console` before the portal's build;
//! `cargo xtask test` does so) and axe-core from `npm ci` in `console/` or `ui/`.

use opendvc_api::StaffKind;
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
        !session.contains("accessToken") && !session.contains("token") && local == "{}",
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
