//! Sign-in over HTTP: citizens by one-time code, token expiry and rotation, logout, staff,
//! and assisted sessions with the citizen's consent.

use opendvc_api::{
    AssistSession, AssistSessionRequest, Channel, ConsentCodeRequest, OtpRequest, RefreshRequest,
    StaffKind, TokenRequest, TokenResponse,
};
use opendvc_tests::fixtures::{Citizen, counter_delivery, deliverable_procedure};
use opendvc_tests::{Api, Portal, PortalOptions, Reply};

fn refresh(api: &Api, refresh_token: &str) -> Reply {
    api.post("/v1/auth/refresh")
        .json(&RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        })
        .send()
}

#[test]
fn a_citizen_signs_in_with_the_code_sent_to_their_phone() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let tokens = portal.sign_in_citizen(&demo.id_number);
    assert_eq!(tokens.token_type, "Bearer");
    assert!(tokens.expires_in > 0, "the access token has a lifetime");
    assert_ne!(tokens.access_token, tokens.refresh_token);
    let citizen = Citizen::sign_in(&mut portal, &demo.id_number);
    assert_eq!(
        citizen.profile().id_number,
        demo.id_number,
        "the token reads the profile of the citizen who signed in"
    );
}

#[test]
fn asking_for_a_code_does_not_reveal_who_is_registered() {
    let portal = Portal::start(PortalOptions::default());
    let reply = portal
        .api()
        .post("/v1/auth/otp")
        .json(&OtpRequest {
            id_number: "048099999999".to_owned(),
        })
        .send();
    reply.expect_status(202, "an unknown ID number gets the same 202 as a known one");
}

#[test]
fn an_id_number_that_is_not_12_digits_is_refused() {
    let portal = Portal::start(PortalOptions::default());
    for id_number in ["12345", "04809000123a", ""] {
        let reply = portal
            .api()
            .post("/v1/auth/otp")
            .json(&OtpRequest {
                id_number: id_number.to_owned(),
            })
            .send();
        let problem = reply.problem("a malformed ID number is a client error");
        assert!(
            matches!(reply.status, 400 | 422),
            "{id_number:?} gets 400 or 422, got {} {}",
            reply.status,
            problem.code
        );
    }
}

#[test]
fn wrong_one_time_codes_are_limited() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let api = portal.api();
    api.post("/v1/auth/otp")
        .json(&OtpRequest {
            id_number: demo.id_number.clone(),
        })
        .send()
        .expect_status(202, "a code is sent");
    let right = portal.latest_code_sent_to(&demo.phone);
    let wrong_number: u32 = (right.parse::<u32>().expect("six digits") + 1) % 1_000_000;
    let wrong = format!("{wrong_number:06}");
    let mut codes = Vec::new();
    for _ in 0..10 {
        let reply = api
            .post("/v1/auth/token")
            .json(&TokenRequest {
                id_number: demo.id_number.clone(),
                otp: wrong.clone(),
            })
            .send();
        let problem = reply.problem("a wrong code is refused");
        assert!(
            matches!(
                (reply.status, problem.code.as_str()),
                (401, "otp_invalid") | (429, "rate_limited")
            ),
            "a wrong code gets 401 otp_invalid or 429 rate_limited, got {} {}",
            reply.status,
            problem.code
        );
        codes.push(problem.code.as_str());
    }
    let after = api
        .post("/v1/auth/token")
        .json(&TokenRequest {
            id_number: demo.id_number.clone(),
            otp: right,
        })
        .send();
    assert!(
        after.status == 401 || after.status == 429,
        "after ten wrong attempts even the right code is refused (attempts are limited); \
         got {} after {codes:?}: {}",
        after.status,
        after.text()
    );
    after.problem("the refusal is a problem document");
}

/// Seconds a citizen access token lives in the expiry test (`serve --access-ttl`).
const ACCESS_TTL: u32 = 60;

#[test]
fn an_expired_access_token_gets_401_and_the_refresh_token_rotates() {
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let demo = portal.demo_accounts().citizens[0].clone();
    let tokens = portal.sign_in_citizen(&demo.id_number);
    let api = portal.api();
    api.get("/v1/me")
        .bearer(&tokens.access_token)
        .send()
        .expect_status(200, "the access token works within its lifetime");

    // The token's lifetime passes on the portal's clock, not by waiting.
    portal.advance_clock(i64::from(ACCESS_TTL) + 1);
    let expired = api.get("/v1/me").bearer(&tokens.access_token).send();
    expired.expect_problem(401, "token_expired", "an expired access token gets 401");

    let rotated: TokenResponse =
        refresh(&api, &tokens.refresh_token).expect_json(200, "the refresh token gets new tokens");
    assert_ne!(
        rotated.refresh_token, tokens.refresh_token,
        "the refresh token rotates"
    );
    assert_ne!(rotated.access_token, tokens.access_token);
    api.get("/v1/me")
        .bearer(&rotated.access_token)
        .send()
        .expect_status(200, "the new access token works");

    let again: TokenResponse =
        refresh(&api, &rotated.refresh_token).expect_json(200, "the new refresh token works");
    assert_ne!(again.refresh_token, rotated.refresh_token);

    // Replaying a spent token last: a portal may answer reuse by revoking the whole family.
    // Within a minute of its use the spent token still counts as a retry after a lost answer.
    portal.advance_clock(61);
    refresh(&api, &tokens.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "the old refresh token is refused once used",
    );
}

#[test]
fn logout_ends_the_access_and_refresh_tokens() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let tokens = portal.sign_in_citizen(&demo.id_number);
    let api = portal.api();
    let reply = api
        .post("/v1/auth/logout")
        .bearer(&tokens.access_token)
        .json(&opendvc_api::LogoutRequest {
            refresh_token: Some(tokens.refresh_token.clone()),
        })
        .send();
    assert!(
        reply.status == 204 || reply.status == 200,
        "logout succeeds: {} {}",
        reply.status,
        reply.text()
    );
    api.get("/v1/me")
        .bearer(&tokens.access_token)
        .send()
        .expect_problem(401, "unauthorized", "a logged-out access token is refused");
    refresh(&api, &tokens.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "a logged-out refresh token is refused",
    );
}

#[test]
fn requests_without_a_valid_token_get_401() {
    let portal = Portal::start(PortalOptions::default());
    let api = portal.api();
    for path in ["/v1/me", "/v1/documents", "/v1/applications", "/v1/sync"] {
        api.get(path)
            .send()
            .expect_problem(401, "unauthorized", "no token, no data");
        api.get(path)
            .bearer("not-a-real-token")
            .send()
            .expect_problem(401, "unauthorized", "an invented token is refused");
    }
}

#[test]
fn staff_sign_in_with_a_wrong_password_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let staff = portal.demo_accounts().staff[0].clone();
    let reply = portal
        .api()
        .post("/v1/auth/staff-token")
        .json(&opendvc_api::StaffTokenRequest {
            code: staff.code,
            password: format!("{}-wrong", staff.password),
        })
        .send();
    reply.expect_problem(401, "unauthorized", "a wrong staff password is refused");
}

#[test]
fn demo_staff_sign_in_as_agent_volunteer_and_officer() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let mut kinds = Vec::new();
    for staff in &accounts.staff {
        let token = portal.staff_token(&staff.code, &staff.password);
        assert_eq!(
            token.staff.kind, staff.kind,
            "{} signs in as {:?}",
            staff.code, staff.kind
        );
        assert!(
            !token.staff.organisation.is_empty(),
            "staff belong to an organisation"
        );
        kinds.push(token.staff.kind);
    }
    assert!(
        kinds.contains(&StaffKind::Agent),
        "the demo has a DVC agent"
    );
    assert!(
        kinds.contains(&StaffKind::Volunteer),
        "the demo has a volunteer"
    );
    let officer = &accounts.officers[0];
    let token = portal.staff_token(&officer.code, &officer.password);
    assert_eq!(token.staff.kind, StaffKind::Officer);
}

#[test]
fn a_staff_token_alone_cannot_read_or_submit_citizen_data() {
    let mut portal = Portal::start(PortalOptions::default());
    let staff = portal.demo_accounts().staff[0].clone();
    let token = portal.staff_token(&staff.code, &staff.password);
    let api = portal.api();
    for path in ["/v1/me", "/v1/documents", "/v1/applications", "/v1/sync"] {
        api.get(path)
            .bearer(&token.access_token)
            .send()
            .expect_problem(
                403,
                "forbidden",
                "staff reach a citizen only through an assisted session",
            );
    }
    api.post("/v1/applications")
        .bearer(&token.access_token)
        .fresh_idempotency_key()
        .json(&serde_json::json!({
            "procedureId": "x", "form": {}, "attachments": [], "delivery": {"method": "counter"}
        }))
        .send()
        .expect_problem(
            403,
            "forbidden",
            "staff cannot submit without an assisted session",
        );
}

/// Opens an assisted session for the demo citizen at `index` with a consent code from the
/// citizen's phone; returns the staff token and the session.
fn assisted_session(portal: &mut Portal, index: usize) -> (String, String, AssistSession) {
    let accounts = portal.demo_accounts();
    let agent = accounts
        .staff
        .iter()
        .find(|staff| staff.kind == StaffKind::Agent)
        .expect("the demo has an agent")
        .clone();
    let citizen = accounts.citizens[index].clone();
    let staff_token = portal
        .staff_token(&agent.code, &agent.password)
        .access_token;
    let api = portal.api();
    api.post("/v1/assist/consent-codes")
        .bearer(&staff_token)
        .json(&ConsentCodeRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "a consent code is sent to the citizen's phone");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    let session: AssistSession = api
        .post("/v1/assist/sessions")
        .bearer(&staff_token)
        .json(&AssistSessionRequest {
            id_number: citizen.id_number.clone(),
            consent: opendvc_api::Consent::Otp { otp },
            venue: None,
            opened_at: None,
        })
        .send()
        .expect_json(201, "the consent code opens an assisted session");
    (staff_token, agent.code, session)
}

#[test]
fn an_assisted_session_acts_for_the_citizen_and_records_the_staff_member() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let (_, agent_code, session) = assisted_session(&mut portal, 0);
    assert_eq!(session.staff_code, agent_code);
    assert!(
        !session.venue.name.is_empty(),
        "the session records the venue"
    );
    assert_ne!(
        session.citizen_initials, demo.name,
        "the staff screen shows the citizen's initials, not the full name"
    );
    let assisted = Citizen::with_token(portal.api(), &demo.id_number, &session.access_token);
    assert_eq!(assisted.profile().id_number, demo.id_number);

    let procedure = deliverable_procedure(&assisted.catalog());
    let application = assisted.submit(&assisted.valid_application(&procedure, counter_delivery()));
    assert_eq!(
        application.channel,
        Channel::Assisted,
        "an assisted submission says so"
    );
    let submitted_by = application
        .submitted_by
        .as_ref()
        .expect("an assisted submission records who submitted it");
    assert_eq!(submitted_by.staff_code, agent_code);
    assert_eq!(submitted_by.staff_kind, StaffKind::Agent);
    assert!(!submitted_by.venue.is_empty(), "the venue is recorded");

    let withdrawn: opendvc_api::Application = assisted
        .call(
            "POST",
            &format!("/v1/applications/{}/withdraw", application.id),
        )
        .fresh_idempotency_key()
        .json(&opendvc_api::WithdrawRequest { reason: None })
        .send()
        .expect_json(200, "the staff member withdraws for the citizen");
    let entry = withdrawn
        .timeline
        .last()
        .expect("the withdrawal is in the timeline");
    assert_eq!(
        (entry.actor.kind, entry.actor.code.as_deref()),
        (opendvc_api::ActorKind::Staff, Some(agent_code.as_str())),
        "an action in an assisted session records the staff member: {entry:?}"
    );
    assert!(
        entry
            .actor
            .venue
            .as_deref()
            .is_some_and(|venue| !venue.is_empty()),
        "and their post office: {entry:?}"
    );

    let own = Citizen::sign_in(&mut portal, &demo.id_number);
    let seen = own.application(application.id);
    assert_eq!(
        seen.submitted_by, application.submitted_by,
        "the citizen sees who submitted for them"
    );
}

#[test]
fn only_the_staff_member_who_opened_a_session_can_end_it() {
    let mut portal = Portal::start(PortalOptions::default());
    let (_, _, session) = assisted_session(&mut portal, 0);
    let volunteer = portal
        .demo_accounts()
        .staff
        .into_iter()
        .find(|staff| staff.kind == StaffKind::Volunteer)
        .expect("the demo has a volunteer");
    let other = portal.staff_token(&volunteer.code, &volunteer.password);
    let reply = portal
        .api()
        .delete(&format!("/v1/assist/sessions/{}", session.id))
        .bearer(&other.access_token)
        .send();
    let problem = reply.problem("another staff member cannot end the session");
    assert!(
        matches!(reply.status, 403 | 404),
        "another staff member gets 403 or 404, got {} {}",
        reply.status,
        problem.code
    );
    portal
        .api()
        .get("/v1/me")
        .bearer(&session.access_token)
        .send()
        .expect_status(200, "the session still works");
}

#[test]
fn a_paper_consent_reference_opens_an_assisted_session() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let volunteer = accounts
        .staff
        .iter()
        .find(|staff| staff.kind == StaffKind::Volunteer)
        .expect("the demo has a volunteer")
        .clone();
    let token = portal.staff_token(&volunteer.code, &volunteer.password);
    let session: AssistSession = portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(&token.access_token)
        .json(&AssistSessionRequest {
            id_number: accounts.citizens[1].id_number.clone(),
            consent: opendvc_api::Consent::Paper {
                // The reference printed on the city's consent form (giấy ủy quyền).
                reference: "GIAYUQ-2026-000123".to_owned(),
            },
            venue: Some(opendvc_api::AssistVenue {
                name: "Ngày hội gần dân, chợ Hòa Khánh".to_owned(),
                unit_code: None,
            }),
            opened_at: None,
        })
        .send()
        .expect_json(201, "a recorded paper consent opens a session");
    assert_eq!(session.venue.name, "Ngày hội gần dân, chợ Hòa Khánh");
}

#[test]
fn an_assisted_session_without_valid_consent_gets_403_consent_required() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let agent = accounts.staff[0].clone();
    let citizen = accounts.citizens[0].clone();
    let token = portal
        .staff_token(&agent.code, &agent.password)
        .access_token;
    let api = portal.api();
    let open = |otp: &str| {
        api.post("/v1/assist/sessions")
            .bearer(&token)
            .json(&AssistSessionRequest {
                id_number: citizen.id_number.clone(),
                consent: opendvc_api::Consent::Otp {
                    otp: otp.to_owned(),
                },
                venue: None,
                opened_at: None,
            })
            .send()
    };
    open("123456").expect_problem(
        403,
        "consent_required",
        "a code that was never sent is no consent",
    );
    api.post("/v1/assist/consent-codes")
        .bearer(&token)
        .json(&ConsentCodeRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "a consent code is sent");
    let right = portal.latest_code_sent_to(&citizen.phone);
    let wrong = format!(
        "{:06}",
        (right.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    open(&wrong).expect_problem(
        403,
        "consent_required",
        "a wrong consent code is no consent",
    );
}

#[test]
fn a_citizen_token_cannot_open_an_assisted_session() {
    let mut portal = Portal::start(PortalOptions::default());
    let first = Citizen::demo(&mut portal, 0);
    let second = portal.demo_accounts().citizens[1].clone();
    first
        .call("POST", "/v1/assist/sessions")
        .json(&AssistSessionRequest {
            id_number: second.id_number,
            consent: opendvc_api::Consent::Paper {
                reference: "X".to_owned(),
            },
            venue: None,
            opened_at: None,
        })
        .send()
        .expect_problem(403, "forbidden", "only staff open assisted sessions");
}

#[test]
fn an_ended_assisted_session_token_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let (staff_token, _, session) = assisted_session(&mut portal, 0);
    let api = portal.api();
    api.get("/v1/me")
        .bearer(&session.access_token)
        .send()
        .expect_status(200, "the session works before it ends");
    api.delete(&format!("/v1/assist/sessions/{}", session.id))
        .bearer(&staff_token)
        .send()
        .expect_status(204, "the staff member ends the session");
    let after = api.get("/v1/me").bearer(&session.access_token).send();
    let problem = after.problem("an ended session's token is refused");
    assert!(
        matches!(
            (after.status, problem.code.as_str()),
            (403, "forbidden") | (401, "unauthorized")
        ),
        "an ended session's token gets 403 forbidden (or 401 unauthorized), got {} {}",
        after.status,
        problem.code
    );
}

#[test]
fn an_assisted_session_reaches_only_its_own_citizen() {
    let mut portal = Portal::start(PortalOptions::default());
    let other = Citizen::demo(&mut portal, 1);
    let others_application = other
        .applications()
        .into_iter()
        .next()
        .expect("the second demo citizen has applications");
    let (_, _, session) = assisted_session(&mut portal, 0);
    portal
        .api()
        .get(&format!("/v1/applications/{}", others_application.id))
        .bearer(&session.access_token)
        .send()
        .expect_problem(
            404,
            "not_found",
            "an assisted session cannot read another citizen's application",
        );
}
