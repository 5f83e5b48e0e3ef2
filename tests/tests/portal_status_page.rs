//! The public status page: anyone holding a receipt sees an application's procedure, status,
//! due date and delivery state by its code and the last 4 digits of the holder's ID number, as
//! a page (`/s/{code}`) and as JSON (`/v1/public/status/{code}`); nothing personal; an unknown
//! code and a wrong check are one answer; misses are limited per client address and per code.

use opendvc_api::{Application, Profile, PublicStatus};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Api, Portal, PortalOptions, Reply, retry_after_seconds};

/// Misses allowed per client address within the window (`statusPage.missesPerAddress`).
const MISSES_PER_ADDRESS: usize = 20;
/// Misses allowed per code from anywhere within the window (`statusPage.wrongChecksPerCode`).
const MISSES_PER_CODE: usize = 5;
/// `statusPage.addressWindowSeconds`.
const ADDRESS_WINDOW_SECONDS: i64 = 600;

const FORWARDED_FOR: &str = "X-Forwarded-For";

/// A demo citizen's application with what a status page must never show of them.
struct Holder {
    profile: Profile,
    application: Application,
}

impl Holder {
    fn find(portal: &mut Portal) -> Holder {
        let citizen = Citizen::demo(portal, 0);
        let profile = citizen.profile();
        let applications = citizen.applications();
        // A postal one where there is one: it has an address and a recipient to keep hidden.
        let application = applications
            .iter()
            .find(|application| application.delivery.address.is_some())
            .or(applications.first())
            .cloned()
            .expect("the demo citizen has an application");
        Holder {
            profile,
            application,
        }
    }

    fn code(&self) -> &str {
        &self.application.code
    }

    /// The last 4 digits of the holder's ID number.
    fn check(&self) -> String {
        let id = &self.profile.id_number;
        id[id.len() - 4..].to_owned()
    }

    /// A check that is not the holder's.
    fn wrong_check(&self) -> String {
        let right: u32 = self.check().parse().expect("digits");
        format!("{:04}", (right + 1) % 10_000)
    }

    /// What must never appear on the page or in the JSON.
    fn personal_data(&self) -> Vec<String> {
        let mut personal = vec![
            self.profile.full_name.clone(),
            self.profile.id_number.clone(),
            self.profile.phone.clone(),
            self.profile.phone.trim_start_matches("+84").to_owned(),
            self.profile.address.street.clone(),
        ];
        if let Some(address) = &self.application.delivery.address {
            personal.push(address.recipient_name.clone());
            personal.push(address.phone.clone());
        }
        personal.retain(|text| text.len() >= 4);
        personal
    }
}

fn json_status(api: &Api, code: &str, check: &str, from: Option<&str>) -> Reply {
    let mut call = api.get(&format!("/v1/public/status/{code}?check={check}"));
    if let Some(address) = from {
        call = call.header(FORWARDED_FOR, address);
    }
    call.send()
}

fn post_page(api: &Api, path: &str, check: &str, from: Option<&str>) -> Reply {
    let mut call = api.post(path).body(
        format!("check={check}").into_bytes(),
        "application/x-www-form-urlencoded",
    );
    if let Some(address) = from {
        call = call.header(FORWARDED_FOR, address);
    }
    call.send()
}

fn assert_nothing_personal(holder: &Holder, body: &str, what: &str) {
    for personal in holder.personal_data() {
        assert!(
            !body.contains(&personal),
            "{what} shows nothing personal, yet it holds {personal:?}:\n{body}"
        );
    }
}

#[test]
fn the_right_check_shows_procedure_status_due_date_and_delivery_and_nothing_personal() {
    let mut portal = Portal::start(PortalOptions::default());
    let holder = Holder::find(&mut portal);
    let api = portal.api();

    let reply = json_status(&api, holder.code(), &holder.check(), None);
    let status: PublicStatus = reply.expect_json(200, "the right check gets the status");
    assert_eq!(status.code, holder.application.code, "the code");
    assert_eq!(
        status.procedure.id, holder.application.procedure_id,
        "the procedure"
    );
    assert_eq!(
        status.procedure.name, holder.application.procedure_name,
        "the procedure's name"
    );
    assert_eq!(status.status, holder.application.status, "the status");
    assert_eq!(status.due_at, holder.application.due_at, "the due date");
    assert_eq!(
        status.delivery.method, holder.application.delivery.method,
        "the delivery method"
    );
    assert_eq!(
        status.delivery.state, holder.application.delivery.state,
        "the delivery state"
    );
    let fields: serde_json::Value = reply.json();
    let mut keys: Vec<&str> = fields
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "delivery", "dueAt", "procedure", "status"],
        "the JSON holds these fields and no others"
    );
    assert_nothing_personal(&holder, &reply.text(), "the JSON status");

    let page = post_page(
        &api,
        &format!("/s/{}", holder.code()),
        &holder.check(),
        None,
    );
    page.expect_status(200, "the right check posted on the page shows the status");
    let html = page.text();
    let procedure = &holder.application.procedure_name.vi;
    assert!(
        html.contains(procedure.as_str()),
        "the page names the procedure {procedure:?}:\n{html}"
    );
    assert!(
        html.contains(holder.code()),
        "the page names the code:\n{html}"
    );
    let due = holder
        .application
        .due_at
        .with_timezone(&opendvc_rules::VIETNAM)
        .format("%d/%m/%Y")
        .to_string();
    assert!(
        html.contains(&due),
        "the page gives the due date {due} in Vietnam time:\n{html}"
    );
    assert_nothing_personal(&holder, &html, "the status page");
}

#[test]
fn a_wrong_check_gets_the_same_answer_as_an_unknown_code() {
    let mut portal = Portal::start(PortalOptions::default());
    let holder = Holder::find(&mut portal);
    let api = portal.api();

    let wrong = json_status(&api, holder.code(), &holder.wrong_check(), None);
    let unknown = json_status(&api, "000.00.00.H00-000000-0000", &holder.check(), None);
    wrong.expect_problem(404, "not_found", "a wrong check is not found");
    assert_eq!(
        (wrong.status, wrong.content_type(), &wrong.body),
        (unknown.status, unknown.content_type(), &unknown.body),
        "a wrong check and an unknown code answer alike, byte for byte"
    );

    let wrong_page = post_page(
        &api,
        &format!("/s/{}", holder.code()),
        &holder.wrong_check(),
        None,
    );
    let unknown_page = post_page(&api, "/s/000.00.00.H00-000000-0000", &holder.check(), None);
    wrong_page.expect_status(404, "a wrong check on the page is not found");
    unknown_page.expect_status(404, "an unknown code on the page is not found");
    // The page names the code it was asked for; apart from that, the two answers are one.
    let wrong_html = wrong_page.text().replace(holder.code(), "CODE");
    let unknown_html = unknown_page
        .text()
        .replace("000.00.00.H00-000000-0000", "CODE");
    assert_eq!(
        wrong_html, unknown_html,
        "the page answers a wrong check and an unknown code alike"
    );
}

#[test]
fn a_malformed_check_is_refused_before_anything_is_looked_up() {
    let mut portal = Portal::start(PortalOptions::default());
    let holder = Holder::find(&mut portal);
    let api = portal.api();
    for bad in ["", "123", "12345", "12a4"] {
        json_status(&api, holder.code(), bad, None).expect_problem(
            400,
            "malformed_request",
            "a check that is not 4 digits is malformed",
        );
        post_page(&api, &format!("/s/{}", holder.code()), bad, None)
            .expect_status(400, "the page refuses a check that is not 4 digits");
    }
    // None of them counted as a miss: the address still has all its misses.
    for miss in 0..MISSES_PER_ADDRESS {
        json_status(&api, &format!("UNKNOWN-{miss}"), "0000", None)
            .expect_status(404, "malformed checks used up no misses");
    }
}

#[test]
fn one_hundred_unknown_codes_from_one_address_end_in_429_from_the_21st() {
    let portal = Portal::start(PortalOptions::default());
    let api = portal.api();
    let mut statuses = Vec::new();
    let mut first_refusal = None;
    for attempt in 0..100 {
        let code = format!("000.00.00.H00-261205-{attempt:04}");
        let reply = if attempt % 2 == 0 {
            json_status(&api, &code, "1234", None)
        } else {
            post_page(&api, &format!("/s/{code}"), "1234", None)
        };
        if reply.status == 429 && first_refusal.is_none() {
            first_refusal = Some(reply.clone());
        }
        statuses.push(reply.status);
    }
    assert!(
        statuses[..MISSES_PER_ADDRESS]
            .iter()
            .all(|status| *status == 404),
        "the first {MISSES_PER_ADDRESS} misses are answered 404: {statuses:?}"
    );
    assert!(
        statuses[MISSES_PER_ADDRESS..]
            .iter()
            .all(|status| *status == 429),
        "miss {} and every one after it are refused 429: {statuses:?}",
        MISSES_PER_ADDRESS + 1
    );
    let refusal = first_refusal.expect("a refusal");
    let wait = retry_after_seconds(&refusal);
    assert!(
        refusal.header("retry-after").is_some() && (1..=ADDRESS_WINDOW_SECONDS).contains(&wait),
        "the refusal says when to retry, within the window: {:?}",
        refusal.header("retry-after")
    );

    portal.advance_clock(ADDRESS_WINDOW_SECONDS + 1);
    json_status(&api, "000.00.00.H00-261205-9999", "1234", None)
        .expect_status(404, "after the window the address may look up again");
}

#[test]
fn five_wrong_checks_on_one_code_lock_that_code_for_every_address() {
    let mut portal = Portal::start(PortalOptions::default().with_trusted_proxy("127.0.0.1"));
    let holder = Holder::find(&mut portal);
    let api = portal.api();
    for guesser in 0..MISSES_PER_CODE {
        let from = format!("203.0.113.{}", guesser + 1);
        json_status(&api, holder.code(), &holder.wrong_check(), Some(&from))
            .expect_status(404, "a wrong check from a new address");
    }
    let refused = json_status(&api, holder.code(), &holder.check(), Some("198.51.100.7"));
    refused.expect_problem(
        429,
        "rate_limited",
        "after 5 wrong checks the code is refused from any address, the right check too",
    );
    assert!(
        refused.header("retry-after").is_some(),
        "the refusal says when to retry"
    );
    post_page(
        &api,
        &format!("/s/{}", holder.code()),
        &holder.check(),
        Some("198.51.100.8"),
    )
    .expect_status(429, "the page refuses the locked code too");
    // The guessers' addresses are not locked for other codes: one miss each is far from 20.
    json_status(&api, "UNKNOWN-CODE", "0000", Some("203.0.113.1"))
        .expect_status(404, "another code from a guesser's address is looked up");
}

#[test]
fn right_checks_use_up_no_misses() {
    let mut portal = Portal::start(PortalOptions::default());
    let holder = Holder::find(&mut portal);
    let api = portal.api();
    for _ in 0..(MISSES_PER_ADDRESS + MISSES_PER_CODE + 1) {
        json_status(&api, holder.code(), &holder.check(), None)
            .expect_status(200, "a right check is no miss and is never refused");
    }
}

#[test]
fn the_page_asks_for_the_digits_by_a_posted_form_in_the_readers_language() {
    let mut portal = Portal::start(PortalOptions::default());
    let holder = Holder::find(&mut portal);
    let api = portal.api();
    let path = format!("/s/{}", holder.code());

    let vietnamese = api.get(&path).send();
    vietnamese.expect_status(200, "the page opens");
    let html = vietnamese.text();
    assert_eq!(
        vietnamese.header("content-type"),
        Some("text/html; charset=utf-8"),
        "the page is HTML in UTF-8"
    );
    for needle in [
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\"",
        "<html lang=\"vi\">",
        "method=\"post\"",
        "name=\"check\"",
        "Tra cứu hồ sơ",
    ] {
        assert!(
            html.contains(needle),
            "the default page holds {needle:?}:\n{html}"
        );
    }
    assert!(
        !html.contains("<script"),
        "the page needs no script:\n{html}"
    );
    let policy = vietnamese
        .header("content-security-policy")
        .unwrap_or_default();
    assert!(
        policy.contains("default-src 'none'") && !policy.contains("script-src"),
        "the page's CSP allows no script: {policy:?}"
    );
    for (lang, href) in [("vi", "?lang=vi"), ("en", "?lang=en"), ("id", "?lang=id")] {
        let link = format!("href=\"{path}{href}\"");
        assert!(
            html.contains(&link),
            "the {lang} switch keeps the code ({link}):\n{html}"
        );
    }

    let english = api.get(&format!("{path}?lang=en")).send();
    assert!(
        english.text().contains("<html lang=\"en\">")
            && english.text().contains("Application status"),
        "?lang=en gives the page in English:\n{}",
        english.text()
    );
    let indonesian = api
        .get(&path)
        .header("Accept-Language", "id-ID,id;q=0.9,en;q=0.5")
        .send();
    assert!(
        indonesian.text().contains("<html lang=\"id\">")
            && indonesian.text().contains("Status permohonan"),
        "Accept-Language: id gives the page in Indonesian:\n{}",
        indonesian.text()
    );
    let query_first = api
        .get(&format!("{path}?lang=en"))
        .header("Accept-Language", "id")
        .send();
    assert!(
        query_first.text().contains("<html lang=\"en\">"),
        "?lang= wins over Accept-Language"
    );

    let answer = post_page(&api, &format!("{path}?lang=en"), &holder.check(), None);
    answer.expect_status(200, "the posted digits get the status");
    assert_eq!(
        answer.header("cache-control"),
        Some("no-store"),
        "the answer is never cached"
    );
    assert!(
        answer
            .text()
            .contains(holder.application.procedure_name.en.as_str()),
        "the English answer names the procedure in English:\n{}",
        answer.text()
    );

    let style = api.get("/static/status-page.css").send();
    style.expect_status(200, "the page's style sheet is served by the portal");
    assert_eq!(style.content_type(), Some("text/css"), "as CSS");
}

#[test]
fn markup_in_the_code_is_shown_as_text() {
    let portal = Portal::start(PortalOptions::default());
    let reply = portal.api().get("/s/%3Cb%3Ex%3C%2Fb%3E%22%27").send();
    reply.expect_status(200, "any code gets the form");
    let html = reply.text();
    assert!(
        !html.contains("<b>x</b>") && html.contains("&lt;b&gt;x&lt;/b&gt;&quot;&#39;"),
        "the code is escaped, never markup:\n{html}"
    );
}
