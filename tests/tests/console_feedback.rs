//! Residents' feedback in the officers' console (issue 16), in Debian's Chromium, headless,
//! driven through chromedriver against a real portal: a resident files feedback through the
//! API, an officer of the agency it was routed to finds it in the console's feedback queue,
//! opens it (description, place, the resident's photo) and answers it; the resident's
//! `GET /v1/feedback/{id}` then carries the answer. The queue and the item are checked at a
//! desk's 1280 px and a phone's 390 px (no sideways scrolling, axe-core clean, no CSP
//! violation), with screenshots in `target/e2e-screenshots/console-feedback-*.png`.
//!
//! Needs the console built into the portal (`cargo xtask console` before the portal's build;
//! `cargo xtask test` does so) and axe-core from `npm ci` in `console/` or `ui/`.

use opendvc_api::{
    Attachment, DemoOfficer, Feedback, FeedbackCreated, FeedbackEventKind, FeedbackPlace,
    FeedbackStatus, NewFeedback,
};
use opendvc_tests::fixtures::{Citizen, jpeg_bytes};
use opendvc_tests::webdriver::chromium::Chromium;
use opendvc_tests::webdriver::{Session, locale_text};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::json;

const DESKTOP: (u32, u32) = (1280, 800);
const PHONE: (u32, u32) = (390, 844);

fn console_text(id: &str) -> String {
    locale_text("vi", "console.ftl", id)
}

/// Opens the console and records the CSP violations the browser reports from then on.
fn open_console(browser: &Session, portal: &Portal) {
    browser.resize(DESKTOP.0, DESKTOP.1);
    browser.navigate(&format!("{}/console/", portal.url()));
    browser.script(
        "window.__cspViolations = [];\
         document.addEventListener('securitypolicyviolation', (event) => {\
           window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI); });",
        json!([]),
    );
}

/// Screenshots at a desk's and a phone's width, no sideways scrolling at either, axe-core
/// clean; the window is left at the desk's width.
fn check_page(browser: &Session, name: &str) {
    for (width, height) in [PHONE, DESKTOP] {
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
        let findings = browser.serious_accessibility_violations();
        assert!(
            findings.is_empty(),
            "axe-core finds nothing serious or critical on the console's {name} page at \
             {width} px:\n{}",
            findings.join("\n")
        );
    }
    let saved = browser.screenshots_at(&format!("console-{name}"), &[DESKTOP, PHONE]);
    for path in saved {
        let size = std::fs::metadata(&path).map(|meta| meta.len()).unwrap_or(0);
        assert!(size > 1000, "{} holds a screenshot", path.display());
        eprintln!("screenshot: {}", path.display());
    }
    browser.resize(DESKTOP.0, DESKTOP.1);
}

fn sign_in(browser: &Session, officer: &DemoOfficer) {
    browser.fill("#code", &officer.code);
    browser.fill("#password", &officer.password);
    browser.click("#sign-in");
    browser.wait_for_element("#sign-out");
}

#[test]
fn an_officer_answers_a_residents_feedback_in_the_console_and_the_resident_reads_the_answer() {
    let Some(browser) = Chromium::launch_or_skip("the console's feedback test") else {
        return;
    };
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);

    // The resident files feedback with a photo and a point, as the app does.
    let photo: Attachment = citizen
        .call("POST", "/v1/attachments")
        .body(jpeg_bytes("rác ở đầu kiệt"), "image/jpeg")
        .send()
        .expect_json(201, "the resident's photo is stored");
    let description = "Rác sinh hoạt chưa được thu gom ba ngày ở đầu kiệt 45 Lê Duẩn, bốc mùi.";
    let created: FeedbackCreated = citizen
        .call("POST", "/v1/feedback")
        .fresh_idempotency_key()
        .json(&NewFeedback {
            category: "environment".to_owned(),
            description: description.to_owned(),
            photos: vec![photo.id.clone()],
            place: Some(FeedbackPlace {
                address: None,
                lat: Some(16.067_78),
                long: Some(108.220_83),
                share: false,
            }),
            application_id: None,
        })
        .send()
        .expect_json(201, "the resident's feedback is received");
    let filed: Feedback = citizen
        .get(&format!("/v1/feedback/{}", created.id))
        .expect_json(200, "the resident reads their feedback");
    let officer = portal
        .demo_accounts()
        .officers
        .into_iter()
        .find(|officer| officer.agency == filed.agency.agency_id)
        .unwrap_or_else(|| panic!("a demo officer of {}", filed.agency.agency_id));

    open_console(&browser, &portal);
    sign_in(&browser, &officer);
    browser.click("nav a[href='/console/feedback']");
    let row = format!("#feedback-queue tr[data-id='{}']", created.id);
    browser.wait_for_element(&row);
    let shown = browser.script(
        "const row = document.querySelector(arguments[0]);\
         return [row.dataset.urgency, row.querySelector('.urgency').innerText, row.innerText];",
        json!([row]),
    );
    assert_eq!(
        shown[0],
        json!("on_track"),
        "feedback just filed is on track on its 4-hour answer clock: {shown}"
    );
    let time_left = shown[1].as_str().unwrap_or_default();
    assert!(
        time_left.starts_with("Còn 3 giờ") || time_left == "Còn 4 giờ 0 phút",
        "the row says the answer clock's time left, under four hours: {time_left}"
    );
    let row_text = shown[2].as_str().unwrap_or_default();
    assert!(
        row_text.contains("Môi trường") && row_text.contains("Rác sinh hoạt"),
        "the row names the category and starts the description: {row_text}"
    );
    check_page(&browser, "feedback-queue");

    browser.click(&format!("{row} a"));
    browser.wait_for_element("#feedback-status[data-status]");
    let photo_shown = browser.wait_for(
        "the resident's photo, fetched with the officer's token",
        "const image = document.querySelector('#feedback-photos img');\
         return image && image.complete && image.naturalWidth > 0 ? image.naturalWidth : null;",
    );
    assert_eq!(
        photo_shown,
        json!(8),
        "the resident's 8×8 photo shows on the item"
    );
    let main = browser.main_text();
    assert!(
        main.contains(description) && main.contains("16.06778, 108.22083"),
        "the item shows the description and the point: {main}"
    );
    check_page(&browser, "feedback-item");

    // The answer form is one press away from the clock at the top of the item.
    browser.click("#go-to-answer");
    assert_eq!(
        browser.script("return document.activeElement.id;", json!([])),
        json!("answer-text"),
        "'write the answer' puts the cursor in the answer"
    );
    // An empty answer is refused on the page, before any request.
    browser.click("#answer-send");
    browser.wait_for_text(&console_text("console-answer-text-required"));

    let answer = "Đội vệ sinh môi trường phường sẽ thu gom trong chiều nay; \
                  Công ty Môi trường đô thị phụ trách.";
    browser.fill("#answer-text", answer);
    browser.click("#answer-send");
    browser.wait_for_element("#feedback-status[data-status='answered']");
    browser.wait_for_text(&console_text("console-answer-done"));

    let answered: Feedback = citizen
        .get(&format!("/v1/feedback/{}", created.id))
        .expect_json(200, "the resident reads the answered feedback");
    assert_eq!(answered.status, FeedbackStatus::Answered);
    assert_eq!(
        answered.answer.as_deref(),
        Some(answer),
        "the resident's feedback carries the officer's answer as written"
    );
    let answers = answered
        .timeline
        .iter()
        .filter(|event| {
            event.kind == FeedbackEventKind::Answered && event.note.as_deref() == Some(answer)
        })
        .count();
    assert_eq!(
        answers, 1,
        "the resident's timeline holds the answer once: {:?}",
        answered.timeline
    );
    assert!(
        answered.answered_at.is_some_and(|at| at <= answered.due_at),
        "answered within the answer clock: {:?} by {}",
        answered.answered_at,
        answered.due_at
    );

    let violations = browser.script("return window.__cspViolations;", json!([]));
    assert_eq!(
        violations,
        json!([]),
        "the feedback screens run under the console's CSP without a violation"
    );
}
