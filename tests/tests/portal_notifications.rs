//! How the portal reaches a resident outside the app: their notification settings
//! (`GET/PUT /v1/me/notification-settings`).

use opendvc_api::{ChannelChoice, NotificationSettings, QuietHours, StaffKind};
use opendvc_tests::fixtures::{Citizen, consent_code_session};
use opendvc_tests::{Portal, PortalOptions};

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
