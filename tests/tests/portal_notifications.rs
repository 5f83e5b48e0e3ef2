//! How the portal reaches a resident outside the app: their notification settings
//! (`GET/PUT /v1/me/notification-settings`), and the durable notification outbox that sends
//! SMS and e-mail through a gateway that fails, loses answers and is left mid-send by a killed
//! portal, held by quiet hours, and shown to operators when it gives up.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Timelike};
use opendvc_api::DevMessage;
use opendvc_api::{ApplicationStatus, ChannelChoice, NotificationSettings, QuietHours, StaffKind};
use opendvc_rules::VIETNAM;
use opendvc_tests::fixtures::{Citizen, Officer, consent_code_session, deliverable_procedure};
use opendvc_tests::sms_gateway::{Answer, EsmsStandIn};
use opendvc_tests::wait::{PATIENCE, eventually};
use opendvc_tests::{Portal, PortalOptions, same_phone, six_digit_code};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const SETTINGS: &str = "/v1/me/notification-settings";

/// A choice unlike the defaults in every part.
fn chosen() -> NotificationSettings {
    NotificationSettings {
        status: ChannelChoice {
            app: true,
            sms: false,
            email: true,
        },
        delivery: ChannelChoice {
            app: false,
            sms: true,
            email: false,
        },
        renewal: ChannelChoice {
            app: true,
            sms: true,
            email: false,
        },
        quiet_hours: QuietHours {
            enabled: true,
            start: "22:30".to_owned(),
            end: "06:15".to_owned(),
        },
    }
}

#[test]
fn a_citizen_who_never_chose_gets_every_channel_and_quiet_hours_from_21_to_7() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let settings: NotificationSettings = citizen
        .get(SETTINGS)
        .expect_json(200, "a citizen reads their notification settings");
    assert_eq!(
        settings,
        NotificationSettings::default(),
        "without a choice the defaults apply"
    );
    assert_eq!(
        (
            settings.quiet_hours.enabled,
            settings.quiet_hours.start.as_str(),
            settings.quiet_hours.end.as_str()
        ),
        (true, "21:00", "07:00"),
        "the default quiet hours are 21:00 to 07:00"
    );
}

#[test]
fn a_stored_choice_is_read_back_whole_and_survives_a_restart() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let answered: NotificationSettings = citizen
        .call("PUT", SETTINGS)
        .json(&chosen())
        .send()
        .expect_json(200, "the citizen stores a choice");
    assert_eq!(answered, chosen(), "the PUT answers the stored choice");
    let mut changed = chosen();
    changed.quiet_hours.enabled = false;
    citizen
        .call("PUT", SETTINGS)
        .json(&changed)
        .send()
        .expect_status(200, "a second choice replaces the first");
    portal.start_again();
    let read: NotificationSettings = citizen
        .get(SETTINGS)
        .expect_json(200, "the citizen reads the choice after a restart");
    assert_eq!(read, changed, "the last choice is read back, whole");
}

#[test]
fn a_bad_quiet_hours_time_is_refused_naming_its_field() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    for (start, end, field) in [
        ("9pm", "07:00", "quietHours.start"),
        ("21:00", "24:00", "quietHours.end"),
        ("21:00", "7:00", "quietHours.end"),
        ("22:00", "22:00", "quietHours.end"),
    ] {
        let mut settings = chosen();
        settings.quiet_hours.start = start.to_owned();
        settings.quiet_hours.end = end.to_owned();
        let problem = citizen
            .call("PUT", SETTINGS)
            .json(&settings)
            .send()
            .expect_problem(
                422,
                "validation_failed",
                "a bad quiet-hours time is refused",
            );
        let fields: Vec<String> = problem
            .errors
            .iter()
            .map(|error| error.field.clone())
            .collect();
        assert_eq!(
            fields,
            [field],
            "quiet hours {start}–{end} are refused naming {field}"
        );
    }
    let settings: NotificationSettings = citizen
        .get(SETTINGS)
        .expect_json(200, "the citizen reads their settings");
    assert_eq!(
        settings,
        NotificationSettings::default(),
        "a refused choice stores nothing"
    );
}

#[test]
fn another_citizen_neither_sees_nor_changes_a_citizens_settings() {
    let mut portal = Portal::start(PortalOptions::default());
    let first = Citizen::demo(&mut portal, 0);
    let second = Citizen::demo(&mut portal, 1);
    first
        .call("PUT", SETTINGS)
        .json(&chosen())
        .send()
        .expect_status(200, "the first citizen stores a choice");
    let seen: NotificationSettings = second
        .get(SETTINGS)
        .expect_json(200, "the second citizen reads their own settings");
    assert_eq!(
        seen,
        NotificationSettings::default(),
        "the second citizen sees their own defaults, not the first citizen's choice"
    );
    let mut theirs = chosen();
    theirs.quiet_hours.start = "20:00".to_owned();
    second
        .call("PUT", SETTINGS)
        .json(&theirs)
        .send()
        .expect_status(200, "the second citizen stores their own choice");
    let kept: NotificationSettings = first
        .get(SETTINGS)
        .expect_json(200, "the first citizen reads their settings");
    assert_eq!(
        kept,
        chosen(),
        "the second citizen's choice left the first's alone"
    );
}

#[test]
fn only_the_citizens_own_sign_in_reads_or_changes_the_settings() {
    let mut portal = Portal::start(PortalOptions::default());
    let (staff_token, session) = consent_code_session(&mut portal, StaffKind::Agent);
    for (who, token) in [
        ("an assisted session", session.access_token.as_str()),
        ("a staff token", staff_token.as_str()),
    ] {
        portal
            .api()
            .get(SETTINGS)
            .bearer(token)
            .send()
            .expect_problem(403, "forbidden", &format!("{who} reads no settings"));
        portal
            .api()
            .put(SETTINGS)
            .bearer(token)
            .json(&chosen())
            .send()
            .expect_problem(403, "forbidden", &format!("{who} changes no settings"));
    }
    portal
        .api()
        .get(SETTINGS)
        .send()
        .expect_problem(401, "unauthorized", "no token, no settings");
}

/// A demo portal that sends SMS through `gateway`, trying a failed message again after a second
/// (not the shipped 10 s, 1 min …).
fn portal_with(gateway: &EsmsStandIn, limits: Value) -> Portal {
    let mut options = PortalOptions::default()
        .with_config(&gateway.config())
        .with_limits(json!({"notifications": {"retryAfterSeconds": [1]}}))
        .with_limits(limits);
    for (name, value) in EsmsStandIn::ENV {
        options = options.with_env(name, value);
    }
    Portal::start(options)
}

/// The citizen's settings without quiet hours, so that SMS leave whatever the time of day the
/// test runs at.
fn without_quiet_hours(citizen: &Citizen) {
    let mut settings = NotificationSettings::default();
    settings.quiet_hours.enabled = false;
    citizen
        .call("PUT", SETTINGS)
        .json(&settings)
        .send()
        .expect_status(200, "the citizen switches quiet hours off");
}

fn request_id(body: &Value) -> String {
    body["RequestId"].as_str().unwrap_or_default().to_owned()
}

fn content(body: &Value) -> &str {
    body["Content"].as_str().unwrap_or_default()
}

/// The requests the gateway got for messages that name `code`.
fn requests_naming(gateway: &EsmsStandIn, code: &str) -> Vec<Value> {
    gateway
        .requests()
        .into_iter()
        .filter(|body| content(body).contains(code))
        .collect()
}

/// Looks for `duration` (in steps of 100 ms) whether `arrived` becomes true; for what must not
/// happen while the worker has had every chance (it looks for due messages every second).
fn stays_false(duration: Duration, mut arrived: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + duration;
    while Instant::now() < until {
        if arrived() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    !arrived()
}

#[test]
fn every_message_of_many_status_changes_reaches_a_flaky_gateway_once_by_its_request_id() {
    const SEED: u64 = 14;
    const APPLICATIONS: usize = 6;
    let answers: Arc<Mutex<Vec<(String, Answer)>>> = Arc::default();
    let noted = Arc::clone(&answers);
    let mut random = StdRng::seed_from_u64(SEED);
    let gateway = EsmsStandIn::start(Box::new(move |_, body| {
        let answer = match random.random_range(0..10) {
            0..=3 => Answer::Take,
            4 | 5 => Answer::Busy,
            6 | 7 => Answer::ServerError,
            _ => Answer::TakeAndLoseTheAnswer,
        };
        noted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((request_id(body), answer));
        answer
    }));
    let mut portal = portal_with(&gateway, json!({"notifications": {"maxAttempts": 100}}));
    let citizen = Citizen::demo(&mut portal, 0);
    without_quiet_hours(&citizen);
    let officer = Officer::sign_in(&mut portal);
    let procedure = deliverable_procedure(&citizen.catalog());
    let codes: Vec<String> = (0..APPLICATIONS)
        .map(|_| {
            let application = citizen.submit_valid(&procedure);
            officer.walk(
                application.id,
                &[ApplicationStatus::Processing, ApplicationStatus::Completed],
            );
            application.code
        })
        .collect();
    // Each application is received and completed, an SMS each; the sign-in code was one more.
    let expected = 2 * APPLICATIONS + 1;
    let delivered = eventually("every message taken by the gateway", PATIENCE, || {
        let delivered = gateway.delivered();
        (delivered.len() >= expected).then_some(delivered)
    });
    let requests = gateway.requests();
    let answers = answers
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for (_, answer) in &answers {
        *tally.entry(format!("{answer:?}")).or_default() += 1;
    }
    println!(
        "seed {SEED}: {} requests for {expected} messages, answers {tally:?}, {} duplicates \
         taken once by RequestId",
        requests.len(),
        gateway.duplicates()
    );
    assert_eq!(
        delivered.len(),
        expected,
        "the gateway took each message once by its RequestId, and no other"
    );
    for code in &codes {
        let naming = delivered
            .values()
            .filter(|body| content(body).contains(code.as_str()))
            .count();
        assert_eq!(
            naming, 2,
            "the received notice and the completion of {code} arrived, each once"
        );
    }
    assert!(
        requests
            .iter()
            .all(|body| delivered.contains_key(&request_id(body))),
        "every request was a try at a message that arrived: none lost, no RequestId made up"
    );
    let lost: Vec<&String> = answers
        .iter()
        .filter(|(_, answer)| *answer == Answer::TakeAndLoseTheAnswer)
        .map(|(id, _)| id)
        .collect();
    assert!(
        !lost.is_empty(),
        "the seed makes the gateway lose some answers, so resends are checked"
    );
    for id in lost {
        let tries = requests
            .iter()
            .filter(|body| request_id(body) == *id)
            .count();
        let taken = delivered.contains_key(id);
        assert!(
            taken && (tries >= 2 || answers.last().is_some_and(|(last, _)| last == id)),
            "a message whose answer was lost is sent again with the same RequestId {id} \
             ({tries} requests)"
        );
    }
}

#[test]
fn a_message_being_sent_when_the_portal_is_killed_is_sent_after_restart_with_the_same_request_id() {
    let held_code: Arc<Mutex<Option<String>>> = Arc::default();
    let to_hold = Arc::clone(&held_code);
    let mut held_once = false;
    let gateway = EsmsStandIn::start(Box::new(move |_, body| {
        let code = to_hold
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        match code {
            Some(code) if !held_once && content(body).contains(&code) => {
                held_once = true;
                Answer::Hold
            }
            _ => Answer::Take,
        }
    }));
    let mut portal = portal_with(&gateway, json!({}));
    let citizen = Citizen::demo(&mut portal, 0);
    without_quiet_hours(&citizen);
    let officer = Officer::sign_in(&mut portal);
    let application = citizen.submit_valid(&deliverable_procedure(&citizen.catalog()));
    // The received notice names the code too: it is taken before the gateway starts holding.
    let received = eventually("the received SMS at the gateway", PATIENCE, || {
        requests_naming(&gateway, &application.code)
            .into_iter()
            .next()
    });
    let received = request_id(&received);
    let completion = |gateway: &EsmsStandIn| -> Vec<Value> {
        requests_naming(gateway, &application.code)
            .into_iter()
            .filter(|body| request_id(body) != received)
            .collect()
    };
    *held_code
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(application.code.clone());
    officer.walk(
        application.id,
        &[ApplicationStatus::Processing, ApplicationStatus::Completed],
    );
    let held = eventually("the gateway to hold the completion SMS", PATIENCE, || {
        completion(&gateway).into_iter().next()
    });
    assert!(
        !gateway.delivered().contains_key(&request_id(&held)),
        "the held message is not delivered yet"
    );
    portal.kill();
    portal.start_again();
    let resent = eventually("the SMS sent again after the restart", PATIENCE, || {
        let requests = completion(&gateway);
        (requests.len() >= 2).then_some(requests)
    });
    println!(
        "held RequestId {}, resent after restart as {}",
        request_id(&held),
        request_id(&resent[1])
    );
    assert_eq!(
        request_id(&resent[1]),
        request_id(&held),
        "the message is sent again with the RequestId of the send the kill interrupted"
    );
    assert!(
        gateway.delivered().contains_key(&request_id(&held)),
        "the message arrives after the restart"
    );
}

#[test]
fn an_sms_caused_at_22_waits_for_7_while_a_sign_in_code_and_an_e_mail_leave_at_once() {
    let gateway = EsmsStandIn::start(Box::new(|_, _| Answer::Take));
    let mut portal = portal_with(&gateway, json!({}));
    // The clock to the next 22:00, Vietnam time, before anyone signs in (tokens stay fresh).
    let now = portal.advance_clock(0).with_timezone(&VIETNAM);
    let today_at_22 = now
        .with_hour(22)
        .and_then(|time| time.with_minute(0))
        .and_then(|time| time.with_second(0))
        .expect("22:00 exists");
    let at_22 = if today_at_22 > now {
        today_at_22
    } else {
        today_at_22 + TimeDelta::days(1)
    };
    let moved = portal.advance_clock((at_22 - now).num_seconds() + 1);
    assert_eq!(
        moved.with_timezone(&VIETNAM).hour(),
        22,
        "the portal's clock says 22:xx in Vietnam"
    );
    let citizen = Citizen::demo(&mut portal, 0);
    let email = citizen
        .profile()
        .email
        .expect("the demo citizen has an e-mail address");
    let officer = Officer::sign_in(&mut portal);
    let application = citizen.submit_valid(&deliverable_procedure(&citizen.catalog()));
    officer.walk(
        application.id,
        &[ApplicationStatus::Processing, ApplicationStatus::Completed],
    );
    // Three e-mails name the application: it is received, being processed, and completed.
    eventually("the completion e-mail at once", PATIENCE, || {
        let emails = portal
            .dev_messages()
            .into_iter()
            .filter(|message| {
                message.channel == "email"
                    && message.to == email
                    && message.body.contains(&application.code)
            })
            .count();
        (emails == 3).then_some(())
    });
    let signed_in_again = citizen.id_number.clone();
    portal.sign_in_citizen(&signed_in_again);
    let code = eventually("the sign-in code at the gateway at 22:00", PATIENCE, || {
        gateway
            .requests()
            .iter()
            .rev()
            .find_map(|body| six_digit_code(content(body)))
    });
    assert_eq!(code.len(), 6, "a one-time code left during quiet hours");
    assert!(
        stays_false(Duration::from_secs(3), || {
            !requests_naming(&gateway, &application.code).is_empty()
        }),
        "the received and completion SMS are held during quiet hours"
    );
    let morning = portal.advance_clock(9 * 3600);
    assert!(
        morning.with_timezone(&VIETNAM).hour() == 7,
        "the clock moved past 07:00: {morning}"
    );
    let sent = eventually("both held SMS after 07:00", PATIENCE, || {
        let sent = requests_naming(&gateway, &application.code);
        (sent.len() >= 2).then_some(sent)
    });
    for body in sent {
        println!("held SMS sent after 07:00: {}", content(&body));
    }
}

#[test]
fn a_message_that_fails_every_attempt_is_listed_for_operators_without_its_text() {
    let gateway = EsmsStandIn::start(Box::new(|_, _| Answer::Busy));
    let mut portal = portal_with(&gateway, json!({"notifications": {"maxAttempts": 2}}));
    let citizen = portal.demo_accounts().citizens[0].clone();
    portal.sign_in_citizen(&citizen.id_number);
    let listed = eventually(
        "the failed code in `notifications failed`",
        PATIENCE,
        || {
            let output = portal.notifications_output(&["failed"]);
            assert!(
                output.status.success(),
                "`notifications failed` runs: {output:?}"
            );
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            (!text.trim().is_empty()).then_some(text)
        },
    );
    println!("opendvc-portal notifications failed:\n{listed}");
    let fields: Vec<&str> = listed.trim().split('\t').collect();
    let phone_end: String = citizen
        .phone
        .chars()
        .filter(char::is_ascii_digit)
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert_eq!(
        fields.len(),
        6,
        "id, kind, channel, recipient, attempts, error: {listed}"
    );
    assert_eq!(
        (fields[1], fields[2], fields[3], fields[4]),
        ("otp-sms", "sms", format!("…{phone_end}").as_str(), "2"),
        "the sign-in code, by SMS, to the masked phone, after its 2 attempts"
    );
    assert!(
        fields[5].contains("99"),
        "the gateway's last error: {}",
        fields[5]
    );
    let tried: Vec<String> = gateway.requests().iter().map(request_id).collect();
    assert!(
        tried.len() == 2 && tried.iter().all(|id| id == fields[0]),
        "the listed id is the RequestId of both attempts: {tried:?}"
    );
    let national = citizen.phone.replacen("+84", "0", 1);
    assert!(
        six_digit_code(&listed).is_none()
            && !listed.contains(&national)
            && !listed.contains(&citizen.phone),
        "neither the code nor the phone number is listed"
    );
    let retried = portal.notifications_output(&["retry", fields[0]]);
    assert!(
        retried.status.success(),
        "a failed message is put back: {retried:?}"
    );
    eventually("the message tried again after the retry", PATIENCE, || {
        (gateway.requests().len() > 2).then_some(())
    });
    let unknown = portal.notifications_output(&["retry", &uuid::Uuid::now_v7().to_string()]);
    assert!(
        !unknown.status.success(),
        "retrying an id that is no failed message is refused"
    );
}

#[test]
fn a_transition_made_with_the_officer_command_is_texted_by_the_serving_portal() {
    let gateway = EsmsStandIn::start(Box::new(|_, _| Answer::Take));
    let mut portal = portal_with(&gateway, json!({}));
    let citizen = Citizen::demo(&mut portal, 0);
    without_quiet_hours(&citizen);
    let application = citizen.submit_valid(&deliverable_procedure(&citizen.catalog()));
    for to in ["processing", "rejected"] {
        portal.officer(&[
            "transition",
            &application.code,
            "--to",
            to,
            "--note",
            "Hồ sơ không thuộc thẩm quyền",
        ]);
    }
    let sent = eventually(
        "the rejection SMS written by the command and sent by the portal",
        PATIENCE,
        || {
            // The rejection's text carries the officer's reason (folded, without diacritics);
            // the received notice of the same application does not.
            requests_naming(&gateway, &application.code)
                .into_iter()
                .find(|body| content(body).contains("khong thuoc tham quyen"))
        },
    );
    println!(
        "rejection SMS as the gateway received it: {}",
        content(&sent)
    );
    assert!(
        content(&sent).contains("/s/"),
        "the SMS links to the public status page: {}",
        content(&sent)
    );
}

/// The due date as the public status page writes it in `language` (`status-page-date`).
fn due_as_written(language: &str, due_at: chrono::DateTime<chrono::FixedOffset>) -> String {
    let local = due_at.with_timezone(&VIETNAM);
    match language {
        "en" => local.format("%-d %B %Y").to_string(),
        "vi" => local.format("ngày %d/%m/%Y").to_string(),
        _ => local.format("%d/%m/%Y").to_string(),
    }
}

/// The messages of the dev outbox that name `code`, SMS and e-mails apart.
fn naming(portal: &Portal, code: &str) -> (Vec<DevMessage>, Vec<DevMessage>) {
    portal
        .dev_messages()
        .into_iter()
        .filter(|message| message.body.contains(code))
        .partition(|message| message.channel == "sms")
}

#[test]
fn an_online_submission_is_confirmed_once_by_sms_and_e_mail_with_its_code_and_due_date() {
    let mut portal = Portal::start(PortalOptions::default());
    for (id_number, language, received) in [
        ("048302004517", "vi", "đã được tiếp nhận"),
        ("049065001276", "en", "has been received"),
    ] {
        let citizen = Citizen::sign_in(&mut portal, id_number);
        without_quiet_hours(&citizen);
        let profile = citizen.profile();
        let email = profile
            .email
            .clone()
            .expect("the demo citizen has an e-mail address");
        let application = citizen.submit_valid(&deliverable_procedure(&citizen.catalog()));
        let (sms, emails) = eventually("the received SMS and e-mail", PATIENCE, || {
            let (sms, emails) = naming(&portal, &application.code);
            (!sms.is_empty() && !emails.is_empty()).then_some((sms, emails))
        });
        assert!(
            stays_false(Duration::from_secs(2), || {
                let (sms, emails) = naming(&portal, &application.code);
                sms.len() + emails.len() > 2
            }),
            "{language}: no second message names the application"
        );
        assert_eq!(
            (sms.len(), emails.len()),
            (1, 1),
            "{language}: one received SMS and one e-mail: {sms:?} {emails:?}"
        );
        assert!(
            same_phone(&sms[0].to, &profile.phone) && emails[0].to == email,
            "{language}: to the citizen's phone and address: {sms:?} {emails:?}"
        );
        let due = due_as_written(language, application.due_at);
        let link = format!("{}/s/{}", portal.url(), application.code);
        let procedure = application.procedure_name.get(language).to_owned();
        for message in [&sms[0], &emails[0]] {
            println!(
                "received {} ({language}): {}",
                message.channel, message.body
            );
            let mut expected_parts = vec![
                ("the wording of the citizen's language", received),
                ("the application code", application.code.as_str()),
                ("the due date as the status page writes it", due.as_str()),
                ("the status page's link", link.as_str()),
            ];
            // The SMS leaves the procedure's name out, so that it fits in one or two segments.
            if message.channel == "email" {
                expected_parts.push(("the procedure", procedure.as_str()));
            }
            for (what, expected) in expected_parts {
                assert!(
                    message.body.contains(expected),
                    "{language} {}: {what} ({expected}) in {}",
                    message.channel,
                    message.body
                );
            }
        }
    }
}

#[test]
fn concurrent_demo_submissions_each_find_their_messages_listed_when_their_answer_arrives() {
    // In demo mode a request answers after the first attempt at what it caused; requests at
    // the same moment share one round of attempts, and none answers before its own messages
    // are in the dev outbox.
    let mut portal = Portal::start(PortalOptions::default());
    let citizens: Vec<Citizen> = ["048302004517", "049065001276"]
        .into_iter()
        .map(|id_number| Citizen::sign_in(&mut portal, id_number))
        .collect();
    for citizen in &citizens {
        without_quiet_hours(citizen);
    }
    let portal = &portal;
    let missing: Vec<String> = std::thread::scope(|scope| {
        let submitters: Vec<_> = citizens
            .iter()
            .flat_map(|citizen| std::iter::repeat_n(citizen, 4))
            .map(|citizen| {
                scope.spawn(move || {
                    let procedure = deliverable_procedure(&citizen.catalog());
                    let application = citizen.submit_valid(&procedure);
                    let (sms, emails) = naming(portal, &application.code);
                    (sms.len() != 1 || emails.len() != 1).then(|| {
                        format!(
                            "{}: {} SMS and {} e-mails",
                            application.code,
                            sms.len(),
                            emails.len()
                        )
                    })
                })
            })
            .collect();
        submitters
            .into_iter()
            .filter_map(|submitter| submitter.join().expect("the submitter ends"))
            .collect()
    });
    assert!(
        missing.is_empty(),
        "each answer came after its SMS and e-mail were listed: {missing:?}"
    );
}

#[test]
fn with_demo_send_in_background_the_worker_still_sends_each_submissions_messages_once() {
    // The benchmarks' portal answers before the first attempt; the worker sends what the
    // submission caused all the same, once.
    let mut portal = Portal::start(PortalOptions {
        extra_args: vec!["--demo-send-in-background".into()],
        ..PortalOptions::default()
    });
    let citizen = Citizen::sign_in(&mut portal, "048302004517");
    without_quiet_hours(&citizen);
    let application = citizen.submit_valid(&deliverable_procedure(&citizen.catalog()));
    eventually("the received SMS and e-mail", PATIENCE, || {
        let (sms, emails) = naming(&portal, &application.code);
        (!sms.is_empty() && !emails.is_empty()).then_some(())
    });
    assert!(
        stays_false(Duration::from_secs(2), || {
            let (sms, emails) = naming(&portal, &application.code);
            sms.len() + emails.len() > 2
        }),
        "one SMS and one e-mail name the application, no more"
    );
}

#[test]
fn an_assisted_submission_texts_its_code_once() {
    let mut portal = Portal::start(PortalOptions::default());
    let demo = portal.demo_accounts().citizens[0].clone();
    let (_, session) = consent_code_session(&mut portal, StaffKind::Agent);
    let assisted = Citizen::with_token(portal.api(), &demo.id_number, &session.access_token);
    let application = assisted.submit_valid(&deliverable_procedure(&assisted.catalog()));
    let sms = eventually("the received SMS", PATIENCE, || {
        let (sms, _) = naming(&portal, &application.code);
        (!sms.is_empty()).then_some(sms)
    });
    assert!(
        stays_false(Duration::from_secs(2), || {
            naming(&portal, &application.code).0.len() > 1
        }),
        "no second SMS names the application"
    );
    assert_eq!(sms.len(), 1, "one received SMS, not two: {sms:?}");
    let due = due_as_written("vi", application.due_at);
    assert!(
        same_phone(&sms[0].to, &demo.phone)
            && sms[0].body.contains(&due)
            && sms[0].body.contains(&format!("/s/{}", application.code)),
        "the citizen's phone gets the code, the due date ({due}) and the link: {sms:?}"
    );
}

#[test]
fn sent_and_failed_notifications_are_deleted_after_their_retention_and_not_before() {
    const DAY: i64 = 24 * 3600;
    let failing = Arc::new(Mutex::new(String::new()));
    let refused = failing.clone();
    // The gateway refuses every SMS to one citizen and takes the others'.
    let gateway = EsmsStandIn::start(Box::new(move |_, body| {
        let phone = body["Phone"].as_str().unwrap_or_default();
        let failing = refused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !failing.is_empty() && phone == failing.as_str() {
            Answer::Busy
        } else {
            Answer::Take
        }
    }));
    let mut portal = portal_with(&gateway, json!({"notifications": {"maxAttempts": 1}}));
    let citizens = portal.demo_accounts().citizens;
    *failing
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) =
        citizens[1].phone.replacen("+84", "0", 1);
    portal.sign_in_citizen(&citizens[0].id_number);
    portal.sign_in_citizen(&citizens[1].id_number);
    let failed_listed = |portal: &Portal| {
        let output = portal.notifications_output(&["failed"]);
        assert!(
            output.status.success(),
            "`notifications failed` runs: {output:?}"
        );
        // Only the sign-in codes: the clock's moves also bring renewal notices.
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| line.contains("otp-sms"))
            .count()
    };
    eventually(
        "the refused sign-in code listed as failed",
        PATIENCE,
        || (failed_listed(&portal) == 1).then_some(()),
    );
    // On SQLite the test also counts the rows of the sent messages (PostgreSQL keeps them in
    // a database of its own; the store tests cover it).
    let rows = |state: &str| -> Option<i64> {
        if opendvc_tests::runs_on_postgres() {
            return None;
        }
        let db = rusqlite::Connection::open(portal.db_path()).expect("the portal's database opens");
        Some(
            db.query_row(
                "SELECT count(*) FROM notifications WHERE state = ?1 AND kind = 'otp-sms'",
                [state],
                |row| row.get(0),
            )
            .expect("notifications are counted"),
        )
    };
    if rows("sent").is_some() {
        eventually("the taken sign-in code recorded as sent", PATIENCE, || {
            (rows("sent") == Some(1)).then_some(())
        });
    }
    let retention: i64 = 90;
    portal.advance_clock((retention - 1) * DAY);
    assert_eq!(
        failed_listed(&portal),
        1,
        "a failed message is kept for the whole retention"
    );
    assert!(
        rows("sent").is_none_or(|sent| sent == 1),
        "a sent message is kept for the whole retention"
    );
    portal.advance_clock(2 * DAY);
    assert_eq!(
        failed_listed(&portal),
        0,
        "a failed message nobody retried is deleted after the retention"
    );
    assert!(
        rows("sent").is_none_or(|sent| sent == 0),
        "a sent message is deleted after the retention"
    );
}
