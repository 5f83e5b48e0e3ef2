//! Staff access to a citizen's data: a session opened on a paper consent may submit but reads
//! nothing, the citizen is told by text whenever a session is opened for them and reads in their
//! access log who used their data, a staff member opens a limited number of sessions an hour,
//! and an officer moves only their own agency's applications.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeDelta};
use opendvc_api::{
    AccessAction, AccessLog, AccessLogEntry, AccessResource, ApplicationStatus, AssistScope,
    AssistSession, AssistSessionRequest, AssistVenue, Consent, ConsentCodeRequest, ConsentMethod,
    DemoCitizen, StaffKind, StaffTokenResponse, TransitionRequest, WithdrawRequest,
};
use opendvc_rules::VIETNAM;
use opendvc_tests::fixtures::{
    Citizen, Officer, counter_delivery, deliverable_procedure, staff_of,
};
use opendvc_tests::{Portal, PortalOptions, Reply, same_phone};

/// The sessions a staff member may open per hour (`limits.assist.sessionsPerStaffPerHour`).
const SESSIONS_PER_HOUR: usize = 30;

/// The demo staff member of `kind`, signed in.
fn staff(portal: &mut Portal, kind: StaffKind) -> StaffTokenResponse {
    let (code, password) = staff_of(portal, kind);
    portal.staff_token(&code, &password)
}

/// `POST /v1/assist/sessions`.
fn open(
    portal: &Portal,
    staff_token: &str,
    id_number: &str,
    consent: Consent,
    venue: Option<&str>,
    opened_at: Option<DateTime<FixedOffset>>,
) -> Reply {
    portal
        .api()
        .post("/v1/assist/sessions")
        .bearer(staff_token)
        .json(&AssistSessionRequest {
            id_number: id_number.to_owned(),
            consent,
            venue: venue.map(|name| AssistVenue {
                name: name.to_owned(),
                unit_code: None,
            }),
            opened_at,
        })
        .send()
}

fn paper(reference: &str) -> Consent {
    Consent::Paper {
        reference: format!("GIAYUQ-{reference}"),
    }
}

/// A session on a paper consent, opened now.
fn paper_session(portal: &Portal, staff_token: &str, citizen: &DemoCitizen) -> AssistSession {
    open(
        portal,
        staff_token,
        &citizen.id_number,
        paper("2026-000123"),
        None,
        None,
    )
    .expect_json(201, "a paper consent opens a session")
}

/// A session on the one-time code sent to the citizen's phone.
fn otp_session(
    portal: &Portal,
    staff_token: &str,
    citizen: &DemoCitizen,
    venue: Option<&str>,
) -> AssistSession {
    portal
        .api()
        .post("/v1/assist/consent-codes")
        .bearer(staff_token)
        .json(&ConsentCodeRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "a consent code is sent to the citizen's phone");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    open(
        portal,
        staff_token,
        &citizen.id_number,
        Consent::Otp { otp },
        venue,
        None,
    )
    .expect_json(201, "the consent code opens a session")
}

/// `GET path` with `token`, reading only the status and media type, so that an event stream
/// answered by mistake does not hold the test until it ends.
fn status_of(portal: &Portal, path: &str, token: &str) -> (u16, String) {
    let client = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client");
    let response = client
        .get(format!("{}{path}", portal.url()))
        .bearer_auth(token)
        .send()
        .unwrap_or_else(|error| panic!("GET {path}: no answer: {error}"));
    let status = response.status().as_u16();
    let problem = if response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/problem+json"))
    {
        response
            .json::<serde_json::Value>()
            .ok()
            .and_then(|body| body["code"].as_str().map(str::to_owned))
            .unwrap_or_default()
    } else {
        String::new()
    };
    (status, problem)
}

/// The citizen's access log, every page, newest first.
fn access_log(citizen: &Citizen) -> Vec<AccessLogEntry> {
    let mut entries = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let path = match &cursor {
            Some(cursor) => format!("/v1/me/access-log?cursor={cursor}"),
            None => "/v1/me/access-log".to_owned(),
        };
        let page: AccessLog = citizen
            .get(&path)
            .expect_json(200, "the citizen reads their access log");
        entries.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return entries,
        }
    }
    panic!(
        "the access log never ends: {} entries so far",
        entries.len()
    );
}

#[test]
fn a_paper_session_may_submit_but_reads_none_of_the_citizens_data() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let own = Citizen::sign_in(&mut portal, &demo.id_number);
    let earlier = own
        .applications()
        .into_iter()
        .next()
        .expect("the demo citizen has applications");
    let agent = staff(&mut portal, StaffKind::Agent);
    let session = paper_session(&portal, &agent.access_token, &demo);
    assert_eq!(
        session.scopes,
        vec![AssistScope::Submit],
        "nobody at the portal can check a paper form: the session may submit only"
    );

    for path in [
        "/v1/me".to_owned(),
        "/v1/documents".to_owned(),
        "/v1/applications".to_owned(),
        format!("/v1/applications/{}", earlier.id),
        "/v1/sync".to_owned(),
        "/v1/events".to_owned(),
    ] {
        assert_eq!(
            status_of(&portal, &path, &session.access_token),
            (403, "forbidden".to_owned()),
            "a paper session cannot read GET {path}"
        );
    }

    // What the staff member types from the citizen's papers (here taken from the citizen's own
    // account, with the files uploaded by the session) is submitted.
    let assisted = Citizen::with_token(portal.api(), &demo.id_number, &session.access_token);
    let procedure = deliverable_procedure(&own.catalog());
    let mut application = own.valid_application(&procedure, counter_delivery());
    let upload: opendvc_api::Attachment = assisted
        .call("POST", "/v1/attachments")
        .body(
            "%PDF-1.4\n% a scan made at the counter\n",
            "application/pdf",
        )
        .send()
        .expect_json(201, "a paper session uploads the citizen's papers");
    application
        .attachments
        .push(opendvc_api::AttachmentRef::Upload {
            attachment_id: upload.id,
            requirement_id: None,
        });
    let submitted = assisted.submit(&application);
    assert_eq!(submitted.channel, opendvc_api::Channel::Assisted);

    let withdraw = |id: uuid::Uuid| {
        assisted
            .call("POST", &format!("/v1/applications/{id}/withdraw"))
            .fresh_idempotency_key()
            .json(&WithdrawRequest { reason: None })
            .send()
    };
    withdraw(submitted.id).expect_status(
        200,
        "a paper session follows up on the application it submitted",
    );
    withdraw(earlier.id).expect_problem(
        404,
        "not_found",
        "a paper session cannot touch (and so read back) an application it did not submit",
    );
    assert_eq!(
        own.application(earlier.id).status,
        earlier.status,
        "the earlier application is unchanged"
    );
}

#[test]
fn a_session_on_a_consent_code_reads_and_submits() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let agent = staff(&mut portal, StaffKind::Agent);
    let session = otp_session(&portal, &agent.access_token, &demo, None);
    let scopes: HashSet<AssistScope> = session.scopes.iter().copied().collect();
    assert_eq!(
        scopes,
        HashSet::from([AssistScope::Read, AssistScope::Submit]),
        "a code from the citizen's own phone lets the session read and submit"
    );
    let assisted = Citizen::with_token(portal.api(), &demo.id_number, &session.access_token);
    assert_eq!(assisted.profile().id_number, demo.id_number);
    assisted.documents();
    assisted.applications();
}

/// The text the portal sent to `citizen` that names `staff_code`, after `before` messages.
fn session_notice(
    portal: &Portal,
    citizen: &DemoCitizen,
    staff_code: &str,
    before: usize,
) -> String {
    let messages = portal.dev_messages();
    let notices: Vec<&str> = messages[before..]
        .iter()
        .filter(|message| message.channel == "sms" && same_phone(&message.to, &citizen.phone))
        .filter(|message| message.body.contains(staff_code))
        .map(|message| message.body.as_str())
        .collect();
    assert_eq!(
        notices.len(),
        1,
        "exactly one text names the staff member who opened a session for {}: {:?}",
        citizen.name,
        &messages[before..]
    );
    notices[0].to_owned()
}

#[test]
fn the_citizen_is_told_by_text_whenever_a_session_is_opened_for_them() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let agent = staff(&mut portal, StaffKind::Agent);
    let volunteer = staff(&mut portal, StaffKind::Volunteer);
    let opened_at = |session: &AssistSession| {
        (session.expires_at - TimeDelta::minutes(30)).with_timezone(&VIETNAM)
    };
    let check = |text: &str, staff: &StaffTokenResponse, venue: &str, at: DateTime<FixedOffset>| {
        for (what, expected) in [
            ("the staff code", staff.staff.code.clone()),
            ("the organisation", staff.staff.organisation.clone()),
            ("the venue", venue.to_owned()),
            (
                "the time of opening",
                at.format("%H:%M %d/%m/%Y").to_string(),
            ),
            ("the hotline to report misuse", "1022".to_owned()),
        ] {
            assert!(
                text.contains(&expected),
                "the text names {what} ({expected}): {text}"
            );
        }
    };

    // A consent code at the post office (Vietnamese).
    let before = portal.dev_messages().len();
    let session = otp_session(&portal, &agent.access_token, &citizens[0], None);
    let text = session_notice(&portal, &citizens[0], &agent.staff.code, before);
    check(
        &text,
        &agent,
        &agent.staff.organisation,
        opened_at(&session),
    );
    assert!(text.contains("Không phải bạn"), "in Vietnamese: {text}");

    // A paper consent at an outreach event, for a citizen who reads English.
    let venue = "Ngày hội gần dân, chợ An Hải";
    let before = portal.dev_messages().len();
    let session: AssistSession = open(
        &portal,
        &volunteer.access_token,
        &citizens[2].id_number,
        paper("2026-000124"),
        Some(venue),
        None,
    )
    .expect_json(201, "a paper consent opens a session");
    let text = session_notice(&portal, &citizens[2], &volunteer.staff.code, before);
    check(&text, &volunteer, venue, opened_at(&session));
    assert!(
        text.contains("Not you?"),
        "in the citizen's language, English: {text}"
    );

    // A session opened offline three hours ago, recorded now: the text says when it was opened.
    let back_then = (chrono::Utc::now() - TimeDelta::hours(3)).with_timezone(&VIETNAM);
    let back_then = back_then - TimeDelta::nanoseconds(back_then.timestamp_subsec_nanos().into());
    let before = portal.dev_messages().len();
    open(
        &portal,
        &volunteer.access_token,
        &citizens[1].id_number,
        paper("2026-000125"),
        Some(venue),
        Some(back_then),
    )
    .expect_status(201, "a session opened offline is recorded later");
    let text = session_notice(&portal, &citizens[1], &volunteer.staff.code, before);
    check(&text, &volunteer, venue, back_then);
}

#[test]
fn a_staff_member_opens_at_most_30_sessions_an_hour() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let volunteer = staff(&mut portal, StaffKind::Volunteer);
    for n in 0..SESSIONS_PER_HOUR {
        open(
            &portal,
            &volunteer.access_token,
            &citizens[n % citizens.len()].id_number,
            paper(&format!("2026-{n:06}")),
            None,
            None,
        )
        .expect_status(201, "sessions within the hourly limit open");
    }
    let refused = open(
        &portal,
        &volunteer.access_token,
        &citizens[0].id_number,
        paper("2026-999999"),
        None,
        None,
    );
    refused.expect_problem(
        429,
        "rate_limited",
        "the 31st session within an hour is refused",
    );
    let wait: i64 = refused
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("the refusal says when to retry");
    assert!(
        (1..=3600).contains(&wait),
        "Retry-After is within the hour: {wait}"
    );

    let agent = staff(&mut portal, StaffKind::Agent);
    paper_session(&portal, &agent.access_token, &citizens[0]);

    portal.advance_clock(3600 + 1);
    open(
        &portal,
        &volunteer.access_token,
        &citizens[0].id_number,
        paper("2026-999999"),
        None,
        None,
    )
    .expect_status(201, "an hour later the volunteer opens sessions again");
}

#[test]
fn offline_sessions_recorded_at_once_count_in_the_hour_they_were_opened() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let volunteer = staff(&mut portal, StaffKind::Volunteer);
    let now = chrono::Utc::now().with_timezone(&VIETNAM);
    let record = |n: usize, at: DateTime<FixedOffset>| {
        open(
            &portal,
            &volunteer.access_token,
            &citizens[n % citizens.len()].id_number,
            paper(&format!("2026-{n:06}")),
            Some("Ngày hội gần dân, chợ Hòa Khánh"),
            Some(at),
        )
    };
    // A day at an event, six hours with 30 citizens each, recorded when the laptop is back.
    let start = now - TimeDelta::hours(7);
    for hour in 0..6 {
        for n in 0..SESSIONS_PER_HOUR {
            let at = start
                + TimeDelta::hours(hour)
                + TimeDelta::seconds(i64::try_from(n).expect("small") * 110);
            record(hour as usize * 100 + n, at).expect_status(
                201,
                "a day of offline sessions, at most 30 in any hour, is recorded at once",
            );
        }
    }
    // One more in the first hour of the event makes 31 in one hour of opening.
    record(999, start + TimeDelta::minutes(58)).expect_problem(
        429,
        "rate_limited",
        "a 31st session opened within one hour is refused however late it is recorded",
    );
    open(
        &portal,
        &volunteer.access_token,
        &citizens[0].id_number,
        paper("2026-777777"),
        None,
        None,
    )
    .expect_status(
        201,
        "recording the day's sessions does not use up the current hour",
    );
}

#[test]
fn parallel_openings_cannot_pass_the_hourly_limit() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let volunteer = staff(&mut portal, StaffKind::Volunteer);
    let attempts = SESSIONS_PER_HOUR + 15;
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..attempts)
            .map(|n| {
                let portal = &portal;
                let token = volunteer.access_token.clone();
                let id_number = citizens[n % citizens.len()].id_number.clone();
                scope.spawn(move || {
                    open(
                        portal,
                        &token,
                        &id_number,
                        paper(&format!("2026-{n:06}")),
                        None,
                        None,
                    )
                    .status
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("the request thread ends"))
            .collect()
    });
    let opened = statuses.iter().filter(|status| **status == 201).count();
    let refused = statuses.iter().filter(|status| **status == 429).count();
    assert_eq!(
        (opened, refused),
        (SESSIONS_PER_HOUR, attempts - SESSIONS_PER_HOUR),
        "{attempts} parallel openings: exactly the hourly limit opens, the rest get 429: \
         {statuses:?}"
    );
}

#[test]
fn the_citizen_reads_in_the_access_log_who_used_their_data_where_and_when() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let own = Citizen::sign_in(&mut portal, &demo.id_number);
    let earlier = own
        .applications()
        .into_iter()
        .next()
        .expect("the demo citizen has applications");
    assert!(
        access_log(&own).is_empty(),
        "nobody has used the citizen's data yet"
    );
    let agent = staff(&mut portal, StaffKind::Agent);
    let venue = "Bưu điện phường Hải Châu, quầy 2";
    let session = otp_session(&portal, &agent.access_token, &demo, Some(venue));
    let assisted = Citizen::with_token(portal.api(), &demo.id_number, &session.access_token);
    assisted.profile();
    assisted.documents();
    assisted.applications();
    assisted.application(earlier.id);
    assisted
        .get("/v1/sync")
        .expect_status(200, "the session syncs the citizen's data");
    let procedure = deliverable_procedure(&own.catalog());
    let submitted = assisted.submit(&assisted.valid_application(&procedure, counter_delivery()));

    let log = access_log(&own);
    for entry in &log {
        assert_eq!(entry.staff.code, agent.staff.code, "{entry:?}");
        assert_eq!(entry.staff.name, agent.staff.name, "{entry:?}");
        assert_eq!(entry.staff.kind, StaffKind::Agent, "{entry:?}");
        assert_eq!(
            entry.staff.organisation, agent.staff.organisation,
            "{entry:?}"
        );
        assert_eq!(entry.venue.name, venue, "{entry:?}");
        assert_eq!(entry.session_id, session.id, "{entry:?}");
        assert_eq!(entry.consent, ConsentMethod::Otp, "{entry:?}");
    }
    let times: Vec<_> = log.iter().map(|entry| entry.at).collect();
    let mut newest_first = times.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, newest_first, "the log lists the newest entry first");
    let ids: BTreeSet<_> = log.iter().map(|entry| entry.id).collect();
    assert_eq!(ids.len(), log.len(), "every entry is listed once");

    let what: Vec<(AccessAction, AccessResource, Option<&str>)> = log
        .iter()
        .map(|entry| (entry.action, entry.resource, entry.resource_ref.as_deref()))
        .collect();
    assert_eq!(
        what.first(),
        Some(&(
            AccessAction::Submitted,
            AccessResource::Application,
            Some(submitted.code.as_str())
        )),
        "the newest entry is the submission, named by its code: {what:?}"
    );
    assert_eq!(
        what.last(),
        Some(&(AccessAction::SessionOpened, AccessResource::Session, None)),
        "the oldest entry is the opening of the session: {what:?}"
    );
    for expected in [
        (AccessAction::Read, AccessResource::Profile, None),
        (AccessAction::Read, AccessResource::Documents, None),
        (AccessAction::Read, AccessResource::Applications, None),
        (
            AccessAction::Read,
            AccessResource::Application,
            Some(earlier.code.as_str()),
        ),
        (AccessAction::Read, AccessResource::Changes, None),
    ] {
        assert!(
            what.contains(&expected),
            "the log records the read {expected:?}: {what:?}"
        );
    }
}

#[test]
fn the_access_log_is_read_page_by_page_newest_first() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[1].clone();
    let own = Citizen::sign_in(&mut portal, &demo.id_number);
    let volunteer = staff(&mut portal, StaffKind::Volunteer);
    let session = otp_session(&portal, &volunteer.access_token, &demo, None);
    let assisted = Citizen::with_token(portal.api(), &demo.id_number, &session.access_token);
    let reads = 60;
    for _ in 0..reads {
        assisted.profile();
    }
    let first: AccessLog = own
        .get("/v1/me/access-log")
        .expect_json(200, "the first page");
    assert!(
        first.next_cursor.is_some() && first.items.len() < reads,
        "{} entries come in more than one page",
        reads + 1
    );
    let log = access_log(&own);
    assert_eq!(
        log.len(),
        reads + 1,
        "every read and the opening, once each"
    );
    let ids: BTreeSet<_> = log.iter().map(|entry| entry.id).collect();
    assert_eq!(ids.len(), log.len(), "no entry appears on two pages");
    assert!(
        log.windows(2).all(|pair| pair[0].at >= pair[1].at),
        "newest first across pages"
    );
    own.get("/v1/me/access-log?cursor=not-a-cursor")
        .expect_problem(
            400,
            "malformed_request",
            "a cursor the portal never gave out",
        );
}

#[test]
fn only_the_citizen_reads_their_own_access_log() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let agent = staff(&mut portal, StaffKind::Agent);
    let session = otp_session(&portal, &agent.access_token, &citizens[0], None);
    let paper = paper_session(&portal, &agent.access_token, &citizens[0]);
    let officer = Officer::sign_in(&mut portal);
    for (who, token) in [
        ("an assisted session", session.access_token.as_str()),
        ("a paper session", paper.access_token.as_str()),
        ("the staff member", agent.access_token.as_str()),
        ("an officer", officer.access_token().as_str()),
    ] {
        portal
            .api()
            .get("/v1/me/access-log")
            .bearer(token)
            .send()
            .expect_problem(
                403,
                "forbidden",
                &format!("{who} cannot read the access log"),
            );
    }
    portal.api().get("/v1/me/access-log").send().expect_problem(
        401,
        "unauthorized",
        "nobody reads an access log without signing in",
    );
    let other = Citizen::sign_in(&mut portal, &citizens[1].id_number);
    assert!(
        access_log(&other)
            .iter()
            .all(|entry| entry.session_id != session.id && entry.session_id != paper.id),
        "another citizen's log shows nothing of the first's sessions"
    );
    let own = Citizen::sign_in(&mut portal, &citizens[0].id_number);
    let sessions: HashSet<_> = access_log(&own)
        .iter()
        .filter(|entry| entry.action == AccessAction::SessionOpened)
        .map(|entry| (entry.session_id, entry.consent))
        .collect();
    assert_eq!(
        sessions,
        HashSet::from([
            (session.id, ConsentMethod::Otp),
            (paper.id, ConsentMethod::Paper)
        ]),
        "the citizen's own log shows both sessions with their consent"
    );
}

#[test]
fn an_officer_moves_only_their_own_agencys_applications() {
    let mut portal = Portal::start(PortalOptions::default());
    let officers = portal.demo_accounts().officers;
    let agencies: BTreeSet<&str> = officers
        .iter()
        .map(|officer| officer.agency.as_str())
        .collect();
    assert!(
        agencies.len() >= 2,
        "the demo officers work for at least two agencies: {agencies:?}"
    );
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = deliverable_procedure(&catalog);
    assert!(
        !procedure.agency_id.is_empty(),
        "every procedure names its agency's id"
    );
    let application = citizen.submit_valid(&procedure);
    let stranger_agency = agencies
        .iter()
        .find(|agency| **agency != procedure.agency_id)
        .expect("another agency");
    let stranger = Officer::of_agency(&mut portal, stranger_agency);
    let request = TransitionRequest {
        to: Some(ApplicationStatus::Processing),
        delivery: None,
        note: None,
    };
    stranger.send(application.id, &request).expect_problem(
        403,
        "forbidden",
        "another agency's application is refused to an officer",
    );
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::Received,
        "the other agency's officer moved nothing"
    );
    let own = Officer::of_agency(&mut portal, &procedure.agency_id);
    let moved: opendvc_api::Application = own
        .send(application.id, &request)
        .expect_json(200, "the agency's own officer moves it");
    assert_eq!(moved.status, ApplicationStatus::Processing);
}
