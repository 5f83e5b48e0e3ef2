//! Push end to end: the real portal's `/v1/events` stream, the core's watch loop, the cache,
//! the inbox and notification handling with a recording notifier.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use opendvc_api::{Application, ApplicationStatus, InboxCategory};
use opendvc_core::clock::{MaxJitter, SystemClock};
use opendvc_core::i18n::Lang;
use opendvc_core::notify::{self, RecordingNotifier};
use opendvc_core::push::WatchEvent;
use opendvc_core::queue::BackoffPolicy;
use opendvc_core::session::DataDir;
use opendvc_core::store::notify_state::{DeviceQuietHours, NotifySettings};
use opendvc_core::{OpenDvc, OpenDvcOptions};
use opendvc_tests::fixtures::{Citizen, Officer, counter_delivery, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions};

/// Long enough for a loaded CI machine; the tests wait for things to happen, never time them.
const DEADLINE: Duration = Duration::from_secs(60);

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < DEADLINE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

struct Watcher {
    runtime: tokio::runtime::Runtime,
    core: Arc<OpenDvc>,
    notifier: Arc<RecordingNotifier>,
    events: mpsc::Receiver<WatchEvent>,
    seen: Vec<WatchEvent>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _data: tempfile::TempDir,
}

impl Watcher {
    fn start(portal: &Portal, id_number: &str, phone: &str) -> Watcher {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let data = tempfile::tempdir().expect("a data folder");
        let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
        options.clock = Arc::new(SystemClock);
        options.backoff = BackoffPolicy::new(
            Duration::from_millis(50),
            Duration::from_millis(400),
            Arc::new(MaxJitter),
        );
        options.portal_override = Some(portal.url());
        let mut core = OpenDvc::open(options).expect("the core opens");
        runtime
            .block_on(core.request_otp(id_number))
            .expect("a code is sent");
        let code = portal.latest_code_sent_to(phone);
        runtime
            .block_on(core.sign_in(id_number, &code))
            .expect("the core signs in");
        let core = Arc::new(core);
        let notifier = Arc::new(RecordingNotifier::default());
        let (sender, events) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let watching = core.clone();
        let shown = notifier.clone();
        runtime.spawn(async move {
            let stop = async move {
                let _ = stopped.await;
            };
            watching
                .watch(
                    shown,
                    move |event| {
                        let _ = sender.send(event);
                    },
                    stop,
                )
                .await
        });
        Watcher {
            runtime,
            core,
            notifier,
            events,
            seen: Vec::new(),
            stop: Some(stop),
            _data: data,
        }
    }

    fn drain(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.seen.push(event);
        }
    }

    fn wait_until(&mut self, what: &str, mut done: impl FnMut(&[WatchEvent]) -> bool) {
        let start = Instant::now();
        loop {
            self.drain();
            if done(&self.seen) {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "gave up waiting for {what}; saw {:#?}",
                self.seen
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn connections(&mut self) -> usize {
        self.drain();
        self.seen
            .iter()
            .filter(|event| matches!(event, WatchEvent::Connected { .. }))
            .count()
    }

    fn inbox_items_about(&mut self, application: &Application) -> Vec<(uuid::Uuid, bool)> {
        self.drain();
        self.seen
            .iter()
            .filter_map(|event| match event {
                WatchEvent::Inbox { item, notification }
                    if item.application_id == Some(application.id) =>
                {
                    Some((item.id, notification.is_some()))
                }
                _ => None,
            })
            .collect()
    }

    fn cached_status(&self, application: &Application) -> ApplicationStatus {
        self.core
            .application(&application.code)
            .expect("the application is cached")
            .application
            .expect("a server application")
            .status
    }

    fn set_settings(&self, settings: NotifySettings) {
        self.core
            .set_notify_settings(&settings)
            .expect("settings are stored");
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        std::thread::sleep(Duration::from_millis(50));
        let _ = &self.runtime;
    }
}

fn local_minute_now() -> u16 {
    let minutes = Utc::now().timestamp().div_euclid(60) + 7 * 60;
    u16::try_from(minutes.rem_euclid(24 * 60)).expect("a minute of the day")
}

#[test]
fn a_status_change_reaches_cache_inbox_and_notifier_once_even_across_a_cut_stream() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let profile = citizen.profile();
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    let officer = Officer::sign_in(&mut portal);

    let mut watcher = Watcher::start(&portal, &person.id_number, &person.phone);
    watcher.wait_until("the stream opens", |seen| {
        seen.iter()
            .any(|event| matches!(event, WatchEvent::Connected { .. }))
    });
    let inbox_before = watcher.core.inbox(1000).expect("inbox").len();

    // One change: the event arrives, the cache shows it, one inbox item, one notification.
    officer.transition(application.id, ApplicationStatus::Processing);
    watcher.wait_until("the first notification", |seen| {
        seen.iter()
            .any(|event| matches!(event, WatchEvent::Inbox { .. }))
    });
    assert_eq!(
        watcher.cached_status(&application),
        ApplicationStatus::Processing
    );
    assert_eq!(
        watcher.core.inbox(1000).expect("inbox").len(),
        inbox_before + 1,
        "one new inbox item"
    );
    // The watch reports the push event after the pull it caused, so after the inbox item.
    watcher.wait_until("the change as a push event", |seen| {
        seen.iter().any(|event| matches!(
            event,
            WatchEvent::Event { event, .. } if event.kind == opendvc_api::PushEventKind::Application
        ))
    });
    let shown = watcher.notifier.shown();
    assert_eq!(shown.len(), 1, "exactly one notification: {shown:#?}");
    let lang = Lang::parse(&profile.language).expect("a language of the app");
    let texts = notify::localizer(lang).expect("texts");
    assert_eq!(shown[0].title, texts.text("notify-status-title"));
    assert_eq!(shown[0].category, InboxCategory::Status);
    assert_eq!(
        shown[0].target,
        format!("opendvc://applications/{}", application.id)
    );
    let item = watcher
        .core
        .inbox(1)
        .expect("inbox")
        .into_iter()
        .next()
        .expect("the newest item");
    assert!(
        shown[0].body.contains(item.title.get(lang.code())),
        "the text is in the person's language: {}",
        shown[0].body
    );

    // The stream is cut (the portal stops), two changes happen, the portal comes back: both
    // arrive, once each.
    let connected_before = watcher.connections();
    portal.stop();
    portal.officer(&[
        "transition",
        &application.code,
        "--to",
        "supplement_requested",
        "--note",
        "Thiếu bản sao",
    ]);
    portal.officer(&["transition", &application.code, "--to", "processing"]);
    portal.start_again();
    watcher.wait_until("both changes after the reconnect", |seen| {
        seen.iter()
            .filter(|event| matches!(event, WatchEvent::Inbox { .. }))
            .count()
            >= 3
    });
    wait_for("the stream to be open again", || {
        watcher.connections() > connected_before
    });
    assert_eq!(
        watcher.cached_status(&application),
        ApplicationStatus::Processing
    );
    let items = watcher.inbox_items_about(&application);
    let mut ids: Vec<_> = items.iter().map(|(id, _)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "three distinct inbox items: {items:?}");
    assert_eq!(items.len(), 3, "each arrived once: {items:?}");
    let shown = watcher.notifier.shown();
    assert_eq!(shown.len(), 3, "one notification each: {shown:#?}");
    let mut announced: Vec<_> = shown.iter().filter_map(|n| n.inbox_item_id).collect();
    announced.sort();
    assert_eq!(announced, ids, "every item announced once");

    // A switched-off category: the inbox gets the item, the notifier nothing.
    watcher.set_settings(NotifySettings {
        status: false,
        ..NotifySettings::default()
    });
    officer.transition(application.id, ApplicationStatus::SupplementRequested);
    watcher.wait_until("the item of a switched-off category", |seen| {
        seen.iter()
            .filter(|event| matches!(event, WatchEvent::Inbox { .. }))
            .count()
            >= 4
    });
    assert_eq!(watcher.notifier.shown().len(), 3, "nothing shown");

    // Quiet hours around now: the inbox gets the item, the notifier nothing.
    let minute = local_minute_now();
    watcher.set_settings(NotifySettings {
        quiet_hours: Some(DeviceQuietHours {
            start_minute: (minute + 1440 - 60) % 1440,
            end_minute: (minute + 60) % 1440,
        }),
        ..NotifySettings::default()
    });
    officer.transition(application.id, ApplicationStatus::Processing);
    watcher.wait_until("the item in quiet hours", |seen| {
        seen.iter()
            .filter(|event| matches!(event, WatchEvent::Inbox { .. }))
            .count()
            >= 5
    });
    assert_eq!(watcher.notifier.shown().len(), 3, "nothing shown");
    let held: Vec<_> = watcher
        .inbox_items_about(&application)
        .into_iter()
        .filter(|(_, shown)| !shown)
        .collect();
    assert_eq!(held.len(), 2, "both held back, both in the inbox");
    assert_eq!(
        watcher.core.inbox(1000).expect("inbox").len(),
        inbox_before + 5
    );

    // A shared device: the notification says something changed, and nothing personal.
    watcher.set_settings(NotifySettings {
        shared_device: true,
        ..NotifySettings::default()
    });
    officer.transition(application.id, ApplicationStatus::Completed);
    wait_for("the shared-device notification", || {
        watcher.notifier.shown().len() == 4
    });
    let shared = watcher.notifier.shown().pop().expect("shown");
    let text = format!("{} {}", shared.title, shared.body);
    for personal in [
        profile.full_name.as_str(),
        profile.id_number.as_str(),
        profile.phone.as_str(),
        application.code.as_str(),
        procedure.name.vi.as_str(),
        procedure.name.en.as_str(),
    ] {
        assert!(
            !text.contains(personal),
            "a shared-device notification shows {personal:?}: {text}"
        );
    }
}

/// Reads the stream until `needle` shows up, returning everything read.
fn read_until(response: &mut reqwest::blocking::Response, needle: &str) -> String {
    let mut text = String::new();
    let mut buffer = [0_u8; 1024];
    while !text.contains(needle) {
        let read = std::io::Read::read(response, &mut buffer).expect("the stream goes on");
        assert!(read > 0, "the stream ended before {needle:?}: {text}");
        text.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    text
}

#[test]
fn a_reconnect_with_last_event_id_replays_the_changes_made_meanwhile() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    let sync: opendvc_api::SyncResponse = citizen.get("/v1/sync").expect_json(200, "sync");
    let mut cursor = sync.cursor;
    let mut more = sync.has_more;
    while more {
        let next: opendvc_api::SyncResponse = citizen
            .get(&format!("/v1/sync?cursor={cursor}"))
            .expect_json(200, "sync");
        cursor = next.cursor;
        more = next.has_more;
    }
    Officer::sign_in(&mut portal).transition(application.id, ApplicationStatus::Processing);

    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a client");
    let mut response = client
        .get(format!("{}/v1/events", portal.url()))
        .bearer_auth(&citizen.access_token)
        .header("Last-Event-ID", &cursor)
        .send()
        .expect("the stream opens");
    assert_eq!(response.status(), 200);
    // The application's event and its inbox item's, in whichever order they were logged.
    let mut text = read_until(&mut response, &application.id.to_string());
    if !text.contains("event: inbox") {
        text.push_str(&read_until(&mut response, "event: inbox"));
    }
    assert!(text.contains("event: application"), "{text}");
    let ids: Vec<i64> = text
        .lines()
        .filter_map(|line| line.strip_prefix("id: "))
        .map(|id| id.trim().parse().expect("numeric ids"))
        .collect();
    assert!(ids.len() >= 2, "{text}");
    assert!(
        ids.windows(2).all(|pair| pair[0] < pair[1]),
        "ids increase: {ids:?}"
    );
    let last: i64 = cursor.parse().expect("a numeric cursor");
    assert!(
        ids.iter().all(|id| *id > last),
        "only what came after: {ids:?}"
    );
}

#[test]
fn the_event_stream_answers_an_unknown_last_event_id_with_a_reset() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let url = format!("{}/v1/events", portal.url());
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client");
    let mut response = client
        .get(&url)
        .bearer_auth(&citizen.access_token)
        .header("Last-Event-ID", "999999999")
        .send()
        .expect("the stream opens");
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/event-stream"))
    );
    let mut buffer = [0_u8; 512];
    let read = std::io::Read::read(&mut response, &mut buffer).expect("the first event");
    let text = String::from_utf8_lossy(&buffer[..read]);
    assert!(text.contains("event: reset"), "{text}");

    let unauthenticated = client.get(&url).send().expect("an answer");
    assert_eq!(unauthenticated.status(), 401);
}

#[test]
fn renewal_reminders_fire_once_per_document_start_a_prefilled_draft_and_export_a_calendar() {
    use opendvc_core::reminders::{ReminderChoice, RulesTable};

    let mut portal = Portal::start(PortalOptions::default());
    // The second demo citizen: a temporary residence 10 days and a health insurance card 25
    // days before their expiry, an ID card and a licence that do not expire soon.
    let person = portal.demo_accounts().citizens[1].clone();
    let watcher = Watcher::start(&portal, &person.id_number, &person.phone);
    watcher
        .runtime
        .block_on(watcher.core.sync_now())
        .expect("a sync");
    let core = &watcher.core;
    let documents = core.documents().expect("documents");
    let expiring: Vec<_> = documents
        .iter()
        .filter(|document| document.expires_on.is_some())
        .map(|document| document.id)
        .collect();
    assert_eq!(expiring.len(), 2, "the demo data has two printed expiries");

    // The portal wrote its own renewal notice for each of them, once.
    let renewal_items: Vec<_> = core
        .inbox(1000)
        .expect("inbox")
        .into_iter()
        .filter(|item| item.category == InboxCategory::Renewal)
        .collect();
    let mut noticed: Vec<_> = renewal_items
        .iter()
        .filter_map(|item| item.document_id)
        .collect();
    noticed.sort();
    let mut wanted = expiring.clone();
    wanted.sort();
    assert_eq!(noticed, wanted, "one portal notice per expiring document");

    let rules = RulesTable::built_in().expect("the built-in rules");
    let (today, now) = core.local_today().expect("today");
    let notifier = RecordingNotifier::default();
    let report = core
        .reminders(today, now, &rules, &notifier)
        .expect("reminders");
    assert_eq!(report.validities.len(), documents.len());
    // The portal has spoken for both stages and its notices are in the cache: the device
    // raises no reminder of its own, so the person hears of each stage once.
    assert!(
        report.due.is_empty(),
        "no reminder of the device's own beside the portal's notices: {:?}",
        report.due
    );
    assert!(notifier.shown().is_empty(), "nothing shown a second time");
    let due_soon = report
        .validities
        .iter()
        .filter(|validity| validity.standing == "renew_soon")
        .map(|validity| validity.document_id)
        .collect::<Vec<_>>();
    let mut due_soon = due_soon;
    due_soon.sort();
    assert_eq!(
        due_soon, wanted,
        "the wallet still says both are due for renewal"
    );

    let again = core
        .reminders(today, now, &rules, &notifier)
        .expect("reminders again");
    assert!(
        again.due.is_empty(),
        "each stage fires once: {:?}",
        again.due
    );
    assert!(notifier.shown().is_empty());

    core.set_reminder_choice(
        expiring[0],
        ReminderChoice {
            switched_off: true,
            snoozed_until: None,
        },
    )
    .expect("a choice");
    let chosen = core
        .reminders(today, now, &rules, &notifier)
        .expect("reminders");
    assert!(
        chosen
            .validities
            .iter()
            .any(|validity| validity.document_id == expiring[0] && validity.switched_off)
    );

    // Start renewal of the ID card: a draft for its renewal procedure, pre-filled.
    let card = documents
        .iter()
        .find(|document| document.kind == "id_card")
        .expect("an ID card");
    let draft = core.start_renewal(card.id, &rules).expect("a draft");
    assert_eq!(draft.procedure_id, "id-card-renewal");
    let profile = core.profile().expect("profile").expect("a profile");
    assert_eq!(
        draft.form.get("fullName").map(String::as_str),
        Some(profile.full_name.as_str())
    );
    assert_eq!(
        draft.form.get("idNumber").map(String::as_str),
        Some(profile.id_number.as_str())
    );
    assert!(
        !draft.form.contains_key("reason"),
        "a field without prefill stays empty"
    );

    // The calendar: one all-day event per future expiry, in the person's language, parsed by
    // a real iCalendar parser (and by Python's `icalendar` where xtask's venv has it).
    let text = core
        .reminders_calendar(today, now, &rules)
        .expect("a calendar");
    let parsed: icalendar::Calendar = text.parse().expect("the export parses as iCalendar");
    let events = parsed
        .components
        .iter()
        .filter(|component| matches!(component, icalendar::CalendarComponent::Event(_)))
        .count();
    let future = report
        .validities
        .iter()
        .filter(|validity| validity.expires_on.is_some_and(|day| day >= today))
        .count();
    assert_eq!(events, future);
    assert!(
        text.contains("Đăng ký tạm trú") || text.contains("tạm trú"),
        "{text}"
    );
    // A Python with `icalendar`: $OPENDVC_TEST_PYTHON, else xtask's venv.
    let python = std::env::var_os("OPENDVC_TEST_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| opendvc_tests::bin_dir().join("../xtask-venv/bin/python"))
        .canonicalize();
    if let Ok(python) = python {
        let file = portal.dir().join("reminders.ics");
        std::fs::write(&file, &text).expect("the file is written");
        let output = std::process::Command::new(python)
            .args([
                "-c",
                "import sys, icalendar; c = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read()); print(len(c.walk('VEVENT')))",
            ])
            .arg(&file)
            .output()
            .expect("python runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !stderr.contains("No module named 'icalendar'") {
            assert!(output.status.success(), "python icalendar: {stderr}");
            assert_eq!(
                String::from_utf8_lossy(&output.stdout).trim(),
                future.to_string()
            );
        }
    }
}

/// The portal writes its renewal notices with the reminder engine the app reminds with: for
/// each demo citizen, the documents the portal noticed are those the app reminds of today, with
/// the same expiry. With the demo data (documents issued a number of days before now) that
/// includes a passport at its 180-day stage, which a fixed list of stages missed, and while the
/// first citizen nears 25 (until January 2027) an ID card, whose expiry only the holder's birth
/// date tells.
#[test]
fn the_portal_notices_renewals_at_the_apps_stages_id_cards_included() {
    use std::collections::BTreeMap;

    use opendvc_core::reminders::RulesTable;

    let mut portal = Portal::start(PortalOptions::default());
    let rules = RulesTable::built_in().expect("the built-in rules");
    let mut compared = 0;
    for person in portal.demo_accounts().citizens.clone() {
        let watcher = Watcher::start(&portal, &person.id_number, &person.phone);
        let core = &watcher.core;
        let (today, _) = core.local_today().expect("today");
        // What the app's copy of the engine says is due today (the device leaves the stages
        // to the portal's notices while it syncs, so its own reminders are not the measure).
        let birth_date = core
            .profile()
            .expect("profile")
            .map(|profile| profile.birth_date);
        let app_due: BTreeMap<uuid::Uuid, String> = opendvc_core::reminders::due_reminders(
            today,
            &core.documents().expect("documents"),
            birth_date,
            &rules,
            &Default::default(),
            &Default::default(),
        )
        .into_iter()
        .map(|due| {
            (
                due.document_id,
                due.expires_on.format("%d/%m/%Y").to_string(),
            )
        })
        .collect();
        // The portal writes its notices as it starts; a sync brings them once written. Past
        // the deadline the comparison below says what is missing.
        let start = Instant::now();
        let noticed: BTreeMap<uuid::Uuid, String> = loop {
            watcher.runtime.block_on(core.sync_now()).expect("a sync");
            let noticed: BTreeMap<uuid::Uuid, String> = core
                .inbox(1000)
                .expect("inbox")
                .into_iter()
                .filter(|item| item.category == InboxCategory::Renewal)
                .filter_map(|item| Some((item.document_id?, item.body.vi)))
                .collect();
            if noticed.len() >= app_due.len() || start.elapsed() > DEADLINE {
                break noticed;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(
            noticed.keys().collect::<Vec<_>>(),
            app_due.keys().collect::<Vec<_>>(),
            "{}: the portal notices exactly the documents the app reminds of",
            person.id_number
        );
        for (document, expires_on) in &app_due {
            assert!(
                noticed[document].contains(expires_on.as_str()),
                "{}: the portal's notice names the expiry the app computed, {expires_on}: {}",
                person.id_number,
                noticed[document]
            );
        }
        compared += app_due.len();
    }
    assert!(
        compared > 0,
        "the demo data has documents to remind of, so the comparison means something"
    );
}

/// Seconds a citizen access token lives in the stream expiry test (`serve --access-ttl`):
/// far longer than the test waits for the stream to end, so only a stream that ends when the
/// token expires on the portal's clock passes.
const ACCESS_TTL: u32 = 3600;

#[test]
fn an_event_stream_ends_when_its_access_token_expires() {
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let client = reqwest::blocking::Client::builder()
        .timeout(DEADLINE)
        .build()
        .expect("a client");
    let mut response = client
        .get(format!("{}/v1/events", portal.url()))
        .bearer_auth(&citizen.access_token)
        .send()
        .expect("the stream opens");
    assert_eq!(response.status(), 200);
    // The token's lifetime passes on the portal's clock, not by waiting.
    portal.advance_clock(i64::from(ACCESS_TTL) + 1);
    let (ended, end) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        // The receiver is gone only when the test already failed.
        let _ = ended.send(std::io::Read::read_to_end(&mut response, &mut rest));
    });
    end.recv_timeout(DEADLINE)
        .expect("the portal ends the stream once the token expired on its clock")
        .expect("the stream ends cleanly");
    let again = client
        .get(format!("{}/v1/events", portal.url()))
        .bearer_auth(&citizen.access_token)
        .send()
        .expect("an answer");
    assert_eq!(again.status(), 401, "the expired token opens no new stream");
}
