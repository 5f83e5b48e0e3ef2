//! The real `opendvc-portal` binary on a loopback port, end to end over HTTP: sign-in through
//! the dev outbox, resent and concurrent submissions, a second demo start, token expiry and
//! rotation, an agent acting with the citizen's consent, the officer command, and bad input.

use opendvc_tests::{Api, Portal, PortalOptions, Reply};
use serde_json::{Value, json};

/// Signs the first demo citizen in and returns their access token.
fn sign_in_first_citizen(portal: &mut Portal) -> String {
    let citizen = portal.demo_accounts().citizens[0].clone();
    portal.sign_in_citizen(&citizen.id_number).access_token
}

/// The catalog, as anyone may read it.
fn catalog(api: &Api) -> Value {
    api.get("/v1/procedures")
        .send()
        .expect_json(200, "the catalog is served")
}

/// A valid ID card renewal, its form built from the catalog itself, so the test holds for
/// any shipped data.
fn renewal_request(catalog: &Value) -> Value {
    let procedure = catalog["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|procedure| procedure["id"] == "id-card-renewal")
        .expect("ID card renewal is in the catalog");
    let mut form = serde_json::Map::new();
    for field in procedure["formFields"].as_array().expect("fields") {
        let value = match field["kind"].as_str().expect("kind") {
            "date" => "1990-05-12".to_owned(),
            "number" => "1".to_owned(),
            "id_number" => "048090001234".to_owned(),
            "phone" => "0905000001".to_owned(),
            "select" => field["options"][0]["value"]
                .as_str()
                .expect("option")
                .to_owned(),
            _ => "Nguyễn Thị Lan".to_owned(),
        };
        form.insert(
            field["id"].as_str().expect("id").to_owned(),
            Value::String(value),
        );
    }
    json!({ "procedureId": "id-card-renewal", "form": form, "attachments": [],
            "delivery": { "method": "counter" } })
}

/// How many items a list answer holds.
fn item_count(reply: &Reply) -> usize {
    reply.expect_json::<Value>(200, "the list is served")["items"]
        .as_array()
        .map_or(0, Vec::len)
}

fn application_count(api: &Api, access: &str) -> usize {
    item_count(&api.get("/v1/applications").bearer(access).send())
}

#[test]
fn citizen_signs_in_through_the_outbox_and_a_resent_submission_creates_one_application() {
    let mut portal = Portal::start(PortalOptions::default());
    let access = sign_in_first_citizen(&mut portal);
    let api = portal.api();
    let request = renewal_request(&catalog(&api));
    let before = application_count(&api, &access);
    let mut ids = Vec::new();
    for attempt in 0..2 {
        let reply = api
            .post("/v1/applications")
            .bearer(&access)
            .idempotency_key("0190b0a0-aaaa-7000-8000-000000000001")
            .json(&request)
            .send();
        let application: Value = reply.expect_json(201, &format!("attempt {attempt} answers 201"));
        if attempt == 1 {
            assert_eq!(
                reply.header("idempotent-replayed"),
                Some("true"),
                "the resend is a replay"
            );
        }
        assert!(
            application["code"]
                .as_str()
                .is_some_and(|code| code.starts_with("000.00.48.H17-")),
            "receipt-style code: {application}"
        );
        ids.push(application["id"].clone());
    }
    assert_eq!(ids[0], ids[1], "the replay answers the same application");
    assert_eq!(
        application_count(&api, &access),
        before + 1,
        "exactly one application was created"
    );
    let status = portal.stop();
    assert!(
        status.success(),
        "SIGTERM shuts the portal down cleanly: {status}"
    );
}

#[test]
fn a_second_demo_start_duplicates_nothing() {
    let mut portal = Portal::start(PortalOptions::default());
    let mut counts = Vec::new();
    for start in 0..2 {
        if start > 0 {
            portal.start_again();
        }
        let access = sign_in_first_citizen(&mut portal);
        let api = portal.api();
        counts.push((
            application_count(&api, &access),
            item_count(&api.get("/v1/documents").bearer(&access).send()),
        ));
        let status = portal.stop();
        assert!(status.success(), "the portal stops cleanly: {status}");
    }
    assert_eq!(counts[0], counts[1], "the second start seeds nothing new");
}

/// Seconds a citizen access token lives in the expiry test (`serve --access-ttl`).
const ACCESS_TTL: u32 = 60;

#[test]
fn an_expired_access_token_is_refused_and_refresh_tokens_rotate() {
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let citizen = portal.demo_accounts().citizens[0].clone();
    let tokens = portal.sign_in_citizen(&citizen.id_number);
    let api = portal.api();
    api.get("/v1/me")
        .bearer(&tokens.access_token)
        .send()
        .expect_status(200, "the access token works within its lifetime");
    // The token's lifetime passes on the portal's clock, not by waiting.
    portal.advance_clock(i64::from(ACCESS_TTL) + 1);
    api.get("/v1/me")
        .bearer(&tokens.access_token)
        .send()
        .expect_problem(401, "token_expired", "the expired access token is refused");

    let refresh_with = |token: &str| {
        api.post("/v1/auth/refresh")
            .json(&json!({ "refreshToken": token }))
            .send()
    };
    let rotated: Value =
        refresh_with(&tokens.refresh_token).expect_json(200, "a fresh refresh token works");
    let new_refresh = rotated["refreshToken"]
        .as_str()
        .expect("new refresh")
        .to_owned();
    assert_ne!(
        new_refresh, tokens.refresh_token,
        "the refresh token rotates"
    );
    refresh_with(&tokens.refresh_token).expect_status(
        200,
        "within a minute, a spent refresh token is taken once more (the answer may have been lost)",
    );
    refresh_with(&tokens.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "a spent refresh token is refused after that",
    );
    refresh_with(&new_refresh)
        .expect_status(401, "reuse of a spent token revokes the whole sign-in");
}

#[test]
fn an_agent_acts_for_a_citizen_only_with_consent_and_the_action_records_the_agent() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let agent = accounts
        .staff
        .iter()
        .find(|staff| staff.kind == opendvc_api::StaffKind::Agent)
        .expect("a demo agent")
        .clone();
    let citizen = accounts.citizens[0].clone();
    let api = portal.api();
    let staff_token = portal
        .staff_token(&agent.code, &agent.password)
        .access_token;

    api.get("/v1/me")
        .bearer(&staff_token)
        .send()
        .expect_status(403, "a staff token alone cannot read a citizen");

    api.post("/v1/assist/sessions")
        .bearer(&staff_token)
        .json(&json!({ "idNumber": citizen.id_number,
                       "consent": { "method": "otp", "otp": "000000" } }))
        .send()
        .expect_problem(
            403,
            "consent_required",
            "no session without the citizen's code",
        );

    api.post("/v1/assist/consent-codes")
        .bearer(&staff_token)
        .json(&json!({ "idNumber": citizen.id_number }))
        .send()
        .expect_status(202, "a consent code is sent to the citizen");
    let code = portal.latest_code_sent_to(&citizen.phone);
    let session: Value = api
        .post("/v1/assist/sessions")
        .bearer(&staff_token)
        .json(
            &json!({ "idNumber": citizen.id_number, "consent": { "method": "otp", "otp": code },
                     "venue": { "name": "Bưu điện Hải Châu" } }),
        )
        .send()
        .expect_json(201, "the citizen's code opens a session");
    let session_token = session["accessToken"].as_str().expect("session token");

    let application: Value = api
        .post("/v1/applications")
        .bearer(session_token)
        .idempotency_key("assist-1")
        .json(&renewal_request(&catalog(&api)))
        .send()
        .expect_json(201, "the session submits for the citizen");
    assert_eq!(application["channel"], "assisted");
    assert_eq!(application["submittedBy"]["staffCode"], agent.code.as_str());
    assert_eq!(application["timeline"][0]["actor"]["kind"], "staff");
    assert_eq!(
        application["timeline"][0]["actor"]["venue"],
        "Bưu điện Hải Châu"
    );

    api.delete(&format!(
        "/v1/assist/sessions/{}",
        session["id"].as_str().expect("session id")
    ))
    .bearer(session_token)
    .send()
    .expect_status(204, "the session token can end its own session");
    api.get("/v1/me")
        .bearer(session_token)
        .send()
        .expect_status(403, "an ended session's token is refused");
}

#[test]
fn the_officer_command_moves_an_application_and_the_citizen_sees_it_in_sync() {
    let mut portal = Portal::start(PortalOptions::default());
    let access = sign_in_first_citizen(&mut portal);
    let api = portal.api();
    let received: Value = api
        .post("/v1/applications")
        .bearer(&access)
        .idempotency_key("officer-cli-1")
        .json(&renewal_request(&catalog(&api)))
        .send()
        .expect_json(201, "the citizen submits");
    assert_eq!(received["status"], "received");
    let first: Value = api
        .get("/v1/sync")
        .bearer(&access)
        .send()
        .expect_json(200, "the first sync");
    let cursor = first["cursor"].as_str().expect("cursor").to_owned();
    let quiet: Value = api
        .get(&format!("/v1/sync?cursor={cursor}"))
        .bearer(&access)
        .send()
        .expect_json(200, "a sync with nothing new");
    assert_eq!(
        quiet,
        json!({ "cursor": cursor }),
        "nothing changed: only the cursor"
    );

    let code = received["code"].as_str().expect("code");
    let moved: Value =
        serde_json::from_str(&portal.officer(&["transition", code, "--to", "processing"]))
            .expect("the officer command prints the moved application");
    assert_eq!(moved["status"], "processing");

    let next: Value = api
        .get(&format!("/v1/sync?cursor={cursor}"))
        .bearer(&access)
        .send()
        .expect_json(200, "the sync after the move");
    let changed = next["applications"]
        .as_array()
        .expect("the changed application");
    assert_eq!(changed.len(), 1, "only the moved application is sent again");
    assert_eq!(changed[0]["id"], received["id"]);
    assert_eq!(changed[0]["status"], "processing");
    assert!(
        next["inbox"].as_array().is_some_and(|items| items
            .iter()
            .any(|item| item["applicationId"] == received["id"])),
        "an inbox item tells the citizen"
    );

    let back = portal.officer_output(&["transition", code, "--to", "received"]);
    assert!(
        !back.status.success(),
        "processing cannot go back to received"
    );
}

#[test]
fn concurrent_resends_with_one_key_create_exactly_one_application() {
    let mut portal = Portal::start(PortalOptions::default());
    let access = sign_in_first_citizen(&mut portal);
    let api = portal.api();
    let request = renewal_request(&catalog(&api));
    let before = application_count(&api, &access);
    let answers: Vec<(u16, Value)> = std::thread::scope(|scope| {
        let sends: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let reply = api
                        .post("/v1/applications")
                        .bearer(&access)
                        .idempotency_key("concurrent-key")
                        .json(&request)
                        .send();
                    (reply.status, reply.json::<Value>())
                })
            })
            .collect();
        sends
            .into_iter()
            .map(|send| send.join().expect("the sending thread ends"))
            .collect()
    });
    let mut created_ids = Vec::new();
    for (status, body) in answers {
        match status {
            201 => created_ids.push(body["id"].clone()),
            409 => assert_eq!(body["code"], "idempotency_in_flight", "{body}"),
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert!(
        !created_ids.is_empty(),
        "at least one send got the application"
    );
    assert!(
        created_ids.iter().all(|id| *id == created_ids[0]),
        "every 201 names the same application"
    );
    assert_eq!(
        application_count(&api, &access),
        before + 1,
        "exactly one application exists for the key"
    );
}

#[test]
fn bad_input_gets_problem_documents_never_a_server_error() {
    let mut portal = Portal::start(PortalOptions::default());
    let access = sign_in_first_citizen(&mut portal);
    let api = portal.api();
    let json_type = "application/json";
    let cases = vec![
        (
            "malformed JSON",
            api.post("/v1/applications")
                .idempotency_key("bad-1")
                .body("{not json", json_type),
            400,
            "malformed_request",
        ),
        (
            "wrong types",
            api.post("/v1/applications").idempotency_key("bad-2").body(
                r#"{"procedureId": 7, "form": [], "delivery": "post"}"#,
                json_type,
            ),
            400,
            "malformed_request",
        ),
        (
            "not JSON at all",
            api.post("/v1/auth/otp").body("048090001234", "text/plain"),
            415,
            "unsupported_media_type",
        ),
        (
            "an invalid date in a form",
            api.post("/v1/applications").idempotency_key("bad-3").json(
                &json!({ "procedureId": "id-card-renewal",
                               "form": { "birthDate": "1990-02-31" },
                               "delivery": { "method": "counter" } }),
            ),
            422,
            "validation_failed",
        ),
        (
            "an unknown application",
            api.get("/v1/applications/0190b0a0-0000-7000-8000-00000000dead"),
            404,
            "not_found",
        ),
        (
            "a malformed id",
            api.get("/v1/applications/not-a-uuid"),
            404,
            "not_found",
        ),
        (
            "an unknown route",
            api.get("/v1/nothing-here"),
            404,
            "not_found",
        ),
        (
            "a year that is not a number",
            api.get("/v1/holidays/twenty"),
            400,
            "malformed_request",
        ),
        (
            "a malformed sync cursor",
            api.get("/v1/sync?cursor=%00abc"),
            400,
            "malformed_request",
        ),
        (
            "an upload over 20 MiB",
            api.post("/v1/attachments")
                .body(vec![0u8; 20 * 1024 * 1024 + 1], "application/pdf"),
            413,
            "payload_too_large",
        ),
    ];
    for (what, call, status, code) in cases {
        call.bearer(&access).send().expect_problem(
            status,
            code,
            &format!("{what} answers a problem document"),
        );
    }
}
