//! What the portal does with slow or greedy clients and what it writes to its log: header,
//! body and idle timeouts that spare event streams, a cap on event streams per token, and a
//! default sender that never logs one-time codes or phone numbers, structured log lines with
//! a request id and no personal data.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use opendvc_api::{ApplicationStatus, OtpRequest};
use opendvc_tests::fixtures::{Citizen, Officer, counter_delivery, deliverable_procedure};
use opendvc_tests::{Portal, PortalOptions, same_phone, six_digit_code};

/// How long a test waits for something the portal will do, before it fails rather than hangs.
const PATIENCE: Duration = Duration::from_secs(60);
/// How long one read waits; tests never sleep longer than this at a time.
const POLL: Duration = Duration::from_millis(100);

/// A raw HTTP/1.1 connection to the portal.
struct Raw {
    stream: TcpStream,
    received: Vec<u8>,
}

impl Raw {
    fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr).expect("the portal accepts a connection");
        stream.set_read_timeout(Some(POLL)).expect("a read timeout");
        Raw {
            stream,
            received: Vec::new(),
        }
    }

    /// Sends bytes; `false` when the portal has closed the connection.
    fn send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).is_ok()
    }

    /// Reads what has arrived within one poll; `false` when the portal closed the connection.
    fn poll(&mut self) -> bool {
        let mut buffer = [0_u8; 4096];
        match self.stream.read(&mut buffer) {
            Ok(0) => false,
            Ok(read) => {
                self.received.extend_from_slice(&buffer[..read]);
                true
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                true
            }
            Err(_) => false,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }

    /// Reads until the response head has arrived; returns its status.
    fn status(&mut self) -> u16 {
        let deadline = Instant::now() + PATIENCE;
        while !self.received.windows(4).any(|window| window == b"\r\n\r\n") {
            assert!(
                self.poll(),
                "the portal answers before closing: {}",
                self.text()
            );
            assert!(Instant::now() < deadline, "the portal answers in time");
        }
        self.text()
            .split_whitespace()
            .nth(1)
            .and_then(|status| status.parse().ok())
            .unwrap_or_else(|| panic!("an HTTP status line: {}", self.text()))
    }

    /// Reads until the connection is closed by the portal; panics after `PATIENCE`.
    fn until_closed(&mut self, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        while self.poll() {
            assert!(Instant::now() < deadline, "the portal closes {what}");
        }
    }
}

/// Opens `GET /v1/events` with `token` and returns the connection once the head arrived.
fn open_events(portal: &Portal, token: &str) -> (u16, Raw) {
    let mut raw = Raw::connect(portal.addr());
    let request = format!(
        "GET /v1/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Accept: text/event-stream\r\n\r\n",
        portal.addr()
    );
    assert!(raw.send(request.as_bytes()), "the request goes out");
    let status = raw.status();
    (status, raw)
}

#[test]
fn a_slow_client_is_cut_off_but_event_streams_stay_open() {
    let mut portal = Portal::start(PortalOptions::default().with_limits(serde_json::json!({
        "server": {
            "headerReadTimeoutSeconds": 1,
            "bodyGraceSeconds": 1,
            "bodyMinBytesPerSecond": 200
        }
    })));
    let citizen = Citizen::demo(&mut portal, 0);
    let (status, mut stream) = open_events(&portal, &citizen.access_token);
    assert_eq!(status, 200, "the event stream opens: {}", stream.text());

    // Headers sent a byte at a time, slower than the header timeout allows.
    let mut slow = Raw::connect(portal.addr());
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: portal\r\nX-Slow: {}\r\n\r\n",
        "a".repeat(2_000)
    );
    let mut cut = false;
    for byte in head.as_bytes() {
        if !slow.send(std::slice::from_ref(byte)) || !slow.poll() {
            cut = true;
            break;
        }
    }
    assert!(
        cut,
        "a client sending its headers byte by byte is cut off before it finishes: {}",
        slow.text()
    );

    // A body trickling in, slower than the minimum rate.
    let mut trickle = Raw::connect(portal.addr());
    let body = serde_json::to_vec(&OtpRequest {
        id_number: format!("{:0<12}", "99955"),
    })
    .expect("serialises");
    let padded: Vec<u8> = body
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b' ', 4_000))
        .collect();
    let head = format!(
        "POST /v1/auth/otp HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        padded.len()
    );
    assert!(trickle.send(head.as_bytes()), "the head goes out");
    let mut cut = false;
    for byte in &padded {
        if !trickle.send(std::slice::from_ref(byte)) || !trickle.poll() {
            cut = true;
            break;
        }
        if !trickle.received.is_empty() {
            // An answer before the body is complete: read to the end of the connection.
            trickle.until_closed("a trickling upload after answering it");
            cut = true;
            break;
        }
    }
    assert!(
        cut,
        "a client trickling its body is cut off: {}",
        trickle.text()
    );
    assert!(
        trickle.received.is_empty() || trickle.text().starts_with("HTTP/1.1 408"),
        "a trickling body is answered 408 Request Timeout, if at all: {}",
        trickle.text()
    );

    // An idle kept-alive connection is closed.
    let mut idle = Raw::connect(portal.addr());
    assert!(idle.send(b"GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n"));
    assert_eq!(idle.status(), 200, "the health check answers");
    idle.until_closed("an idle kept-alive connection");

    // The event stream, open all along and silent, still delivers.
    let application = citizen
        .applications()
        .into_iter()
        .find(|application| application.status == ApplicationStatus::Received)
        .expect("the demo citizen has a received application");
    let officer = Officer::sign_in(&mut portal);
    let before = stream.received.len();
    officer.transition(application.id, ApplicationStatus::Processing);
    let deadline = Instant::now() + PATIENCE;
    loop {
        assert!(
            stream.poll(),
            "the event stream stays open through the timeouts: {}",
            stream.text()
        );
        if String::from_utf8_lossy(&stream.received[before..]).contains("id: ") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the event of the transition arrives on the stream opened before the timeouts"
        );
    }
}

#[test]
fn the_sixth_event_stream_of_a_token_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let mut open = Vec::new();
    for number in 1..=5 {
        let (status, raw) = open_events(&portal, &citizen.access_token);
        assert_eq!(
            status,
            200,
            "stream {number} of the token opens: {}",
            raw.text()
        );
        open.push(raw);
    }
    let (status, mut sixth) = open_events(&portal, &citizen.access_token);
    assert_eq!(
        status,
        429,
        "the sixth stream of one token is refused: {}",
        sixth.text()
    );
    let deadline = Instant::now() + PATIENCE;
    while !sixth.text().contains("rate_limited") {
        assert!(
            sixth.poll() && Instant::now() < deadline,
            "the refusal has a body"
        );
    }

    let other = Citizen::demo(&mut portal, 0);
    let (status, _other_stream) = open_events(&portal, &other.access_token);
    assert_eq!(
        status, 200,
        "another token of the citizen has its own streams"
    );

    drop(open.pop());
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (status, raw) = open_events(&portal, &citizen.access_token);
        if status == 200 {
            break;
        }
        assert_eq!(status, 429, "only the cap refuses: {}", raw.text());
        assert!(
            Instant::now() < deadline,
            "a closed stream frees its place for a new one"
        );
        std::thread::sleep(POLL);
    }
}

#[test]
fn the_default_sender_never_logs_codes_or_phone_numbers() {
    // A demo start seeds the people; the portal then runs as a city would, without --demo.
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = portal.demo_accounts().citizens[0].clone();
    portal.start_again_with(PortalOptions::default().without_demo());
    let logged_before = portal.log_text().len();
    portal
        .api()
        .post("/v1/auth/otp")
        .json(&OtpRequest {
            id_number: citizen.id_number.clone(),
        })
        .send()
        .expect_status(202, "a code is sent");
    let deadline = Instant::now() + PATIENCE;
    let log = loop {
        let log = portal.log_text()[logged_before..].to_owned();
        // Other messages (renewal notices) may go out by SMS first: wait for the code's own.
        if log.lines().any(|line| line.contains("otp-sms")) {
            break log;
        }
        assert!(
            Instant::now() < deadline,
            "the portal logs that it sent a message: {log}"
        );
        std::thread::sleep(POLL);
    };
    for line in log.lines() {
        let numbers = line
            .split(|c: char| !(c.is_ascii_digit() || c == '+'))
            .filter(|word| word.chars().filter(char::is_ascii_digit).count() >= 9);
        for number in numbers {
            assert!(
                !same_phone(number, &citizen.phone),
                "the log never shows the phone number: {line}"
            );
        }
        assert_eq!(
            six_digit_code(line),
            None,
            "the log never shows a one-time code: {line}"
        );
    }
    assert!(
        log.lines()
            .any(|line| line.contains("otp-sms") && line.contains("sms")),
        "the log says what kind of message went out, on which channel: {log}"
    );
}

#[test]
fn the_log_of_a_sign_in_and_a_submission_is_json_lines_with_request_ids_and_no_personal_data() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let tokens = portal.sign_in_citizen(&person.id_number);
    let code = portal.latest_code_sent_to(&person.phone);
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let procedure = deliverable_procedure(&citizen.catalog());
    let reply = citizen.submit_with_key(
        &citizen.valid_application(&procedure, counter_delivery()),
        &opendvc_tests::new_idempotency_key(),
    );
    reply.expect_status(201, "the citizen submits");
    let request_id = reply
        .header("x-request-id")
        .expect("every answer names its request id")
        .to_owned();
    portal.stop();

    let log = portal.log_text();
    let secrets = [
        ("the ID number", person.id_number.clone()),
        ("the one-time code", code),
        ("the access token", tokens.access_token.clone()),
        ("the refresh token", tokens.refresh_token.clone()),
        ("the access token", citizen.access_token.clone()),
    ];
    for line in log.lines() {
        for (what, secret) in &secrets {
            assert!(
                !line.contains(secret.as_str()),
                "the log never shows {what}: {line}"
            );
        }
        let numbers = line
            .split(|c: char| !(c.is_ascii_digit() || c == '+'))
            .filter(|word| word.chars().filter(char::is_ascii_digit).count() >= 9);
        for number in numbers {
            assert!(
                !same_phone(number, &person.phone),
                "the log never shows the phone number: {line}"
            );
        }
    }
    // The portal's own lines (on standard error) are JSON objects when not at a terminal.
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|line| line.strip_prefix("stderr: "))
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("a log line is one JSON object ({error}): {line}"))
        })
        .collect();
    let answered = lines
        .iter()
        .find(|line| {
            line.pointer("/span/request_id").and_then(|id| id.as_str()) == Some(&request_id)
        })
        .unwrap_or_else(|| panic!("the submission's request id {request_id} is logged: {log}"));
    assert_eq!(
        answered
            .pointer("/span/route")
            .and_then(|route| route.as_str()),
        Some("/v1/applications"),
        "a request's line names its route's template: {answered}"
    );
}
