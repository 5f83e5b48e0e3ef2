//! DVC agents and outreach volunteers on a shared device, through the `opendvc` CLI against a
//! real demo portal: citizens served one after another leave nothing of themselves on the
//! device, and work queued offline arrives once, after the sessions ended.

use std::path::Path;

use opendvc_api::{Application, Channel, DemoCitizen, StaffKind};
use opendvc_tests::cli::Cli;
use opendvc_tests::fault_proxy::{FaultPlan, FaultProxy};
use opendvc_tests::fixtures::{Citizen, deliverable_procedure, staff_of, valid_form};
use opendvc_tests::traces::{files_containing, identifiers};
use opendvc_tests::{Portal, PortalOptions};

/// A valid form for `citizen` on the first deliverable procedure, written to `dir`; returns
/// the procedure id and the form file.
fn form_for(portal: &mut Portal, index: usize, dir: &Path) -> (String, std::path::PathBuf) {
    let (procedure, form, _) = offline_submission_for(portal, index, dir);
    (procedure, form)
}

/// The consent code the portal texts `citizen` when the staff member `code` asks for one. A
/// session opened with it may read the citizen's data; one opened on a paper consent submits
/// only, and the tests that need the device to show the citizen's data open it this way.
fn consent_code(portal: &Portal, code: &str, password: &str, citizen: &DemoCitizen) -> String {
    let token = portal.staff_token(code, password).access_token;
    portal
        .api()
        .post("/v1/assist/consent-codes")
        .bearer(&token)
        .json(&opendvc_api::ConsentCodeRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "a consent code is sent to the citizen's phone");
    portal.latest_code_sent_to(&citizen.phone)
}

/// Like [`form_for`], plus one scanned file per required document, as a volunteer attaches
/// them when the citizen's document wallet cannot be read (offline): `--attach REQ=FILE`
/// arguments. The scans carry the citizen's identifiers, as photographed papers do.
fn offline_submission_for(
    portal: &mut Portal,
    index: usize,
    dir: &Path,
) -> (String, std::path::PathBuf, Vec<String>) {
    let citizen = Citizen::demo(portal, index);
    let procedure = deliverable_procedure(&citizen.catalog());
    let profile = citizen.profile();
    let form = valid_form(&procedure, &profile, &citizen.documents());
    let path = dir.join(format!("form-{index}.json"));
    std::fs::write(&path, serde_json::to_vec(&form).expect("serialises")).expect("writes");
    let mut attach = Vec::new();
    for document in &procedure.required_documents {
        // A scanned PDF that carries the citizen's name and ID number, so the checks for
        // personal data left behind would find it.
        let scan = dir.join(format!("scan-{index}-{}.pdf", document.id));
        std::fs::write(
            &scan,
            opendvc_tests::fixtures::pdf_bytes(&format!(
                "{} {} {}",
                profile.full_name, profile.id_number, document.id
            )),
        )
        .expect("writes");
        attach.push("--attach".to_owned());
        attach.push(format!("{}={}", document.id, scan.display()));
    }
    (procedure.id, path, attach)
}

/// Sends a consent code to `citizen`'s phone with the staff token the device at `data`
/// keeps, and returns the code the citizen reads out.
fn device_consent_code(portal: &Portal, data: &Path, citizen: &opendvc_api::DemoCitizen) -> String {
    let profile = std::fs::read(data.join("staff").join("profile.json")).expect("profile");
    let profile: serde_json::Value = serde_json::from_slice(&profile).expect("json");
    let token = profile["accessToken"].as_str().expect("a staff token");
    portal
        .api()
        .post("/v1/assist/consent-codes")
        .bearer(token)
        .json(&serde_json::json!({ "idNumber": citizen.id_number }))
        .send()
        .expect_status(202, "a consent code goes to the citizen's phone");
    portal.latest_code_sent_to(&citizen.phone)
}

#[test]
fn an_agent_serves_two_citizens_and_the_first_leaves_no_trace() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let cli = Cli::new(&data, &portal.url());
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let (procedure, form) = form_for(&mut portal, 0, scratch.path());

    let status = cli.json(
        ["staff", "login", "--code", &code, "--password", &password],
        "the agent signs in",
    );
    assert_eq!(status["signedIn"], true);
    assert_eq!(
        status["venue"]["kind"], "post_office",
        "an agent serves at a post office"
    );

    let otp = consent_code(&portal, &code, &password, &citizens[0]);
    let opened = cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[0].id_number,
            "--otp",
            &otp,
        ],
        "the agent opens a session with the citizen's consent code",
    );
    assert!(
        !opened["citizenInitials"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "the staff screen shows the citizen's initials"
    );
    let submitted = cli.json(
        [
            "submit",
            "--procedure",
            &procedure,
            "--form",
            &form.display().to_string(),
        ],
        "the agent submits for the first citizen",
    );
    assert_eq!(
        submitted["sent"], true,
        "online, the submission goes at once"
    );
    let application_code = submitted["applicationCode"]
        .as_str()
        .expect("a sent submission has a code")
        .to_owned();

    let receipt = cli.json(["receipt", &application_code], "the receipt is made");
    assert_eq!(receipt["applicationCode"], application_code.as_str());
    assert_eq!(
        receipt["lookupLink"].as_str(),
        Some(format!("{}/s/{application_code}", portal.url()).as_str()),
        "the QR code links to the portal's public status page of the application: {receipt}"
    );
    assert!(
        receipt["qrSvg"]
            .as_str()
            .is_some_and(|svg| svg.contains("<svg")),
        "the receipt has its QR code as SVG"
    );
    assert_eq!(
        receipt["lang"], "vi",
        "the receipt is in the citizen's language"
    );
    let status_page = format!("{}/s/{application_code}", portal.url());
    assert!(
        portal
            .dev_messages()
            .iter()
            .any(|message| message.channel == "sms"
                && message.body.contains(&application_code)
                && message.body.contains(&status_page)
                && opendvc_tests::same_phone(&message.to, &citizens[0].phone)),
        "the citizen gets the application code by text as well, with the link to its status \
         page {status_page}"
    );

    assert!(
        !files_containing(&data, &identifiers(&citizens[0])).is_empty(),
        "while the session is open the citizen's data is on the device (the scan finds it)"
    );
    let ended = cli.json(["assist", "end"], "the agent ends the first session");
    assert_eq!(ended["endedAtPortal"], true);
    let leftovers = files_containing(&data, &identifiers(&citizens[0]));
    assert!(
        leftovers.is_empty(),
        "after the session ends, no file holds the first citizen's identifiers: {leftovers:?}"
    );

    let otp = consent_code(&portal, &code, &password, &citizens[1]);
    cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[1].id_number,
            "--otp",
            &otp,
        ],
        "the agent serves the second citizen, who consents with the code sent to their phone",
    );
    let applications = cli.json(["applications"], "the second citizen's applications");
    assert!(
        !applications.to_string().contains(&application_code),
        "the second citizen's screens never show the first's application"
    );
    let dashboard = cli.json(["status"], "the second citizen's dashboard");
    assert_eq!(dashboard["fullName"], citizens[1].name.as_str());
    cli.json(["logout"], "signing out of the session ends it as well");
    let leftovers = files_containing(&data, &identifiers(&citizens[1]));
    assert!(
        leftovers.is_empty(),
        "a sign-out in an assisted session deletes the citizen's files: {leftovers:?}"
    );
    let status = cli.json(["staff", "status"], "the agent is still signed in");
    assert!(status["session"].is_null(), "no session is open: {status}");

    let first = Citizen::demo(&mut portal, 0);
    let recorded: Vec<Application> = first
        .applications()
        .into_iter()
        .filter(|application| application.code == application_code)
        .collect();
    assert_eq!(recorded.len(), 1, "the portal has the application once");
    let full = first.application(recorded[0].id);
    assert_eq!(full.channel, Channel::Assisted);
    let by = full
        .submitted_by
        .expect("an assisted submission names its agent");
    assert_eq!(by.staff_code, code, "the portal records the agent");
    assert_eq!(
        by.venue,
        status["venue"]["name"].as_str().unwrap_or_default()
    );
}

#[test]
fn thirty_citizens_queued_offline_at_an_event_arrive_once_each_and_leave_no_personal_data() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let cli = Cli::new(&data, &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "50")
        .env("OPENDVC_BACKOFF_CAP_MS", "200")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "3000");
    let (code, password) = staff_of(&mut portal, StaffKind::Volunteer);
    let submissions: Vec<(String, std::path::PathBuf, Vec<String>)> = (0..citizens.len())
        .map(|index| offline_submission_for(&mut portal, index, scratch.path()))
        .collect();
    let before: Vec<usize> = (0..citizens.len())
        .map(|index| Citizen::demo(&mut portal, index).applications().len())
        .collect();

    let status = cli.json(
        [
            "staff",
            "login",
            "--code",
            &code,
            "--password",
            &password,
            "--event",
            "Ngày hội chuyển đổi số",
            "--place",
            "20242",
            "--date",
            "2026-11-29",
        ],
        "the volunteer signs in for the event",
    );
    assert_eq!(status["venue"]["kind"], "event");

    // The connection is gone for the whole event, from the first citizen to the last.
    proxy.set_unreachable(true);
    for person in 0..30 {
        let index = person % citizens.len();
        cli.json(
            [
                "assist",
                "open",
                "--id",
                &citizens[index].id_number,
                "--paper",
                &format!("GIAYUQ-2026-{person:06}"),
            ],
            "offline, the volunteer opens a session on the paper consent",
        );
        let (procedure, form, attach) = &submissions[index];
        let mut submit = vec![
            "submit".to_owned(),
            "--procedure".to_owned(),
            procedure.clone(),
            "--form".to_owned(),
            form.display().to_string(),
        ];
        submit.extend(attach.iter().cloned());
        let outcome = cli.json(submit, "offline, the submission is saved on the device");
        assert_eq!(outcome["sent"], false, "nothing goes out while unreachable");
        cli.json(["assist", "end"], "the session ends while offline");
    }
    let all_identifiers: Vec<String> = citizens.iter().flat_map(identifiers).collect();
    let queued_leftovers = files_containing(&data, &all_identifiers);
    assert!(
        queued_leftovers.is_empty(),
        "queued personal data is encrypted at rest: {queued_leftovers:?}"
    );
    let waiting = cli.json(["tally", "--day", "2026-11-29"], "the tally while offline");
    assert_eq!(waiting["peopleHelped"], 30);
    assert_eq!(waiting["waiting"], 30);
    assert_eq!(waiting["sent"], 0);

    let still_offline = cli.run(["drain", "--max-wait", "1"]);
    assert_eq!(
        still_offline.code,
        Some(6),
        "offline, the drain waits and reports work still waiting: {}",
        still_offline.stderr
    );

    proxy.set_unreachable(false);
    let drained = cli.json(
        ["drain", "--max-wait", "120"],
        "the queue sends when the portal is back",
    );
    assert_eq!(
        drained["end"], "empty",
        "everything was delivered: {drained}"
    );

    for (index, count) in before.iter().enumerate() {
        let now = Citizen::demo(&mut portal, index).applications().len();
        assert_eq!(
            now - count,
            10,
            "citizen {index} was served ten times and has ten new applications, no doubles"
        );
    }
    let csv_path = scratch.path().join("tally.csv");
    let tally = cli.json(
        [
            "tally",
            "--day",
            "2026-11-29",
            "--csv",
            &csv_path.display().to_string(),
        ],
        "the event's tally",
    );
    assert_eq!(tally["peopleHelped"], 30, "{tally}");
    assert_eq!(tally["submissions"], 30);
    assert_eq!(tally["sent"], 30);
    assert_eq!(tally["waiting"], 0);
    assert!(
        tally["entries"]
            .as_array()
            .is_some_and(|entries| entries.iter().all(|entry| {
                entry["citizenInitials"]
                    .as_str()
                    .is_some_and(|initials| !initials.is_empty())
                    && entry["applicationCode"].is_string()
            })),
        "sessions opened offline got their initials and codes once recorded: {tally}"
    );
    assert!(
        tally["serviceNames"]
            .as_object()
            .is_some_and(|names| !names.is_empty()),
        "the tally names the services after the sessions ended: {tally}"
    );
    let csv = std::fs::read_to_string(&csv_path).expect("the CSV is written");
    for needle in &all_identifiers {
        assert!(
            !csv.contains(needle.as_str()),
            "the CSV holds no personal data: {needle}"
        );
    }
    assert!(csv.contains(",*,,30,0,0"), "the CSV totals 30 sent: {csv}");
    assert!(
        csv.lines().count() >= 3,
        "a line per service, the totals and the people helped: {csv}"
    );
    let leftovers = files_containing(&data, &all_identifiers);
    assert!(
        leftovers.is_empty(),
        "after acknowledgement no personal data remains on the device: {leftovers:?}"
    );
}

#[test]
fn notifications_in_an_assisted_session_carry_no_personal_data() {
    use std::sync::{Arc, mpsc};
    use std::time::{Duration, Instant};

    use opendvc_api::{ApplicationStatus, Consent};
    use opendvc_core::assist::StaffSignInOptions;
    use opendvc_core::notify::RecordingNotifier;
    use opendvc_core::session::DataDir;
    use opendvc_core::{OpenDvc, OpenDvcOptions};
    use opendvc_tests::fixtures::{Officer, counter_delivery};

    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let procedure = deliverable_procedure(&citizen.catalog());
    let application = citizen.submit(&citizen.valid_application(&procedure, counter_delivery()));
    let officer = Officer::sign_in(&mut portal);
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let data = tempfile::tempdir().expect("a data folder");
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.portal_override = Some(portal.url());
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.staff_sign_in(&code, &password, StaffSignInOptions::default()))
        .expect("the agent signs in");
    // The citizen consents with the code sent to their phone: the session reads their data.
    runtime
        .block_on(core.request_consent_code(&person.id_number))
        .expect("a consent code is sent");
    let otp = portal.latest_code_sent_to(&person.phone);
    runtime
        .block_on(core.open_assisted_session(&person.id_number, Consent::Otp { otp }))
        .expect("the session opens");
    let core = Arc::new(core);
    let notifier = Arc::new(RecordingNotifier::default());
    let (connected, connections) = mpsc::channel();
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
                    if matches!(event, opendvc_core::push::WatchEvent::Connected { .. }) {
                        let _ = connected.send(());
                    }
                },
                stop,
            )
            .await
    });
    connections
        .recv_timeout(Duration::from_secs(60))
        .expect("the event stream opens in the assisted session");

    officer.transition(application.id, ApplicationStatus::Processing);
    let start = Instant::now();
    while notifier.shown().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "gave up waiting for the notification"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = stop.send(());
    for notification in notifier.shown() {
        let text = format!("{} {}", notification.title, notification.body);
        for secret in identifiers(&person)
            .into_iter()
            .chain([application.code.clone()])
            .chain([procedure.name.vi.clone(), procedure.name.en.clone()])
        {
            assert!(
                !text.contains(&secret),
                "a notification on a shared device names nothing of the citizen: {text} has {secret}"
            );
        }
    }
}

#[test]
fn an_expired_assisted_session_shows_nothing_and_is_deleted_at_the_next_start() {
    use std::sync::Arc;

    use opendvc_api::Consent;
    use opendvc_core::assist::StaffSignInOptions;
    use opendvc_core::clock::ManualClock;
    use opendvc_core::session::DataDir;
    use opendvc_core::{CoreError, OpenDvc, OpenDvcOptions};

    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[1].clone();
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let data = tempfile::tempdir().expect("a data folder");
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let options = || {
        let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
        options.portal_override = Some(portal.url());
        options.clock = clock.clone();
        options
    };
    let mut core = OpenDvc::open(options()).expect("the core opens");
    runtime
        .block_on(core.staff_sign_in(&code, &password, StaffSignInOptions::default()))
        .expect("the agent signs in");
    // The citizen consents with the code sent to their phone: the session reads their data.
    runtime
        .block_on(core.request_consent_code(&person.id_number))
        .expect("a consent code is sent");
    let otp = portal.latest_code_sent_to(&person.phone);
    let session = runtime
        .block_on(core.open_assisted_session(&person.id_number, Consent::Otp { otp }))
        .expect("the session opens");
    assert_eq!(
        core.dashboard()
            .expect("the dashboard")
            .full_name
            .as_deref(),
        Some(person.name.as_str())
    );

    clock.set(session.expires_at + chrono::TimeDelta::seconds(1));
    assert!(
        matches!(core.applications(), Err(CoreError::AssistedSessionExpired)),
        "past its expiry the session shows nothing more"
    );
    let dashboard = core.dashboard().expect("the dashboard");
    assert_eq!(dashboard.full_name, None, "nor does the dashboard");
    assert!(!dashboard.signed_in);
    drop(core);
    let core = OpenDvc::open(options()).expect("the core opens again");
    assert!(
        core.staff_status().expect("status").session.is_none(),
        "the expired session is closed at start"
    );
    let leftovers = files_containing(data.path(), &identifiers(&person));
    assert!(
        leftovers.is_empty(),
        "the expired session's files are deleted at start: {leftovers:?}"
    );
}

#[test]
fn a_scan_queued_offline_is_sealed_on_disk_and_arrives_intact() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let cli = Cli::new(&data, &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "50")
        .env("OPENDVC_BACKOFF_CAP_MS", "200")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "3000");
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let (procedure, form) = form_for(&mut portal, 2, scratch.path());
    // A scan (a real PDF, as the portal sniffs uploads) whose bytes carry the citizen's
    // identifiers, as a photographed ID card does.
    let scan = scratch.path().join("scan.pdf");
    std::fs::write(
        &scan,
        opendvc_tests::fixtures::pdf_bytes(&format!(
            "{} {} {}",
            citizens[2].name, citizens[2].id_number, citizens[2].phone
        )),
    )
    .expect("writes");
    cli.json(
        ["staff", "login", "--code", &code, "--password", &password],
        "the agent signs in",
    );
    let otp = consent_code(&portal, &code, &password, &citizens[2]);
    cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[2].id_number,
            "--otp",
            &otp,
        ],
        "the session opens",
    );
    proxy.set_unreachable(true);
    let outcome = cli.json(
        [
            "submit",
            "--procedure",
            &procedure,
            "--form",
            &form.display().to_string(),
            "--attach",
            &scan.display().to_string(),
        ],
        "offline, the submission and its scan are saved",
    );
    assert_eq!(outcome["sent"], false);
    cli.json(["assist", "end"], "the session ends");
    let sealed = files_containing(&data, &identifiers(&citizens[2]));
    assert!(
        sealed.is_empty(),
        "the queued scan is sealed on disk: {sealed:?}"
    );

    proxy.set_unreachable(false);
    let drained = cli.json(["drain", "--max-wait", "120"], "the queue sends");
    assert_eq!(
        drained["end"], "empty",
        "the upload and the application arrive: {drained}"
    );
    assert_eq!(drained["sent"], 2, "one upload, one application");
    let citizen = Citizen::demo(&mut portal, 2);
    let received = citizen
        .applications()
        .into_iter()
        .filter(|application| application.channel == Channel::Assisted)
        .map(|application| citizen.application(application.id))
        .find(|application| !application.attachments.is_empty())
        .expect("the application arrived with its attachment");
    // The portal names an upload by the hash of the bytes it received; the application's
    // reference to the hash of the original file resolved, so the bytes arrived unsealed.
    assert!(
        received
            .attachments
            .iter()
            .any(|attachment| matches!(attachment, opendvc_api::AttachmentRef::Upload { .. })),
        "the uploaded scan is attached: {:?}",
        received.attachments
    );
    let leftovers = files_containing(&data, &identifiers(&citizens[2]));
    assert!(
        leftovers.is_empty(),
        "nothing of the citizen remains: {leftovers:?}"
    );
}

#[test]
fn a_finished_sessions_tally_is_forgotten_after_ninety_days() {
    use std::sync::Arc;

    use opendvc_api::Consent;
    use opendvc_core::assist::StaffSignInOptions;
    use opendvc_core::clock::{Clock, ManualClock};
    use opendvc_core::session::DataDir;
    use opendvc_core::{OpenDvc, OpenDvcOptions};

    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let data = tempfile::tempdir().expect("a data folder");
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let mut options = OpenDvcOptions::new(DataDir::new(data.path()));
    options.portal_override = Some(portal.url());
    options.clock = clock.clone();
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.staff_sign_in(&code, &password, StaffSignInOptions::default()))
        .expect("the agent signs in");
    runtime
        .block_on(core.open_assisted_session(
            &person.id_number,
            Consent::Paper {
                reference: "GIAYUQ-2026-000902".into(),
            },
        ))
        .expect("the session opens");
    runtime
        .block_on(core.end_assisted_session())
        .expect("the session ends");
    let today = clock
        .now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7"))
        .date_naive();
    assert_eq!(core.tally(Some(today)).expect("tally").people_helped, 1);

    clock.advance(chrono::TimeDelta::days(91));
    runtime
        .block_on(core.staff_sign_in(&code, &password, StaffSignInOptions::default()))
        .expect("the agent signs in again");
    assert_eq!(
        core.tally(Some(today)).expect("tally").people_helped,
        0,
        "the old session's record is gone"
    );
    let outboxes = std::fs::read_dir(data.path().join("staff").join("outbox"))
        .expect("the outbox folder")
        .count();
    assert_eq!(outboxes, 0, "no session folder is left");
}

/// A core on a fresh data folder, driven directly (not through the CLI), with a staff member
/// signed in and a session open for one citizen on a paper consent.
struct StaffDevice {
    runtime: tokio::runtime::Runtime,
    data: tempfile::TempDir,
    portal_url: String,
    core: opendvc_core::OpenDvc,
    /// The device's clock: it starts at the real time (the portal's sessions expire by it)
    /// and moves only when a test says so.
    clock: std::sync::Arc<opendvc_core::clock::ManualClock>,
    code: String,
    password: String,
}

impl StaffDevice {
    fn serving(
        portal: &mut Portal,
        kind: StaffKind,
        venue: opendvc_core::assist::StaffSignInOptions,
        citizen: &opendvc_api::DemoCitizen,
        reference: &str,
    ) -> StaffDevice {
        let (code, password) = staff_of(portal, kind);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let data = tempfile::tempdir().expect("a data folder");
        let portal_url = portal.url();
        let clock = std::sync::Arc::new(opendvc_core::clock::ManualClock::new(chrono::Utc::now()));
        let mut core = StaffDevice::open_core(data.path(), &portal_url, &clock);
        runtime
            .block_on(core.staff_sign_in(&code, &password, venue))
            .expect("the staff member signs in");
        runtime
            .block_on(core.open_assisted_session(
                &citizen.id_number,
                opendvc_api::Consent::Paper {
                    reference: reference.to_owned(),
                },
            ))
            .expect("the session opens");
        StaffDevice {
            runtime,
            data,
            portal_url,
            core,
            clock,
            code,
            password,
        }
    }

    fn open_core(
        data: &Path,
        portal_url: &str,
        clock: &std::sync::Arc<opendvc_core::clock::ManualClock>,
    ) -> opendvc_core::OpenDvc {
        let mut options =
            opendvc_core::OpenDvcOptions::new(opendvc_core::session::DataDir::new(data));
        options.portal_override = Some(portal_url.to_owned());
        options.clock = clock.clone();
        opendvc_core::OpenDvc::open(options).expect("the core opens")
    }

    /// The app closed and started again on the same data folder.
    fn restart(&mut self) {
        self.core = StaffDevice::open_core(self.data.path(), &self.portal_url, &self.clock);
    }

    /// The staff member's token as the device keeps it while they are signed in.
    fn staff_token(&self) -> Option<String> {
        let profile = std::fs::read(self.data.path().join("staff").join("profile.json")).ok()?;
        let profile: serde_json::Value = serde_json::from_slice(&profile).ok()?;
        profile["accessToken"].as_str().map(str::to_owned)
    }
}

#[test]
fn unlocking_a_locked_device_has_an_attempt_limit_that_a_restart_does_not_reset() {
    use opendvc_core::CoreError;
    use opendvc_core::assist::{StaffError, StaffSignInOptions, UNLOCK_FREE_ATTEMPTS};

    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let mut device = StaffDevice::serving(
        &mut portal,
        StaffKind::Agent,
        StaffSignInOptions::default(),
        &person,
        "GIAYUQ-2026-000905",
    );
    let password = device.password.clone();
    device.core.lock_staff().expect("the device locks");
    for attempt in 1..UNLOCK_FREE_ATTEMPTS {
        assert!(
            matches!(
                device.core.unlock_staff(&format!("guess {attempt}")),
                Err(CoreError::Staff(StaffError::WrongPassword))
            ),
            "wrong password {attempt} is refused"
        );
    }
    device.restart();
    assert!(
        matches!(
            device.core.unlock_staff("one guess too many"),
            Err(CoreError::Staff(StaffError::UnlockWait { seconds: 60 }))
        ),
        "the fifth wrong password in a row, even across a restart, makes the device wait a minute"
    );
    assert!(
        matches!(
            device.core.unlock_staff(&password),
            Err(CoreError::Staff(StaffError::UnlockWait { .. }))
        ),
        "while it waits, even the right password does not open it"
    );
    assert!(
        device.core.staff_status().expect("status").locked,
        "still locked"
    );
    device.clock.advance(chrono::TimeDelta::seconds(61));
    assert!(
        matches!(
            device.core.unlock_staff("another guess"),
            Err(CoreError::Staff(StaffError::UnlockWait { seconds: 120 }))
        ),
        "each further wrong password doubles the wait"
    );
    device.restart();
    device.clock.advance(chrono::TimeDelta::seconds(60));
    assert!(
        matches!(
            device.core.unlock_staff(&password),
            Err(CoreError::Staff(StaffError::UnlockWait { .. }))
        ),
        "a restart does not cut the wait short"
    );
    device.clock.advance(chrono::TimeDelta::seconds(61));
    let unlocked = device
        .core
        .unlock_staff(&password)
        .expect("after the wait the right password opens it");
    assert!(!unlocked.locked);

    // Locked again and out of free attempts, a fresh staff sign-in opens it at once.
    device.core.lock_staff().expect("locks again");
    for attempt in 0..=UNLOCK_FREE_ATTEMPTS {
        let _refused = device.core.unlock_staff(&format!("again {attempt}"));
    }
    let code = device.code.clone();
    let signed_in = device
        .runtime
        .block_on(
            device
                .core
                .staff_sign_in(&code, &password, StaffSignInOptions::default()),
        )
        .expect("the same staff member signs in again with the session open");
    assert!(!signed_in.locked, "a fresh sign-in unlocks");
    assert!(
        signed_in.session.is_some(),
        "the citizen's session is kept for the staff member"
    );
    device.core.lock_staff().expect("locks once more");
    assert!(
        matches!(
            device.core.unlock_staff("first wrong one"),
            Err(CoreError::Staff(StaffError::WrongPassword))
        ),
        "the sign-in cleared the count"
    );
}

#[test]
fn staff_sign_out_revokes_the_staff_token_at_the_portal() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let mut device = StaffDevice::serving(
        &mut portal,
        StaffKind::Agent,
        opendvc_core::assist::StaffSignInOptions::default(),
        &person,
        "GIAYUQ-2026-000906",
    );
    let token = device
        .staff_token()
        .expect("the staff token is kept while signed in");
    portal
        .api()
        .post("/v1/assist/consent-codes")
        .bearer(&token)
        .json(&serde_json::json!({ "idNumber": person.id_number }))
        .send()
        .expect_status(202, "the staff token works before sign-out");
    device
        .runtime
        .block_on(device.core.staff_sign_out())
        .expect("the staff member signs out");
    assert_eq!(device.staff_token(), None, "the device forgets the token");
    portal
        .api()
        .post("/v1/assist/consent-codes")
        .bearer(&token)
        .json(&serde_json::json!({ "idNumber": person.id_number }))
        .send()
        .expect_problem(
            401,
            "unauthorized",
            "the portal refuses the token after sign-out",
        );
}

#[test]
fn a_locked_device_shows_nothing_of_the_session_until_the_staff_password_unlocks_it() {
    use opendvc_core::CoreError;
    use opendvc_core::assist::{StaffError, StaffSignInOptions};

    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let (_, password) = staff_of(&mut portal, StaffKind::Volunteer);
    let event = StaffSignInOptions {
        event: Some((
            "Ngày hội gần dân".to_owned(),
            "20194".to_owned(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date"),
        )),
        ..StaffSignInOptions::default()
    };
    let mut device = StaffDevice::serving(
        &mut portal,
        StaffKind::Volunteer,
        event,
        &person,
        "GIAYUQ-2026-000903",
    );
    assert!(device.core.is_signed_in(), "the citizen's screens work");

    let locked = device.core.lock_staff().expect("the device locks");
    assert!(locked.locked);
    assert!(
        locked.session.is_some(),
        "locking keeps the session; only its data is hidden"
    );
    assert!(
        !device.core.is_signed_in(),
        "a locked device shows no citizen"
    );
    assert!(
        matches!(
            device.core.applications(),
            Err(CoreError::Staff(StaffError::Locked))
        ),
        "the citizen's applications are hidden while locked"
    );
    assert!(
        matches!(
            device.core.tally(None),
            Err(CoreError::Staff(StaffError::Locked))
        ),
        "the tally (initials, codes) is hidden too"
    );
    assert_eq!(
        device.core.dashboard().expect("the dashboard").full_name,
        None,
        "the dashboard names nobody"
    );

    device.restart();
    assert!(
        device.core.staff_status().expect("status").locked && !device.core.is_signed_in(),
        "restarting the app does not unlock it"
    );
    assert!(
        matches!(
            device.core.unlock_staff("not the password"),
            Err(CoreError::Staff(StaffError::WrongPassword))
        ),
        "a wrong password leaves it locked"
    );
    assert!(!device.core.is_signed_in());
    let unlocked = device
        .core
        .unlock_staff(&password)
        .expect("the password unlocks");
    assert!(!unlocked.locked);
    assert!(
        device.core.is_signed_in(),
        "the session is back for the volunteer"
    );
    assert!(device.core.applications().is_ok());

    // Locked again, the volunteer may sign in afresh instead of unlocking: the session and
    // its event stay, without naming the event again.
    device.core.lock_staff().expect("locks again");
    let code = device.code.clone();
    let again = device
        .runtime
        .block_on(
            device
                .core
                .staff_sign_in(&code, &password, StaffSignInOptions::default()),
        )
        .expect("a fresh sign-in with the session open needs no event");
    assert!(!again.locked && again.session.is_some(), "{again:?}");
    assert!(
        matches!(again.venue, Some(opendvc_core::assist::Venue::Event { .. })),
        "the event stays the venue: {:?}",
        again.venue
    );
}

#[test]
fn files_picked_for_a_citizen_go_when_their_session_ends() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[1].clone();
    let mut device = StaffDevice::serving(
        &mut portal,
        StaffKind::Agent,
        opendvc_core::assist::StaffSignInOptions::default(),
        &person,
        "GIAYUQ-2026-000904",
    );
    // The app copies a picked file into the staging folder until a submission queues it; the
    // agent picked the citizen's ID card photo and the citizen then left without submitting.
    let staged = opendvc_core::session::DataDir::new(device.data.path())
        .staging_dir()
        .join("0123abcd");
    std::fs::create_dir_all(&staged).expect("the staging folder");
    std::fs::write(
        staged.join("cccd.jpg"),
        format!("{} {}", person.name, person.id_number),
    )
    .expect("a staged file");
    device
        .runtime
        .block_on(device.core.end_assisted_session())
        .expect("the session ends");
    let leftovers = files_containing(device.data.path(), &identifiers(&person));
    assert!(
        leftovers.is_empty(),
        "a file picked but never submitted goes with the session: {leftovers:?}"
    );
}

#[test]
fn a_staff_profile_that_fails_to_parse_is_moved_aside_and_every_staff_members_sealed_work_still_arrives()
 {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let cli = Cli::new(&data, &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "50")
        .env("OPENDVC_BACKOFF_CAP_MS", "200")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "3000");
    let (agent, agent_password) = staff_of(&mut portal, StaffKind::Agent);
    let (volunteer, volunteer_password) = staff_of(&mut portal, StaffKind::Volunteer);
    let (procedure, form) = form_for(&mut portal, 0, scratch.path());

    cli.json(
        [
            "staff",
            "login",
            "--code",
            &agent,
            "--password",
            &agent_password,
        ],
        "the agent signs in",
    );
    cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[0].id_number,
            "--paper",
            "GIAYUQ-2026-000907",
        ],
        "the agent serves a citizen",
    );
    proxy.set_unreachable(true);
    let queued = cli.json(
        [
            "submit",
            "--procedure",
            &procedure,
            "--form",
            &form.display().to_string(),
        ],
        "offline, the agent's submission waits, sealed",
    );
    assert_eq!(queued["sent"], false);
    cli.json(["assist", "end"], "the citizen leaves");
    cli.json(["staff", "logout"], "the agent's shift ends (offline)");

    // The staff profile, which holds every staff member's wrapped queue key, is damaged.
    let profile = data.join("staff").join("profile.json");
    std::fs::write(&profile, b"{\"wrappedKeys\": {\"garbled").expect("damages the profile");
    proxy.set_unreachable(false);

    cli.json(
        [
            "staff",
            "login",
            "--code",
            &volunteer,
            "--password",
            &volunteer_password,
            "--event",
            "Ngày hội gần dân",
            "--place",
            "20194",
            "--date",
            "2026-11-29",
        ],
        "the next staff member signs in on the same device",
    );
    let moved: Vec<_> = std::fs::read_dir(data.join("staff"))
        .expect("the staff folder")
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("profile.json.corrupt-")
        })
        .collect();
    assert_eq!(
        moved.len(),
        1,
        "the damaged profile is moved aside, not overwritten"
    );
    assert_eq!(
        std::fs::read(moved[0].path()).expect("reads"),
        b"{\"wrappedKeys\": {\"garbled",
        "the moved-aside file is the damaged one, as it was"
    );
    let drained = cli.json(["drain", "--max-wait", "30"], "the volunteer's drain");
    assert_eq!(
        drained["sent"], 0,
        "the volunteer cannot open the agent's sealed work: {drained}"
    );
    cli.json(["staff", "logout"], "the volunteer signs out");

    cli.json(
        [
            "staff",
            "login",
            "--code",
            &agent,
            "--password",
            &agent_password,
        ],
        "the agent signs in again",
    );
    let drained = cli.json(["drain", "--max-wait", "60"], "the agent's drain");
    assert_eq!(
        (drained["end"].as_str(), drained["sent"].as_u64()),
        (Some("empty"), Some(1)),
        "the agent's sealed submission, queued before the profile was damaged, arrives: {drained}"
    );
    let citizen = Citizen::demo(&mut portal, 0);
    assert_eq!(
        citizen
            .applications()
            .iter()
            .filter(|application| application.channel == Channel::Assisted)
            .count(),
        1,
        "the portal has the agent's submission once"
    );
}

#[test]
fn every_staff_request_that_records_an_offline_session_or_delivers_late_carries_the_device_time() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let cli = Cli::new(&data, &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "50")
        .env("OPENDVC_BACKOFF_CAP_MS", "200")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "3000");
    let (volunteer, password) = staff_of(&mut portal, StaffKind::Volunteer);
    let (procedure, form, attach) = offline_submission_for(&mut portal, 1, scratch.path());
    cli.json(
        [
            "staff",
            "login",
            "--code",
            &volunteer,
            "--password",
            &password,
            "--event",
            "Ngày hội gần dân",
            "--place",
            "20194",
            "--date",
            "2026-11-29",
        ],
        "the volunteer signs in while online",
    );
    proxy.set_unreachable(true);
    cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[1].id_number,
            "--paper",
            "GIAYUQ-2026-000908",
        ],
        "offline, the session opens on the paper consent",
    );
    let mut submit = vec![
        "submit".to_owned(),
        "--procedure".to_owned(),
        procedure,
        "--form".to_owned(),
        form.display().to_string(),
    ];
    submit.extend(attach);
    cli.json(submit, "offline, the submission is queued");
    cli.json(["assist", "end"], "the citizen leaves");
    proxy.set_unreachable(false);
    let drained = cli.json(["drain", "--max-wait", "60"], "back online, the work goes");
    assert_eq!(drained["end"], "empty", "{drained}");

    let requests = proxy.requests();
    let recorded: Vec<_> = requests
        .iter()
        .filter(|request| request.method == "POST" && request.path() == "/v1/assist/sessions")
        .collect();
    let late: Vec<_> = requests
        .iter()
        .filter(|request| request.header("X-Assist-Session").is_some())
        .collect();
    assert!(
        !recorded.is_empty(),
        "the drain recorded the offline session"
    );
    assert!(late.len() >= 2, "the upload and the application went late");
    for request in recorded.iter().chain(&late) {
        let device_time = request
            .header(opendvc_api::DEVICE_TIME_HEADER)
            .unwrap_or_else(|| {
                panic!("{} {} has no X-Device-Time", request.method, request.target)
            });
        assert!(
            chrono::DateTime::parse_from_rfc3339(device_time).is_ok(),
            "{} {}: X-Device-Time is RFC 3339: {device_time}",
            request.method,
            request.target
        );
    }
}

/// The requests of `proxy` that read a citizen's data: profile, documents, applications,
/// changes, events.
fn citizen_reads(proxy: &FaultProxy) -> Vec<String> {
    proxy
        .requests()
        .iter()
        .filter(|request| {
            let path = request.path();
            request.method == "GET"
                && (path == "/v1/me"
                    || path.starts_with("/v1/me/")
                    || path == "/v1/documents"
                    || path.starts_with("/v1/applications")
                    || path == "/v1/sync"
                    || path == "/v1/events")
        })
        .map(|request| format!("{} {}", request.method, request.target))
        .collect()
}

#[test]
fn a_paper_session_cannot_read_the_citizens_profile_documents_or_applications() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let cli = Cli::new(&data, &proxy.url());
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let (procedure, form, attach) = offline_submission_for(&mut portal, 2, scratch.path());
    cli.json(
        ["staff", "login", "--code", &code, "--password", &password],
        "the agent signs in",
    );
    let opened = cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[2].id_number,
            "--paper",
            "GIAYUQ-2026-000909",
        ],
        "online, the agent opens a session on a paper consent",
    );
    let status = cli.json(["status"], "the session's home screen");
    assert!(
        status["fullName"].is_null(),
        "no profile is shown in a paper session: {status}"
    );
    let refused = cli.run(["--json", "access-log"]);
    assert_ne!(
        refused.code,
        Some(0),
        "who used my data is refused in a session"
    );
    assert_eq!(
        refused.json()["error"]["code"],
        "access_log_own_sign_in_only",
        "the citizen's access log is theirs alone, never shown in an assisted session"
    );
    for args in [
        vec!["--json", "notifications", "show"],
        vec!["--json", "notifications", "set", "--sms", "off"],
    ] {
        let refused = cli.run(&args);
        assert_eq!(
            refused.json()["error"]["code"],
            "notification_settings_own_sign_in_only",
            "how the portal reaches the citizen is theirs to choose, never in an assisted session ({args:?})"
        );
    }
    assert!(
        !proxy
            .requests()
            .iter()
            .any(|request| request.path().starts_with("/v1/me/notification-settings")),
        "the session never asked the portal for the citizen's notification settings"
    );
    cli.json(["sync"], "a sync in the paper session");
    cli.json(["applications"], "the applications screen");
    let mut submit = vec![
        "submit".to_owned(),
        "--procedure".to_owned(),
        procedure,
        "--form".to_owned(),
        form.display().to_string(),
    ];
    submit.extend(attach);
    let submitted = cli.json(
        submit,
        "the paper session submits, with the papers attached",
    );
    assert_eq!(submitted["sent"], true, "the submission goes: {submitted}");
    cli.json(["assist", "end"], "the citizen leaves");
    assert_eq!(
        citizen_reads(&proxy),
        Vec::<String>::new(),
        "a paper session made no read request of the citizen's data"
    );
    assert_eq!(
        opened["canRead"], false,
        "a paper session says it cannot read: {opened}"
    );

    // A session whose consent the citizen gave by code reads, unless the portal withholds
    // the `read` scope: then the device reads nothing either.
    let token = {
        let profile = std::fs::read(data.join("staff").join("profile.json")).expect("profile");
        let profile: serde_json::Value = serde_json::from_slice(&profile).expect("json");
        profile["accessToken"]
            .as_str()
            .expect("a staff token")
            .to_owned()
    };
    let consent_code = |portal: &Portal| {
        portal
            .api()
            .post("/v1/assist/consent-codes")
            .bearer(&token)
            .json(&serde_json::json!({ "idNumber": citizens[1].id_number }))
            .send()
            .expect_status(202, "a consent code goes to the citizen's phone");
        portal.latest_code_sent_to(&citizens[1].phone)
    };
    proxy.set_rewrites(vec![opendvc_tests::fault_proxy::Rewrite::new(
        "\"scopes\":[\"read\",\"submit\"]",
        "\"scopes\":[\"submit\"]",
    )]);
    let otp = consent_code(&portal);
    let opened = cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[1].id_number,
            "--otp",
            &otp,
        ],
        "a session by code, granted submit only",
    );
    assert_eq!(opened["canRead"], false, "{opened}");
    cli.json(["sync"], "a sync in the submit-only session");
    cli.json(["assist", "end"], "the citizen leaves");
    assert_eq!(
        citizen_reads(&proxy),
        Vec::<String>::new(),
        "a session without the read scope made no read request"
    );

    proxy.set_rewrites(Vec::new());
    let otp = consent_code(&portal);
    let opened = cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[1].id_number,
            "--otp",
            &otp,
        ],
        "a session by code with both scopes",
    );
    assert_eq!(opened["canRead"], true, "{opened}");
    assert!(
        !citizen_reads(&proxy).is_empty(),
        "a session by code reads the citizen's data (the check above can fail)"
    );
    cli.json(["assist", "end"], "the citizen leaves");
}

#[test]
fn a_scan_picked_on_a_shared_device_is_never_written_to_disk_in_plaintext() {
    use opendvc_core::assist::StaffSignInOptions;
    use opendvc_core::{OpenDvc, OpenDvcOptions, SubmissionDraft};

    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[2].clone();
    let citizen = Citizen::demo(&mut portal, 2);
    let procedure = deliverable_procedure(&citizen.catalog());
    let assisted_before = citizen
        .applications()
        .iter()
        .filter(|application| application.channel == Channel::Assisted)
        .count();
    let form = valid_form(&procedure, &citizen.profile(), &citizen.documents());
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let data = tempfile::tempdir().expect("a data folder");
    let mut options = OpenDvcOptions::new(opendvc_core::session::DataDir::new(data.path()));
    options.portal_override = Some(proxy.url());
    options.client.request_timeout = std::time::Duration::from_secs(3);
    let mut core = OpenDvc::open(options).expect("the core opens");
    runtime
        .block_on(core.staff_sign_in(&code, &password, StaffSignInOptions::default()))
        .expect("the agent signs in");
    runtime
        .block_on(core.open_assisted_session(
            &person.id_number,
            opendvc_api::Consent::Paper {
                reference: "GIAYUQ-2026-000910".into(),
            },
        ))
        .expect("the session opens");
    proxy.set_unreachable(true);

    // A photo of the citizen's papers, as the app receives it from the file picker: the
    // bytes carry the citizen's identifiers and a mark found nowhere else.
    let mark = format!("SCAN-{}", uuid::Uuid::new_v4());
    let mut scan = b"\x89PNG\r\n\x1a\n".to_vec();
    scan.extend_from_slice(format!("{mark} {} {}", person.name, person.id_number).as_bytes());
    let secrets = vec![mark.clone()];
    let mut picked = Vec::new();
    for document in &procedure.required_documents {
        let staged = core
            .stage_picked_file(&format!("{}.png", document.id), "image/png", scan.clone())
            .expect("the picked file is taken");
        picked.push((staged.attachment_id, Some(document.id.clone())));
    }
    if picked.is_empty() {
        let staged = core
            .stage_picked_file("cccd.png", "image/png", scan.clone())
            .expect("the picked file is taken");
        picked.push((staged.attachment_id, None));
    }
    assert_eq!(
        files_containing(data.path(), &secrets),
        Vec::<(String, String)>::new(),
        "a picked scan is not written to disk in the clear"
    );
    let outcome = runtime
        .block_on(core.submit(
            SubmissionDraft {
                procedure_id: procedure.id.clone(),
                form,
                files: Vec::new(),
                picked,
                wallet: Vec::new(),
                delivery: opendvc_tests::fixtures::counter_delivery(),
                fee_case: None,
            },
            true,
        ))
        .expect("offline, the submission is saved");
    assert!(!outcome.sent, "the portal is out of reach");
    assert_eq!(
        files_containing(data.path(), &secrets),
        Vec::<(String, String)>::new(),
        "while the submission waits offline, no file holds the scan in the clear"
    );
    runtime
        .block_on(core.end_assisted_session())
        .expect("the session ends");
    proxy.set_unreachable(false);
    let drained = runtime
        .block_on(core.drain_staff(std::time::Duration::from_secs(60)))
        .expect("the drain runs");
    assert_eq!(
        drained.end,
        opendvc_core::DrainEnd::Empty,
        "the scan and the application arrive: {drained:?}"
    );
    let arrived = Citizen::demo(&mut portal, 2)
        .applications()
        .into_iter()
        .filter(|application| application.channel == Channel::Assisted)
        .count();
    assert_eq!(arrived, assisted_before + 1, "the application arrived once");
    assert_eq!(
        files_containing(data.path(), &secrets),
        Vec::<(String, String)>::new(),
        "nothing of the scan is left"
    );
}

#[test]
fn a_supplement_made_at_the_counter_arrives_after_the_session_ended() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let cli = Cli::new(&data, &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "50")
        .env("OPENDVC_BACKOFF_CAP_MS", "200")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "3000");
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let (procedure, form, attach) = offline_submission_for(&mut portal, 1, scratch.path());
    let officer = opendvc_tests::fixtures::Officer::sign_in(&mut portal);
    cli.json(
        ["staff", "login", "--code", &code, "--password", &password],
        "the agent signs in",
    );
    cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[1].id_number,
            "--paper",
            "GIAYUQ-2026-000911",
        ],
        "the agent serves the citizen",
    );
    let mut submit = vec![
        "submit".to_owned(),
        "--procedure".to_owned(),
        procedure,
        "--form".to_owned(),
        form.display().to_string(),
    ];
    submit.extend(attach);
    let submitted = cli.json(submit, "the application goes at once");
    assert_eq!(submitted["sent"], true, "{submitted}");
    let application_code = submitted["applicationCode"]
        .as_str()
        .expect("a code")
        .to_owned();
    let application_id: uuid::Uuid = submitted["applicationId"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("an application id");
    officer.transition(
        application_id,
        opendvc_api::ApplicationStatus::SupplementRequested,
    );

    // The line drops while the agent adds the paper the officer asked for.
    proxy.set_unreachable(true);
    let supplement = cli.json(
        [
            "supplement",
            &application_code,
            "--note",
            "Bản sao giấy khai sinh, người dân mang đến quầy",
        ],
        "offline, the supplement is queued in the session",
    );
    assert_eq!(supplement["sent"], false, "{supplement}");
    cli.json(["assist", "end"], "the citizen leaves");

    proxy.set_unreachable(false);
    let drained = cli.json(["drain", "--max-wait", "60"], "back online, the drain runs");
    assert_eq!(
        (drained["end"].as_str(), drained["sent"].as_u64()),
        (Some("empty"), Some(1)),
        "the supplement is delivered with the staff token after the session ended: {drained}"
    );
    let arrived = Citizen::demo(&mut portal, 1).application(application_id);
    assert_eq!(
        arrived.supplements.len(),
        1,
        "the portal has the supplement once: {:?}",
        arrived.supplements
    );
}

#[test]
fn who_used_my_data_names_the_agent_who_served_the_citizen_in_the_citizens_own_app() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = portal.demo_accounts().citizens[0].clone();
    let scratch = tempfile::tempdir().expect("temp dir");
    let counter = Cli::new(&scratch.path().join("counter"), &portal.url());
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    counter.json(
        ["staff", "login", "--code", &code, "--password", &password],
        "the agent signs in at the counter",
    );
    let venue = counter.json(["staff", "status"], "the agent's venue")["venue"]["name"]
        .as_str()
        .expect("a venue")
        .to_owned();
    counter.json(
        [
            "assist",
            "open",
            "--id",
            &citizen.id_number,
            "--otp",
            &device_consent_code(&portal, &scratch.path().join("counter"), &citizen),
        ],
        "the citizen consents by code and the agent reads their papers",
    );
    counter.json(["assist", "end"], "the citizen leaves");

    // At home, the citizen signs in on their own phone.
    let phone = Cli::new(&scratch.path().join("phone"), &portal.url());
    portal
        .api()
        .post("/v1/auth/otp")
        .json(&serde_json::json!({ "idNumber": citizen.id_number }))
        .send()
        .expect_status(202, "a sign-in code goes to the citizen");
    let otp = portal.latest_code_sent_to(&citizen.phone);
    phone.json(
        ["login", "--id", &citizen.id_number, "--otp", &otp],
        "the citizen signs in",
    );
    let log = phone.json(["access-log"], "who used my data");
    let entries = log["entries"].as_array().expect("entries");
    let by_agent: Vec<_> = entries
        .iter()
        .filter(|shown| shown["entry"]["staff"]["code"] == code.as_str())
        .collect();
    assert!(
        by_agent
            .iter()
            .any(|shown| shown["entry"]["action"] == "session_opened"
                && shown["entry"]["venue"]["name"] == venue.as_str()
                && shown["entry"]["consent"] == "otp"),
        "the session the agent opened is in the log, with the venue and the consent: {log}"
    );
    assert!(
        by_agent.iter().all(|shown| shown["vietnamTime"]
            .as_str()
            .is_some_and(|time| time.len() == 16)),
        "each entry has its time in Vietnam time: {log}"
    );
    let table = phone.run(["access-log"]);
    table.expect_success("the table");
    assert!(
        table.stdout.contains(&code) && table.stdout.contains(&venue),
        "the table names the agent's code and the venue: {}",
        table.stdout
    );
}

#[test]
fn a_session_whose_record_is_damaged_still_has_its_sealed_work_delivered() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizens = portal.demo_accounts().citizens;
    let scratch = tempfile::tempdir().expect("temp dir");
    let data = scratch.path().join("data");
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through()).expect("proxy starts");
    let cli = Cli::new(&data, &proxy.url())
        .env("OPENDVC_BACKOFF_BASE_MS", "50")
        .env("OPENDVC_BACKOFF_CAP_MS", "200")
        .env("OPENDVC_REQUEST_TIMEOUT_MS", "3000");
    let (code, password) = staff_of(&mut portal, StaffKind::Agent);
    let (procedure, form, attach) = offline_submission_for(&mut portal, 0, scratch.path());
    let before = Citizen::demo(&mut portal, 0).applications().len();
    cli.json(
        ["staff", "login", "--code", &code, "--password", &password],
        "the agent signs in",
    );
    let opened = cli.json(
        [
            "assist",
            "open",
            "--id",
            &citizens[0].id_number,
            "--paper",
            "GIAYUQ-2026-000912",
        ],
        "the agent serves a citizen",
    );
    proxy.set_unreachable(true);
    let mut submit = vec![
        "submit".to_owned(),
        "--procedure".to_owned(),
        procedure,
        "--form".to_owned(),
        form.display().to_string(),
    ];
    submit.extend(attach);
    cli.json(submit, "offline, the submission waits sealed");
    cli.json(["assist", "end"], "the citizen leaves");
    let record = data
        .join("staff")
        .join("outbox")
        .join(opened["id"].as_str().expect("a session id"))
        .join("session.json");
    std::fs::write(&record, b"{\"id\": \"garbled").expect("damages the session's record");

    proxy.set_unreachable(false);
    let drained = cli.json(["drain", "--max-wait", "60"], "back online, the drain runs");
    assert_eq!(
        drained["end"], "empty",
        "the drain does not stop at the damaged record: {drained}"
    );
    assert_eq!(
        Citizen::demo(&mut portal, 0).applications().len(),
        before + 1,
        "the submission of the session whose record was damaged arrived: {drained}"
    );
}

#[test]
fn a_staff_key_wrapped_with_old_argon2_parameters_opens_and_is_rewrapped_at_the_next_sign_in() {
    use opendvc_core::sealing::{KdfParams, QueueKey, WrappedKey};

    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[1].clone();
    let mut device = StaffDevice::serving(
        &mut portal,
        StaffKind::Agent,
        opendvc_core::assist::StaffSignInOptions::default(),
        &person,
        "GIAYUQ-2026-000913",
    );
    let profile_path = device.data.path().join("staff").join("profile.json");
    let read_profile = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(&profile_path).expect("the staff profile"))
            .expect("JSON")
    };
    let plain = read_profile()["queueKey"]
        .as_str()
        .expect("the plain key while signed in")
        .to_owned();
    device
        .runtime
        .block_on(device.core.end_assisted_session())
        .expect("the session ends");
    device
        .runtime
        .block_on(device.core.staff_sign_out())
        .expect("the agent signs out");

    // The key as a device made before the parameters were stored: the old defaults, no
    // `params` in the JSON.
    let key = QueueKey::from_base64(&plain).expect("a key");
    let mut old = serde_json::to_value(
        WrappedKey::wrap_with(&key, &device.password, KdfParams::LEGACY).expect("wraps"),
    )
    .expect("JSON");
    old.as_object_mut().expect("an object").remove("params");
    let mut profile = read_profile();
    profile["wrappedKeys"][&device.code] = old;
    std::fs::write(&profile_path, serde_json::to_vec(&profile).expect("JSON")).expect("writes");

    let code = device.code.clone();
    let password = device.password.clone();
    device
        .runtime
        .block_on(device.core.staff_sign_in(
            &code,
            &password,
            opendvc_core::assist::StaffSignInOptions::default(),
        ))
        .expect("the old key opens with the password");
    let profile = read_profile();
    assert_eq!(
        profile["queueKey"].as_str(),
        Some(plain.as_str()),
        "the same queue key opens, so queued work stays readable"
    );
    let params = &profile["wrappedKeys"][&code]["params"];
    assert_eq!(
        (
            params["memoryKib"].as_u64(),
            params["iterations"].as_u64(),
            params["parallelism"].as_u64()
        ),
        (
            Some(u64::from(KdfParams::CURRENT.memory_kib)),
            Some(u64::from(KdfParams::CURRENT.iterations)),
            Some(u64::from(KdfParams::CURRENT.parallelism))
        ),
        "the key is wrapped anew with the current parameters: {profile}"
    );
}
