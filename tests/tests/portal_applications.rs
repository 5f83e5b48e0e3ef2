//! Applications over HTTP: submission, the due date in working days, the timeline, delivery,
//! withdrawal, rating, supplements, attachments and the officer side.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use opendvc_api::{
    Application, ApplicationStatus, Attachment, Channel, DeliveryMethod, DeliveryState,
    DeliveryUpdate, FieldProblemCode, HolidayCalendar, MAX_ATTACHMENT_BYTES, NewApplication,
    NewSupplement, Quote, QuoteLine, QuoteLineKind, Rating, TransitionRequest, WithdrawRequest,
};
use opendvc_rules::VIETNAM;
use opendvc_tests::fixtures::{
    Citizen, Officer, TO_COMPLETED, TO_HANDED_OVER, counter_delivery, deliverable_procedure,
};
use opendvc_tests::{Portal, PortalOptions, Reply};
use sha2::Digest;

/// A follow-up answers with the application (200, or 201 where it creates something).
fn updated(reply: &Reply, why: &str) -> Application {
    assert!(
        reply.status == 200 || reply.status == 201,
        "{why}: {} answered {}: {}",
        reply.request,
        reply.status,
        reply.text()
    );
    reply.json()
}

fn put_delivery(citizen: &Citizen, id: uuid::Uuid, choice: &opendvc_api::DeliveryChoice) -> Reply {
    citizen
        .call("PUT", &format!("/v1/applications/{id}/delivery"))
        .fresh_idempotency_key()
        .json(choice)
        .send()
}

fn withdraw(citizen: &Citizen, id: uuid::Uuid) -> Reply {
    citizen
        .call("POST", &format!("/v1/applications/{id}/withdraw"))
        .fresh_idempotency_key()
        .json(&WithdrawRequest {
            reason: Some("Tôi nộp nhầm thủ tục".to_owned()),
        })
        .send()
}

fn rate(citizen: &Citizen, id: uuid::Uuid, stars: u8) -> Reply {
    citizen
        .call("POST", &format!("/v1/applications/{id}/rating"))
        .fresh_idempotency_key()
        .json(&Rating {
            stars,
            comment: Some("Nhanh gọn".to_owned()),
        })
        .send()
}

fn supplement(citizen: &Citizen, id: uuid::Uuid) -> Reply {
    citizen
        .call("POST", &format!("/v1/applications/{id}/supplements"))
        .fresh_idempotency_key()
        .json(&NewSupplement {
            note: Some("Bổ sung bản sao giấy khai sinh".to_owned()),
            form: Default::default(),
            attachments: Vec::new(),
        })
        .send()
}

/// A portal, its first demo citizen, and a fresh application of a procedure that offers
/// both delivery methods, to collect at the counter.
fn portal_with_application() -> (Portal, Citizen, Application) {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit_valid(&procedure);
    (portal, citizen, application)
}

#[test]
fn a_submission_answers_201_with_its_code_status_and_due_date() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let first = citizen.submit_valid(&procedure);
    let second = citizen.submit_valid(&procedure);
    assert_eq!(
        first.status,
        ApplicationStatus::Received,
        "a new application is received"
    );
    assert_eq!(first.procedure_id, procedure.id);
    assert_eq!(first.channel, Channel::Online);
    assert!(!first.code.is_empty(), "the application has a receipt code");
    assert_ne!(first.code, second.code, "application codes are unique");
    assert_ne!(first.id, second.id);
    assert_eq!(
        first.processing_days, procedure.processing_days.online,
        "an online submission gets the online processing time"
    );
    assert!(first.due_at > first.submitted_at, "the due date lies ahead");
    let entry = first.timeline.first().expect("the timeline starts at once");
    assert_eq!((entry.seq, entry.status), (1, ApplicationStatus::Received));
    assert_eq!(
        citizen.application(first.id),
        first,
        "reading the application gives what the submission answered"
    );
    let listed: Vec<uuid::Uuid> = citizen.applications().iter().map(|a| a.id).collect();
    assert_eq!(listed.first(), Some(&second.id), "the list is newest first");
    assert!(listed.contains(&first.id));
}

/// The holiday calendars of the years from `from` to `to`.
fn calendars(citizen: &Citizen, from: i32, to: i32) -> Vec<HolidayCalendar> {
    (from..=to)
        .map(|year| {
            citizen
                .get(&format!("/v1/holidays/{year}"))
                .expect_json(200, "the calendar of a year an application spans is served")
        })
        .collect()
}

fn is_working_day(day: NaiveDate, calendars: &[HolidayCalendar]) -> bool {
    if calendars
        .iter()
        .any(|calendar| calendar.working_weekends.contains(&day))
    {
        return true;
    }
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    let holiday = calendars
        .iter()
        .any(|calendar| calendar.days.iter().any(|holiday| holiday.date == day));
    !weekend && !holiday
}

/// Working days in `[from, to]`.
fn working_days(from: NaiveDate, to: NaiveDate, calendars: &[HolidayCalendar]) -> u32 {
    from.iter_days()
        .take_while(|day| *day <= to)
        .filter(|day| is_working_day(*day, calendars))
        .map(|_| 1)
        .sum()
}

/// Checks the due date of `application` against a working-day count of our own: the due day
/// is a working day, at 17:00 local time, `processingDays` working days after submission
/// (counting from the day after submission, or from the submission day itself when that is a
/// working day: both conventions are in use, and either one skips weekends and holidays).
fn check_due_date(citizen: &Citizen, application: &Application) {
    let submitted = application.submitted_at.with_timezone(&VIETNAM);
    let due = application.due_at.with_timezone(&VIETNAM);
    let calendars = calendars(citizen, submitted.year(), due.year());
    let (submitted_day, due_day) = (submitted.date_naive(), due.date_naive());
    assert!(
        is_working_day(due_day, &calendars),
        "{}: the due day {due_day} is a working day",
        application.code
    );
    assert_eq!(
        (due.hour(), due.minute()),
        (17, 0),
        "{}: the due time is the end of the working day",
        application.code
    );
    let after_submission = working_days(
        submitted_day.succ_opt().expect("a next day"),
        due_day,
        &calendars,
    );
    let from_submission = working_days(submitted_day, due_day, &calendars);
    // Zero days means done on the submission day, or on the next working day after it.
    let same_or_next_working_day = application.processing_days == 0
        && submitted_day
            .iter_days()
            .find(|day| is_working_day(*day, &calendars))
            == Some(due_day);
    assert!(
        after_submission == application.processing_days
            || (is_working_day(submitted_day, &calendars)
                && from_submission == application.processing_days)
            || same_or_next_working_day,
        "{}: submitted {submitted}, due {due}: {} working days, but {after_submission} working \
         days lie after the submission day and {from_submission} including it",
        application.code,
        application.processing_days
    );
}

#[test]
fn the_due_date_skips_weekends_and_holidays() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit_valid(&procedure);
    check_due_date(&citizen, &application);

    // The demo applications were submitted on many different days, some around holidays.
    let citizens = portal.demo_accounts().citizens;
    let mut checked = 0;
    for demo in &citizens {
        let citizen = Citizen::sign_in(&mut portal, &demo.id_number);
        for application in citizen.applications() {
            check_due_date(&citizen, &application);
            checked += 1;
        }
    }
    assert!(checked > 0, "the demo applications were checked too");
}

#[test]
fn the_timeline_is_append_only() {
    let (mut portal, citizen, application) = portal_with_application();
    let officer = Officer::sign_in(&mut portal);
    let mut previous = application.timeline.clone();
    let steps = [
        ApplicationStatus::Processing,
        ApplicationStatus::SupplementRequested,
    ];
    for status in steps {
        officer.transition(application.id, status);
        let timeline = citizen.application(application.id).timeline;
        assert!(
            timeline.len() > previous.len() && timeline[..previous.len()] == previous[..],
            "the timeline after {} keeps every earlier entry unchanged: {previous:?} then \
             {timeline:?}",
            status.as_str()
        );
        previous = timeline;
    }
    let after_supplement = updated(
        &supplement(&citizen, application.id),
        "a requested supplement is accepted",
    );
    assert!(after_supplement.timeline[..previous.len()] == previous[..]);
    let timeline = after_supplement.timeline;
    let seqs: Vec<u32> = timeline.iter().map(|entry| entry.seq).collect();
    let expected: Vec<u32> = (1..=u32::try_from(timeline.len()).expect("short")).collect();
    assert_eq!(seqs, expected, "timeline positions run 1, 2, 3 …");
    assert!(
        timeline.windows(2).all(|pair| pair[0].at <= pair[1].at),
        "timeline times never go backwards"
    );
    let last = timeline.last().expect("entries");
    assert_eq!(
        last.status,
        ApplicationStatus::Processing,
        "a supplement resumes processing"
    );
}

#[test]
fn a_delivery_change_recomputes_the_fee() {
    let (_portal, citizen, application) = portal_with_application();
    let procedure = deliverable_procedure(&citizen.catalog());
    assert_eq!(application.delivery.method, DeliveryMethod::Counter);
    assert_eq!(
        (application.delivery.fee, application.delivery.payable),
        (0, 0),
        "collecting at the counter costs nothing"
    );
    let by_post = updated(
        &put_delivery(&citizen, application.id, &citizen.post_delivery()),
        "the delivery changes to post",
    );
    let delivery = &by_post.delivery;
    assert_eq!(delivery.method, DeliveryMethod::Post);
    let province = &citizen
        .post_delivery()
        .address
        .expect("a postal address")
        .address
        .province_code;
    let zones = &procedure.delivery.postage;
    let zone = zones
        .iter()
        .find(|zone| zone.province_codes.contains(province))
        .or_else(|| zones.iter().find(|zone| zone.province_codes.is_empty()))
        .expect("the catalog prices every province by a postage zone");
    assert_eq!(
        delivery.fee, zone.first_item,
        "the postage of the address's zone for one item"
    );
    let percent = procedure
        .delivery
        .postage_subsidy
        .as_ref()
        .map_or(0, |subsidy| u64::from(subsidy.percent));
    assert_eq!(
        delivery.subsidy,
        delivery.fee * percent / 100,
        "the city's share of the postage"
    );
    assert_eq!(
        delivery.payable,
        delivery.fee.saturating_sub(delivery.subsidy),
        "the citizen pays the fee less the subsidy"
    );
    assert_eq!(delivery.state, Some(DeliveryState::Preparing));
    let back = updated(
        &put_delivery(&citizen, application.id, &counter_delivery()),
        "the delivery changes back to the counter",
    );
    assert_eq!((back.delivery.fee, back.delivery.payable), (0, 0));
}

#[test]
fn a_postal_delivery_needs_an_address_in_a_known_unit() {
    let (_portal, citizen, application) = portal_with_application();
    let no_address = opendvc_api::DeliveryChoice {
        method: DeliveryMethod::Post,
        address: None,
    };
    put_delivery(&citizen, application.id, &no_address).expect_problem(
        422,
        "validation_failed",
        "post without an address is refused",
    );
    let mut unknown_unit = citizen.post_delivery();
    if let Some(address) = unknown_unit.address.as_mut() {
        address.address.unit_code = "99999999".to_owned();
    }
    put_delivery(&citizen, application.id, &unknown_unit).expect_problem(
        422,
        "validation_failed",
        "an address in an unknown unit is refused",
    );
}

#[test]
fn a_delivery_change_is_refused_after_the_result_was_handed_over() {
    let (mut portal, citizen, application) = portal_with_application();
    let officer = Officer::sign_in(&mut portal);
    officer.walk(application.id, &TO_COMPLETED);
    updated(
        &put_delivery(&citizen, application.id, &citizen.post_delivery()),
        "the delivery can still change while the result waits",
    );
    officer.transition(application.id, ApplicationStatus::HandedOver);
    put_delivery(&citizen, application.id, &counter_delivery()).expect_problem(
        409,
        "invalid_state",
        "a result already handed over cannot change delivery",
    );
}

#[test]
fn withdrawal_is_allowed_while_in_progress_and_refused_once_finished() {
    let (mut portal, citizen, application) = portal_with_application();
    let withdrawn = updated(
        &withdraw(&citizen, application.id),
        "a received application is withdrawn",
    );
    assert_eq!(withdrawn.status, ApplicationStatus::Withdrawn);
    let last = withdrawn.timeline.last().expect("entries");
    assert_eq!(last.status, ApplicationStatus::Withdrawn);
    assert_eq!(
        last.actor.kind,
        opendvc_api::ActorKind::Citizen,
        "the citizen withdrew it"
    );
    withdraw(&citizen, application.id).expect_problem(
        409,
        "invalid_state",
        "a withdrawn application cannot be withdrawn again",
    );

    let procedure = deliverable_procedure(&citizen.catalog());
    let processing = citizen.submit_valid(&procedure);
    let officer = Officer::sign_in(&mut portal);
    officer.transition(processing.id, ApplicationStatus::Processing);
    updated(
        &withdraw(&citizen, processing.id),
        "an application in processing is withdrawn",
    );

    let completed = citizen.submit_valid(&procedure);
    officer.walk(completed.id, &TO_COMPLETED);
    withdraw(&citizen, completed.id).expect_problem(
        409,
        "invalid_state",
        "a completed application cannot be withdrawn",
    );
}

#[test]
fn a_rating_is_accepted_only_after_completion() {
    let (mut portal, citizen, application) = portal_with_application();
    rate(&citizen, application.id, 5).expect_problem(
        409,
        "invalid_state",
        "an application still in progress cannot be rated",
    );
    let officer = Officer::sign_in(&mut portal);
    officer.walk(application.id, &TO_COMPLETED);
    let rated = updated(
        &rate(&citizen, application.id, 5),
        "a completed application is rated",
    );
    assert_eq!(rated.rating.as_ref().map(|rating| rating.stars), Some(5));
    let rerated = updated(
        &rate(&citizen, application.id, 3),
        "a later rating is accepted",
    );
    assert_eq!(
        rerated.rating.as_ref().map(|rating| rating.stars),
        Some(3),
        "a later rating replaces the earlier"
    );
    for stars in [0, 6] {
        rate(&citizen, application.id, stars).expect_problem(
            422,
            "validation_failed",
            "stars run from 1 to 5",
        );
    }
}

#[test]
fn a_supplement_is_accepted_only_when_one_was_requested() {
    let (mut portal, citizen, application) = portal_with_application();
    supplement(&citizen, application.id).expect_problem(
        409,
        "invalid_state",
        "nobody asked for a supplement yet",
    );
    let officer = Officer::sign_in(&mut portal);
    officer.walk(
        application.id,
        &[
            ApplicationStatus::Processing,
            ApplicationStatus::SupplementRequested,
        ],
    );
    let answered = updated(
        &supplement(&citizen, application.id),
        "the supplement is accepted",
    );
    assert_eq!(answered.status, ApplicationStatus::Processing);
    assert_eq!(answered.supplements.len(), 1, "the supplement is kept");
    assert_eq!(
        answered.supplements[0].note.as_deref(),
        Some("Bổ sung bản sao giấy khai sinh")
    );
}

#[test]
fn an_invalid_officer_transition_gets_409() {
    let (mut portal, citizen, application) = portal_with_application();
    let officer = Officer::sign_in(&mut portal);
    updated(&withdraw(&citizen, application.id), "withdrawn");
    let reply = officer.send(
        application.id,
        &TransitionRequest {
            to: Some(ApplicationStatus::Processing),
            delivery: None,
            note: None,
        },
    );
    reply.expect_problem(
        409,
        "invalid_state",
        "a withdrawn application stays withdrawn",
    );

    let procedure = deliverable_procedure(&citizen.catalog());
    let handed_over = citizen.submit_valid(&procedure);
    officer.walk(handed_over.id, &TO_HANDED_OVER);
    officer
        .send(
            handed_over.id,
            &TransitionRequest {
                to: Some(ApplicationStatus::Processing),
                delivery: None,
                note: None,
            },
        )
        .expect_problem(
            409,
            "invalid_state",
            "a handed-over result does not go back",
        );
    assert_eq!(
        citizen.application(handed_over.id).status,
        ApplicationStatus::HandedOver,
        "a refused transition changes nothing"
    );
}

#[test]
fn officer_transitions_need_an_officer_token() {
    let (mut portal, citizen, application) = portal_with_application();
    let path = format!("/v1/officer/applications/{}/transition", application.id);
    let request = TransitionRequest {
        to: Some(ApplicationStatus::Processing),
        delivery: None,
        note: None,
    };
    citizen
        .call("POST", &path)
        .fresh_idempotency_key()
        .json(&request)
        .send()
        .expect_problem(403, "forbidden", "a citizen is no officer");
    let agent = portal.demo_accounts().staff[0].clone();
    let agent_token = portal.staff_token(&agent.code, &agent.password);
    portal
        .api()
        .post(&path)
        .bearer(&agent_token.access_token)
        .fresh_idempotency_key()
        .json(&request)
        .send()
        .expect_problem(403, "forbidden", "a DVC agent is no officer");
    portal
        .api()
        .post(&path)
        .fresh_idempotency_key()
        .json(&request)
        .send()
        .expect_problem(401, "unauthorized", "no token, no transition");
    let officer = Officer::sign_in(&mut portal);
    officer.send(uuid::Uuid::now_v7(), &request).expect_problem(
        404,
        "not_found",
        "an unknown application is not found",
    );
}

#[test]
fn officer_delivery_updates_show_in_the_application() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application =
        citizen.submit(&citizen.valid_application(&procedure, citizen.post_delivery()));
    let officer = Officer::sign_in(&mut portal);
    officer.walk(application.id, &TO_COMPLETED);
    let dispatched = officer
        .send(
            application.id,
            &TransitionRequest {
                to: None,
                delivery: Some(DeliveryUpdate {
                    state: DeliveryState::Dispatched,
                    tracking_number: Some("EB123456789VN".to_owned()),
                }),
                note: None,
            },
        )
        .expect_json::<Application>(200, "the officer dispatches the result by post");
    assert_eq!(dispatched.delivery.state, Some(DeliveryState::Dispatched));
    let seen = citizen.application(application.id);
    assert_eq!(
        seen.delivery.tracking_number.as_deref(),
        Some("EB123456789VN")
    );
}

#[test]
fn the_officer_command_line_moves_an_application() {
    let (portal, citizen, application) = portal_with_application();
    portal.officer(&[
        "transition",
        &application.code,
        "--to",
        "processing",
        "--note",
        "Đã tiếp nhận hồ sơ",
    ]);
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::Processing,
        "a transition from the command line shows over HTTP"
    );
    let listed = portal.officer(&["list", "--status", "processing"]);
    assert!(
        listed.contains(&application.code),
        "officer list --status processing shows the application: {listed}"
    );
}

#[test]
fn the_officer_command_line_refuses_the_note_the_officer_endpoint_refuses() {
    let (mut portal, citizen, application) = portal_with_application();
    let officer = Officer::sign_in(&mut portal);
    let long_note = "ý".repeat(2001);
    officer
        .send(
            application.id,
            &TransitionRequest {
                to: Some(ApplicationStatus::Processing),
                delivery: None,
                note: Some(long_note.clone()),
            },
        )
        .expect_problem(
            422,
            "validation_failed",
            "the endpoint refuses a note over 2,000 characters",
        );
    let output = portal.officer_output(&[
        "transition",
        &application.code,
        "--to",
        "processing",
        "--note",
        &long_note,
    ]);
    assert!(
        !output.status.success(),
        "the command line refuses the note the endpoint refuses, as it goes through the same \
         domain function: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::Received,
        "a refused transition changes nothing"
    );
}

fn upload(citizen: &Citizen, bytes: Vec<u8>, file_name: Option<&str>) -> Reply {
    let mut call = citizen
        .call("POST", "/v1/attachments")
        .body(bytes, "application/pdf");
    if let Some(name) = file_name {
        call = call.header("X-File-Name", name);
    }
    call.send()
}

#[test]
fn attachments_are_idempotent_by_content_hash() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let bytes = b"%PDF-1.4\nban sao giay khai sinh\n".to_vec();
    let expected_id = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&bytes)));
    let first: Attachment = upload(
        &citizen,
        bytes.clone(),
        Some("gi%E1%BA%A5y%20t%E1%BB%9D.pdf"),
    )
    .expect_json(201, "new bytes are stored");
    assert_eq!(first.id, expected_id, "the id is the sha256 of the content");
    assert_eq!(first.size, bytes.len() as u64);
    assert_eq!(first.content_type, "application/pdf");
    assert_eq!(
        first.file_name.as_deref(),
        Some("giấy tờ.pdf"),
        "the percent-encoded file name is decoded"
    );
    let again: Attachment =
        upload(&citizen, bytes, None).expect_json(200, "the same bytes again answer 200");
    assert_eq!(again.id, first.id, "the same bytes are the same attachment");
    let other: Attachment = upload(&citizen, b"%PDF-1.4\nother\n".to_vec(), None)
        .expect_json(201, "other bytes are a new attachment");
    assert_ne!(other.id, first.id);
}

#[test]
fn an_attachment_over_20_mib_gets_413_and_20_mib_is_accepted() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    // A PDF of exactly 20 MiB: uploads are sniffed, so it must start as a PDF does.
    let mut largest = vec![b'a'; MAX_ATTACHMENT_BYTES];
    largest[..9].copy_from_slice(b"%PDF-1.4\n");
    upload(&citizen, largest.clone(), None).expect_status(201, "exactly 20 MiB is accepted");
    largest.push(b'z');
    let reply = upload(&citizen, largest, None);
    reply.expect_problem(413, "payload_too_large", "20 MiB and one byte is refused");
}

#[test]
fn uploading_needs_a_citizen_token() {
    let portal = Portal::start(PortalOptions::default());
    portal
        .api()
        .post("/v1/attachments")
        .body(b"%PDF-1.4\n".to_vec(), "application/pdf")
        .send()
        .expect_problem(401, "unauthorized", "no token, no upload");
}

#[test]
fn a_submission_is_validated_against_the_procedure_form() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let (procedure, date_field) = opendvc_tests::fixtures::procedure_with_a_date_field(&catalog);
    let valid = citizen.valid_application(&procedure, counter_delivery());
    let before = citizen.applications().len();

    let mut bad_date = valid.clone();
    bad_date
        .form
        .insert(date_field.id.clone(), "2026-02-30".to_owned());
    let problem = citizen
        .call("POST", "/v1/applications")
        .fresh_idempotency_key()
        .json(&bad_date)
        .send()
        .expect_problem(422, "validation_failed", "30 February is no date");
    assert!(
        problem
            .errors
            .iter()
            .any(|error| error.field.contains(&date_field.id)),
        "the problem names the field: {problem:?}"
    );

    if let Some(required) = procedure.form_fields.iter().find(|field| field.required) {
        let mut missing = valid.clone();
        missing.form.remove(&required.id);
        citizen
            .call("POST", "/v1/applications")
            .fresh_idempotency_key()
            .json(&missing)
            .send()
            .expect_problem(422, "validation_failed", "a required field is missing");
    }

    let mut unknown = valid.clone();
    unknown.procedure_id = "no-such-procedure".to_owned();
    let reply = citizen
        .call("POST", "/v1/applications")
        .fresh_idempotency_key()
        .json(&unknown)
        .send();
    let problem = reply.problem("an unknown procedure is refused");
    assert!(
        matches!(reply.status, 404 | 422),
        "an unknown procedure gets 404 or 422, got {} {}",
        reply.status,
        problem.code
    );

    let mut post_without_address = valid;
    post_without_address.delivery = opendvc_api::DeliveryChoice {
        method: DeliveryMethod::Post,
        address: None,
    };
    citizen
        .call("POST", "/v1/applications")
        .fresh_idempotency_key()
        .json(&post_without_address)
        .send()
        .expect_problem(
            422,
            "validation_failed",
            "post without an address is refused",
        );

    assert_eq!(
        citizen.applications().len(),
        before,
        "no refused submission created an application"
    );
}

#[test]
fn profile_and_documents_come_from_the_data_warehouse() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let mut kinds = BTreeSet::new();
    for demo in &citizens {
        let citizen = Citizen::sign_in(&mut portal, &demo.id_number);
        let profile = citizen.profile();
        assert_eq!(profile.id_number, demo.id_number);
        assert_eq!(
            profile.full_name, demo.name,
            "the demo account names the citizen"
        );
        for document in citizen.documents().items {
            kinds.insert(document.kind);
        }
    }
    assert!(
        kinds.contains("id_card"),
        "the demo citizens hold ID cards: {kinds:?}"
    );
}

#[test]
fn the_officer_command_line_dispatches_a_postal_delivery() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application =
        citizen.submit(&citizen.valid_application(&procedure, citizen.post_delivery()));
    let id = application.id.to_string();
    portal.officer(&["transition", &id, "--to", "processing"]);
    portal.officer(&["transition", &id, "--to", "completed"]);
    portal.officer(&[
        "deliver",
        &application.code,
        "--state",
        "dispatched",
        "--tracking",
        "EB987654321VN",
    ]);
    let seen = citizen.application(application.id);
    assert_eq!(
        seen.status,
        ApplicationStatus::Completed,
        "by id or by code alike"
    );
    assert_eq!(seen.delivery.state, Some(DeliveryState::Dispatched));
    assert_eq!(
        seen.delivery.tracking_number.as_deref(),
        Some("EB987654321VN")
    );
}

/// `POST /v1/procedures/{id}/quote` with `body`.
fn quote(citizen: &Citizen, procedure: &str, body: &serde_json::Value) -> Reply {
    citizen
        .call("POST", &format!("/v1/procedures/{procedure}/quote"))
        .json(body)
        .send()
}

#[test]
fn a_passport_costs_its_case_never_the_sum_of_its_alternatives() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let counter = serde_json::json!({"method": "counter"});
    for (answer, expected) in [("first", 200_000), ("renewal", 200_000), ("lost", 400_000)] {
        let quote: Quote = quote(
            &citizen,
            "passport-issuance",
            &serde_json::json!({"form": {"applicationType": answer}, "delivery": counter}),
        )
        .expect_json(200, "a passport application is quoted");
        assert_eq!(
            (quote.fee, quote.total),
            (expected, expected),
            "a passport ({answer}) costs {expected}, not 600,000: {quote:?}"
        );
    }
    let problem = quote(
        &citizen,
        "passport-issuance",
        &serde_json::json!({"form": {}, "delivery": counter}),
    )
    .expect_problem(422, "validation_failed", "no case, no quote");
    let named: Vec<&str> = problem
        .errors
        .iter()
        .filter(|error| error.field == "feeCase" && error.code == FieldProblemCode::FeeCaseNeeded)
        .map(|error| error.message.as_str())
        .collect();
    assert!(
        named.len() == 2
            && named.iter().any(|m| m.contains("choice: new"))
            && named.iter().any(|m| m.contains("choice: lost-or-damaged")),
        "the 422 names each fee case to choose from: {problem:?}"
    );
    let chosen: Quote = quote(
        &citizen,
        "passport-issuance",
        &serde_json::json!({"form": {}, "feeCase": "lost-or-damaged", "delivery": counter}),
    )
    .expect_json(200, "a chosen case is quoted");
    assert_eq!(chosen.total, 400_000, "the chosen case is charged");
}

#[test]
fn postage_by_post_is_priced_by_the_zone_of_the_address() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let units = citizen.admin_units();
    let mut totals = Vec::new();
    for province in ["48", "01"] {
        let unit = units
            .units
            .iter()
            .find(|unit| unit.province_code == province)
            .expect("the demo lists units of Da Nang and Ha Noi");
        let delivery = serde_json::json!({"method": "post", "address": {
            "recipientName": "Trần Thị Minh Thư", "phone": "0905123456",
            "provinceCode": province, "unitCode": unit.code, "street": "1 Bạch Đằng"}});
        let quote: Quote = quote(
            &citizen,
            "passport-issuance",
            &serde_json::json!({"form": {"applicationType": "first"}, "delivery": delivery}),
        )
        .expect_json(200, "a postal delivery is quoted");
        let postage: Vec<&QuoteLine> = quote
            .lines
            .iter()
            .filter(|line| line.kind == QuoteLineKind::Postage)
            .collect();
        assert_eq!(postage.len(), 1, "one postage line: {quote:?}");
        totals.push((quote.postage, quote.total));
    }
    assert!(
        totals[0].0 > 0 && totals[1].0 > totals[0].0,
        "postage elsewhere in Vietnam costs more than inside the city: {totals:?}"
    );
    assert_eq!(
        totals[0].1,
        200_000 + totals[0].0,
        "the total is the fee plus the postage"
    );
}

#[test]
fn an_application_records_the_fee_lines_it_was_charged() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let catalog = citizen.catalog();
    let procedure = catalog
        .items
        .iter()
        .find(|procedure| procedure.id == "passport-issuance")
        .expect("the catalog has the passport");
    let mut draft = citizen.valid_application(procedure, counter_delivery());
    draft.form.insert("applicationType".into(), "lost".into());
    let contradicted = NewApplication {
        fee_case: Some("new".into()),
        ..draft.clone()
    };
    let problem = citizen
        .submit_with_key(&contradicted, &uuid::Uuid::now_v7().to_string())
        .expect_problem(
            422,
            "validation_failed",
            "a chosen case the form contradicts",
        );
    assert!(
        problem.errors.iter().any(|error| error.field == "feeCase"),
        "the refusal names the fee case: {problem:?}"
    );
    let application = citizen.submit(&draft);
    let charged: i64 = application.fee_lines.iter().map(|line| line.amount).sum();
    assert_eq!(
        (application.fee, charged),
        (400_000, 400_000),
        "a lost passport is charged 400,000 and the lines add up to it: {:?}",
        application.fee_lines
    );
    assert_eq!(
        application.fee_lines.first().map(|line| line.id.as_str()),
        Some("lost-or-damaged"),
        "the line names the case charged"
    );
    let read = citizen.application(application.id);
    assert_eq!(
        read.fee_lines, application.fee_lines,
        "the charged lines are kept with the application"
    );
}

#[test]
fn the_quote_applies_an_age_exemption_from_the_profile_of_the_citizen_who_asks() {
    let mut portal = Portal::start(PortalOptions::default());
    // Lê Văn Thành, born in 1965: 60 or over, exempt from the residence registration fee.
    let citizen = Citizen::sign_in(&mut portal, "049065001276");
    let body = serde_json::json!({"form": {}, "delivery": {"method": "counter"}});
    let path = "/v1/procedures/residence-registration/quote";
    let anonymous: Quote = portal
        .api()
        .post(path)
        .json(&body)
        .send()
        .expect_json(200, "anyone may ask for a quote");
    let own: Quote = citizen
        .call("POST", path)
        .json(&body)
        .send()
        .expect_json(200, "the citizen asks with their own token");
    assert!(
        anonymous.total > 0,
        "without a profile no age exemption applies: {anonymous:?}"
    );
    assert_eq!(
        own.total, 0,
        "a citizen of 60 or over is quoted what they will be charged: nothing: {own:?}"
    );
    portal
        .api()
        .post(path)
        .bearer("not-a-token")
        .json(&body)
        .send()
        .expect_problem(401, "unauthorized", "a token that is not valid is refused");
}
