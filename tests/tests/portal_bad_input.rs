//! Bad input never gets a 5xx: malformed JSON, wrong types, missing fields, odd media types,
//! unknown paths and oversized bodies all get a 4xx `application/problem+json` with a code.

use opendvc_tests::fixtures::{Citizen, Officer};
use opendvc_tests::{Call, Portal, PortalOptions, Reply};

/// Asserts a 4xx problem document and returns it.
fn client_error(reply: &Reply, why: &str) -> opendvc_api::Problem {
    let problem = reply.problem(why);
    assert!(
        (400..500).contains(&reply.status),
        "{why}: {} answered {} {}; bad input is a 4xx: {}",
        reply.request,
        reply.status,
        problem.code,
        reply.text()
    );
    problem
}

/// Bodies that are not the JSON any endpoint takes.
const BAD_BODIES: &[&str] = &[
    "",
    "{",
    "{not json}",
    "null",
    "[]",
    "\"text\"",
    "42",
    "{\"procedureId\": 42}",
    "{\"idNumber\": [\"048090001234\"]}",
    "{\"stars\": \"five\"}",
    "{\"method\": \"teleport\"}",
    "{\"refreshToken\": null}",
    "{\"to\": \"on_the_moon\"}",
    "{\"consent\": {\"method\": \"telepathy\"}}",
    "\u{feff}{}",
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}}}}}",
];

#[test]
fn malformed_json_gets_400_malformed_request() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    for body in ["{", "{not json}", "[1,2"] {
        citizen
            .call("POST", "/v1/applications")
            .fresh_idempotency_key()
            .body(body, "application/json")
            .send()
            .expect_problem(400, "malformed_request", "a body that is no JSON");
        portal
            .api()
            .post("/v1/auth/otp")
            .body(body, "application/json")
            .send()
            .expect_problem(400, "malformed_request", "a body that is no JSON");
    }
}

#[test]
fn wrong_types_and_missing_fields_get_400_malformed_request() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    portal
        .api()
        .post("/v1/auth/token")
        .body(
            r#"{"idNumber": 48090001234, "otp": true}"#,
            "application/json",
        )
        .send()
        .expect_problem(400, "malformed_request", "numbers where strings belong");
    portal
        .api()
        .post("/v1/auth/token")
        .body(r#"{"idNumber": "048090001234"}"#, "application/json")
        .send()
        .expect_problem(400, "malformed_request", "a missing field");
    citizen
        .call("POST", "/v1/applications")
        .fresh_idempotency_key()
        .body(
            r#"{"procedureId": "x", "form": [], "delivery": {"method": "counter"}}"#,
            "application/json",
        )
        .send()
        .expect_problem(400, "malformed_request", "a list where the form belongs");
}

#[test]
fn a_body_that_is_not_json_gets_415() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    citizen
        .call("POST", "/v1/applications")
        .fresh_idempotency_key()
        .body("procedureId=x", "application/x-www-form-urlencoded")
        .send()
        .expect_problem(415, "unsupported_media_type", "a form post is no JSON");
}

#[test]
fn every_endpoint_answers_bad_bodies_with_a_4xx_problem() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    // Logout with a lenient body may succeed, so it gets a session of its own.
    let leaving = Citizen::demo(&mut portal, 0);
    let officer_token = Officer::sign_in(&mut portal).access_token();
    let staff = portal.demo_accounts().staff[0].clone();
    let staff_token = portal
        .staff_token(&staff.code, &staff.password)
        .access_token;
    let application = citizen
        .applications()
        .into_iter()
        .next()
        .expect("the demo citizen has applications");
    let id = application.id;
    let endpoints: Vec<(&str, String, Option<&str>)> = vec![
        ("POST", "/v1/auth/otp".to_owned(), None),
        ("POST", "/v1/auth/token".to_owned(), None),
        ("POST", "/v1/auth/refresh".to_owned(), None),
        ("POST", "/v1/auth/staff-token".to_owned(), None),
        (
            "POST",
            "/v1/assist/consent-codes".to_owned(),
            Some(&staff_token),
        ),
        ("POST", "/v1/assist/sessions".to_owned(), Some(&staff_token)),
        (
            "POST",
            "/v1/applications".to_owned(),
            Some(&citizen.access_token),
        ),
        (
            "POST",
            format!("/v1/applications/{id}/supplements"),
            Some(&citizen.access_token),
        ),
        (
            "PUT",
            format!("/v1/applications/{id}/delivery"),
            Some(&citizen.access_token),
        ),
        (
            "POST",
            format!("/v1/applications/{id}/withdraw"),
            Some(&citizen.access_token),
        ),
        (
            "POST",
            format!("/v1/applications/{id}/rating"),
            Some(&citizen.access_token),
        ),
        (
            "POST",
            format!("/v1/officer/applications/{id}/transition"),
            Some(&officer_token),
        ),
        (
            "POST",
            "/v1/auth/logout".to_owned(),
            Some(&leaving.access_token),
        ),
    ];
    for (method, path, token) in &endpoints {
        for body in BAD_BODIES {
            // Logout takes an optional body, so an empty body or `{}` may well succeed.
            if path == "/v1/auth/logout" && (body.is_empty() || *body == "\u{feff}{}") {
                continue;
            }
            let mut call: Call = portal
                .api()
                .request(method, path)
                .fresh_idempotency_key()
                .body(*body, "application/json");
            if let Some(token) = token {
                call = call.bearer(token);
            }
            let reply = call.send();
            if reply.status < 400 {
                // Some odd bodies are valid for lenient endpoints (`{}` to withdraw); what
                // matters is that none is a server error.
                continue;
            }
            client_error(&reply, &format!("{method} {path} with body {body:?}"));
        }
    }
    // Lenient bodies may legitimately withdraw or rate (a withdrawal takes `{}`); what must
    // hold is that the application is still whole and readable.
    assert_eq!(
        citizen.application(id).id,
        id,
        "the application is still readable"
    );
}

#[test]
fn invalid_dates_in_queries_and_paths_get_a_4xx_problem() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    for path in [
        "/v1/holidays/abc",
        "/v1/holidays/-1",
        "/v1/holidays/99999999999",
        "/v1/holidays/2026-02-30",
    ] {
        client_error(&citizen.get(path), "a year that is no year");
    }
}

#[test]
fn unknown_paths_and_methods_get_a_4xx_problem() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    client_error(&citizen.get("/v1/nothing-here"), "an unknown path");
    client_error(&citizen.get("/v2/applications"), "an unknown version");
    client_error(
        &citizen.call("DELETE", "/v1/procedures").send(),
        "a method the path does not take",
    );
    client_error(
        &citizen.call("PATCH", "/v1/applications").send(),
        "a method the path does not take",
    );
}

#[test]
fn odd_headers_get_a_4xx_problem_not_a_crash() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let body = serde_json::json!({
        "procedureId": "x", "form": {}, "attachments": [], "delivery": {"method": "counter"}
    });
    let long_key = "k".repeat(10_000);
    for key in ["", " ", long_key.as_str()] {
        let reply = citizen
            .call("POST", "/v1/applications")
            .idempotency_key(key)
            .json(&body)
            .send();
        client_error(&reply, "an empty or absurd Idempotency-Key");
    }
    for authorization in ["Bearer", "Basic dXNlcjpwYXNz", "Bearer  ", "bearer x y z"] {
        let reply = portal
            .api()
            .get("/v1/me")
            .header("Authorization", authorization)
            .send();
        reply.expect_problem(
            401,
            "unauthorized",
            "an Authorization header that is no token",
        );
    }
}

/// A body that trickles out after its first 2 MiB, like an upload over weak mobile data, so
/// the client is still sending when the portal has seen enough to refuse it.
#[derive(Debug)]
struct SlowUpload {
    left: usize,
    sent: usize,
}

impl std::io::Read for SlowUpload {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.sent > 2 * 1024 * 1024 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let length = buffer.len().min(self.left).min(64 * 1024);
        buffer[..length].fill(b' ');
        self.left -= length;
        self.sent += length;
        Ok(length)
    }
}

#[test]
fn an_oversized_upload_over_a_slow_link_hears_413() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let cases = [
        ("/v1/attachments", "application/pdf", 25 * 1024 * 1024),
        ("/v1/applications", "application/json", 25 * 1024 * 1024),
    ];
    for (path, content_type, size) in cases {
        // A portal that answers 413 and closes the connection while the client is still
        // sending loses the answer: the client cannot tell "too large" from a network fault
        // and retries the same upload for ever. The portal must read (and drop) the rest of
        // the body, or keep the connection open until the client has sent it, then answer.
        let reply = citizen
            .call("POST", path)
            .fresh_idempotency_key()
            .body_reader(
                SlowUpload {
                    left: size,
                    sent: 0,
                },
                size as u64,
                content_type,
            )
            .try_send()
            .unwrap_or_else(|error| {
                panic!("a {size}-byte upload to {path} over a slow link heard nothing: {error:?}")
            });
        reply.expect_problem(413, "payload_too_large", "an oversized body is refused");
    }
}
