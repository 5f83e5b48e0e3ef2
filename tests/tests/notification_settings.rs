//! The resident's notification settings (issue 14) through the core and the CLI against the
//! real portal: what the app and `opendvc notifications` save is what the portal's
//! `GET /v1/me/notification-settings` answers, and offline nothing changes and the error says
//! so.
//!
//! Build the binaries first: `cargo build -p opendvc-portal -p opendvc-cli`.

use opendvc_api::{ChannelChoice, NotificationSettings, OtpRequest, QuietHours};
use opendvc_core::session::DataDir;
use opendvc_core::vault::VaultChoice;
use opendvc_core::{CoreCode, OpenDvc, OpenDvcOptions};
use opendvc_tests::cli::Cli;
use opendvc_tests::fault_proxy::{FaultPlan, FaultProxy};
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions};

const SETTINGS_PATH: &str = "/v1/me/notification-settings";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// A core on a fresh data folder talking to `portal_url`, with the first demo citizen (who
/// has an e-mail address) signed in by the code the portal texted.
fn signed_in_core(
    runtime: &tokio::runtime::Runtime,
    portal: &mut Portal,
    portal_url: &str,
    data: &tempfile::TempDir,
) -> OpenDvc {
    let citizen = portal.demo_accounts().citizens[0].clone();
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.portal_override = Some(portal_url.to_owned());
    options.token_vault = VaultChoice::File;
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.request_otp(&citizen.id_number))
        .expect("the portal texts a code");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    runtime
        .block_on(core.sign_in(&citizen.id_number, &otp))
        .expect("the citizen signs in");
    core
}

/// What the portal holds for the first demo citizen, asked with a token of their own.
fn settings_at_portal(portal: &mut Portal) -> NotificationSettings {
    let citizen = Citizen::demo(portal, 0);
    citizen
        .api
        .get(SETTINGS_PATH)
        .bearer(&citizen.access_token)
        .send()
        .expect_json(200, "the citizen reads their notification settings")
}

#[test]
fn what_the_core_saves_is_what_the_portal_holds_and_reads_back() {
    let mut portal = Portal::start(PortalOptions::default());
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let url = portal.url();
    let core = signed_in_core(&runtime, &mut portal, &url, &data);

    let first = runtime
        .block_on(core.notification_settings())
        .expect("the settings are read from the portal");
    assert_eq!(
        first.settings,
        NotificationSettings::default(),
        "a resident who never chose gets every channel and quiet hours 21:00-07:00"
    );
    assert!(
        first.email_available,
        "the first demo citizen's profile has an e-mail address"
    );

    let chosen = NotificationSettings {
        status: ChannelChoice {
            sms: false,
            ..ChannelChoice::ALL
        },
        renewal: ChannelChoice {
            email: false,
            ..ChannelChoice::ALL
        },
        quiet_hours: QuietHours {
            enabled: true,
            start: "22:30".to_owned(),
            end: "06:15".to_owned(),
        },
        ..NotificationSettings::default()
    };
    let saved = runtime
        .block_on(core.save_notification_settings(&chosen))
        .expect("the settings are saved at the portal");
    assert_eq!(saved.settings, chosen, "the portal answers what it stored");
    assert_eq!(
        settings_at_portal(&mut portal),
        chosen,
        "the portal's own GET shows status SMS and renewal e-mail off, quiet hours 22:30-06:15"
    );
    let again = runtime
        .block_on(core.notification_settings())
        .expect("the settings are read again");
    assert_eq!(again.settings, chosen, "the core reads back what it saved");
}

#[test]
fn switching_the_app_channel_off_also_stops_this_devices_desktop_notifications() {
    let mut portal = Portal::start(PortalOptions::default());
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let url = portal.url();
    let core = signed_in_core(&runtime, &mut portal, &url, &data);
    let before = core.settings().expect("the device's settings").notify;
    assert!(
        before.status && before.delivery && before.renewal,
        "a new profile shows every category on the desktop"
    );

    let chosen = NotificationSettings {
        delivery: ChannelChoice {
            app: false,
            ..ChannelChoice::ALL
        },
        ..NotificationSettings::default()
    };
    runtime
        .block_on(core.save_notification_settings(&chosen))
        .expect("the settings are saved at the portal");
    let after = core.settings().expect("the device's settings").notify;
    assert!(
        !after.delivery,
        "delivery notices no longer show on this device's desktop"
    );
    assert!(
        after.status && after.renewal && after.notice,
        "the other categories stay as they were: {after:?}"
    );
}

#[test]
fn offline_the_settings_cannot_be_changed_and_the_portal_keeps_the_old_ones() {
    let mut portal = Portal::start(PortalOptions::default());
    let proxy =
        FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("the proxy starts");
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let core = signed_in_core(&runtime, &mut portal, &proxy.url(), &data);

    proxy.set_unreachable(true);
    let read = runtime
        .block_on(core.notification_settings())
        .expect_err("offline the settings cannot be read");
    assert_eq!(
        read.code(),
        CoreCode::Network,
        "reading offline fails as the network's fault: {read:?}"
    );
    let changed = NotificationSettings {
        status: ChannelChoice {
            sms: false,
            ..ChannelChoice::ALL
        },
        ..NotificationSettings::default()
    };
    let error = runtime
        .block_on(core.save_notification_settings(&changed))
        .expect_err("offline the settings cannot be saved");
    assert_eq!(
        error.code(),
        CoreCode::Network,
        "saving offline fails as the network's fault, so the screen says it cannot be changed offline: {error:?}"
    );
    assert!(
        !core.session_state().online,
        "the failed save marks the portal unreachable"
    );

    proxy.set_unreachable(false);
    assert_eq!(
        settings_at_portal(&mut portal),
        NotificationSettings::default(),
        "nothing was queued to change the settings later behind the resident's back"
    );
}

#[test]
fn times_that_are_not_hh_mm_are_refused_before_anything_reaches_the_portal() {
    let mut portal = Portal::start(PortalOptions::default());
    let runtime = runtime();
    let data = tempfile::tempdir().expect("a data folder");
    let url = portal.url();
    let core = signed_in_core(&runtime, &mut portal, &url, &data);

    let wrong = NotificationSettings {
        quiet_hours: QuietHours {
            enabled: true,
            start: "9:00".to_owned(),
            end: "24:00".to_owned(),
        },
        ..NotificationSettings::default()
    };
    let error = runtime
        .block_on(core.save_notification_settings(&wrong))
        .expect_err("times that are not HH:MM are refused");
    assert_eq!(error.code(), CoreCode::InvalidSettings, "{error:?}");
    assert_eq!(
        error.fields(),
        vec!["quietHours.start", "quietHours.end"],
        "both wrong times are named as the screen names them"
    );
    assert_eq!(
        settings_at_portal(&mut portal),
        NotificationSettings::default(),
        "the portal kept the settings it had"
    );
}

/// `opendvc --json notifications …` on a device signed in as the first demo citizen.
fn signed_in_cli(portal: &mut Portal, data: &tempfile::TempDir) -> Cli {
    let cli = Cli::new(data.path(), &portal.url());
    let citizen = portal.demo_accounts().citizens[0].clone();
    portal
        .api()
        .post("/v1/auth/otp")
        .json(&OtpRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "the citizen asks for a one-time code");
    let code = portal.latest_code_sent_to(&citizen.phone);
    cli.run(["login", "--id", &citizen.id_number, "--otp", &code])
        .expect_success("the CLI signs in with the texted code");
    cli
}

#[test]
fn the_cli_switches_status_sms_off_and_sets_quiet_hours_at_the_portal() {
    let mut portal = Portal::start(PortalOptions::default());
    let data = tempfile::tempdir().expect("a data folder");
    let cli = signed_in_cli(&mut portal, &data);

    let shown = cli.run(["--json", "notifications", "show"]);
    shown.expect_success("the settings are shown");
    assert_eq!(
        shown.json()["settings"]["status"]["sms"],
        true,
        "status notices go by SMS until the resident says otherwise: {}",
        shown.stdout
    );

    let set = cli.run([
        "--json",
        "notifications",
        "set",
        "--category",
        "status",
        "--sms",
        "off",
        "--quiet-hours",
        "21:30-06:00",
    ]);
    set.expect_success("the settings are changed");
    let expected = NotificationSettings {
        status: ChannelChoice {
            sms: false,
            ..ChannelChoice::ALL
        },
        quiet_hours: QuietHours {
            enabled: true,
            start: "21:30".to_owned(),
            end: "06:00".to_owned(),
        },
        ..NotificationSettings::default()
    };
    let printed: NotificationSettings =
        serde_json::from_value(set.json()["settings"].clone()).expect("settings in the JSON");
    assert_eq!(
        printed, expected,
        "only status SMS and the quiet hours changed"
    );
    assert_eq!(
        settings_at_portal(&mut portal),
        expected,
        "the portal's GET shows what the CLI set"
    );

    let text = cli.run(["notifications", "show"]);
    text.expect_success("the settings are shown as text");
    assert!(
        text.stdout
            .contains("Application status: app on, SMS off, e-mail on")
            && text.stdout.contains("21:30 and 06:00"),
        "the text names each channel of each kind of notice and the quiet hours: {}",
        text.stdout
    );

    let off = cli.run(["--json", "notifications", "set", "--quiet-hours", "off"]);
    off.expect_success("quiet hours are switched off");
    assert!(
        !settings_at_portal(&mut portal).quiet_hours.enabled,
        "the portal holds quiet hours off"
    );
}

#[test]
fn the_cli_refuses_a_wrong_time_and_says_when_the_portal_is_out_of_reach() {
    let mut portal = Portal::start(PortalOptions::default());
    let data = tempfile::tempdir().expect("a data folder");
    let cli = signed_in_cli(&mut portal, &data);

    let wrong = cli.run(["--json", "notifications", "set", "--quiet-hours", "21-07"]);
    assert_eq!(
        wrong.code,
        Some(7),
        "a quiet-hours range that is not HH:MM-HH:MM is refused: {}",
        wrong.stdout
    );

    portal.stop();
    let offline = cli.run(["--json", "notifications", "set", "--sms", "off"]);
    assert_eq!(
        offline.code,
        Some(5),
        "out of reach of the portal the settings cannot be changed: {} {}",
        offline.stdout,
        offline.stderr
    );
}
