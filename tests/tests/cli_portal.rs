//! `opendvc` against a real `opendvc-portal` process on a loopback port: submissions online
//! and offline, drains killed and run at once, a drain through a weak link, refused follow-ups,
//! token refresh, and a supplement the city asked for.
//!
//! Build the binaries first: `cargo build -p opendvc-portal -p opendvc-cli`.

use std::collections::BTreeMap;
use std::process::Child;

use opendvc_api::{IDEMPOTENCY_KEY_HEADER, OtpRequest};
use opendvc_tests::cli::{Cli, CliRun};
use opendvc_tests::fault_proxy::{Fault, FaultPlan, FaultProxy, RequestFilter};
use opendvc_tests::{Portal, PortalOptions};
use serde_json::Value;

/// A data folder for the CLI, and the CLI pointed at one portal address.
struct Device {
    dir: tempfile::TempDir,
    cli: Cli,
}

impl Device {
    fn new(portal_url: &str) -> Device {
        let dir = tempfile::tempdir().expect("a data folder");
        let cli = Device::cli_at(dir.path(), portal_url);
        Device { dir, cli }
    }

    /// The CLI on `data_dir` pointed at `portal_url`, retrying quickly.
    fn cli_at(data_dir: &std::path::Path, portal_url: &str) -> Cli {
        Cli::new(data_dir, portal_url)
            .env("OPENDVC_BACKOFF_BASE_MS", "20")
            .env("OPENDVC_BACKOFF_CAP_MS", "200")
    }

    /// A device retrying with the shipped back-off (500 ms base, 30 s cap), as a person's does.
    fn with_shipped_back_off(portal_url: &str) -> Device {
        let dir = tempfile::tempdir().expect("a data folder");
        let cli = Cli::new(dir.path(), portal_url);
        Device { dir, cli }
    }

    /// The same device with the portal out of reach: nothing listens at its address.
    fn offline(&self) -> Cli {
        Device::cli_at(self.dir.path(), &dead_portal())
    }

    fn run(&self, args: &[&str]) -> CliRun {
        self.cli.run(args)
    }

    /// `opendvc --json ARGS…`: the exit code and the JSON printed.
    fn json(&self, args: &[&str]) -> (Option<i32>, Value) {
        json_of(&self.cli, args)
    }

    fn spawn(&self, args: &[&str]) -> Child {
        self.cli.spawn(args)
    }

    fn write(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("the file is written");
        path.to_string_lossy().into_owned()
    }

    fn sign_in(&self, portal: &mut Portal) {
        let citizen = portal.demo_accounts().citizens[0].clone();
        let refused = self.run(&["login", "--id", &citizen.id_number, "--otp", "000000"]);
        assert_eq!(refused.code, Some(7), "a wrong code is refused with exit 7");
        portal
            .api()
            .post("/v1/auth/otp")
            .json(&OtpRequest {
                id_number: citizen.id_number.clone(),
            })
            .send()
            .expect_status(202, "the citizen asks for a one-time code");
        let code = portal.latest_code_sent_to(&citizen.phone);
        let (status, value) = self.json(&["login", "--id", &citizen.id_number, "--otp", &code]);
        assert_eq!(
            status,
            Some(0),
            "the code from the outbox signs in: {value}"
        );
        assert!(
            value["signIn"]["sync"].is_object(),
            "the first sync ran: {value}"
        );
    }

    fn form(&self) -> String {
        self.write(
            "form.json",
            r#"{"fullName": "Nguyễn Thị Lan", "documentName": "Giấy khai sinh", "pages": 2,
                "copies": 1}"#,
        )
    }

    fn application_count(&self) -> usize {
        let (status, value) = self.json(&["applications"]);
        assert_eq!(status, Some(0), "the applications are listed: {value}");
        value["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|entry| entry["local"] == false)
            .count()
    }
}

/// `cli --json ARGS…`: the exit code and the JSON printed.
fn json_of(cli: &Cli, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = cli.run(&all);
    let value = run.json();
    (run.code, value)
}

/// An address nobody listens on: the device is "offline".
fn dead_portal() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{address}")
}

#[test]
fn submission_reaches_the_real_portal_and_shows_its_code() {
    let mut portal = Portal::start(PortalOptions::default());
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    let before = device.application_count();
    let form = device.form();
    let (status, outcome) = device.json(&[
        "submit",
        "--procedure",
        "copy-certification",
        "--form",
        &form,
    ]);
    assert_eq!(status, Some(0), "{outcome}");
    assert_eq!(outcome["sent"], true, "online: sent at once: {outcome}");
    let code = outcome["applicationCode"]
        .as_str()
        .expect("a code")
        .to_owned();
    let (status, detail) = device.json(&["show", &code]);
    assert_eq!(status, Some(0), "the application is shown: {detail}");
    assert_eq!(detail["application"]["code"], code.as_str());
    assert_eq!(device.application_count(), before + 1);
}

#[test]
fn offline_submissions_are_saved_then_drained_exactly_once_despite_a_kill() {
    let mut portal = Portal::start(PortalOptions::default());
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    let before = device.application_count();
    let offline = device.offline();
    let form = device.form();
    // The portal sniffs uploads: the file must really be the PDF its name says.
    let attachment = device.write(
        "birth-certificate.pdf",
        opendvc_tests::fixtures::pdf_bytes("giấy chứng sinh"),
    );
    let birth = device.write(
        "birth.json",
        r#"{"childName": "Bé An", "childBirthDate": "2026-11-01"}"#,
    );
    for _ in 0..6 {
        let saved = offline.run([
            "submit",
            "--procedure",
            "copy-certification",
            "--form",
            form.as_str(),
        ]);
        saved.expect_success("an offline submission is saved");
        assert!(
            saved.stdout.contains("Saved on this device"),
            "the person is told it is saved, not sent: {}",
            saved.stdout
        );
    }
    let (status, outcome) = json_of(
        &offline,
        &[
            "submit",
            "--procedure",
            "birth-registration",
            "--form",
            &birth,
            "--attach",
            &attachment,
        ],
    );
    assert_eq!(status, Some(0), "{outcome}");
    assert_eq!(
        outcome["sent"], false,
        "offline: saved, not sent: {outcome}"
    );
    let (_, listed) = device.json(&["applications"]);
    let waiting = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["status"] == "waiting_to_send")
        .count();
    assert_eq!(
        waiting, 7,
        "every queued submission is shown as waiting to send"
    );

    // A drain killed at an arbitrary moment, then a full one.
    let mut interrupted = device.spawn(&["drain"]);
    std::thread::sleep(std::time::Duration::from_millis(150));
    // The drain may have finished already; either way it is reaped below.
    let _ = interrupted.kill();
    interrupted.wait().expect("the interrupted drain is reaped");
    let (status, drained) = device.json(&["drain", "--max-wait", "60"]);
    assert_eq!(status, Some(0), "the queue empties: {drained}");
    assert_eq!(drained["end"], "empty");
    let (_, again) = device.json(&["drain"]);
    assert_eq!(again["sent"], 0, "nothing is sent twice");

    let (status, synced) = device.json(&["sync"]);
    assert_eq!(status, Some(0), "the device syncs: {synced}");
    assert_eq!(
        device.application_count(),
        before + 7,
        "exactly one application per submission"
    );
    let (_, queue) = device.json(&["queue"]);
    assert!(
        queue["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|item| item["state"] == "sent"),
        "every local item is sent: {queue}"
    );
}

#[test]
fn refused_follow_up_needs_attention_and_drain_says_so() {
    let mut portal = Portal::start(PortalOptions::default());
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    let form = device.form();
    let (_, outcome) = json_of(
        &device.offline(),
        &[
            "submit",
            "--procedure",
            "copy-certification",
            "--form",
            &form,
        ],
    );
    let item = outcome["itemId"].as_str().expect("item id").to_owned();
    let (status, follow_up) = json_of(
        &device.offline(),
        &["supplement", &item, "--note", "more papers"],
    );
    assert_eq!(status, Some(0), "{follow_up}");
    // The portal takes supplements only while one is requested: this one needs attention.
    let drained = device.run(&["drain", "--max-wait", "30"]);
    assert_eq!(
        drained.code,
        Some(4),
        "a drain that leaves an item needing attention exits 4: {}",
        drained.stderr
    );
    let (_, queue) = device.json(&["queue"]);
    let refused = queue["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|entry| entry["state"] == "needs_attention")
        .expect("the supplement needs attention");
    assert_eq!(
        refused["reason"]["code"], "invalid_state",
        "the portal's reason is kept"
    );
    let id = refused["id"].as_str().expect("id").to_owned();
    let unconfirmed = device.run(&["queue", "discard", &id]);
    assert_eq!(unconfirmed.code, Some(8), "no discard without confirmation");
    let (status, discarded) = device.json(&["queue", "discard", &id, "--yes"]);
    assert_eq!(status, Some(0), "a confirmed discard works: {discarded}");
    device
        .run(&["drain"])
        .expect_success("nothing is left to drain");
}

/// Seconds a citizen access token lives in the refresh tests (`serve --access-ttl`).
const ACCESS_TTL: u32 = 60;

#[test]
fn expired_access_token_is_refreshed_and_the_rotated_token_kept() {
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    let session_path = device.dir.path().join("session.json");
    let read_session = || -> Value {
        serde_json::from_slice(&std::fs::read(&session_path).expect("the session file"))
            .expect("the session file is JSON")
    };
    let before = read_session();
    // The token's lifetime passes on the portal's clock, not by waiting.
    portal.advance_clock(i64::from(ACCESS_TTL) + 1);
    let (status, report) = device.json(&["sync"]);
    assert_eq!(status, Some(0), "the expired token was refreshed: {report}");
    assert_ne!(
        before["refreshToken"],
        read_session()["refreshToken"],
        "the rotated refresh token is stored"
    );
}

#[test]
fn two_drains_at_once_never_send_an_item_twice() {
    let mut portal = Portal::start(PortalOptions::default());
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    let before = device.application_count();
    let offline = device.offline();
    let form = device.form();
    for _ in 0..20 {
        offline
            .run([
                "submit",
                "--no-send",
                "--procedure",
                "copy-certification",
                "--form",
                form.as_str(),
            ])
            .expect_success("a submission is queued");
    }
    let drains: Vec<Child> = (0..3)
        .map(|_| device.spawn(&["drain", "--max-wait", "60"]))
        .collect();
    for drain in drains {
        let output = drain.wait_with_output().expect("the drain ends");
        assert_eq!(
            output.status.code(),
            Some(0),
            "every drain ends with an empty queue: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (status, synced) = device.json(&["sync"]);
    assert_eq!(status, Some(0), "the device syncs: {synced}");
    assert_eq!(
        device.application_count(),
        before + 20,
        "one application per submission, none doubled"
    );
}

/// Submissions queued at an outreach event, then drained through a weak mobile line.
const WEAK_LINK_SUBMISSIONS: usize = 60;

/// A weak mobile line between an outreach laptop and the portal (issue 19): of the submissions'
/// POSTs, 15% are answered 503 with `Retry-After: 1`, 10% have their connection reset and 15%
/// lose their reply after the portal acted. One `drain` with the shipped back-off delivers all
/// sixty, each exactly once, and spends exactly one retry per fault: the back-off follows the
/// link, so no item waits out its own past failures, and an item whose reply was lost goes
/// again with the same key.
#[test]
fn sixty_submissions_through_a_weak_link_arrive_once_in_one_drain() {
    let mut portal = Portal::start(PortalOptions::default());
    let proxy = FaultProxy::start(portal.addr(), FaultPlan::pass_through())
        .expect("the fault proxy starts");
    let device = Device::with_shipped_back_off(&proxy.url());
    device.sign_in(&mut portal);
    let before = device.application_count();
    let form = device.form();
    for _ in 0..WEAK_LINK_SUBMISSIONS {
        device
            .offline()
            .run([
                "submit",
                "--no-send",
                "--procedure",
                "copy-certification",
                "--form",
                form.as_str(),
            ])
            .expect_success("a submission is queued");
    }
    let submissions = RequestFilter::path_prefix("/v1/applications").method("POST");
    proxy.set_plan(
        FaultPlan::seeded(19)
            .with(Fault::Pass, 60)
            .with(
                Fault::Overloaded {
                    retry_after_secs: 1,
                },
                15,
            )
            .with(Fault::Reset, 10)
            .with(Fault::LostResponse, 15)
            .only_for(submissions),
    );
    // The time bound is a hang guard, far above the waits the server's answers impose.
    let (status, drained) = device.json(&["drain", "--max-wait", "300"]);
    let stats = proxy.stats();
    proxy.set_plan(FaultPlan::pass_through());
    assert_eq!(
        status,
        Some(0),
        "one drain empties the queue through the weak link: {drained} (proxy: {stats})"
    );
    assert_eq!(drained["end"], "empty", "{drained}");
    assert_eq!(
        drained["sent"], WEAK_LINK_SUBMISSIONS,
        "every submission is sent in this one drain: {drained}"
    );
    let faults = stats.service_unavailable + stats.resets + stats.lost_responses;
    assert!(
        stats.service_unavailable > 0 && stats.resets > 0 && stats.lost_responses > 0,
        "the link showed each kind of fault: {stats}"
    );
    assert_eq!(
        drained["retries"], faults,
        "each fault costs one retry and nothing else does (proxy: {stats}): {drained}"
    );

    // Every POST of a submission carries its item's key; a key goes again only after a fault.
    let mut tries_per_key: BTreeMap<String, u64> = BTreeMap::new();
    for request in proxy
        .requests()
        .iter()
        .filter(|request| request.method == "POST" && request.path() == "/v1/applications")
    {
        let key = request
            .header(IDEMPOTENCY_KEY_HEADER)
            .expect("every submission carries its Idempotency-Key");
        *tries_per_key.entry(key.to_owned()).or_default() += 1;
    }
    assert_eq!(
        tries_per_key.len(),
        WEAK_LINK_SUBMISSIONS,
        "one key per submission, resent under the same key"
    );
    assert_eq!(
        tries_per_key.values().sum::<u64>(),
        WEAK_LINK_SUBMISSIONS as u64 + faults,
        "the POSTs are the first tries plus one per fault (proxy: {stats})"
    );
    let (_, queue) = device.json(&["queue"]);
    let items = queue["items"].as_array().expect("items");
    assert!(
        items.iter().all(|item| item["state"] == "sent"),
        "every local item is sent: {queue}"
    );
    let attempts: u64 = items
        .iter()
        .map(|item| item["attempts"].as_u64().expect("attempts"))
        .sum();
    assert_eq!(
        attempts, faults,
        "the items' failed attempts are the link's faults: {queue}"
    );

    let (status, synced) = device.json(&["sync"]);
    assert_eq!(status, Some(0), "the device syncs: {synced}");
    assert_eq!(
        device.application_count(),
        before + WEAK_LINK_SUBMISSIONS,
        "exactly one application per submission at the portal"
    );
}

#[test]
fn supplement_requested_by_the_city_is_answered_through_the_queue() {
    let mut portal = Portal::start(PortalOptions::default());
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    let form = device.form();
    let (_, outcome) = json_of(
        &device.offline(),
        &[
            "submit",
            "--procedure",
            "copy-certification",
            "--form",
            &form,
        ],
    );
    let item = outcome["itemId"].as_str().expect("item id").to_owned();
    let (status, drained) = device.json(&["drain"]);
    assert_eq!(status, Some(0), "the submission is sent: {drained}");
    let (_, detail) = device.json(&["show", &item]);
    let code = detail["entry"]["code"]
        .as_str()
        .expect("the queue item now has a code")
        .to_owned();

    portal.officer(&[
        "transition",
        &code,
        "--to",
        "supplement_requested",
        "--note",
        "Cần bổ sung ảnh 4x6",
    ]);
    let (status, synced) = device.json(&["sync"]);
    assert_eq!(status, Some(0), "the device syncs: {synced}");
    let (_, dashboard) = device.json(&["status"]);
    assert!(
        dashboard["needingAction"]
            .as_array()
            .expect("list")
            .iter()
            .any(|entry| entry["code"] == code.as_str()),
        "the request shows as needing action: {dashboard}"
    );

    let photo = device.write(
        "anh-4x6.jpg",
        opendvc_tests::fixtures::jpeg_bytes("ảnh 4x6"),
    );
    let (status, sent) = device.json(&[
        "supplement",
        &code,
        "--note",
        "Ảnh 4x6 đây",
        "--attach",
        &photo,
    ]);
    assert_eq!(status, Some(0), "{sent}");
    assert_eq!(sent["sent"], true, "online: sent at once: {sent}");
    let (_, detail) = device.json(&["show", &code]);
    assert_eq!(
        detail["application"]["status"], "processing",
        "the supplement moved it on"
    );
    let supplements = detail["application"]["supplements"]
        .as_array()
        .expect("supplements");
    assert_eq!(supplements.len(), 1, "exactly one supplement");
    assert_eq!(supplements[0]["note"], "Ảnh 4x6 đây");
}

#[test]
fn processes_refreshing_at_once_share_one_rotation() {
    // The lifetime is long against the real time a round takes (a token of one second could
    // expire again between a refresh and its retried request on a busy machine, which is a
    // second refusal, not a shared rotation); each round steps the portal's clock past it.
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    for round in 0..3 {
        // The token's lifetime passes on the portal's clock, not by waiting. The step is also
        // past the portal's grace for a spent refresh token, so a process that used the
        // previous round's token would end the session.
        portal.advance_clock(i64::from(ACCESS_TTL) + 1);
        let syncs: Vec<Child> = (0..4).map(|_| device.spawn(&["sync"])).collect();
        for sync in syncs {
            let output = sync.wait_with_output().expect("the sync ends");
            assert_eq!(
                output.status.code(),
                Some(0),
                "round {round}: a rotated refresh token used twice would end the session: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let (status, synced) = device.json(&["sync"]);
    assert_eq!(status, Some(0), "still signed in: {synced}");
}

#[test]
fn the_quote_offline_is_what_the_portal_charges() {
    let mut portal = Portal::start(PortalOptions::default());
    let device = Device::new(&portal.url());
    device.sign_in(&mut portal);
    let offline = device.offline();
    let (status, quote) = json_of(
        &offline,
        &[
            "quote",
            "copy-certification",
            "--form",
            "pages=5",
            "--form",
            "copies=2",
        ],
    );
    assert_eq!(
        status,
        Some(0),
        "quoted offline from the cached catalog: {quote}"
    );
    assert_eq!(
        quote["quote"]["total"], 14_000,
        "two copies of five pages: (2 × 2,000 + 3 × 1,000) × 2: {quote}"
    );
    let form = device.write("copies.json", r#"{"documentName": "Giấy khai sinh", "fullName": "Nguyễn Thị Lan", "pages": 5, "copies": 2}"#);
    let (status, outcome) = device.json(&[
        "submit",
        "--procedure",
        "copy-certification",
        "--form",
        &form,
    ]);
    assert_eq!(status, Some(0), "{outcome}");
    let code = outcome["applicationCode"]
        .as_str()
        .expect("a code")
        .to_owned();
    let (_, detail) = device.json(&["show", &code]);
    assert_eq!(
        detail["application"]["fee"], quote["quote"]["fee"],
        "the portal charges what the app quoted: {detail}"
    );
    let (status, undecided) = json_of(&offline, &["quote", "passport-issuance"]);
    assert_eq!(status, Some(7), "no quote without the case: {undecided}");
    let choices: Vec<&str> = undecided["choices"]
        .as_array()
        .expect("the choices")
        .iter()
        .filter_map(|choice| choice["id"].as_str())
        .collect();
    assert_eq!(
        choices,
        ["new", "lost-or-damaged"],
        "the passport's cases are listed to choose from: {undecided}"
    );
}
