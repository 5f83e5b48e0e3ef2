//! Work queued in an assisted session reaches the portal after the session ended: the staff
//! member's own token delivers it, naming the session, but only creates, only their own
//! sessions, and only work minted while the session was open.

use opendvc_api::{AssistSession, AssistSessionRequest, Consent, StaffKind};
use opendvc_tests::fixtures::{Citizen, counter_delivery, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions};
use uuid::{NoContext, Timestamp, Uuid};

/// Opens a paper-consent session for demo citizen 0 as the demo staff member of `kind`;
/// returns the staff token and the session.
fn paper_session(portal: &mut Portal, kind: StaffKind) -> (String, AssistSession) {
    let accounts = portal.demo_accounts();
    let staff = accounts
        .staff
        .iter()
        .find(|staff| staff.kind == kind)
        .expect("the demo has this kind of staff")
        .clone();
    let token = portal
        .staff_token(&staff.code, &staff.password)
        .access_token;
    let session: AssistSession = portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(&token)
        .json(&AssistSessionRequest {
            id_number: accounts.citizens[0].id_number.clone(),
            consent: Consent::Paper {
                reference: "GIAYUQ-2026-000777".into(),
            },
            venue: None,
            opened_at: None,
        })
        .send()
        .expect_json(201, "a paper consent opens a session");
    (token, session)
}

/// Whether a session's token still acts: it uploads a file (a session on a paper consent may
/// submit, never read). Returns the status.
fn upload_with(portal: &Portal, token: &str) -> u16 {
    portal
        .api()
        .post("/v1/attachments")
        .bearer(token)
        .body(
            "%PDF-1.4\n% a scan made at the counter\n",
            "application/pdf",
        )
        .send()
        .status
}

fn end(portal: &Portal, staff_token: &str, session: &AssistSession) {
    portal
        .api()
        .delete(&format!("/v1/assist/sessions/{}", session.id))
        .bearer(staff_token)
        .send()
        .expect_status(204, "the staff member ends the session");
}

#[test]
fn an_ended_assisted_session_token_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let (staff_token, session) = paper_session(&mut portal, StaffKind::Agent);
    assert_eq!(
        upload_with(&portal, &session.access_token),
        201,
        "the open session submits for the citizen"
    );
    end(&portal, &staff_token, &session);
    let status = upload_with(&portal, &session.access_token);
    assert!(
        matches!(status, 401 | 403),
        "an ended session's token is refused, got {status}"
    );
}

#[test]
fn work_queued_in_a_session_is_delivered_after_it_ended_exactly_once() {
    let mut portal = Portal::start(PortalOptions::default());
    let (staff_token, session) = paper_session(&mut portal, StaffKind::Volunteer);
    // What the volunteer types from the citizen's papers (a paper session reads nothing).
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.valid_application(&procedure, counter_delivery());
    // The key is minted while the session is open, as the device's queue does at enqueue.
    let key = Uuid::now_v7().to_string();
    end(&portal, &staff_token, &session);
    let deliver = || {
        portal
            .api()
            .post("/v1/applications")
            .bearer(&staff_token)
            .header("X-Assist-Session", &session.id.to_string())
            .idempotency_key(&key)
            .json(&application)
            .send()
    };
    let first: opendvc_api::Application = deliver().expect_json(201, "the late delivery lands");
    let again: opendvc_api::Application = deliver().expect_json(201, "a resend replays it");
    assert_eq!(
        first.id, again.id,
        "the resend does not create a second one"
    );
    assert_eq!(first.channel, opendvc_api::Channel::Assisted);
    let citizen = Citizen::demo(&mut portal, 0);
    let mine = citizen
        .applications()
        .into_iter()
        .filter(|found| found.id == first.id)
        .count();
    assert_eq!(mine, 1, "the citizen has the application once");
}

#[test]
fn a_late_delivery_cannot_read_or_create_new_work_or_use_anothers_session() {
    let mut portal = Portal::start(PortalOptions::default());
    let (staff_token, session) = paper_session(&mut portal, StaffKind::Agent);
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.valid_application(&procedure, counter_delivery());
    end(&portal, &staff_token, &session);
    let session_id = session.id.to_string();
    for path in ["/v1/me", "/v1/applications", "/v1/documents"] {
        portal
            .api()
            .get(path)
            .bearer(&staff_token)
            .header("X-Assist-Session", &session_id)
            .send()
            .expect_problem(403, "forbidden", "naming a session never lets staff read");
    }
    let an_hour_later = (chrono::Utc::now() + chrono::TimeDelta::hours(1)).timestamp();
    let later_key = Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        u64::try_from(an_hour_later).expect("after 1970"),
        0,
    ));
    portal
        .api()
        .post("/v1/applications")
        .bearer(&staff_token)
        .header("X-Assist-Session", &session_id)
        .idempotency_key(&later_key.to_string())
        .json(&application)
        .send()
        .expect_problem(
            403,
            "forbidden",
            "work made after the session is not covered",
        );
    let volunteer = portal
        .demo_accounts()
        .staff
        .into_iter()
        .find(|staff| staff.kind == StaffKind::Volunteer)
        .expect("the demo has a volunteer");
    let other = portal.staff_token(&volunteer.code, &volunteer.password);
    portal
        .api()
        .post("/v1/applications")
        .bearer(&other.access_token)
        .header("X-Assist-Session", &session_id)
        .idempotency_key(&Uuid::now_v7().to_string())
        .json(&application)
        .send()
        .expect_problem(
            403,
            "forbidden",
            "another staff member cannot use the session",
        );
}

#[test]
fn an_expired_assisted_session_token_is_refused() {
    let mut portal = Portal::start(PortalOptions {
        extra_args: vec!["--assist-ttl".into(), "1".into()],
        ..PortalOptions::default()
    });
    let (_, session) = paper_session(&mut portal, StaffKind::Agent);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let status = upload_with(&portal, &session.access_token);
        if status == 401 {
            break;
        }
        assert!(
            matches!(status, 200 | 201),
            "until it expires the token works, got {status}"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "gave up waiting for the session to expire"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(
        upload_with(&portal, &session.access_token),
        401,
        "an expired session's token stays refused"
    );
}

#[test]
fn a_session_opened_offline_on_paper_is_recorded_later_and_its_work_delivered() {
    let mut portal = Portal::start(PortalOptions::default());
    let accounts = portal.demo_accounts();
    let staff = accounts
        .staff
        .iter()
        .find(|staff| staff.kind == StaffKind::Volunteer)
        .expect("the demo has a volunteer")
        .clone();
    let token = portal
        .staff_token(&staff.code, &staff.password)
        .access_token;
    let two_hours_ago = chrono::Utc::now() - chrono::TimeDelta::hours(2);
    let request = |opened_at: chrono::DateTime<chrono::Utc>| AssistSessionRequest {
        id_number: accounts.citizens[2].id_number.clone(),
        consent: Consent::Paper {
            reference: "GIAYUQ-2026-000888".into(),
        },
        venue: None,
        opened_at: Some(opened_at.fixed_offset()),
    };
    let session: AssistSession = portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(&token)
        .json(&request(two_hours_ago))
        .send()
        .expect_json(201, "the session opened offline is recorded");
    let reply = portal
        .api()
        .get("/v1/me")
        .bearer(&session.access_token)
        .send();
    assert_eq!(reply.status, 401, "its own token expired long ago");

    let assisted = Citizen::demo(&mut portal, 2);
    let procedure = deliverable_procedure(&assisted.catalog());
    let application = assisted.valid_application(&procedure, counter_delivery());
    let minted_in_session = Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        u64::try_from((two_hours_ago + chrono::TimeDelta::minutes(5)).timestamp())
            .expect("after 1970"),
        0,
    ));
    let delivered: opendvc_api::Application = portal
        .api()
        .post("/v1/applications")
        .bearer(&token)
        .header("X-Assist-Session", &session.id.to_string())
        .idempotency_key(&minted_in_session.to_string())
        .json(&application)
        .send()
        .expect_json(201, "work made in the offline session is delivered");
    assert_eq!(delivered.channel, opendvc_api::Channel::Assisted);
    portal
        .api()
        .post("/v1/applications")
        .bearer(&token)
        .header("X-Assist-Session", &session.id.to_string())
        .idempotency_key(&Uuid::now_v7().to_string())
        .json(&application)
        .send()
        .expect_problem(
            403,
            "forbidden",
            "work made now is not covered by that session",
        );

    let too_old = portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(&token)
        .json(&request(chrono::Utc::now() - chrono::TimeDelta::days(8)))
        .send();
    assert!(
        (400..500).contains(&too_old.status),
        "a session cannot be recorded more than 7 days back, got {}",
        too_old.status
    );
}
