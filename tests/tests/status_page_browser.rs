//! The public status page in Debian's Chromium, headless, as a resident holding a receipt uses
//! it on a phone and on a desktop: open the page of the receipt's code, type the last 4 digits
//! of the ID number, read the status. Screenshots at 360×800 and 1280×800 go to
//! `target/e2e-screenshots/status-page-*.png`.

use opendvc_api::{Application, Profile};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::webdriver::chromium::Chromium;
use opendvc_tests::webdriver::{Session, locale_text};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;

const PHONE: (u32, u32) = (360, 800);
const DESKTOP: (u32, u32) = (1280, 800);

/// The first demo citizen's profile and an application of theirs.
fn holder(portal: &mut Portal) -> (Profile, Application) {
    let citizen = Citizen::demo(portal, 0);
    let application = citizen
        .applications()
        .into_iter()
        .next()
        .expect("the demo citizen has an application");
    (citizen.profile(), application)
}

/// Nothing on the page is wider than the window: no sideways scrolling on a phone.
fn assert_no_horizontal_overflow(browser: &Session, what: &str) {
    let widths = browser.script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
        json!([]),
    );
    let scroll = widths[0].as_u64().unwrap_or(u64::MAX);
    let client = widths[1].as_u64().unwrap_or(0);
    assert!(
        scroll <= client,
        "{what} fits the window without sideways scrolling: scrollWidth {scroll} > clientWidth {client}"
    );
}

fn page_text(browser: &Session) -> String {
    browser
        .script("return document.body.innerText;", json!([]))
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_resident_reads_an_applications_status_in_chromium_on_a_phone_and_a_desktop() {
    let Some(browser) = Chromium::launch_or_skip("the status page's browser test") else {
        return;
    };
    let mut portal = Portal::start(PortalOptions::default());
    let (profile, application) = holder(&mut portal);
    let id = &profile.id_number;
    let check = &id[id.len() - 4..];
    let page = format!("{}/s/{}", portal.url(), application.code);

    browser.resize(PHONE.0, PHONE.1);
    browser.navigate(&page);
    browser.wait_for_element("#check");
    assert_no_horizontal_overflow(&browser, "the form at 360 px");
    browser.screenshots_at("status-page-form", &[PHONE, DESKTOP]);

    // A wrong check first, as a person mistyping would: the form again, with why.
    browser.resize(PHONE.0, PHONE.1);
    let wrong: u32 = check.parse().expect("digits");
    browser.fill("#check", &format!("{:04}", (wrong + 1) % 10_000));
    browser.submit_form_of("#check");
    browser.wait_for_element("#message");
    let text = page_text(&browser);
    assert!(
        text.contains(&locale_text(
            "vi",
            "status-page.ftl",
            "status-page-not-found"
        )),
        "a wrong check says the code and digits do not match:\n{text}"
    );
    assert_no_horizontal_overflow(&browser, "the miss at 360 px");
    browser.screenshots_at("status-page-miss", &[PHONE]);

    browser.fill("#check", check);
    browser.submit_form_of("#check");
    browser.wait_for_element("#status");
    let text = page_text(&browser);
    assert!(
        text.contains(application.procedure_name.vi.as_str()),
        "the answer names the procedure {:?}:\n{text}",
        application.procedure_name.vi
    );
    for personal in [
        &profile.full_name,
        &profile.id_number,
        &profile.address.street,
    ] {
        assert!(
            !text.contains(personal.as_str()),
            "the answer shows nothing personal, yet it holds {personal:?}:\n{text}"
        );
    }
    let address = browser
        .script("return location.href;", json!([]))
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !address.contains(check),
        "the digits were posted, never put in the address: {address}"
    );
    assert_no_horizontal_overflow(&browser, "the answer at 360 px");
    let saved = browser.screenshots_at("status-page-answer", &[PHONE, DESKTOP]);
    for path in saved {
        let size = std::fs::metadata(&path).map(|meta| meta.len()).unwrap_or(0);
        assert!(size > 1000, "{} holds a screenshot", path.display());
        eprintln!("screenshot: {}", path.display());
    }
}
