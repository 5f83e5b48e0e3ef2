//! `opendvc` against a real `opendvc-portal` process on a loopback port.
//!
//! The portal binary is found through `$OPENDVC_PORTAL_BIN`, or next to this test's
//! executable (`target/<profile>/opendvc-portal`, which `cargo build --workspace` puts there).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

fn portal_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("OPENDVC_PORTAL_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let candidate = profile_dir.join("opendvc-portal");
    assert!(
        candidate.exists(),
        "opendvc-portal not found at {}: build the workspace first: cargo build --workspace \
         (or set OPENDVC_PORTAL_BIN)",
        candidate.display()
    );
    candidate
}

/// A running portal, stopped when dropped.
struct Portal {
    child: Child,
    url: String,
    dir: tempfile::TempDir,
    /// The first demo citizen's ID number and phone (`opendvc-portal demo-accounts`).
    citizen: (String, String),
}

impl Portal {
    fn start(extra: &[&str]) -> Portal {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(portal_binary())
            .arg("serve")
            .arg("--db")
            .arg(dir.path().join("portal.db"))
            .args(["--listen", "127.0.0.1:0", "--demo"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("portal starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("reads the first line");
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the portal: {first:?}"))
            .to_owned();
        let accounts = Command::new(portal_binary())
            .arg("demo-accounts")
            .output()
            .expect("demo-accounts runs");
        let accounts: Value =
            serde_json::from_slice(&accounts.stdout).expect("demo accounts are JSON");
        let first = &accounts["citizens"][0];
        let citizen = (
            first["idNumber"].as_str().expect("an ID number").to_owned(),
            first["phone"].as_str().expect("a phone").to_owned(),
        );
        Portal {
            child,
            url,
            dir,
            citizen,
        }
    }

    /// Plays the city's part: `opendvc-portal officer transition CODE --to STATUS`.
    fn officer_transition(&self, code: &str, to: &str, note: &str) {
        let status = Command::new(portal_binary())
            .arg("officer")
            .arg("--db")
            .arg(self.dir.path().join("portal.db"))
            .args(["transition", code, "--to", to, "--note", note])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("officer command runs");
        assert!(status.success(), "the officer moves {code} to {to}");
    }

    async fn latest_code(&self, phone: &str) -> String {
        let messages: Value = reqwest::get(format!("{}/v1/dev/messages", self.url))
            .await
            .expect("dev outbox reachable")
            .json()
            .await
            .expect("dev outbox is JSON");
        let body = messages
            .as_array()
            .expect("a list")
            .iter()
            .rev()
            .find(|message| message["to"] == phone)
            .and_then(|message| message["body"].as_str())
            .expect("a message to the citizen")
            .to_owned();
        let digits: Vec<char> = body.chars().collect();
        digits
            .windows(6)
            .enumerate()
            .find(|(index, window)| {
                window.iter().all(char::is_ascii_digit)
                    && digits
                        .get(index + 6)
                        .is_none_or(|next| !next.is_ascii_digit())
                    && (*index == 0 || !digits[index - 1].is_ascii_digit())
            })
            .map(|(_, window)| window.iter().collect())
            .expect("a six-digit code")
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _killed = self.child.kill();
        let _reaped = self.child.wait();
    }
}

/// A data folder for the CLI.
struct Device {
    dir: tempfile::TempDir,
}

impl Device {
    fn new() -> Device {
        Device {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_opendvc"));
        command
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(["--lang", "en"])
            .args(args)
            .env_remove("OPENDVC_PORTAL")
            .env("OPENDVC_BACKOFF_BASE_MS", "20")
            .env("OPENDVC_BACKOFF_CAP_MS", "200")
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("opendvc runs")
    }

    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        let text = String::from_utf8_lossy(&output.stdout);
        let value = serde_json::from_str(text.trim()).unwrap_or_else(|error| {
            panic!(
                "opendvc {args:?} printed no JSON ({error}): {text} / {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code().unwrap_or(-1), value)
    }

    fn write(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("writes");
        path.to_string_lossy().into_owned()
    }

    async fn sign_in(&self, portal: &Portal) {
        let (id_number, phone) = &portal.citizen;
        let requested = self.run(&[
            "--portal",
            &portal.url,
            "login",
            "--id",
            id_number,
            "--otp",
            "000000",
        ]);
        assert_eq!(
            requested.status.code(),
            Some(7),
            "a wrong code is refused with exit 7"
        );
        reqwest::Client::new()
            .post(format!("{}/v1/auth/otp", portal.url))
            .json(&serde_json::json!({ "idNumber": id_number }))
            .send()
            .await
            .expect("asks for a code");
        let code = portal.latest_code(phone).await;
        let (status, value) = self.json(&[
            "--portal",
            &portal.url,
            "login",
            "--id",
            id_number,
            "--otp",
            &code,
        ]);
        assert_eq!(status, 0, "signs in: {value}");
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
        assert_eq!(status, 0);
        value["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|entry| entry["local"] == false)
            .count()
    }
}

/// An address nobody listens on: the device is "offline".
fn dead_portal() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}")
}

#[tokio::test]
async fn submission_reaches_the_real_portal_and_shows_its_code() {
    let portal = Portal::start(&[]);
    let device = Device::new();
    device.sign_in(&portal).await;
    let before = device.application_count();
    let form = device.form();
    let (status, outcome) = device.json(&[
        "submit",
        "--procedure",
        "copy-certification",
        "--form",
        &form,
    ]);
    assert_eq!(status, 0, "{outcome}");
    assert_eq!(outcome["sent"], true, "online: sent at once: {outcome}");
    let code = outcome["applicationCode"]
        .as_str()
        .expect("a code")
        .to_owned();
    let (status, detail) = device.json(&["show", &code]);
    assert_eq!(status, 0);
    assert_eq!(detail["application"]["code"], code.as_str());
    assert_eq!(device.application_count(), before + 1);
}

#[tokio::test]
async fn offline_submissions_are_saved_then_drained_exactly_once_despite_a_kill() {
    let portal = Portal::start(&[]);
    let device = Device::new();
    device.sign_in(&portal).await;
    let before = device.application_count();
    let offline = dead_portal();
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
        let output = device.run(&[
            "--portal",
            &offline,
            "submit",
            "--procedure",
            "copy-certification",
            "--form",
            &form,
        ]);
        assert_eq!(output.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Saved on this device"),
            "the person is told it is saved, not sent"
        );
    }
    let (status, outcome) = device.json(&[
        "--portal",
        &offline,
        "submit",
        "--procedure",
        "birth-registration",
        "--form",
        &birth,
        "--attach",
        &attachment,
    ]);
    assert_eq!(status, 0, "{outcome}");
    assert_eq!(outcome["sent"], false);
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
    let mut interrupted = device
        .command(&["drain"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("drain starts");
    tokio::time::sleep(Duration::from_millis(150)).await;
    let _killed = interrupted.kill();
    let _reaped = interrupted.wait();
    let (status, drained) = device.json(&["drain", "--max-wait", "60"]);
    assert_eq!(status, 0, "the queue empties: {drained}");
    assert_eq!(drained["end"], "empty");
    let (_, again) = device.json(&["drain"]);
    assert_eq!(again["sent"], 0, "nothing is sent twice");

    let (status, _) = device.json(&["sync"]);
    assert_eq!(status, 0);
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

#[tokio::test]
async fn refused_follow_up_needs_attention_and_drain_says_so() {
    let portal = Portal::start(&[]);
    let device = Device::new();
    device.sign_in(&portal).await;
    let form = device.form();
    let (_, outcome) = device.json(&[
        "--portal",
        &dead_portal(),
        "submit",
        "--procedure",
        "copy-certification",
        "--form",
        &form,
    ]);
    let item = outcome["itemId"].as_str().expect("item id").to_owned();
    let (status, follow_up) = device.json(&[
        "--portal",
        &dead_portal(),
        "supplement",
        &item,
        "--note",
        "more papers",
    ]);
    assert_eq!(status, 0, "{follow_up}");
    // The portal takes supplements only while one is requested: this one needs attention.
    let output = device.run(&["drain", "--max-wait", "30"]);
    assert_eq!(
        output.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&output.stderr)
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
    let output = device.run(&["queue", "discard", &id]);
    assert_eq!(
        output.status.code(),
        Some(8),
        "no discard without confirmation"
    );
    let (status, _) = device.json(&["queue", "discard", &id, "--yes"]);
    assert_eq!(status, 0);
    let output = device.run(&["drain"]);
    assert_eq!(output.status.code(), Some(0));
}

#[tokio::test]
async fn expired_access_token_is_refreshed_and_the_rotated_token_kept() {
    // Long enough that the request resent after the refresh reaches the portal before its new
    // token expires too, even on a loaded machine; short enough to wait out in a test.
    let portal = Portal::start(&["--access-ttl", "4"]);
    let device = Device::new();
    device.sign_in(&portal).await;
    let session_path = device.dir.path().join("session.json");
    let before: Value =
        serde_json::from_slice(&std::fs::read(&session_path).expect("session")).expect("json");
    tokio::time::sleep(Duration::from_millis(5000)).await;
    let (status, report) = device.json(&["sync"]);
    assert_eq!(status, 0, "the expired token was refreshed: {report}");
    let after: Value =
        serde_json::from_slice(&std::fs::read(&session_path).expect("session")).expect("json");
    assert_ne!(
        before["refreshToken"], after["refreshToken"],
        "the rotated refresh token is stored"
    );
}

#[tokio::test]
async fn two_drains_at_once_never_send_an_item_twice() {
    let portal = Portal::start(&[]);
    let device = Device::new();
    device.sign_in(&portal).await;
    let before = device.application_count();
    let offline = dead_portal();
    let form = device.form();
    for _ in 0..20 {
        let output = device.run(&[
            "--portal",
            &offline,
            "submit",
            "--no-send",
            "--procedure",
            "copy-certification",
            "--form",
            &form,
        ]);
        assert_eq!(output.status.code(), Some(0));
    }
    let drains: Vec<Child> = (0..3)
        .map(|_| {
            device
                .command(&["drain", "--max-wait", "60"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("drain starts")
        })
        .collect();
    for mut drain in drains {
        let status = drain.wait().expect("drain ends");
        assert_eq!(
            status.code(),
            Some(0),
            "every drain ends with an empty queue"
        );
    }
    let (status, _) = device.json(&["sync"]);
    assert_eq!(status, 0);
    assert_eq!(
        device.application_count(),
        before + 20,
        "one application per submission, none doubled"
    );
}

#[tokio::test]
async fn supplement_requested_by_the_city_is_answered_through_the_queue() {
    let portal = Portal::start(&[]);
    let device = Device::new();
    device.sign_in(&portal).await;
    let form = device.form();
    let (_, outcome) = device.json(&[
        "--portal",
        &dead_portal(),
        "submit",
        "--procedure",
        "copy-certification",
        "--form",
        &form,
    ]);
    let item = outcome["itemId"].as_str().expect("item id").to_owned();
    let (status, _) = device.json(&["drain"]);
    assert_eq!(status, 0);
    let (_, detail) = device.json(&["show", &item]);
    let code = detail["entry"]["code"]
        .as_str()
        .expect("the queue item now has a code")
        .to_owned();

    portal.officer_transition(&code, "supplement_requested", "Cần bổ sung ảnh 4x6");
    let (status, _) = device.json(&["sync"]);
    assert_eq!(status, 0);
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
    assert_eq!(status, 0, "{sent}");
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

#[tokio::test]
async fn processes_refreshing_at_once_share_one_rotation() {
    let portal = Portal::start(&["--access-ttl", "1"]);
    let device = Device::new();
    device.sign_in(&portal).await;
    for round in 0..3 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let syncs: Vec<Child> = (0..4)
            .map(|_| {
                device
                    .command(&["sync"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("sync starts")
            })
            .collect();
        for mut sync in syncs {
            let status = sync.wait().expect("sync ends");
            assert_eq!(
                status.code(),
                Some(0),
                "round {round}: a rotated refresh token used twice would end the session"
            );
        }
    }
    let (status, _) = device.json(&["sync"]);
    assert_eq!(status, 0, "still signed in");
}
