//! The reference portal over HTTP: reference data, the catalog with its ETag, the OpenAPI
//! document, the dev outbox, and demo seeding across restarts.

use std::collections::BTreeSet;

use opendvc_api::{Catalog, HolidayCalendar};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions};

/// Every path of contract v1, with path parameters written `{}`.
const CONTRACT_PATHS: &[&str] = &[
    "/open311/v2/discovery.json",
    "/open311/v2/discovery.xml",
    "/open311/v2/services.json",
    "/open311/v2/services.xml",
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
    "/open311/v2/requests/{}",
    "/v1/auth/otp",
    "/v1/auth/token",
    "/v1/auth/refresh",
    "/v1/auth/logout",
    "/v1/auth/staff-token",
    "/v1/assist/consent-codes",
    "/v1/assist/sessions",
    "/v1/assist/sessions/{}",
    "/v1/me",
    "/v1/me/access-log",
    "/v1/me/documents/{}/reminders",
    "/v1/me/notification-settings",
    "/v1/documents",
    "/v1/procedures",
    "/v1/procedures/{}/quote",
    "/v1/admin-units",
    "/v1/holidays/{}",
    "/v1/feedback/services",
    "/v1/attachments",
    "/v1/applications",
    "/v1/applications/{}",
    "/v1/applications/{}/supplements",
    "/v1/applications/{}/delivery",
    "/v1/applications/{}/withdraw",
    "/v1/applications/{}/rating",
    "/v1/sync",
    "/v1/officer/applications/{}/transition",
    "/v1/officer/me",
    "/v1/officer/applications",
    "/v1/officer/applications/{}",
    "/v1/officer/applications/{}/assign",
    "/v1/officer/overview",
    "/v1/officer/applications/{}/attachments/{}",
    "/v1/public/status/{}",
    "/s/{}",
    "/console/",
    "/console/{}",
    "/v1/dev/messages",
    "/v1/dev/clock",
    "/healthz",
    "/readyz",
];

/// `/v1/holidays/{year}` → `/v1/holidays/{}`.
fn normalise_template(path: &str) -> String {
    let mut out = String::new();
    let mut in_parameter = false;
    for character in path.chars() {
        match character {
            '{' => {
                in_parameter = true;
                out.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            _ => out.push(character),
        }
    }
    out
}

#[test]
fn openapi_document_is_openapi_3_1_and_lists_every_contract_path() {
    let portal = Portal::start(PortalOptions::default());
    let reply = portal.api().get("/openapi.json").send();
    let document: serde_json::Value =
        reply.expect_json(200, "the portal publishes its OpenAPI document");
    let version = document["openapi"].as_str().unwrap_or_default();
    assert!(
        version.starts_with("3.1."),
        "the document is OpenAPI 3.1.x, got {version:?}"
    );
    let paths: BTreeSet<String> = document["paths"]
        .as_object()
        .expect("the document has paths")
        .keys()
        .map(|path| normalise_template(path))
        .collect();
    let missing: Vec<&&str> = CONTRACT_PATHS
        .iter()
        .filter(|path| !paths.contains(**path))
        .collect();
    assert!(
        missing.is_empty(),
        "every contract path is documented; missing {missing:?} in {paths:?}"
    );
}

#[test]
fn openapi_document_states_the_idempotency_retention() {
    let portal = Portal::start(PortalOptions::default());
    let text = portal.api().get("/openapi.json").send().text();
    assert!(
        text.contains("Idempotency-Key"),
        "the OpenAPI document describes the Idempotency-Key header"
    );
    assert!(
        text.contains("30 days"),
        "the OpenAPI document says keys are kept at least 30 days"
    );
}

#[test]
fn health_check_answers_200() {
    let portal = Portal::start(PortalOptions::default());
    portal
        .api()
        .get("/healthz")
        .send()
        .expect_status(200, "the portal says it is healthy");
}

#[test]
fn dev_outbox_exists_in_demo_mode_and_records_one_time_codes() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = portal
        .demo_accounts()
        .citizens
        .into_iter()
        .next()
        .expect("the demo has citizens");
    portal.sign_in_citizen(&citizen.id_number);
    let messages = portal.dev_messages();
    let sms = messages
        .iter()
        .find(|message| message.channel == "sms")
        .expect("the one-time code went out by sms");
    assert!(
        opendvc_tests::six_digit_code(&sms.body).is_some(),
        "the sms carries the code as the only run of six digits: {:?}",
        sms.body
    );

    // The outbox lists messages in the order the portal recorded them, so the newest code to a
    // phone is the last one listed. Senders working side by side (reminders, notices) may record
    // a message a fraction of a millisecond out of send-time order, so only codes asked for one
    // after the other are compared by time.
    let first = sms.body.clone();
    portal.sign_in_citizen(&citizen.id_number);
    let codes: Vec<_> = portal
        .dev_messages()
        .into_iter()
        .filter(|message| {
            message.channel == "sms" && opendvc_tests::six_digit_code(&message.body).is_some()
        })
        .filter(|message| message.to == sms.to)
        .collect();
    assert_eq!(codes.len(), 2, "two sign-ins sent two codes: {codes:?}");
    assert_eq!(codes[0].body, first, "the first code stays first");
    assert!(
        codes[0].sent_at <= codes[1].sent_at,
        "the code asked for later is listed later: {codes:?}"
    );
}

#[test]
fn dev_outbox_does_not_exist_outside_demo_mode() {
    let portal = Portal::start(PortalOptions::default().without_demo());
    portal.api().get("/v1/dev/messages").send().expect_problem(
        404,
        "not_found",
        "the dev outbox exists only in demo mode",
    );
}

#[test]
fn the_demo_portals_clock_moves_forward_and_only_in_demo_mode() {
    let portal = Portal::start(PortalOptions::default());
    let before = chrono::Utc::now();
    let moved = portal.advance_clock(3 * 24 * 3600);
    let ahead = moved.with_timezone(&chrono::Utc) - before;
    assert!(
        ahead >= chrono::Duration::days(3)
            && ahead < chrono::Duration::days(3) + chrono::Duration::minutes(5),
        "the portal's clock runs three days ahead: {ahead}"
    );
    let again = portal.advance_clock(-10 * 24 * 3600);
    assert!(again >= moved, "the clock never moves back");

    let plain = Portal::start(PortalOptions::default().without_demo());
    plain
        .api()
        .post("/v1/dev/clock")
        .json(&opendvc_api::DevClockAdvance {
            advance_seconds: 60,
        })
        .send()
        .expect_problem(404, "not_found", "the clock moves only in demo mode");
}

#[test]
fn catalog_answers_304_to_its_own_etag() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let first = citizen.get("/v1/procedures");
    let catalog: Catalog = first.expect_json(200, "the catalog is served");
    let etag = first
        .header("etag")
        .expect("the catalog comes with an ETag")
        .to_owned();
    assert_eq!(
        etag.trim_start_matches("W/").trim_matches('"'),
        catalog.version,
        "the catalog's version equals its ETag without quotes"
    );

    let again = citizen
        .call("GET", "/v1/procedures")
        .header("If-None-Match", &etag)
        .send();
    again.expect_status(304, "a matching If-None-Match gets 304 Not Modified");
    assert_eq!(
        again.header("etag"),
        Some(etag.as_str()),
        "the 304 carries the same ETag"
    );
    assert!(again.body.is_empty(), "a 304 has no body");

    citizen
        .call("GET", "/v1/procedures")
        .header("If-None-Match", "\"some-other-version\"")
        .send()
        .expect_status(200, "a stale ETag gets the whole catalog");
}

#[test]
fn catalog_has_forty_procedures_named_in_vietnamese_and_english() {
    let mut portal = Portal::start(PortalOptions::default());
    let catalog = Citizen::demo(&mut portal, 0).catalog();
    assert!(
        catalog.items.len() >= 40,
        "at least 40 procedures, got {}",
        catalog.items.len()
    );
    for procedure in &catalog.items {
        assert!(
            !procedure.name.vi.is_empty() && !procedure.name.en.is_empty(),
            "{} has a Vietnamese and an English name",
            procedure.id
        );
        assert!(
            procedure.processing_days.online <= procedure.processing_days.in_person,
            "{}: online processing is never slower than in person",
            procedure.id
        );
    }
    let ids: BTreeSet<&str> = catalog.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), catalog.items.len(), "procedure ids are unique");
}

#[test]
fn admin_units_list_da_nang_and_its_commune_level_units() {
    let mut portal = Portal::start(PortalOptions::default());
    let units = Citizen::demo(&mut portal, 0).admin_units();
    assert!(
        units.provinces.iter().any(|province| province.code == "48"),
        "Da Nang (48) is a province: {:?}",
        units.provinces
    );
    let da_nang_units = units
        .units
        .iter()
        .filter(|unit| unit.province_code == "48")
        .count();
    assert!(
        da_nang_units >= 10,
        "Da Nang has its wards and communes, got {da_nang_units}"
    );
}

#[test]
fn holidays_are_served_per_year_with_tet_2026() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let calendar: HolidayCalendar = citizen
        .get("/v1/holidays/2026")
        .expect_json(200, "the 2026 holidays are served");
    assert_eq!(calendar.year, 2026);
    let days: BTreeSet<String> = calendar
        .days
        .iter()
        .map(|holiday| holiday.date.to_string())
        .collect();
    for day in [
        "2026-01-01",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-04-30",
        "2026-05-01",
        "2026-09-02",
    ] {
        assert!(days.contains(day), "{day} is a day off in 2026: {days:?}");
    }
    let next: HolidayCalendar = citizen
        .get("/v1/holidays/2027")
        .expect_json(200, "the 2027 holidays are served");
    assert_eq!(next.year, 2027);
    citizen.get("/v1/holidays/1999").expect_problem(
        404,
        "not_found",
        "a year without a calendar is not found",
    );
}

#[test]
fn demo_seeding_is_idempotent_across_a_restart() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let count = |portal: &mut Portal| -> Vec<(usize, usize)> {
        citizens
            .iter()
            .map(|demo| {
                let citizen = Citizen::sign_in(portal, &demo.id_number);
                (
                    citizen.applications().len(),
                    citizen.documents().items.len(),
                )
            })
            .collect()
    };
    let before = count(&mut portal);
    assert!(
        before.iter().any(|(applications, _)| *applications > 0),
        "the demo seeds applications: {before:?}"
    );
    portal.stop();
    portal.start_again();
    let after = count(&mut portal);
    assert_eq!(
        before, after,
        "a second start on the same database duplicates no application and no document"
    );
}

#[test]
fn demo_applications_cover_every_status() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let mut statuses = BTreeSet::new();
    for demo in &citizens {
        let citizen = Citizen::sign_in(&mut portal, &demo.id_number);
        for application in citizen.applications() {
            statuses.insert(application.status.as_str());
        }
    }
    for status in opendvc_api::ApplicationStatus::ALL {
        assert!(
            statuses.contains(status.as_str()),
            "some demo application is {}: {statuses:?}",
            status.as_str()
        );
    }
}

#[test]
fn demo_accounts_into_a_closed_pipe_ends_quietly() {
    // The reader is gone before the portal writes (as `| head` may be): the write fails with
    // EPIPE, which must end the command cleanly instead of panicking.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = std::process::Command::new(opendvc_tests::bin_dir().join("opendvc-portal"))
        .arg("demo-accounts")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the portal runs");
    assert!(
        output.status.success(),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
