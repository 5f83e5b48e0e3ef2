//! Residents' feedback (issue 16), the portal's side: the services and their routing data,
//! the agencies and officers that answer feedback; filing with an Idempotency-Key, reading
//! one's own items only, photos without their GPS position, the clocks, the answer in sync,
//! rating, reopening once, and the hand-off that keeps the clock. Runs on PostgreSQL too where the harness
//! runs the portal tests on it.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use opendvc_api::{
    Attachment, Feedback, FeedbackCreated, FeedbackEventKind, FeedbackList, FeedbackQueuePage,
    FeedbackServices, FeedbackStatus, HolidayCalendar, NotificationSettings, OfficerFeedback,
    OfficerSelf, Profile, SyncResponse,
};
use opendvc_rules::{WorkingCalendar, WorkingHours};
use opendvc_tests::fixtures::{Citizen, jpeg_bytes};
use opendvc_tests::{Portal, PortalOptions, Reply, new_idempotency_key};
use serde_json::json;

const OFFICER_PASSWORD: &str = "demo-officer-2026";

#[test]
fn the_feedback_services_are_public_with_their_clocks() {
    let portal = Portal::start(PortalOptions::default());
    let services: FeedbackServices = portal
        .api()
        .get("/v1/feedback/services")
        .send()
        .expect_json(200, "the services, without a token");
    let codes: Vec<&str> = services
        .services
        .iter()
        .map(|service| service.code.as_str())
        .collect();
    for code in [
        "environment",
        "traffic_safety",
        "social_order",
        "infrastructure",
        "street_vending",
        "other",
        "digital_help",
    ] {
        assert!(codes.contains(&code), "service {code} is listed: {codes:?}");
    }
    assert!(
        services
            .services
            .iter()
            .all(|service| service.answer_hours > 0 && service.resolve_working_days > 0),
        "every service states both clocks: {services:?}"
    );
}

#[test]
fn the_officers_of_the_feedback_agencies_sign_in_to_their_agency() {
    let portal = Portal::start(PortalOptions::default());
    for (code, agency_id) in [
        ("CB-IOC-01", "da-nang-ioc"),
        ("CB-SXD-01", "da-nang-construction"),
        ("CB-SNNMT-01", "da-nang-agriculture-environment"),
    ] {
        let token = portal.staff_token(code, OFFICER_PASSWORD).access_token;
        let me: OfficerSelf = portal
            .api()
            .get("/v1/officer/me")
            .bearer(&token)
            .send()
            .expect_json(200, "the officer's own record");
        let agency = me.agency.expect("an officer of an agency");
        assert_eq!(agency.agency_id, agency_id, "{code} serves {agency_id}");
        assert!(
            !agency.name.vi.is_empty() && !agency.phone.is_empty(),
            "{code}'s agency has a name and a phone: {agency:?}"
        );
    }
}

// --- Filing, reading, answering (the resident's and the officers' API) ---

/// Marker text inside the test photo's EXIF block, where a phone writes the GPS position.
const GPS_MARKER: &[u8] = b"GPSLatitude 16.0611N GPSLongitude 108.2270E";

fn officer_token(portal: &Portal, code: &str) -> String {
    portal.staff_token(code, OFFICER_PASSWORD).access_token
}

fn file(citizen: &Citizen, body: &serde_json::Value, key: &str) -> Reply {
    citizen
        .call("POST", "/v1/feedback")
        .idempotency_key(key)
        .json(body)
        .send()
}

fn file_ok(citizen: &Citizen, body: &serde_json::Value) -> FeedbackCreated {
    file(citizen, body, &new_idempotency_key()).expect_json(201, "the feedback is filed")
}

/// A small JPEG carrying an EXIF block (APP1 `Exif\0\0`) with a GPS position in it.
fn jpeg_with_gps() -> Vec<u8> {
    let plain = jpeg_bytes("ảnh ổ gà đường Bạch Đằng");
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08".to_vec();
    exif.extend_from_slice(GPS_MARKER);
    let length = u16::try_from(exif.len() + 2).expect("a short segment");
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&length.to_be_bytes());
    jpeg.extend_from_slice(&exif);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn answer(portal: &Portal, token: &str, id: uuid::Uuid, text: &str, resolved: bool) -> Reply {
    portal
        .api()
        .post(&format!("/v1/officer/feedback/{id}/answer"))
        .bearer(token)
        .fresh_idempotency_key()
        .json(&json!({"text": text, "resolved": resolved}))
        .send()
}

#[test]
fn feedback_filed_twice_with_the_same_key_is_one_item() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let body =
        json!({"category": "infrastructure", "description": "Ổ gà lớn trước số 12 Bạch Đằng"});
    let key = new_idempotency_key();
    let first: FeedbackCreated = file(&citizen, &body, &key).expect_json(201, "filed");
    let again = file(&citizen, &body, &key);
    let replayed: FeedbackCreated = again.expect_json(201, "the same request again");
    assert_eq!(replayed, first, "the replay answers the same 201 body");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let list: FeedbackList = citizen.get("/v1/feedback").expect_json(200, "the list");
    assert_eq!(list.items.len(), 1, "one item, not two: {list:?}");
    let other = json!({"category": "infrastructure", "description": "Another matter"});
    file(&citizen, &other, &key).expect_status(422, "another body under the same key is refused");
}

#[test]
fn someone_elses_feedback_and_its_photos_are_not_found() {
    let mut portal = Portal::start(PortalOptions::default());
    let owner = Citizen::demo(&mut portal, 0);
    let stranger = Citizen::demo(&mut portal, 1);
    let created = file_ok(
        &owner,
        &json!({"category": "environment", "description": "Rác tồn đọng ở kiệt 45"}),
    );
    stranger
        .get(&format!("/v1/feedback/{}", created.id))
        .expect_status(404, "another resident's item is 404, never 403");
    owner
        .get(&format!("/v1/feedback/{}", created.id))
        .expect_status(200, "the reporter reads it");
    let police = officer_token(&portal, "CB-CADN-01");
    portal
        .api()
        .get(&format!("/v1/officer/feedback/{}", created.id))
        .bearer(&police)
        .send()
        .expect_status(404, "an officer of another agency does not see it");
}

#[test]
fn bad_feedback_is_refused_naming_the_field() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let cases = [
        (
            json!({"category": "nowhere", "description": "x"}),
            "category",
        ),
        (
            json!({"category": "other", "description": "  "}),
            "description",
        ),
        (
            json!({"category": "other", "description": "x".repeat(4001)}),
            "description",
        ),
        (
            json!({"category": "other", "description": "x", "photos": ["a", "b", "c", "d"]}),
            "photos",
        ),
        (
            json!({"category": "other", "description": "x", "place": {"lat": 91.0, "long": 108.2}}),
            "place.lat",
        ),
        (
            json!({"category": "other", "description": "x", "applicationId": uuid::Uuid::now_v7()}),
            "applicationId",
        ),
        (
            json!({"category": "other", "description": "x", "photos": ["sha256:00"]}),
            "photos[0]",
        ),
    ];
    for (body, field) in cases {
        let reply = file(&citizen, &body, &new_idempotency_key());
        reply.expect_status(422, &format!("{field} is refused"));
        assert!(
            reply.text().contains(&format!("\"field\":\"{field}\"")),
            "the problem names {field}: {}",
            reply.text()
        );
    }
}

#[test]
fn a_photo_loses_its_gps_position_unless_the_place_is_shared() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let original = jpeg_with_gps();
    assert!(
        contains(&original, GPS_MARKER),
        "the test photo carries the position"
    );
    let upload: Attachment = citizen
        .call("POST", "/v1/attachments")
        .body(original.clone(), "image/jpeg")
        .send()
        .expect_json(201, "the photo is uploaded");
    for (share, kept) in [(false, false), (true, true)] {
        let created = file_ok(
            &citizen,
            &json!({"category": "infrastructure", "description": format!("Ổ gà, share {share}"),
                    "photos": [upload.id], "place": {"lat": 16.0611, "long": 108.227, "share": share}}),
        );
        let item: Feedback = citizen
            .get(&format!("/v1/feedback/{}", created.id))
            .expect_json(200, "the item");
        let photo = &item.photos[0];
        let stored = citizen.get(&format!("/v1/feedback/{}/photos/{}", created.id, photo.id));
        stored.expect_status(200, "the reporter reads the photo");
        assert_eq!(
            contains(&stored.body, GPS_MARKER),
            kept,
            "share {share}: the stored bytes keep the position only when shared"
        );
        assert_eq!(
            contains(&stored.body, b"Exif\0\0"),
            kept,
            "share {share}: the EXIF block is gone unless shared"
        );
        assert!(
            stored.body.starts_with(&[0xFF, 0xD8]),
            "the stored photo is still a JPEG"
        );
        let stranger = Citizen::demo(&mut portal, 1);
        stranger
            .get(&format!("/v1/feedback/{}/photos/{}", created.id, photo.id))
            .expect_status(404, "nobody else reads the photo");
    }
}

/// Moves the demo clock to just after the next `hour`:00 in Vietnam; answers the new time.
fn move_to_hour(portal: &Portal, hour: u32) -> DateTime<FixedOffset> {
    let now = portal
        .advance_clock(1)
        .with_timezone(&opendvc_rules::VIETNAM);
    let target = now
        .with_hour(hour)
        .and_then(|at| at.with_minute(0))
        .and_then(|at| at.with_second(0))
        .and_then(|at| at.with_nanosecond(0))
        .expect("a time of day");
    let target = if target <= now {
        target + chrono::TimeDelta::days(1)
    } else {
        target
    };
    // Whole seconds move the clock while real time runs on: land just after the hour.
    portal.advance_clock((target - now).num_seconds() + 2)
}

#[test]
fn feedback_received_at_22_00_must_be_answered_by_02_00() {
    let mut portal = Portal::start(PortalOptions::default());
    // The clock moves first: an access token signed in before would expire on the way.
    let at = move_to_hour(&portal, 22);
    let citizen = Citizen::demo(&mut portal, 0);
    let created = file_ok(
        &citizen,
        &json!({"category": "social_order", "description": "Tiếng ồn karaoke sau 22 giờ"}),
    );
    let due = created.due_at.with_timezone(&opendvc_rules::VIETNAM);
    assert_eq!(
        (due.hour(), due.minute()),
        (2, 0),
        "filed at {at}: due at 02:00, got {due}"
    );
    assert_eq!(
        (due - at.with_timezone(&opendvc_rules::VIETNAM)).num_hours(),
        4,
        "four hours around the clock"
    );
    let resolve = created.resolve_by.with_timezone(&opendvc_rules::VIETNAM);
    assert_eq!(
        (resolve.hour(), resolve.minute()),
        (17, 0),
        "resolved by the end of working hours: {resolve}"
    );
}

#[test]
fn an_answer_reaches_the_resident_who_rates_it_and_reopens_it_once() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let created = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Đèn đường hỏng đường Trần Phú"}),
    );
    citizen
        .call("POST", &format!("/v1/feedback/{}/rating", created.id))
        .fresh_idempotency_key()
        .json(&json!({"stars": 5}))
        .send()
        .expect_status(409, "nothing to rate before an answer");
    let construction = officer_token(&portal, "CB-SXD-01");
    let queue: FeedbackQueuePage = portal
        .api()
        .get("/v1/officer/feedback")
        .bearer(&construction)
        .send()
        .expect_json(200, "the construction department's queue");
    assert!(
        queue.items.iter().any(|item| item.id == created.id),
        "the item is in the routed agency's queue: {queue:?}"
    );
    let text = "Đã giao Đội quản lý chiếu sáng thay đèn trong 2 ngày.";
    answer(&portal, &construction, created.id, text, false).expect_status(200, "answered");
    let sync: SyncResponse = citizen.get("/v1/sync").expect_json(200, "sync");
    let synced = sync
        .feedback
        .iter()
        .find(|item| item.id == created.id)
        .expect("the answered item is in sync");
    assert_eq!(
        synced.answer.as_deref(),
        Some(text),
        "sync carries the answer"
    );
    assert!(
        sync.inbox
            .iter()
            .any(|item| item.feedback_id == Some(created.id)),
        "an inbox item points at the answered feedback"
    );
    let item: Feedback = citizen
        .get(&format!("/v1/feedback/{}", created.id))
        .expect_json(200, "the item");
    assert_eq!(item.status, FeedbackStatus::Answered);
    assert!(item.can_reopen, "an answered item may be reopened");
    let rated: Feedback = citizen
        .call("POST", &format!("/v1/feedback/{}/rating", created.id))
        .fresh_idempotency_key()
        .json(&json!({"stars": 4, "comment": "Nhanh"}))
        .send()
        .expect_json(200, "rated after the answer");
    assert_eq!(rated.rating.map(|rating| rating.stars), Some(4));
    let reopen = |citizen: &Citizen| {
        citizen
            .call("POST", &format!("/v1/feedback/{}/reopen", created.id))
            .fresh_idempotency_key()
            .json(&json!({"reason": "Đèn vẫn chưa sáng"}))
            .send()
    };
    let reopened: Feedback = reopen(&citizen).expect_json(200, "reopened once");
    assert_eq!(reopened.status, FeedbackStatus::Reopened);
    assert!(!reopened.can_reopen, "not a second time");
    answer(&portal, &construction, created.id, "Đã thay đèn.", true)
        .expect_status(200, "answered and closed");
    reopen(&citizen).expect_status(409, "a second reopening is refused");
}

/// The citizen's choice for status changes (feedback answers follow it), quiet hours off so
/// that an SMS leaves whatever the time of day the test runs at.
fn choose_status_channels(citizen: &Citizen, sms: bool, email: bool) {
    let mut settings = NotificationSettings::default();
    settings.status.sms = sms;
    settings.status.email = email;
    settings.quiet_hours.enabled = false;
    citizen
        .call("PUT", "/v1/me/notification-settings")
        .json(&settings)
        .send()
        .expect_status(200, "the citizen chooses their channels");
}

/// (channel, recipient) of each message the portal sent whose text holds `needle`.
fn sent_naming(portal: &Portal, needle: &str) -> Vec<(String, String)> {
    portal
        .dev_messages()
        .into_iter()
        .filter(|message| message.body.contains(needle))
        .map(|message| (message.channel, message.to))
        .collect()
}

#[test]
fn an_answer_reaches_the_resident_by_sms_and_e_mail_unless_they_switched_sms_off() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let profile: Profile = citizen.get("/v1/me").expect_json(200, "the profile");
    let email = profile
        .email
        .clone()
        .expect("the first demo citizen has an e-mail address");
    choose_status_channels(&citizen, true, true);
    let construction = officer_token(&portal, "CB-SXD-01");
    let first = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Nắp cống bị vỡ đường Hùng Vương"}),
    );
    let text = "Đã giao Công ty Thoát nước thay nắp cống trong ngày.";
    answer(&portal, &construction, first.id, text, false).expect_status(200, "answered");
    let mut sent = sent_naming(&portal, text);
    sent.sort();
    assert_eq!(
        sent,
        [
            ("email".to_owned(), email.clone()),
            ("sms".to_owned(), profile.phone.clone())
        ],
        "the answer reaches the resident once by e-mail and once by SMS"
    );
    let email_body = portal
        .dev_messages()
        .into_iter()
        .find(|message| message.channel == "email" && message.body.contains(text))
        .map(|message| message.body)
        .unwrap_or_default();
    assert!(
        email_body.contains("Nắp cống bị vỡ") && email_body.contains("Sở Xây dựng"),
        "the e-mail recalls the feedback and names the agency that answered: {email_body}"
    );

    choose_status_channels(&citizen, false, true);
    let second = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Vỉa hè sụt lún đường Lê Lợi"}),
    );
    let text = "Đội duy tu sẽ sửa vỉa hè trong tuần.";
    answer(&portal, &construction, second.id, text, false).expect_status(200, "answered");
    assert_eq!(
        sent_naming(&portal, text),
        [("email".to_owned(), email)],
        "SMS switched off: the e-mail only"
    );
}

#[test]
fn a_hand_off_keeps_the_clock_and_shows_in_the_timeline() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let created = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Cây đổ chắn đường"}),
    );
    let construction = officer_token(&portal, "CB-SXD-01");
    let handed: Feedback = portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/hand-off", created.id))
        .bearer(&construction)
        .fresh_idempotency_key()
        .json(&json!({"agencyId": "da-nang-agriculture-environment", "note": "Cây xanh thuộc Sở Nông nghiệp và Môi trường"}))
        .send()
        .expect_json(200, "handed off");
    assert_eq!(
        handed.due_at, created.due_at,
        "the answer clock keeps running"
    );
    assert_eq!(
        handed.resolve_by, created.resolve_by,
        "so does the resolve clock"
    );
    assert!(
        handed
            .timeline
            .iter()
            .any(|event| event.kind == FeedbackEventKind::HandedOff),
        "the hand-off is in the timeline: {:?}",
        handed.timeline
    );
    portal
        .api()
        .get(&format!("/v1/officer/feedback/{}", created.id))
        .bearer(&construction)
        .send()
        .expect_status(404, "the handing agency no longer sees it");
    let environment = officer_token(&portal, "CB-SNNMT-01");
    let item: OfficerFeedback = portal
        .api()
        .get(&format!("/v1/officer/feedback/{}", created.id))
        .bearer(&environment)
        .send()
        .expect_json(200, "the receiving agency sees it");
    assert_eq!(item.agency_id, "da-nang-agriculture-environment");
    assert!(
        item.reporter.name.is_some(),
        "the handling officer sees the reporter"
    );
}

#[test]
fn an_unanswered_item_warns_its_officers_at_75_percent_then_the_supervisor_each_once() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let summary = "Đèn tín hiệu ngã tư Lê Duẩn hỏng";
    file_ok(
        &citizen,
        &json!({"category": "traffic_safety", "description": summary}),
    );
    let told = |portal: &Portal, to: &str| {
        portal
            .dev_messages()
            .into_iter()
            .filter(|message| message.to == to && message.body.contains(summary))
            .count()
    };
    portal.advance_clock(2 * 3600);
    assert_eq!(
        told(&portal, "cb-cadn-01@officers.demo.invalid"),
        0,
        "not yet at 50%"
    );
    portal.advance_clock(3600 + 60);
    assert_eq!(
        told(&portal, "cb-cadn-01@officers.demo.invalid"),
        1,
        "the police officer is warned at 75% of the four hours"
    );
    assert_eq!(
        told(&portal, "gs-cadn-01@officers.demo.invalid"),
        0,
        "not the supervisor yet"
    );
    // The demo clock starts again from the real time: move it back past the same point.
    portal.start_again();
    portal.advance_clock(3 * 3600 + 120);
    assert_eq!(
        told(&portal, "cb-cadn-01@officers.demo.invalid"),
        1,
        "once, also after a restart"
    );
    portal.advance_clock(3600);
    assert_eq!(
        told(&portal, "gs-cadn-01@officers.demo.invalid"),
        1,
        "past the deadline the agency's supervisor is warned"
    );
    portal.advance_clock(60);
    assert_eq!(
        (
            told(&portal, "cb-cadn-01@officers.demo.invalid"),
            told(&portal, "gs-cadn-01@officers.demo.invalid")
        ),
        (1, 1),
        "each stage once"
    );
    assert_eq!(
        told(&portal, "gs-ioc-01@officers.demo.invalid"),
        0,
        "the operations centre is not told when the agency has a supervisor"
    );
}

/// When the resolve clock of an item received at `received` and due by `resolve_by` comes at
/// risk, by the shared rules on the portal's own holiday calendars.
fn resolve_at_risk_from(
    portal: &Portal,
    received: DateTime<FixedOffset>,
    resolve_by: DateTime<FixedOffset>,
) -> DateTime<FixedOffset> {
    let calendars: Vec<HolidayCalendar> = (received.year()..=resolve_by.year())
        .map(|year| {
            portal
                .api()
                .get(&format!("/v1/holidays/{year}"))
                .send()
                .expect_json(200, "the portal's holiday calendar")
        })
        .collect();
    opendvc_rules::feedback_clock::resolve_at_risk_from(
        &WorkingCalendar::new(&calendars),
        &WorkingHours::default(),
        received,
        resolve_by,
    )
}

#[test]
fn after_a_first_answer_the_resolve_clock_warns_its_officer_at_75_percent_then_the_supervisor_each_once()
 {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let summary = "Xe tải đậu chiếm lòng đường Nguyễn Tất Thành";
    let created = file_ok(
        &citizen,
        &json!({"category": "traffic_safety", "description": summary}),
    );
    let police = officer_token(&portal, "CB-CADN-01");
    answer(
        &portal,
        &police,
        created.id,
        "Đội Cảnh sát giao thông sẽ xử lý trong tuần.",
        false,
    )
    .expect_status(200, "a first answer, not resolved");
    let item: Feedback = citizen
        .get(&format!("/v1/feedback/{}", created.id))
        .expect_json(200, "the item");
    let at_risk_from = resolve_at_risk_from(&portal, item.submitted_at, item.resolve_by);
    // Messages naming the item and its resolve clock ("giải quyết"); the answer clock, stopped
    // by the answer, warns nobody.
    let told = |portal: &Portal, to: &str| {
        let sent: Vec<String> = portal
            .dev_messages()
            .into_iter()
            .filter(|message| message.to == to && message.body.contains(summary))
            .map(|message| message.body)
            .collect();
        assert!(
            sent.iter().all(|body| body.contains("giải quyết")),
            "only the resolve clock warns after the answer: {sent:?}"
        );
        sent.len()
    };
    let officer = "cb-cadn-01@officers.demo.invalid";
    let supervisor = "gs-cadn-01@officers.demo.invalid";
    let move_to = |portal: &Portal, at: DateTime<FixedOffset>| {
        let now = portal.advance_clock(1);
        if at > now {
            portal.advance_clock((at - now).num_seconds());
        }
    };
    move_to(&portal, at_risk_from - chrono::TimeDelta::minutes(2));
    assert_eq!(
        (told(&portal, officer), told(&portal, supervisor)),
        (0, 0),
        "nobody is warned before 75% of the working time to {}",
        item.resolve_by
    );
    move_to(&portal, at_risk_from + chrono::TimeDelta::minutes(1));
    assert_eq!(
        (told(&portal, officer), told(&portal, supervisor)),
        (1, 0),
        "at 75% ({at_risk_from}) the officer who answered is warned, not yet the supervisor"
    );
    // The demo clock starts again from the real time: move it past the same point again.
    portal.start_again();
    move_to(&portal, at_risk_from + chrono::TimeDelta::minutes(2));
    assert_eq!(told(&portal, officer), 1, "once, also after a restart");
    move_to(&portal, item.resolve_by + chrono::TimeDelta::minutes(1));
    assert_eq!(
        (told(&portal, officer), told(&portal, supervisor)),
        (1, 1),
        "past the resolve deadline the agency's supervisor is warned"
    );
    portal.start_again();
    move_to(&portal, item.resolve_by + chrono::TimeDelta::minutes(3));
    assert_eq!(
        (told(&portal, officer), told(&portal, supervisor)),
        (1, 1),
        "each stage once, also after a second restart"
    );
}

#[test]
fn an_overdue_item_of_an_agency_without_supervisors_warns_the_operations_centre_once() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let summary = "Hố sâu giữa đường Nguyễn Văn Linh";
    file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": summary}),
    );
    let told = |portal: &Portal, to: &str| {
        portal
            .dev_messages()
            .into_iter()
            .filter(|message| message.to == to && message.body.contains(summary))
            .count()
    };
    portal.advance_clock(3 * 3600 + 60);
    assert_eq!(
        told(&portal, "gs-ioc-01@officers.demo.invalid"),
        0,
        "not at 75%: that stage is the officers'"
    );
    portal.advance_clock(3600);
    assert_eq!(
        told(&portal, "gs-ioc-01@officers.demo.invalid"),
        1,
        "the construction department has no supervisor: the operations centre is told"
    );
    portal.advance_clock(60);
    assert_eq!(told(&portal, "gs-ioc-01@officers.demo.invalid"), 1, "once");
}

#[test]
fn the_overview_counts_feedback_answered_on_time_late_and_open_per_agency() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let construction = officer_token(&portal, "CB-SXD-01");
    let on_time = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Nắp cống bị vỡ"}),
    );
    answer(
        &portal,
        &construction,
        on_time.id,
        "Đã cử đội sửa chữa.",
        false,
    )
    .expect_status(200, "answered within the hour");
    file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Vỉa hè sụt lún"}),
    );
    let late = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Cột điện nghiêng"}),
    );
    portal.advance_clock(5 * 3600);
    // The clock moved past the officer's token too: sign in again.
    let construction = officer_token(&portal, "CB-SXD-01");
    answer(&portal, &construction, late.id, "Đã báo Điện lực.", false)
        .expect_status(200, "answered after the four hours");
    let overview: opendvc_api::Overview = portal
        .api()
        .get("/v1/officer/overview")
        .bearer(&construction)
        .send()
        .expect_json(200, "the construction department's overview");
    let figures = overview
        .agencies
        .iter()
        .find(|agency| agency.agency_id == "da-nang-construction")
        .map(|agency| agency.feedback.clone())
        .expect("the department is in its overview");
    assert_eq!(
        figures,
        opendvc_api::FeedbackFigures {
            answered_on_time: 1,
            answered_late: 1,
            open: 1,
            open_overdue: 1,
        },
        "one answered on time, one late, one open and past its four hours"
    );
}

#[test]
fn an_answers_photo_is_stored_without_its_position_and_read_by_the_resident() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let created = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Biển báo bị đổ"}),
    );
    let construction = officer_token(&portal, "CB-SXD-01");
    let photo: opendvc_api::FeedbackPhoto = portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/photos", created.id))
        .bearer(&construction)
        .body(jpeg_with_gps(), "image/jpeg")
        .send()
        .expect_json(201, "the answer's photo is stored");
    portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/photos", created.id))
        .bearer(&officer_token(&portal, "CB-CADN-01"))
        .body(jpeg_with_gps(), "image/jpeg")
        .send()
        .expect_status(404, "another agency cannot add photos to the item");
    let answered: Feedback = portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/answer", created.id))
        .bearer(&construction)
        .fresh_idempotency_key()
        .json(&json!({"text": "Đã dựng lại biển báo.", "photo": photo.id, "resolved": true}))
        .send()
        .expect_json(200, "answered with the photo and closed");
    assert_eq!(answered.status, FeedbackStatus::Closed);
    let event = answered
        .timeline
        .iter()
        .find(|event| event.kind == FeedbackEventKind::Answered)
        .expect("the answer is in the timeline");
    assert_eq!(event.photo.as_deref(), Some(photo.id.as_str()));
    let stored = citizen.get(&format!("/v1/feedback/{}/photos/{}", created.id, photo.id));
    stored.expect_status(200, "the resident reads the answer's photo");
    assert!(
        !contains(&stored.body, GPS_MARKER),
        "the answer's photo lost its position"
    );
    portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/answer", created.id))
        .bearer(&construction)
        .fresh_idempotency_key()
        .json(&json!({"text": "x", "photo": "sha256:00"}))
        .send()
        .expect_status(422, "an answer names a photo of the item only");
}

#[test]
fn the_queue_pages_by_time_left_and_only_a_supervisor_reassigns() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let first = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Ống nước vỡ"}),
    );
    portal.advance_clock(60);
    let second = file_ok(
        &citizen,
        &json!({"category": "infrastructure", "description": "Hố ga mất nắp"}),
    );
    let construction = officer_token(&portal, "CB-SXD-01");
    let page = |cursor: Option<&str>| -> FeedbackQueuePage {
        let path = match cursor {
            Some(cursor) => format!("/v1/officer/feedback?limit=1&cursor={cursor}"),
            None => "/v1/officer/feedback?limit=1".to_owned(),
        };
        portal
            .api()
            .get(&path)
            .bearer(&construction)
            .send()
            .expect_json(200, "a page of the queue")
    };
    let one = page(None);
    assert_eq!(one.total, 2, "both items are counted");
    assert_eq!(
        one.items.iter().map(|item| item.id).collect::<Vec<_>>(),
        vec![first.id],
        "the least time left first"
    );
    let cursor = one.next_cursor.expect("a next page");
    let two = page(Some(&cursor));
    assert_eq!(
        two.items.iter().map(|item| item.id).collect::<Vec<_>>(),
        vec![second.id],
        "the next page continues after it"
    );
    portal
        .api()
        .get("/v1/officer/feedback?limit=0")
        .bearer(&construction)
        .send()
        .expect_status(422, "a page size out of range is refused");
    portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/assign", first.id))
        .bearer(&construction)
        .fresh_idempotency_key()
        .json(&json!({"agencyId": "da-nang-ioc"}))
        .send()
        .expect_status(403, "an officer does not reassign to another agency");
    let taken: Feedback = portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/assign", first.id))
        .bearer(&construction)
        .fresh_idempotency_key()
        .json(&json!({"officerCode": "CB-SXD-01"}))
        .send()
        .expect_json(200, "an officer takes the item for themselves");
    assert_eq!(taken.status, FeedbackStatus::Assigned);
    let supervisor = portal
        .staff_token("GS-IOC-01", "demo-supervisor-2026")
        .access_token;
    let moved: Feedback = portal
        .api()
        .post(&format!("/v1/officer/feedback/{}/assign", first.id))
        .bearer(&supervisor)
        .fresh_idempotency_key()
        .json(&json!({"agencyId": "da-nang-ioc", "officerCode": "CB-IOC-01"}))
        .send()
        .expect_json(
            200,
            "the city-wide supervisor reassigns to the IOC's officer",
        );
    assert_eq!(moved.agency.agency_id, "da-nang-ioc");
    assert_eq!(moved.due_at, first.due_at, "the clock keeps running");
}
