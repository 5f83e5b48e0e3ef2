//! Tokens at the edges: signing out with an expired access token, a refresh answer lost on
//! the way, and staff tokens revoked at sign-out.

use opendvc_api::{
    AssistSessionRequest, ConsentCodeRequest, LogoutRequest, RefreshRequest, TokenResponse,
};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Api, Portal, PortalOptions, Reply};

/// Seconds a citizen access token lives by default (`serve --access-ttl`).
const ACCESS_TTL: i64 = 900;
/// Seconds during which a rotated refresh token is accepted once more.
const REFRESH_GRACE: i64 = 60;

fn refresh(api: &Api, refresh_token: &str) -> Reply {
    api.post("/v1/auth/refresh")
        .json(&RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        })
        .send()
}

fn logout(api: &Api, bearer: Option<&str>, refresh_token: Option<&str>) -> Reply {
    let mut call = api.post("/v1/auth/logout");
    if let Some(token) = bearer {
        call = call.bearer(token);
    }
    call.json(&LogoutRequest {
        refresh_token: refresh_token.map(str::to_owned),
    })
    .send()
}

#[test]
fn sign_out_revokes_the_refresh_token_even_when_the_access_token_expired() {
    let mut portal = Portal::start(PortalOptions::default());
    let id_number = portal.demo_accounts().citizens[0].id_number.clone();
    let api = portal.api();

    let tokens = portal.sign_in_citizen(&id_number);
    portal.advance_clock(ACCESS_TTL + 1);
    api.get("/v1/me")
        .bearer(&tokens.access_token)
        .send()
        .expect_problem(401, "token_expired", "the access token has expired");
    logout(
        &api,
        Some(&tokens.access_token),
        Some(&tokens.refresh_token),
    )
    .expect_status(204, "signing out with an expired access token works");
    refresh(&api, &tokens.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "the refresh token is revoked although the access token had expired",
    );

    // Without any access token, the refresh token proves possession on its own.
    let tokens = portal.sign_in_citizen(&id_number);
    logout(&api, None, Some(&tokens.refresh_token))
        .expect_status(204, "signing out with the refresh token alone works");
    refresh(&api, &tokens.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "the refresh token is revoked",
    );
    api.get("/v1/me")
        .bearer(&tokens.access_token)
        .send()
        .expect_problem(
            401,
            "unauthorized",
            "the access token of the same sign-in ends with it",
        );

    logout(&api, None, None).expect_problem(
        401,
        "unauthorized",
        "signing out with neither token says so",
    );
}

#[test]
fn a_lost_refresh_answer_does_not_end_the_session() {
    let mut portal = Portal::start(PortalOptions::default());
    let id_number = portal.demo_accounts().citizens[0].id_number.clone();
    let api = portal.api();

    let tokens = portal.sign_in_citizen(&id_number);
    let _lost: TokenResponse =
        refresh(&api, &tokens.refresh_token).expect_json(200, "the first refresh rotates");
    // The answer never reached the app, which retries with the token it still has.
    let retried: TokenResponse = refresh(&api, &tokens.refresh_token).expect_json(
        200,
        "the previous refresh token is accepted once more within the grace period",
    );
    api.get("/v1/me")
        .bearer(&retried.access_token)
        .send()
        .expect_status(200, "the retried refresh's access token works");
    let next: TokenResponse = refresh(&api, &retried.refresh_token)
        .expect_json(200, "the session goes on with the retried refresh's token");

    refresh(&api, &tokens.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "a second reuse of the same refresh token is reuse",
    );
    refresh(&api, &next.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "reuse revokes the whole sign-in",
    );
    api.get("/v1/me")
        .bearer(&next.access_token)
        .send()
        .expect_problem(
            401,
            "unauthorized",
            "reuse ends the sign-in's access tokens too",
        );

    // After the grace period the previous token is plain reuse.
    let tokens = portal.sign_in_citizen(&id_number);
    let rotated: TokenResponse =
        refresh(&api, &tokens.refresh_token).expect_json(200, "the refresh rotates");
    portal.advance_clock(REFRESH_GRACE + 1);
    refresh(&api, &tokens.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "the previous token is refused after the grace period",
    );
    refresh(&api, &rotated.refresh_token).expect_problem(
        401,
        "refresh_token_invalid",
        "and its reuse revokes the sign-in",
    );
}

#[test]
fn a_revoked_staff_token_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let agent = accounts.staff[0].clone();
    let citizen = accounts.citizens[0].clone();
    let officer = accounts.officers[0].clone();
    let api = portal.api();

    // An assisted session opened before the sign-out, for the late-delivery path.
    let agent_token = portal
        .staff_token(&agent.code, &agent.password)
        .access_token;
    let session: opendvc_api::AssistSession = api
        .post("/v1/assist/sessions")
        .bearer(&agent_token)
        .json(&AssistSessionRequest {
            id_number: citizen.id_number.clone(),
            consent: opendvc_api::Consent::Paper {
                reference: "GIAYUQ-2026-000777".to_owned(),
            },
            venue: None,
            opened_at: None,
        })
        .send()
        .expect_json(201, "the agent opens a session before signing out");
    let owner = Citizen::sign_in(&mut portal, &citizen.id_number);
    let application = owner
        .applications()
        .into_iter()
        .next()
        .expect("the demo citizen has an application");
    let officer_token = portal
        .staff_token(&officer.code, &officer.password)
        .access_token;

    for token in [&agent_token, &officer_token] {
        logout(&api, Some(token), None).expect_status(204, "staff sign out at the portal");
    }

    let refused = |reply: Reply, what: &str| {
        reply.expect_problem(
            401,
            "unauthorized",
            &format!("a revoked staff token is refused: {what}"),
        );
    };
    refused(
        api.post("/v1/assist/consent-codes")
            .bearer(&agent_token)
            .json(&ConsentCodeRequest {
                id_number: citizen.id_number.clone(),
            })
            .send(),
        "asking for a consent code",
    );
    refused(
        api.post("/v1/assist/sessions")
            .bearer(&agent_token)
            .json(&AssistSessionRequest {
                id_number: citizen.id_number.clone(),
                consent: opendvc_api::Consent::Paper {
                    reference: "GIAYUQ-2026-000778".to_owned(),
                },
                venue: None,
                opened_at: None,
            })
            .send(),
        "opening an assisted session",
    );
    refused(
        api.delete(&format!("/v1/assist/sessions/{}", session.id))
            .bearer(&agent_token)
            .send(),
        "ending a session",
    );
    refused(
        api.post("/v1/applications")
            .bearer(&agent_token)
            .header("X-Assist-Session", &session.id.to_string())
            .fresh_idempotency_key()
            .json(&serde_json::json!({
                "procedureId": "x", "form": {}, "attachments": [],
                "delivery": {"method": "counter"}
            }))
            .send(),
        "delivering a session's work late",
    );
    refused(
        api.post("/v1/attachments")
            .bearer(&agent_token)
            .header("X-Assist-Session", &session.id.to_string())
            .fresh_idempotency_key()
            .body(
                opendvc_tests::fixtures::pdf_bytes("late scan"),
                "application/pdf",
            )
            .send(),
        "uploading a session's file late",
    );
    refused(
        api.post(&format!(
            "/v1/officer/applications/{}/transition",
            application.id
        ))
        .bearer(&officer_token)
        .fresh_idempotency_key()
        .json(&serde_json::json!({"to": "processing"}))
        .send(),
        "an officer's transition",
    );
    refused(
        api.get("/v1/me").bearer(&officer_token).send(),
        "reading a profile",
    );
    refused(logout(&api, Some(&agent_token), None), "signing out twice");
}
