//! One reminder engine across device and portal (issue 14): the portal writes a renewal notice
//! once per stage per document, by the citizen's choice for the document (switched off,
//! snoozed), which every device sets with `PUT /v1/me/documents/{id}/reminders` and reads back
//! by sync; the app shows the portal's notice and reminds of a stage itself only while it could
//! not have heard from the portal. Time moves with the demo portal's clock (and the devices'
//! clocks follow it), never by waiting.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Timelike, Utc};
use opendvc_api::{
    Document, DocumentReminders, InboxCategory, NotificationSettings, QuietHours, SyncResponse,
};
use opendvc_core::clock::{Clock, ManualClock};
use opendvc_core::notify::{Notification, RecordingNotifier};
use opendvc_core::session::DataDir;
use opendvc_core::store::notify_state::{DeviceQuietHours, NotifySettings};
use opendvc_core::{OpenDvc, OpenDvcOptions};
use opendvc_rules::renewal::{Expiry, ReminderChoice, RulesTable, notice_id, stage_day};
use opendvc_rules::vietnam_today;
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions, same_phone};
use uuid::Uuid;

const DAY: i64 = 24 * 3600;

/// Every change of the citizen from the start, page by page.
fn everything(citizen: &Citizen) -> SyncResponse {
    let mut all = SyncResponse::default();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/sync?cursor={cursor}"),
            None => "/v1/sync".to_owned(),
        };
        let page: SyncResponse = citizen.get(&path).expect_json(200, "a citizen syncs");
        all.inbox.extend(page.inbox);
        all.documents.extend(page.documents);
        all.cursor = page.cursor.clone();
        if !page.has_more {
            return all;
        }
        cursor = Some(page.cursor);
    }
}

/// The ids of the portal's renewal notices of `document`.
fn notices(citizen: &Citizen, document: Uuid) -> BTreeSet<Uuid> {
    everything(citizen)
        .inbox
        .into_iter()
        .filter(|item| {
            item.category == InboxCategory::Renewal && item.document_id == Some(document)
        })
        .map(|item| item.id)
        .collect()
}

/// The first demo citizen's ID card, the day its holder's age makes it expire, and its
/// reminder stages still ahead on the portal's `today` (days before expiry, soonest first).
struct MilestoneCard {
    card: Document,
    expires_on: NaiveDate,
    reached: Vec<u32>,
    ahead: Vec<u32>,
    today: NaiveDate,
}

fn milestone_card(portal: &mut Portal) -> MilestoneCard {
    let rules = RulesTable::built_in().expect("the built-in rules");
    let citizen = Citizen::demo(portal, 0);
    let birth_date = citizen.profile().birth_date;
    let card = citizen
        .documents()
        .items
        .into_iter()
        .find(|document| document.kind == "id_card")
        .expect("the first demo citizen holds an ID card");
    assert_eq!(card.expires_on, None, "an ID card prints no expiry");
    let Expiry::On(expires_on) = rules.expiry(&card, Some(birth_date)) else {
        panic!("the rules give the ID card an expiry from the birth date {birth_date}");
    };
    assert_eq!(
        (expires_on.month(), expires_on.day()),
        (birth_date.month(), birth_date.day()),
        "the card expires on a birthday, an age milestone ({expires_on}, born {birth_date})"
    );
    let today = vietnam_today(portal.advance_clock(0));
    let stages = rules
        .rule("id_card")
        .expect("a rule for ID cards")
        .stages
        .clone();
    let (ahead, reached): (Vec<u32>, Vec<u32>) = stages
        .into_iter()
        .partition(|&stage| stage_day(expires_on, stage).is_some_and(|day| day > today));
    MilestoneCard {
        card,
        expires_on,
        reached,
        ahead,
        today,
    }
}

/// Polls `count` in short steps until it reaches `expected` or a deadline passes (the outbox's
/// worker sends held messages within a second or so); the last count.
fn wait_for_count(count: impl Fn() -> usize, expected: usize) -> usize {
    let start = std::time::Instant::now();
    loop {
        let now = count();
        if now >= expected || start.elapsed() > std::time::Duration::from_secs(30) {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Moves the portal's clock forward to `day` (same time of day), which writes the notices due.
fn move_to(portal: &Portal, today: &mut NaiveDate, day: NaiveDate) {
    let days = (day - *today).num_days();
    assert!(days >= 0, "the clock only moves forward ({today} to {day})");
    let now = portal.advance_clock(days * DAY);
    *today = vietnam_today(now);
    assert_eq!(*today, day, "the portal's clock is on {day}");
}

/// The demo's first citizen nears an age milestone of her ID card (25 while this is written:
/// born 8 January 2002, card issued at 19): the portal notices it at each stage once, the day
/// the stage is reached and not before, and neither moving the clock again nor a restart of
/// the portal writes any stage twice.
#[test]
fn an_id_card_nearing_an_age_milestone_is_noticed_once_per_stage_across_clock_moves_and_a_restart()
{
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        reached,
        ahead,
        mut today,
    } = milestone_card(&mut portal);
    assert!(
        !ahead.is_empty(),
        "the demo ID card has a stage ahead on {today} (expires {expires_on})"
    );
    // Stages reached before the test began: one catch-up notice, for the latest of them.
    let mut expected: BTreeSet<Uuid> = reached
        .iter()
        .min()
        .map(|&stage| notice_id(card.id, expires_on, stage))
        .into_iter()
        .collect();
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "on {today}: one notice for the stages already reached {reached:?}"
    );
    for &stage in &ahead {
        let day = stage_day(expires_on, stage).expect("a stage day");
        if let Some(eve) = day.pred_opt().filter(|eve| *eve > today) {
            move_to(&portal, &mut today, eve);
            assert_eq!(
                notices(&Citizen::demo(&mut portal, 0), card.id),
                expected,
                "on {eve}, the eve of the {stage}-day stage: no notice yet"
            );
        }
        move_to(&portal, &mut today, day);
        expected.insert(notice_id(card.id, expires_on, stage));
        assert_eq!(
            notices(&Citizen::demo(&mut portal, 0), card.id),
            expected,
            "on {day}: the {stage}-day stage is noticed, once"
        );
    }
    move_to(&portal, &mut today, expires_on.succ_opt().expect("a day"));
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "past the expiry nothing more is noticed"
    );

    // A restart sets the demo clock back to the system's and runs the daily notices again.
    portal.start_again();
    let mut today = vietnam_today(portal.advance_clock(0));
    move_to(&portal, &mut today, expires_on.succ_opt().expect("a day"));
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "after a restart and the same days again, no stage is noticed twice"
    );
}

/// The citizen's choice for a document reaches the portal's notices: a snoozed ID card is
/// noticed when the snooze ends (one notice for the stages it held back), a switched-off one
/// never. The choice comes back on the document, by `GET /v1/documents` and by sync from a
/// cursor taken before it was made; another citizen cannot make it.
#[test]
fn a_snoozed_document_is_noticed_when_the_snooze_ends_and_a_switched_off_one_never() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    assert!(
        ahead.len() >= 2,
        "the demo ID card has two stages ahead on {today} (expires {expires_on}): {ahead:?}"
    );
    let citizen = Citizen::demo(&mut portal, 0);
    let before = notices(&citizen, card.id);
    let cursor = everything(&citizen).cursor;
    let path = format!("/v1/me/documents/{}/reminders", card.id);

    let other = Citizen::demo(&mut portal, 1);
    other
        .call("PUT", &path)
        .json(&DocumentReminders {
            switched_off: true,
            snoozed_until: None,
        })
        .send()
        .expect_status(404, "another citizen's document is not found");

    let first = stage_day(expires_on, ahead[0]).expect("a stage day");
    let second = stage_day(expires_on, ahead[1]).expect("a stage day");
    let snooze = DocumentReminders {
        switched_off: false,
        snoozed_until: Some(second),
    };
    let answered: Document = citizen
        .call("PUT", &path)
        .json(&snooze)
        .send()
        .expect_json(200, "the citizen snoozes their card's reminders");
    assert_eq!(
        answered.reminders, snooze,
        "the answer is the document with its choice"
    );
    let listed = citizen
        .documents()
        .items
        .into_iter()
        .find(|document| document.id == card.id)
        .expect("the card is listed");
    assert_eq!(
        listed.reminders, snooze,
        "GET /v1/documents carries the choice"
    );
    let synced: SyncResponse = citizen
        .get(&format!("/v1/sync?cursor={cursor}"))
        .expect_json(200, "a sync from before the choice");
    assert!(
        synced
            .documents
            .iter()
            .any(|document| document.id == card.id && document.reminders == snooze),
        "sync brings the document with the choice to the other devices: {:?}",
        synced.documents
    );

    move_to(&portal, &mut today, first);
    let citizen = Citizen::demo(&mut portal, 0);
    assert_eq!(
        notices(&citizen, card.id),
        before,
        "on {first} the {}-day stage is held back by the snooze",
        ahead[0]
    );
    move_to(&portal, &mut today, second);
    let citizen = Citizen::demo(&mut portal, 0);
    let mut expected = before.clone();
    expected.insert(notice_id(card.id, expires_on, ahead[1]));
    assert_eq!(
        notices(&citizen, card.id),
        expected,
        "on {second} the snooze is over: one notice, for the latest stage"
    );

    citizen
        .call("PUT", &path)
        .json(&DocumentReminders {
            switched_off: true,
            snoozed_until: None,
        })
        .send()
        .expect_status(200, "the citizen switches their card's reminders off");
    move_to(&portal, &mut today, expires_on.succ_opt().expect("a day"));
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "a switched-off card is not noticed again, up to and past its expiry"
    );
}

/// The app on one device: the core on its own data folder, signed in as the first demo citizen,
/// its clock set by the test (to the portal's), notifications recorded.
struct Device {
    runtime: tokio::runtime::Runtime,
    core: OpenDvc,
    clock: Arc<ManualClock>,
    notifier: RecordingNotifier,
    _data: tempfile::TempDir,
}

impl Device {
    fn sign_in(portal: &mut Portal) -> Device {
        let person = portal.demo_accounts().citizens[0].clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let data = tempfile::tempdir().expect("a data folder");
        let clock = Arc::new(ManualClock::new(
            portal.advance_clock(0).with_timezone(&Utc),
        ));
        let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
        options.clock = clock.clone();
        options.portal_override = Some(portal.url());
        let mut core = OpenDvc::open(options).expect("the core opens");
        let codes_before = portal.codes_sent_to(&person.phone);
        runtime
            .block_on(core.request_otp(&person.id_number))
            .expect("a code is sent");
        // The new code, not one sent before it (the outbox may deliver it a moment later).
        wait_for_count(|| portal.codes_sent_to(&person.phone), codes_before + 1);
        let code = portal.latest_code_sent_to(&person.phone);
        runtime
            .block_on(core.sign_in(&person.id_number, &code))
            .expect("the core signs in");
        let device = Device {
            runtime,
            core,
            clock,
            notifier: RecordingNotifier::default(),
            _data: data,
        };
        // The first sync brings the inbox as history, not news.
        device.sync();
        device
    }

    /// A sync as the app runs it, whose new inbox items go to notification handling.
    fn sync(&self) {
        self.runtime
            .block_on(self.core.sync_and_notify(&self.notifier))
            .expect("the device syncs");
    }

    /// Sets the device's clock to the portal's.
    fn follow(&self, portal: &Portal) {
        self.clock.set(portal.advance_clock(0).with_timezone(&Utc));
    }

    /// The app's own reminder check, as the shell runs it; the documents it reminded of.
    fn remind(&self) -> Vec<Uuid> {
        let rules = RulesTable::built_in().expect("the built-in rules");
        let (today, now) = self.core.local_today().expect("today");
        self.core
            .reminders(today, now, &rules, &self.notifier)
            .expect("the reminder check")
            .due
            .into_iter()
            .map(|due| due.document_id)
            .collect()
    }

    /// Quiet hours from an hour before the device's clock to an hour after it, local time.
    fn quiet_for_the_next_hour(&self) {
        let settings = self.core.notify_settings().expect("the settings");
        let local =
            self.clock.now() + chrono::TimeDelta::minutes(i64::from(settings.utc_offset_minutes));
        let minute = |at: chrono::DateTime<Utc>| {
            u16::try_from(at.hour() * 60 + at.minute()).expect("a minute of the day")
        };
        self.core
            .set_notify_settings(&NotifySettings {
                quiet_hours: Some(DeviceQuietHours {
                    start_minute: minute(local - chrono::TimeDelta::hours(1)),
                    end_minute: minute(local + chrono::TimeDelta::hours(1)),
                }),
                ..settings
            })
            .expect("quiet hours set");
    }

    /// The desktop notifications shown about `document`.
    fn notified_about(&self, document: Uuid) -> Vec<Notification> {
        let target = format!("opendvc://documents/{document}");
        self.notifier
            .shown()
            .into_iter()
            .filter(|shown| shown.category == InboxCategory::Renewal && shown.target == target)
            .collect()
    }
}

/// A stage the portal noticed reaches the person once, from the synced notice: the device
/// shows it on arrival and then raises no reminder of its own for the stage.
#[test]
fn a_synced_renewal_notice_is_notified_once_and_the_device_raises_no_reminder_of_its_own() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    let stage = *ahead.first().expect("a stage ahead");
    let device = Device::sign_in(&mut portal);
    assert!(
        device.notified_about(card.id).is_empty(),
        "nothing is notified from the history the first sync brings"
    );
    move_to(
        &portal,
        &mut today,
        stage_day(expires_on, stage).expect("a day"),
    );
    device.follow(&portal);
    device.sync();
    let shown = device.notified_about(card.id);
    assert_eq!(
        shown.len(),
        1,
        "the portal's notice for the {stage}-day stage is notified once: {shown:#?}"
    );
    assert_eq!(
        shown[0].inbox_item_id,
        Some(notice_id(card.id, expires_on, stage)),
        "from the portal's inbox item"
    );
    assert!(
        !device.remind().contains(&card.id),
        "the device raises no reminder of its own for a stage the portal spoke for"
    );
    device.sync();
    assert!(!device.remind().contains(&card.id), "nor later");
    assert_eq!(
        device.notified_about(card.id).len(),
        1,
        "one notification for the stage in all"
    );
}

/// A device that has not synced since a stage's day reminds its resident itself, from its
/// own copy of the rules; when it syncs again, the portal's notice for the same stage shows in
/// the inbox without a second notification.
#[test]
fn an_offline_device_reminds_itself_and_the_portals_notice_for_that_stage_is_not_notified_again() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    let stage = *ahead.first().expect("a stage ahead");
    let device = Device::sign_in(&mut portal);
    // The device stays offline (does not sync) while the stage's day comes.
    move_to(
        &portal,
        &mut today,
        stage_day(expires_on, stage).expect("a day"),
    );
    device.follow(&portal);
    assert_eq!(
        device.remind(),
        vec![card.id],
        "the device reminds of the card itself: it has not synced since the stage's day"
    );
    assert_eq!(device.notified_about(card.id).len(), 1, "one notification");
    assert!(device.remind().is_empty(), "the stage does not fire twice");

    device.sync();
    let notice = notice_id(card.id, expires_on, stage);
    assert!(
        device
            .core
            .inbox(1000)
            .expect("the inbox")
            .iter()
            .any(|item| item.id == notice),
        "the portal's notice for the stage is in the inbox"
    );
    assert_eq!(
        device.notified_about(card.id).len(),
        1,
        "the portal's notice for a stage the device already reminded of is not notified again"
    );
}

/// A snooze made on the device reaches the portal, even when made while the portal was
/// unreachable, and the portal then writes no notice while it lasts.
#[test]
fn a_snooze_made_on_the_device_offline_reaches_the_portal_which_then_writes_no_notice() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        ..
    } = milestone_card(&mut portal);
    assert!(ahead.len() >= 2, "two stages ahead: {ahead:?}");
    let first = stage_day(expires_on, ahead[0]).expect("a day");
    let second = stage_day(expires_on, ahead[1]).expect("a day");
    let device = Device::sign_in(&mut portal);
    let before = notices(&Citizen::demo(&mut portal, 0), card.id);

    portal.stop();
    let snooze = ReminderChoice {
        switched_off: false,
        snoozed_until: Some(second),
    };
    device
        .core
        .set_reminder_choice(card.id, snooze)
        .expect("the choice is kept on the device");
    assert!(
        device.runtime.block_on(device.core.sync_now()).is_err(),
        "the portal is down: the sync fails"
    );
    portal.start_again();
    device
        .runtime
        .block_on(device.core.sync_now())
        .expect("the device syncs once the portal is back");
    let citizen = Citizen::demo(&mut portal, 0);
    let on_the_portal = citizen
        .documents()
        .items
        .into_iter()
        .find(|document| document.id == card.id)
        .expect("the card");
    assert_eq!(
        on_the_portal.reminders,
        DocumentReminders::from(snooze),
        "the snooze made offline reached the portal"
    );

    // The demo clock started again from the system's after the restart.
    let mut today = vietnam_today(portal.advance_clock(0));
    move_to(&portal, &mut today, first);
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        before,
        "on {first} the portal writes no notice: the card is snoozed until {second}"
    );
}

/// Reminders switched off on one device are off on the person's other device after its sync.
#[test]
fn reminders_switched_off_on_one_device_are_off_on_another_after_sync() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    let phone = Device::sign_in(&mut portal);
    let laptop = Device::sign_in(&mut portal);
    let off = ReminderChoice {
        switched_off: true,
        snoozed_until: None,
    };
    phone
        .core
        .set_reminder_choice(card.id, off)
        .expect("switched off on the phone");
    phone.sync();
    laptop.sync();
    assert_eq!(
        laptop
            .core
            .reminder_choices()
            .expect("the laptop's choices")
            .get(&card.id),
        Some(&off),
        "the laptop follows the choice made on the phone"
    );
    // Neither device nor the portal reminds of the card any more, offline or not.
    let stage = *ahead.first().expect("a stage ahead");
    move_to(
        &portal,
        &mut today,
        stage_day(expires_on, stage).expect("a day"),
    );
    laptop.follow(&portal);
    assert!(
        !laptop.remind().contains(&card.id),
        "the laptop raises no reminder for a switched-off card"
    );
    laptop.sync();
    assert!(
        laptop.notified_about(card.id).is_empty(),
        "and shows no notice for it"
    );
}

/// The renewal notices also go out by SMS and e-mail, as the citizen chose for renewals, once
/// per stage per channel: moving the clock through the stages, again past them, and a restart
/// send nothing twice; with SMS switched off for renewals no SMS goes, the e-mail still does.
#[test]
fn a_renewal_notice_goes_out_by_sms_and_e_mail_once_per_stage() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    assert!(ahead.len() >= 2, "two stages ahead: {ahead:?}");
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::demo(&mut portal, 0);
    let email = citizen
        .profile()
        .email
        .expect("the first demo citizen has an e-mail address");
    // Every channel, no quiet hours: the demo clock keeps the time of day of the machine.
    let mut settings = NotificationSettings {
        quiet_hours: QuietHours {
            enabled: false,
            ..QuietHours::default()
        },
        ..NotificationSettings::default()
    };
    citizen
        .call("PUT", "/v1/me/notification-settings")
        .json(&settings)
        .send()
        .expect_status(200, "the citizen chooses every channel without quiet hours");
    let date = expires_on.format("%d/%m/%Y").to_string();
    let sent = |portal: &Portal, channel: &str, to: &str| -> usize {
        portal
            .dev_messages()
            .into_iter()
            .filter(|message| {
                message.channel == channel
                    && (message.to == to || same_phone(&message.to, to))
                    && message.body.contains(&date)
            })
            .count()
    };
    // A demo portal's run at start-up texts nobody (every demo start reaches stages); the
    // e-mails of its notices went out.
    assert_eq!(
        sent(&portal, "sms", &person.phone),
        0,
        "no renewal SMS from the demo portal's start-up run"
    );
    let before_email = sent(&portal, "email", &email);

    let first = stage_day(expires_on, ahead[0]).expect("a day");
    move_to(&portal, &mut today, first);
    let expected_sms = 1;
    let waited = wait_for_count(|| sent(&portal, "sms", &person.phone), expected_sms);
    assert_eq!(
        waited, expected_sms,
        "on {first}: one SMS for the {}-day stage",
        ahead[0]
    );
    assert_eq!(
        sent(&portal, "email", &email),
        before_email + 1,
        "and one e-mail"
    );
    let texts: Vec<String> = portal
        .dev_messages()
        .into_iter()
        .filter(|message| message.channel == "sms" && message.body.contains(&date))
        .map(|message| message.body)
        .collect();
    println!("renewal SMS as received: {texts:#?}");

    // The same day again, and a restart (which runs the daily notices at once): nothing twice.
    move_to(&portal, &mut today, first);
    portal.start_again();
    let mut today = vietnam_today(portal.advance_clock(0));
    move_to(&portal, &mut today, first);
    assert_eq!(
        sent(&portal, "sms", &person.phone),
        expected_sms,
        "after a restart and the same day again, still one SMS for the stage"
    );

    // No SMS for renewals any more: the next stage comes by e-mail (and the app) only.
    let citizen = Citizen::demo(&mut portal, 0);
    settings.renewal.sms = false;
    citizen
        .call("PUT", "/v1/me/notification-settings")
        .json(&settings)
        .send()
        .expect_status(200, "the citizen switches SMS off for renewals");
    let second = stage_day(expires_on, ahead[1]).expect("a day");
    move_to(&portal, &mut today, second);
    assert_eq!(
        sent(&portal, "sms", &person.phone),
        expected_sms,
        "on {second}: no SMS, renewals by SMS are switched off"
    );
    assert_eq!(
        sent(&portal, "email", &email),
        before_email + 2,
        "on {second}: one e-mail for the {}-day stage",
        ahead[1]
    );
}

/// A reminder the device raises during the person's quiet hours is delayed, not marked as fired
/// and lost: it shows once the quiet hours are over, and once only.
#[test]
fn a_device_reminder_due_in_quiet_hours_shows_when_they_end_and_only_then() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    let stage = *ahead.first().expect("a stage ahead");
    let device = Device::sign_in(&mut portal);
    move_to(
        &portal,
        &mut today,
        stage_day(expires_on, stage).expect("a day"),
    );
    device.follow(&portal);
    device.quiet_for_the_next_hour();
    device.remind();
    assert!(
        device.notified_about(card.id).is_empty(),
        "nothing is shown during the quiet hours"
    );
    device.clock.advance(chrono::TimeDelta::hours(2));
    device.remind();
    assert_eq!(
        device.notified_about(card.id).len(),
        1,
        "the reminder held by the quiet hours shows when they are over"
    );
    device.remind();
    assert_eq!(device.notified_about(card.id).len(), 1, "and only once");
}

/// The portal's notice for a stage that arrives during the quiet hours is held too: it is
/// shown once they are over (the app's periodic check after a sync), and once only.
#[test]
fn a_synced_renewal_notice_arriving_in_quiet_hours_is_shown_when_they_end() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    let stage = *ahead.first().expect("a stage ahead");
    let device = Device::sign_in(&mut portal);
    move_to(
        &portal,
        &mut today,
        stage_day(expires_on, stage).expect("a day"),
    );
    device.follow(&portal);
    device.quiet_for_the_next_hour();
    device.sync();
    device.remind();
    assert!(
        device.notified_about(card.id).is_empty(),
        "nothing is shown during the quiet hours"
    );
    device.clock.advance(chrono::TimeDelta::hours(2));
    device.remind();
    let shown = device.notified_about(card.id);
    assert_eq!(
        shown.len(),
        1,
        "the portal's notice held by the quiet hours shows when they are over: {shown:#?}"
    );
    assert_eq!(
        shown[0].inbox_item_id,
        Some(notice_id(card.id, expires_on, stage)),
        "from the portal's inbox item"
    );
    device.sync();
    device.remind();
    assert_eq!(device.notified_about(card.id).len(), 1, "and only once");
}
