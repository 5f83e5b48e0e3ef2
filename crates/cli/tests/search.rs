//! `opendvc search` end to end: sign in at a real `opendvc-portal` (which syncs the catalog),
//! stop the portal, then search the catalog on the device.
//!
//! The portal is started through the project's test harness (`opendvc-tests`), which finds
//! `opendvc-portal` next to this test's executable: build the workspace first.

use std::process::{Command, Output, Stdio};

use opendvc_api::OtpRequest;
use opendvc_tests::{Portal, PortalOptions};
use serde_json::Value;

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

    fn run(&self, lang: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_opendvc"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(["--lang", lang])
            .args(args)
            .env_remove("OPENDVC_PORTAL")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .output()
            .expect("opendvc runs")
    }

    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let output = self.run("en", &all);
        let text = String::from_utf8_lossy(&output.stdout);
        let value = serde_json::from_str(text.trim()).unwrap_or_else(|error| {
            panic!(
                "opendvc {args:?} printed no JSON ({error}): {text} / {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code().unwrap_or(-1), value)
    }

    /// Signs the first demo citizen in with the CLI; the sign-in syncs the catalog.
    fn sign_in(&self, portal: &mut Portal) {
        let citizen = portal
            .demo_accounts()
            .citizens
            .into_iter()
            .next()
            .expect("the demo has a citizen");
        portal
            .api()
            .post("/v1/auth/otp")
            .json(&OtpRequest {
                id_number: citizen.id_number.clone(),
            })
            .send()
            .expect_status(202, "a one-time code is sent");
        let code = portal.latest_code_sent_to(&citizen.phone);
        let url = portal.url();
        let (status, value) = self.json(&[
            "--portal",
            &url,
            "login",
            "--id",
            &citizen.id_number,
            "--otp",
            &code,
        ]);
        assert_eq!(status, 0, "signs in: {value}");
        assert_eq!(
            value["signIn"]["sync"]["catalog"]["result"], "updated",
            "the sign-in brought the catalog: {value}"
        );
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_catalog_synced_at_sign_in_is_searched_with_the_portal_stopped() {
    let mut portal = Portal::start(PortalOptions::default());
    let device = Device::new();
    device.sign_in(&mut portal);
    portal.stop();

    let (status, value) = device.json(&["search", "ho", "chieu", "--limit", "3"]);
    assert_eq!(status, 0, "searching needs no portal: {value}");
    assert_eq!(value["query"], "ho chieu", "the words make one query");
    let hits = value["hits"].as_array().expect("a list of hits");
    assert!(
        (1..=3).contains(&hits.len()),
        "--limit bounds the hits: {value}"
    );
    let passport = &hits[0];
    assert_eq!(passport["procedureId"], "passport-issuance", "{value}");
    assert_eq!(
        passport["name"]["vi"],
        "Cấp hộ chiếu phổ thông ở trong nước"
    );
    assert_eq!(passport["matchedWords"], serde_json::json!(["hộ", "chiếu"]));
    assert_eq!(passport["onlineLevel"], "full");
    assert_eq!(
        passport["processingDays"],
        serde_json::json!({ "inPerson": 8, "online": 8 })
    );

    let vietnamese = device.run("vi", &["search", "dang ky khai sinh"]);
    assert_eq!(vietnamese.status.code(), Some(0));
    let text = stdout(&vietnamese);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("1. [Đăng] [ký] [khai] [sinh]"),
        "the name in the CLI's language, matched words marked (no terminal, so brackets):\n{text}"
    );
    assert_eq!(
        lines.next(),
        Some(
            "   birth-registration · nộp trực tuyến toàn trình · 1 ngày làm việc tại quầy, 1 ngày trực tuyến"
        ),
        "then the id, the online level and the processing days:\n{text}"
    );

    let english = device.run("en", &["search", "pasport"]);
    assert_eq!(english.status.code(), Some(0));
    assert!(
        stdout(&english)
            .starts_with("1. Issuance of an ordinary [passport] (domestic application)\n"),
        "a typo still finds the passport, named in English:\n{}",
        stdout(&english)
    );

    let nothing = device.run("en", &["search", "zzzzqqq"]);
    assert_eq!(nothing.status.code(), Some(0), "no hits is not an error");
    assert_eq!(stdout(&nothing).trim(), "No procedure matches “zzzzqqq”.");
}

#[test]
fn searching_before_anyone_signed_in_asks_to_sign_in() {
    let device = Device::new();
    let (status, value) = device.json(&["search", "ho chieu"]);
    assert_eq!(status, 3, "nobody signed in on this device: {value}");
    assert_eq!(value["error"]["code"], "not_signed_in");
    let usage = device.run("en", &["search"]);
    assert_eq!(usage.status.code(), Some(2), "a query is required");
}
