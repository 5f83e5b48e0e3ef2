//! The portal reaches people outside the app: SMS through a gateway speaking eSMS's JSON
//! contract (a stand-in on 127.0.0.1 that fails at first, as gateways do), e-mail through a
//! real SMTP server (Python's aiosmtpd, from xtask's virtual environment, writing a Maildir).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use opendvc_api::ApplicationStatus;
use opendvc_tests::fixtures::{Citizen, Officer, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions, six_digit_code};
use serde_json::{Value, json};

/// A request the gateway stand-in received: its headers (lower-case names) and JSON body.
#[derive(Debug, Clone)]
struct Received {
    headers: BTreeMap<String, String>,
    body: Value,
}

/// A stand-in for an SMS gateway on 127.0.0.1: records every request and answers the n-th
/// (from 1) with `answer(n)`: an HTTP status and a JSON body.
struct GatewayStandIn {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Received>>>,
    _runtime: tokio::runtime::Runtime,
}

impl GatewayStandIn {
    fn start(answer: fn(usize) -> (u16, Value)) -> GatewayStandIn {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the stand-in");
        let requests: Arc<Mutex<Vec<Received>>> = Arc::default();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind the stand-in");
        let addr = listener.local_addr().expect("its address");
        let seen = Arc::clone(&requests);
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let seen = Arc::clone(&seen);
                        async move {
                            let headers = request
                                .headers()
                                .iter()
                                .map(|(name, value)| {
                                    (
                                        name.as_str().to_owned(),
                                        value.to_str().unwrap_or("").to_owned(),
                                    )
                                })
                                .collect();
                            let body = request.into_body().collect().await?.to_bytes();
                            let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                            let count = {
                                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                                seen.push(Received { headers, body });
                                seen.len()
                            };
                            let (status, reply) = answer(count);
                            Ok::<_, hyper::Error>(
                                Response::builder()
                                    .status(status)
                                    .header("content-type", "application/json")
                                    .body(Full::new(Bytes::from(reply.to_string())))
                                    .expect("a response"),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        GatewayStandIn {
            addr,
            requests,
            _runtime: runtime,
        }
    }

    fn requests(&self) -> Vec<Received> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// eSMS answers "system busy" (99) twice, then takes the message (100).
fn esms_busy_twice(count: usize) -> (u16, Value) {
    if count <= 2 {
        (
            200,
            json!({"CodeResult": "99", "ErrorMessage": "System busy"}),
        )
    } else {
        (
            200,
            json!({"CodeResult": "100", "SMSID": format!("esms-{count}")}),
        )
    }
}

/// Waits (polling, 100 ms at a time) until `ready` gives a value, or fails saying `what`.
fn wait_for<T>(what: &str, limit: Duration, mut ready: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = ready() {
            return value;
        }
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The notification outbox tries a message again after a second, not the shipped 10 s, 1 min …
fn quick_retries() -> Value {
    json!({"notifications": {"retryAfterSeconds": [1]}})
}

fn esms_config(addr: SocketAddr) -> String {
    format!(
        "[sms]\ngateway = \"esms\"\nurl = \"http://{addr}/MainService.svc/json/SendMultipleMessage_V4_post_json/\"\nbrandname = \"DANANG\"\n"
    )
}

#[test]
fn a_sign_in_code_reaches_the_esms_gateway_once_with_its_fields_after_the_gateway_failed() {
    let gateway = GatewayStandIn::start(esms_busy_twice);
    let mut portal = Portal::start(
        PortalOptions::default()
            .with_config(&esms_config(gateway.addr))
            .with_env("OPENDVC_ESMS_API_KEY", "test-api-key")
            .with_env("OPENDVC_ESMS_SECRET_KEY", "test-secret-key")
            .with_limits(quick_retries()),
    );
    let citizen = portal.demo_accounts().citizens[0].clone();
    portal.sign_in_citizen(&citizen.id_number);
    let requests = wait_for(
        "the gateway to take the code",
        Duration::from_secs(30),
        || {
            let requests = gateway.requests();
            (requests.len() >= 3).then_some(requests)
        },
    );
    let request_ids: Vec<&str> = requests
        .iter()
        .map(|request| request.body["RequestId"].as_str().unwrap_or(""))
        .collect();
    assert!(
        uuid::Uuid::parse_str(request_ids[0]).is_ok(),
        "RequestId is the message's id: {request_ids:?}"
    );
    assert!(
        request_ids.iter().all(|id| *id == request_ids[0]),
        "every retry of one message carries the same RequestId, so the gateway delivers it once: {request_ids:?}"
    );
    let sent = &requests[2].body;
    println!("SMS received by the eSMS stand-in (third try):\n{sent:#}");
    assert_eq!(
        sent["ApiKey"], "test-api-key",
        "the key from the environment"
    );
    assert_eq!(sent["SecretKey"], "test-secret-key");
    assert_eq!(sent["Brandname"], "DANANG");
    assert_eq!(sent["SmsType"], "2");
    assert_eq!(sent["Sandbox"], "0");
    let phone = sent["Phone"].as_str().unwrap_or("");
    assert!(
        phone.starts_with('0') && phone.len() == 10,
        "the number in eSMS's national form: {phone}"
    );
    let content = sent["Content"].as_str().unwrap_or("");
    let sms_code = six_digit_code(content).expect("the code is in the text");
    assert_eq!(
        sms_code,
        portal.latest_code_sent_to(&citizen.phone),
        "the gateway got the code the dev outbox shows"
    );
    assert_eq!(
        sent["IsUnicode"], "0",
        "the Vietnamese code text is longer than one UCS-2 segment: sent folded"
    );
    assert!(
        content.starts_with("OpenDVC: ma dang nhap cua ban la"),
        "folded without diacritics: {content}"
    );
    assert!(content.is_ascii(), "GSM-7 only: {content}");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        gateway.requests().len(),
        3,
        "once accepted, the message is not sent again"
    );
    // The portal's own lines (the harness notes how it started the portal, environment too).
    let log: String = portal
        .log_text()
        .lines()
        .filter(|line| !line.starts_with("harness:"))
        .collect();
    assert!(
        !log.contains("test-secret-key") && !log.contains(&sms_code),
        "neither the secret nor the code appears in the portal's log"
    );
}

#[test]
fn any_other_gateway_gets_the_sms_as_json_with_its_token_and_one_idempotency_key() {
    fn unavailable_once(count: usize) -> (u16, Value) {
        if count == 1 {
            (503, json!({}))
        } else {
            (200, json!({"id": "webhook-1"}))
        }
    }
    let gateway = GatewayStandIn::start(unavailable_once);
    let mut portal = Portal::start(
        PortalOptions::default()
            .with_config(&format!(
                "[sms]\ngateway = \"webhook\"\nurl = \"http://{}/sms\"\n",
                gateway.addr
            ))
            .with_env("OPENDVC_SMS_WEBHOOK_TOKEN", "webhook-token")
            .with_limits(quick_retries()),
    );
    let citizen = portal.demo_accounts().citizens[1].clone();
    portal.sign_in_citizen(&citizen.id_number);
    let requests = wait_for(
        "the webhook to take the code",
        Duration::from_secs(30),
        || {
            let requests = gateway.requests();
            (requests.len() >= 2).then_some(requests)
        },
    );
    let keys: Vec<&str> = requests
        .iter()
        .map(|request| {
            request
                .headers
                .get("idempotency-key")
                .map_or("", String::as_str)
        })
        .collect();
    assert!(
        !keys[0].is_empty() && keys[0] == keys[1],
        "the retry after the 503 carries the same Idempotency-Key: {keys:?}"
    );
    let sent = &requests[1];
    assert_eq!(
        sent.headers.get("authorization").map(String::as_str),
        Some("Bearer webhook-token"),
        "the token from the environment"
    );
    assert_eq!(sent.body["id"], keys[0], "the body's id is the key");
    assert!(
        opendvc_tests::same_phone(sent.body["to"].as_str().unwrap_or(""), &citizen.phone),
        "to the citizen's phone: {}",
        sent.body
    );
    assert_eq!(sent.body["unicode"], false, "folded, as for eSMS");
    assert_eq!(sent.body["segments"], 1);
    assert_eq!(sent.body["language"], "vi");
    let text = sent.body["text"].as_str().unwrap_or("");
    assert_eq!(
        six_digit_code(text),
        Some(portal.latest_code_sent_to(&citizen.phone)),
        "the code the dev outbox shows: {text}"
    );
}

#[test]
fn a_configuration_with_a_secret_in_it_or_without_its_secrets_does_not_start() {
    let binary = opendvc_tests::binary("opendvc-portal");
    let dir = tempfile::tempdir().expect("a scratch folder");
    let with_secret = dir.path().join("with-secret.toml");
    std::fs::write(
        &with_secret,
        "[sms]\ngateway = \"esms\"\nbrandname = \"X\"\napi_key = \"leaked-key\"\n",
    )
    .expect("write");
    let output = Command::new(&binary)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("a.db"))
        .arg("--config")
        .arg(&with_secret)
        .env_remove("OPENDVC_ESMS_API_KEY")
        .output()
        .expect("the portal runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused: {stderr}");
    assert!(stderr.contains("api_key"), "names the field: {stderr}");
    assert!(
        !stderr.contains("leaked-key"),
        "never repeats the secret: {stderr}"
    );

    let without = dir.path().join("without.toml");
    std::fs::write(&without, "[sms]\ngateway = \"esms\"\nbrandname = \"X\"\n").expect("write");
    let output = Command::new(&binary)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("b.db"))
        .arg("--config")
        .arg(&without)
        .env_remove("OPENDVC_ESMS_API_KEY")
        .env_remove("OPENDVC_ESMS_SECRET_KEY")
        .output()
        .expect("the portal runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused: {stderr}");
    assert!(
        stderr.contains("OPENDVC_ESMS_API_KEY"),
        "names the variable to set: {stderr}"
    );
}

/// The Python with aiosmtpd: xtask's virtual environment (`OPENDVC_TEST_PYTHON`, set by
/// `cargo xtask test`), or `target/xtask-venv` when run by hand after it.
fn python_with_aiosmtpd() -> Option<PathBuf> {
    let candidates = std::env::var_os("OPENDVC_TEST_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::iter::once(
            opendvc_tests::bin_dir().join("../xtask-venv/bin/python"),
        ));
    for python in candidates {
        let has_it = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if has_it {
            return Some(python);
        }
    }
    None
}

/// aiosmtpd on a free port of 127.0.0.1, writing what it receives into a Maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start(python: &Path) -> SmtpServer {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let maildir = dir.path().join("Maildir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        wait_for("aiosmtpd to listen", Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        });
        SmtpServer {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    /// Every message received, parsed by Python's `email` package: recipient, subject, the
    /// plain text and the HTML part.
    fn messages(&self, python: &Path) -> Vec<BTreeMap<String, String>> {
        let script = r#"
import json, mailbox, sys
from email import policy
out = []
for key, message in mailbox.Maildir(sys.argv[1], factory=None, create=False).iteritems():
    import email
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    out.append({
        "to": str(parsed["To"]), "subject": str(parsed["Subject"]),
        "text": parsed.get_body(("plain",)).get_content(),
        "html": parsed.get_body(("html",)).get_content(),
        "messageId": str(parsed["Message-ID"]),
    })
print(json.dumps(out))
"#;
        if !self.maildir.join("new").exists() {
            return Vec::new();
        }
        let output = Command::new(python)
            .args(["-c", script])
            .arg(&self.maildir)
            .output()
            .expect("python reads the Maildir");
        assert!(
            output.status.success(),
            "reading the Maildir: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("the messages as JSON")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_status_change_reaches_the_citizen_by_e_mail_in_their_language() {
    let Some(python) = python_with_aiosmtpd() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "aiosmtpd is missing: `cargo xtask test` installs it into target/xtask-venv"
        );
        eprintln!("skipped: no Python with aiosmtpd (run `cargo xtask test --only fluent` once)");
        return;
    };
    let smtp = SmtpServer::start(&python);
    let config = format!(
        "[email]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nfrom = \"Cổng dịch vụ công Đà Nẵng <khong-tra-loi@danang.example.invalid>\"\n",
        smtp.port
    );
    let mut portal = Portal::start(PortalOptions::default().with_config(&config));
    let officer = Officer::sign_in(&mut portal);
    let mut expected = Vec::new();
    for (id_number, language) in [("048302004517", "vi"), ("049065001276", "en")] {
        let citizen = Citizen::sign_in(&mut portal, id_number);
        let email = citizen
            .profile()
            .email
            .expect("the demo citizen has an e-mail address");
        let submitted = citizen.submit_valid(&deliverable_procedure(&citizen.catalog()));
        officer.transition(submitted.id, ApplicationStatus::Processing);
        expected.push((email, language, submitted.code));
    }
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(email, language, code)| {
            let (subject, text, html_lang) = match language {
                "vi" => (
                    format!("Hồ sơ {code}: Đang xử lý"),
                    format!("OpenDVC: hồ sơ {code} ("),
                    "lang=\"vi\"",
                ),
                _ => (
                    format!("Application {code}: Processing"),
                    format!("OpenDVC: application {code} ("),
                    "lang=\"en\"",
                ),
            };
            (email, language, code, subject, text, html_lang)
        })
        .collect();
    // Each citizen also gets the notice that the application was received: the status e-mail
    // is looked for by its subject.
    let status_email = |messages: &[BTreeMap<String, String>], email: &str, subject: &str| {
        messages
            .iter()
            .find(|message| message["to"].contains(email) && message["subject"] == subject)
            .cloned()
    };
    let messages = wait_for(
        "both status e-mails in the Maildir",
        Duration::from_secs(30),
        || {
            let messages = smtp.messages(&python);
            expected
                .iter()
                .all(|(email, _, _, subject, _, _)| {
                    status_email(&messages, email, subject).is_some()
                })
                .then_some(messages)
        },
    );
    for (email, language, code, subject, text, html_lang) in expected {
        let message = status_email(&messages, &email, &subject)
            .unwrap_or_else(|| panic!("an e-mail to {email} titled {subject}: {messages:?}"));
        println!(
            "e-mail received ({language}):\n  To: {}\n  Subject: {}\n  {}",
            message["to"],
            message["subject"],
            message["text"].trim()
        );
        assert_eq!(message["subject"], subject, "the subject in {language}");
        assert!(
            message["text"].starts_with(&text),
            "the text in {language}: {}",
            message["text"]
        );
        assert!(
            message["html"].contains(html_lang) && message["html"].contains(&code),
            "an HTML part in {language}: {}",
            message["html"]
        );
        assert!(
            message["messageId"].ends_with("@danang.example.invalid>"),
            "the portal's own Message-ID: {}",
            message["messageId"]
        );
    }
}
