//! Work queued in an assisted session reaches the portal after the session ended: the staff
//! member's own token delivers it, naming the session, but only creates or follows up, only
//! for their own sessions and that session's citizen, only work minted while the session was
//! open (judged with the device's reported clock offset), only within the late-delivery
//! window after the portal first recorded the session, and at most 20 items per session.

use chrono::{DateTime, FixedOffset, TimeDelta};
use opendvc_api::{
    Application, ApplicationStatus, AssistSession, AssistSessionRequest, Attachment, Consent,
    DEVICE_TIME_HEADER, NewApplication, NewSupplement, Rating, StaffKind, WithdrawRequest,
};
use opendvc_tests::fixtures::{
    Citizen, consent_code_session, counter_delivery, deliverable_procedure, staff_of,
};
use opendvc_tests::{Portal, PortalOptions, Reply};
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

/// Seconds an assisted session lives in the expiry test (`serve --assist-ttl`).
const ASSIST_TTL: u32 = 600;

#[test]
fn an_expired_assisted_session_token_is_refused() {
    let mut portal = Portal::start(PortalOptions {
        extra_args: vec!["--assist-ttl".into(), ASSIST_TTL.to_string()],
        ..PortalOptions::default()
    });
    let (_, session) = paper_session(&mut portal, StaffKind::Agent);
    let status = upload_with(&portal, &session.access_token);
    assert!(
        matches!(status, 200 | 201),
        "until it expires the token works, got {status}"
    );
    // The session's lifetime passes on the portal's clock, not by waiting.
    portal.advance_clock(i64::from(ASSIST_TTL) + 1);
    assert_eq!(
        upload_with(&portal, &session.access_token),
        401,
        "an expired session's token is refused"
    );
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
        .json(&request(chrono::Utc::now() - chrono::TimeDelta::days(31)))
        .send();
    assert!(
        (400..500).contains(&too_old.status),
        "a session cannot be recorded more than 30 days back, got {}",
        too_old.status
    );
}

/// A UUIDv7 idempotency key minted at `at` on some device's clock.
fn key_minted_at(at: DateTime<FixedOffset>) -> String {
    let millis = u64::try_from(at.timestamp_millis()).expect("after 1970");
    Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        millis / 1000,
        u32::try_from(millis % 1000).expect("under a second") * 1_000_000,
    ))
    .to_string()
}

/// The portal's clock now (the demo clock moved by nothing).
fn portal_now(portal: &Portal) -> DateTime<FixedOffset> {
    portal.advance_clock(0)
}

/// Signs the first demo staff member of `kind` in (a staff token lives one working day, so a
/// test that moves the clock by days signs in again, as the staff member would); the token.
fn sign_in_staff(portal: &mut Portal, kind: StaffKind) -> String {
    let (code, password) = staff_of(portal, kind);
    portal.staff_token(&code, &password).access_token
}

/// Records a paper-consent session for the citizen with `id_number` opened offline at
/// `opened_at` (device clock), sent when the device's clock read `device_time`.
fn record_offline_session(
    portal: &Portal,
    staff_token: &str,
    id_number: &str,
    opened_at: DateTime<FixedOffset>,
    device_time: Option<DateTime<FixedOffset>>,
) -> Reply {
    let id_number = id_number.to_owned();
    let mut call = portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(staff_token)
        .json(&AssistSessionRequest {
            id_number,
            consent: Consent::Paper {
                reference: "GIAYUQ-2026-000999".into(),
            },
            venue: None,
            opened_at: Some(opened_at),
        });
    if let Some(device_time) = device_time {
        call = call.header(DEVICE_TIME_HEADER, &device_time.to_rfc3339());
    }
    call.send()
}

/// What a device delivers late: the request of one queued item.
#[derive(Clone)]
enum Item<'a> {
    Application(&'a NewApplication),
    File(Vec<u8>),
    Supplement(Uuid, &'a NewSupplement),
    Delivery(Uuid, &'a opendvc_api::DeliveryChoice),
    Withdrawal(Uuid),
    Rating(Uuid, &'a Rating),
}

/// Delivers `item` late with the staff token and `X-Assist-Session`, under `key`, with the
/// device's clock reading `device_time` if given.
fn deliver(
    portal: &Portal,
    staff_token: &str,
    session: Uuid,
    key: &str,
    item: Item<'_>,
    device_time: Option<DateTime<FixedOffset>>,
) -> Reply {
    let api = portal.api();
    let call = match item {
        Item::Application(application) => api.post("/v1/applications").json(application),
        Item::File(bytes) => api.post("/v1/attachments").body(bytes, "application/pdf"),
        Item::Supplement(id, supplement) => api
            .post(&format!("/v1/applications/{id}/supplements"))
            .json(supplement),
        Item::Delivery(id, choice) => api
            .put(&format!("/v1/applications/{id}/delivery"))
            .json(choice),
        Item::Withdrawal(id) => {
            api.post(&format!("/v1/applications/{id}/withdraw"))
                .json(&WithdrawRequest {
                    reason: Some("Công dân đổi ý tại quầy".into()),
                })
        }
        Item::Rating(id, rating) => api
            .post(&format!("/v1/applications/{id}/rating"))
            .json(rating),
    };
    let mut call = call
        .bearer(staff_token)
        .header("X-Assist-Session", &session.to_string())
        .idempotency_key(key);
    if let Some(device_time) = device_time {
        call = call.header(DEVICE_TIME_HEADER, &device_time.to_rfc3339());
    }
    call.send()
}

/// A small PDF, different for every `n`.
fn pdf(n: usize) -> Vec<u8> {
    format!("%PDF-1.4\n% delivered late, file {n} {}\n", Uuid::new_v4()).into_bytes()
}

/// A valid application of demo citizen `index`, prepared with the citizen's own sign-in.
fn application_of(portal: &mut Portal, index: usize) -> (Citizen, NewApplication) {
    let citizen = Citizen::demo(portal, index);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.valid_application(&procedure, counter_delivery());
    (citizen, application)
}

#[test]
fn a_late_delivery_after_the_delivery_window_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let (_, application) = application_of(&mut portal, 0);
    let (staff_token, session) = paper_session(&mut portal, StaffKind::Agent);
    let opened = portal_now(&portal);
    let in_time = Uuid::now_v7().to_string();
    end(&portal, &staff_token, &session);

    portal.advance_clock(6 * 24 * 3600);
    let staff_token = sign_in_staff(&mut portal, StaffKind::Agent);
    deliver(
        &portal,
        &staff_token,
        session.id,
        &in_time,
        Item::Application(&application),
        None,
    )
    .expect_status(
        201,
        "six days after the session, its work is still delivered",
    );

    portal.advance_clock(24 * 3600 + 3600);
    let staff_token = sign_in_staff(&mut portal, StaffKind::Agent);
    let forged = key_minted_at(opened + TimeDelta::minutes(1));
    deliver(
        &portal,
        &staff_token,
        session.id,
        &forged,
        Item::Application(&application),
        None,
    )
    .expect_problem(
        403,
        "forbidden",
        "a key forged inside the old session's window is refused after the delivery window",
    );
    deliver(
        &portal,
        &staff_token,
        session.id,
        &key_minted_at(opened + TimeDelta::minutes(2)),
        Item::Application(&application),
        Some(opened + TimeDelta::minutes(3)),
    )
    .expect_problem(
        403,
        "forbidden",
        "a device clock claiming the session's day does not reopen the delivery window",
    );
}

#[test]
fn the_twenty_first_item_of_a_session_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let (_, application) = application_of(&mut portal, 0);
    let (staff_token, session) = paper_session(&mut portal, StaffKind::Volunteer);
    // Every key is minted while the session is open, as the device's queue does at enqueue.
    let file_key = Uuid::now_v7().to_string();
    let application_keys: Vec<String> = (0..23).map(|_| Uuid::now_v7().to_string()).collect();
    let late_file_key = Uuid::now_v7().to_string();
    let withdrawal_key = Uuid::now_v7().to_string();
    end(&portal, &staff_token, &session);

    let file = pdf(0);
    let first_file: Attachment = deliver(
        &portal,
        &staff_token,
        session.id,
        &file_key,
        Item::File(file.clone()),
        None,
    )
    .expect_json(201, "a file is the session's first item delivered late");

    // 23 applications at once: the count is kept in the database, so parallel deliveries
    // cannot slip past it. 1 file + 19 applications make the 20 items.
    let replies: Vec<Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = application_keys
            .iter()
            .map(|key| {
                let (portal, staff_token, application) = (&portal, &staff_token, &application);
                scope.spawn(move || {
                    deliver(
                        portal,
                        staff_token,
                        session.id,
                        key,
                        Item::Application(application),
                        None,
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a delivery thread finishes"))
            .collect()
    });
    let delivered: Vec<(&String, Application)> = application_keys
        .iter()
        .zip(&replies)
        .filter(|(_, reply)| reply.status == 201)
        .map(|(key, reply)| (key, reply.json()))
        .collect();
    for reply in replies.iter().filter(|reply| reply.status != 201) {
        reply.expect_problem(403, "forbidden", "items beyond the 20th are refused");
    }
    assert_eq!(
        delivered.len(),
        19,
        "of 23 parallel applications after one file, exactly 19 make up the 20 items"
    );

    let (delivered_key, delivered_application) = &delivered[0];
    let replay = deliver(
        &portal,
        &staff_token,
        session.id,
        delivered_key,
        Item::Application(&application),
        None,
    );
    let replayed: Application =
        replay.expect_json(201, "a replay of a delivered item is not a new item");
    assert_eq!(
        replayed.id, delivered_application.id,
        "the replay answers the stored application"
    );
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let again: Attachment = deliver(
        &portal,
        &staff_token,
        session.id,
        &file_key,
        Item::File(file),
        None,
    )
    .expect_json(200, "resending the delivered file is not a new item");
    assert_eq!(again.id, first_file.id, "the same file answers");

    deliver(
        &portal,
        &staff_token,
        session.id,
        &late_file_key,
        Item::File(pdf(1)),
        None,
    )
    .expect_problem(403, "forbidden", "a 21st item that is a file is refused");
    deliver(
        &portal,
        &staff_token,
        session.id,
        &withdrawal_key,
        Item::Withdrawal(delivered_application.id),
        None,
    )
    .expect_problem(
        403,
        "forbidden",
        "a 21st item that is a follow-up is refused",
    );
}

#[test]
fn a_late_delivery_of_a_session_another_staff_member_opened_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let (citizen, application) = application_of(&mut portal, 0);
    let (agent_token, session) = paper_session(&mut portal, StaffKind::Agent);
    let delivered_key = Uuid::now_v7().to_string();
    let other_key = Uuid::now_v7().to_string();
    let follow_up_key = Uuid::now_v7().to_string();
    end(&portal, &agent_token, &session);
    let delivered: Application = deliver(
        &portal,
        &agent_token,
        session.id,
        &delivered_key,
        Item::Application(&application),
        None,
    )
    .expect_json(201, "the agent who opened the session delivers its work");

    let volunteer_token = sign_in_staff(&mut portal, StaffKind::Volunteer);
    for (key, item, what) in [
        (
            &other_key,
            Item::Application(&application),
            "a new application",
        ),
        (
            &delivered_key,
            Item::Application(&application),
            "a replay of the agent's delivery (which would show the citizen's application)",
        ),
        (
            &follow_up_key,
            Item::Withdrawal(delivered.id),
            "a follow-up",
        ),
    ] {
        deliver(&portal, &volunteer_token, session.id, key, item, None).expect_problem(
            403,
            "forbidden",
            &format!("another staff member cannot deliver {what} for the agent's session"),
        );
    }
    assert_eq!(
        citizen.application(delivered.id).status,
        ApplicationStatus::Received,
        "the other staff member's withdrawal did not happen"
    );
}

#[test]
fn a_device_clock_hours_off_still_delivers_its_outreach_work() {
    let mut portal = Portal::start(PortalOptions::default());
    let (_, application) = application_of(&mut portal, 0);

    // A session opened online on a laptop whose clock runs five hours behind: its queue mints
    // keys on that clock, and each delivery says what the clock reads.
    let behind = TimeDelta::hours(5);
    let (agent_token, session) = paper_session(&mut portal, StaffKind::Agent);
    let key = key_minted_at(portal_now(&portal) - behind + TimeDelta::minutes(1));
    end(&portal, &agent_token, &session);
    portal.advance_clock(3600);
    deliver(
        &portal,
        &agent_token,
        session.id,
        &key,
        Item::Application(&application),
        Some(portal_now(&portal) - behind),
    )
    .expect_status(
        201,
        "work of an online session on a clock five hours behind is delivered",
    );

    // A session opened offline at an event two hours ago on a laptop whose clock runs five
    // hours ahead: openedAt and the keys come from that clock.
    let (_, application) = application_of(&mut portal, 2);
    let volunteer_token = sign_in_staff(&mut portal, StaffKind::Volunteer);
    let id_number = portal.demo_accounts().citizens[2].id_number.clone();
    let ahead = TimeDelta::hours(5);
    let device_opened_at = portal_now(&portal) + ahead - TimeDelta::hours(2);
    let session: AssistSession = record_offline_session(
        &portal,
        &volunteer_token,
        &id_number,
        device_opened_at,
        Some(portal_now(&portal) + ahead),
    )
    .expect_json(
        201,
        "a session opened offline on a clock five hours ahead is recorded",
    );
    deliver(
        &portal,
        &volunteer_token,
        session.id,
        &key_minted_at(device_opened_at + TimeDelta::minutes(5)),
        Item::Application(&application),
        Some(portal_now(&portal) + ahead),
    )
    .expect_status(
        201,
        "work of an offline session on a clock five hours ahead is delivered",
    );
    deliver(
        &portal,
        &volunteer_token,
        session.id,
        &key_minted_at(portal_now(&portal) + ahead),
        Item::Application(&application),
        Some(portal_now(&portal) + ahead),
    )
    .expect_problem(
        403,
        "forbidden",
        "work minted now on that clock is still not covered by the session",
    );
}

#[test]
fn a_laptop_back_online_after_more_than_seven_days_still_delivers_work_recorded_in_time() {
    // The promise: an offline session may be recorded up to 30 days after it opened, and its
    // work delivered within 7 days of that recording.
    let mut portal = Portal::start(PortalOptions::default());
    let (_, application) = application_of(&mut portal, 2);
    let volunteer_token = sign_in_staff(&mut portal, StaffKind::Volunteer);
    let id_number = portal.demo_accounts().citizens[2].id_number.clone();
    let opened_at = portal_now(&portal) - TimeDelta::days(10);
    let session: AssistSession = record_offline_session(
        &portal,
        &volunteer_token,
        &id_number,
        opened_at,
        Some(portal_now(&portal)),
    )
    .expect_json(
        201,
        "a session opened offline ten days ago is recorded when the laptop is back",
    );
    let keys: Vec<String> = (1..=3)
        .map(|minute| key_minted_at(opened_at + TimeDelta::minutes(minute)))
        .collect();
    deliver(
        &portal,
        &volunteer_token,
        session.id,
        &keys[0],
        Item::Application(&application),
        Some(portal_now(&portal)),
    )
    .expect_status(201, "its work is delivered right after the recording");

    portal.advance_clock(6 * 24 * 3600);
    let volunteer_token = sign_in_staff(&mut portal, StaffKind::Volunteer);
    deliver(
        &portal,
        &volunteer_token,
        session.id,
        &keys[1],
        Item::Application(&application),
        Some(portal_now(&portal)),
    )
    .expect_status(201, "and six days after the recording");

    portal.advance_clock(2 * 24 * 3600);
    let volunteer_token = sign_in_staff(&mut portal, StaffKind::Volunteer);
    deliver(
        &portal,
        &volunteer_token,
        session.id,
        &keys[2],
        Item::Application(&application),
        Some(portal_now(&portal)),
    )
    .expect_problem(
        403,
        "forbidden",
        "eight days after the recording the delivery window is closed",
    );

    let month_old = record_offline_session(
        &portal,
        &volunteer_token,
        &id_number,
        portal_now(&portal) - TimeDelta::days(31),
        Some(portal_now(&portal)),
    );
    month_old.expect_problem(
        422,
        "validation_failed",
        "a session opened offline 31 days ago can no longer be recorded",
    );
}

#[test]
fn a_supplement_made_in_an_assisted_session_is_delivered_late() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let waiting = citizen
        .applications()
        .into_iter()
        .find(|application| application.status == ApplicationStatus::SupplementRequested)
        .expect("the demo citizen has an application waiting for a supplement");
    // At the counter the citizen is there with their phone: consent by code, so the agent may
    // follow up on any of the citizen's applications (a paper session only on its own work).
    let (staff_token, session) = consent_code_session(&mut portal, StaffKind::Agent);
    let key = Uuid::now_v7().to_string();
    end(&portal, &staff_token, &session);

    let supplement = NewSupplement {
        note: Some("Bổ sung hợp đồng thuê mặt bằng tại quầy".into()),
        form: Default::default(),
        attachments: Vec::new(),
    };
    let answered: Application = deliver(
        &portal,
        &staff_token,
        session.id,
        &key,
        Item::Supplement(waiting.id, &supplement),
        None,
    )
    .expect_json(200, "the supplement made at the counter is delivered late");
    assert_eq!(
        answered.status,
        ApplicationStatus::Processing,
        "the supplement moves the application back to processing"
    );
    let seen = citizen.application(waiting.id);
    assert_eq!(
        seen.supplements.len(),
        waiting.supplements.len() + 1,
        "the citizen sees the supplement"
    );
    let last = seen.timeline.last().expect("the timeline has entries");
    assert_eq!(
        last.actor.code.as_deref(),
        Some(session.staff_code.as_str()),
        "the timeline names the staff member who delivered the supplement"
    );
}

#[test]
fn every_follow_up_made_in_an_assisted_session_is_delivered_late_for_its_citizen_only() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let mine = citizen.applications();
    let received = mine
        .iter()
        .find(|application| application.status == ApplicationStatus::Received)
        .expect("the demo citizen has a received application")
        .id;
    let handed_over = mine
        .iter()
        .find(|application| application.status == ApplicationStatus::HandedOver)
        .expect("the demo citizen has a result handed over")
        .id;
    let someone_elses = Citizen::demo(&mut portal, 1)
        .applications()
        .first()
        .expect("another demo citizen has applications")
        .id;
    let (staff_token, session) = consent_code_session(&mut portal, StaffKind::Agent);
    let keys: Vec<String> = (0..4).map(|_| Uuid::now_v7().to_string()).collect();
    end(&portal, &staff_token, &session);

    let counter = counter_delivery();
    let rating = Rating {
        stars: 5,
        comment: Some("Nhân viên bưu điện hỗ trợ tận tình".into()),
    };
    deliver(
        &portal,
        &staff_token,
        session.id,
        &keys[0],
        Item::Delivery(received, &counter),
        None,
    )
    .expect_status(
        200,
        "a delivery change made in the session is delivered late",
    );
    deliver(
        &portal,
        &staff_token,
        session.id,
        &keys[1],
        Item::Rating(handed_over, &rating),
        None,
    )
    .expect_status(200, "a rating made in the session is delivered late");
    deliver(
        &portal,
        &staff_token,
        session.id,
        &keys[2],
        Item::Withdrawal(received),
        None,
    )
    .expect_status(200, "a withdrawal made in the session is delivered late");
    deliver(
        &portal,
        &staff_token,
        session.id,
        &keys[3],
        Item::Withdrawal(someone_elses),
        None,
    )
    .expect_problem(
        404,
        "not_found",
        "a follow-up on another citizen's application is not delivered",
    );
    assert_eq!(
        citizen.application(received).status,
        ApplicationStatus::Withdrawn,
        "the citizen sees the withdrawal"
    );
    assert_eq!(
        citizen
            .application(handed_over)
            .rating
            .map(|rating| rating.stars),
        Some(5),
        "the citizen sees the rating"
    );
}

#[test]
fn a_replayed_late_delivery_is_answered_after_the_delivery_window_closed() {
    let mut portal = Portal::start(PortalOptions::default());
    let (_, application) = application_of(&mut portal, 0);
    let (staff_token, session) = paper_session(&mut portal, StaffKind::Volunteer);
    let opened = portal_now(&portal);
    let application_key = Uuid::now_v7().to_string();
    let file_key = Uuid::now_v7().to_string();
    end(&portal, &staff_token, &session);
    let file = pdf(0);
    let delivered: Application = deliver(
        &portal,
        &staff_token,
        session.id,
        &application_key,
        Item::Application(&application),
        None,
    )
    .expect_json(201, "the application is delivered in time");
    let stored: Attachment = deliver(
        &portal,
        &staff_token,
        session.id,
        &file_key,
        Item::File(file.clone()),
        None,
    )
    .expect_json(201, "the file is delivered in time");

    // The device never heard the answers; it comes back after the window closed.
    portal.advance_clock(8 * 24 * 3600);
    let staff_token = sign_in_staff(&mut portal, StaffKind::Volunteer);
    let replay = deliver(
        &portal,
        &staff_token,
        session.id,
        &application_key,
        Item::Application(&application),
        None,
    );
    let replayed: Application = replay.expect_json(
        201,
        "the replay answers the stored response after the window",
    );
    assert_eq!(replayed.id, delivered.id, "the same application answers");
    assert_eq!(
        replay.header("idempotent-replayed"),
        Some("true"),
        "the answer is marked as a replay"
    );
    let again: Attachment = deliver(
        &portal,
        &staff_token,
        session.id,
        &file_key,
        Item::File(file),
        None,
    )
    .expect_json(
        200,
        "resending the delivered file answers it after the window",
    );
    assert_eq!(again.id, stored.id, "the same file answers");
    deliver(
        &portal,
        &staff_token,
        session.id,
        &key_minted_at(opened + TimeDelta::minutes(1)),
        Item::Application(&application),
        None,
    )
    .expect_problem(
        403,
        "forbidden",
        "new work is still refused after the window",
    );
    deliver(
        &portal,
        &staff_token,
        session.id,
        &key_minted_at(opened + TimeDelta::minutes(2)),
        Item::File(pdf(1)),
        None,
    )
    .expect_problem(
        403,
        "forbidden",
        "a new file is still refused after the window",
    );
}
