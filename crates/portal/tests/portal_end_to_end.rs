//! Starts the real `opendvc-portal` binary on a loopback port and talks to it over HTTP.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

struct Portal {
    child: Child,
    base: String,
}

impl Portal {
    fn start(db: &Path, extra: &[&str]) -> Portal {
        let mut child = Command::new(env!("CARGO_BIN_EXE_opendvc-portal"))
            .arg("serve")
            .arg("--db")
            .arg(db)
            .args(["--listen", "127.0.0.1:0", "--demo"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the portal binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut first_line = String::new();
        BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("the portal prints its address");
        let address = first_line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line announces the address: {first_line:?}"))
            .to_owned();
        Portal {
            child,
            base: address,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM was delivered");
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the portal did not stop within 10 seconds of SIGTERM");
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch folder for one test's database, removed when the test ends.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("opendvc-portal-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.join("portal.db")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn demo_citizen() -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_opendvc-portal"))
        .arg("demo-accounts")
        .output()
        .expect("demo-accounts runs");
    let accounts: Value = serde_json::from_slice(&output.stdout).expect("demo accounts are JSON");
    let citizen = &accounts["citizens"][0];
    (
        citizen["idNumber"].as_str().expect("idNumber").to_owned(),
        citizen["phone"].as_str().expect("phone").to_owned(),
    )
}

async fn sign_in(client: &reqwest::Client, portal: &Portal, id_number: &str, phone: &str) -> Value {
    let response = client
        .post(portal.url("/v1/auth/otp"))
        .json(&json!({ "idNumber": id_number }))
        .send()
        .await
        .expect("otp request");
    assert_eq!(response.status(), 202, "a code is sent");
    let messages: Vec<Value> = client
        .get(portal.url("/v1/dev/messages"))
        .send()
        .await
        .expect("outbox")
        .json()
        .await
        .expect("outbox JSON");
    let body = messages
        .iter()
        .rev()
        .find(|message| message["to"] == phone && message["channel"] == "sms")
        .and_then(|message| message["body"].as_str())
        .expect("an SMS to the citizen's phone");
    let code: String = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .expect("a six-digit code")
        .to_owned();
    let response = client
        .post(portal.url("/v1/auth/token"))
        .json(&json!({ "idNumber": id_number, "otp": code }))
        .send()
        .await
        .expect("token request");
    assert_eq!(response.status(), 200, "the code is accepted");
    response.json().await.expect("token JSON")
}

fn renewal_request(catalog: &Value) -> Value {
    // Build a valid form from the catalog itself, so the test holds for any shipped data.
    let procedure = catalog["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|procedure| procedure["id"] == "id-card-renewal")
        .expect("ID card renewal is in the catalog");
    let mut form = serde_json::Map::new();
    for field in procedure["formFields"].as_array().expect("fields") {
        let value = match field["kind"].as_str().expect("kind") {
            "date" => "1990-05-12".to_owned(),
            "number" => "1".to_owned(),
            "id_number" => "048090001234".to_owned(),
            "phone" => "0905000001".to_owned(),
            "select" => field["options"][0]["value"]
                .as_str()
                .expect("option")
                .to_owned(),
            _ => "Nguyễn Thị Lan".to_owned(),
        };
        form.insert(
            field["id"].as_str().expect("id").to_owned(),
            Value::String(value),
        );
    }
    json!({ "procedureId": "id-card-renewal", "form": form, "attachments": [],
            "delivery": { "method": "counter" } })
}

#[tokio::test]
async fn citizen_signs_in_through_the_outbox_and_a_resent_submission_creates_one_application() {
    let scratch = Scratch::new("submit");
    let db = scratch.db();
    let portal = Portal::start(&db, &[]);
    let client = reqwest::Client::new();
    let (id_number, phone) = demo_citizen();
    let tokens = sign_in(&client, &portal, &id_number, &phone).await;
    let access = tokens["accessToken"].as_str().expect("access token");
    let catalog: Value = client
        .get(portal.url("/v1/procedures"))
        .send()
        .await
        .expect("catalog")
        .json()
        .await
        .expect("catalog JSON");
    let request = renewal_request(&catalog);
    let list_len = |value: Value| value["items"].as_array().map(Vec::len).unwrap_or(0);
    let before = list_len(
        client
            .get(portal.url("/v1/applications"))
            .bearer_auth(access)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("list JSON"),
    );
    let mut ids = Vec::new();
    for attempt in 0..2 {
        let response = client
            .post(portal.url("/v1/applications"))
            .bearer_auth(access)
            .header("Idempotency-Key", "0190b0a0-aaaa-7000-8000-000000000001")
            .json(&request)
            .send()
            .await
            .expect("submit");
        assert_eq!(response.status(), 201, "attempt {attempt} answers 201");
        if attempt == 1 {
            assert_eq!(
                response.headers()["idempotent-replayed"],
                "true",
                "the resend is a replay"
            );
        }
        let application: Value = response.json().await.expect("application JSON");
        assert!(
            application["code"]
                .as_str()
                .is_some_and(|code| code.starts_with("000.00.48.H17-")),
            "receipt-style code: {application}"
        );
        ids.push(application["id"].clone());
    }
    assert_eq!(ids[0], ids[1], "the replay answers the same application");
    let after = list_len(
        client
            .get(portal.url("/v1/applications"))
            .bearer_auth(access)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("list JSON"),
    );
    assert_eq!(after, before + 1, "exactly one application was created");
    let status = portal.terminate();
    assert!(
        status.success(),
        "SIGTERM shuts the portal down cleanly: {status}"
    );
}

#[tokio::test]
async fn a_second_demo_start_duplicates_nothing() {
    let scratch = Scratch::new("reseed");
    let db = scratch.db();
    let client = reqwest::Client::new();
    let (id_number, phone) = demo_citizen();
    let mut counts = Vec::new();
    for _ in 0..2 {
        let portal = Portal::start(&db, &[]);
        let tokens = sign_in(&client, &portal, &id_number, &phone).await;
        let access = tokens["accessToken"].as_str().expect("access token");
        let list: Value = client
            .get(portal.url("/v1/applications"))
            .bearer_auth(access)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("list JSON");
        let documents: Value = client
            .get(portal.url("/v1/documents"))
            .bearer_auth(access)
            .send()
            .await
            .expect("documents")
            .json()
            .await
            .expect("documents JSON");
        counts.push((
            list["items"].as_array().map(Vec::len),
            documents["items"].as_array().map(Vec::len),
        ));
        portal.terminate();
    }
    assert_eq!(counts[0], counts[1], "the second start seeds nothing new");
}

#[tokio::test]
async fn an_expired_access_token_is_refused_and_refresh_tokens_rotate() {
    let scratch = Scratch::new("expiry");
    let db = scratch.db();
    let portal = Portal::start(&db, &["--access-ttl", "1"]);
    let client = reqwest::Client::new();
    let (id_number, phone) = demo_citizen();
    let tokens = sign_in(&client, &portal, &id_number, &phone).await;
    let access = tokens["accessToken"].as_str().expect("access token");
    let refresh = tokens["refreshToken"].as_str().expect("refresh token");
    let mut expired = None;
    for _ in 0..100 {
        let response = client
            .get(portal.url("/v1/me"))
            .bearer_auth(access)
            .send()
            .await
            .expect("me");
        if response.status() == 401 {
            expired = Some(response.json::<Value>().await.expect("problem JSON"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let problem = expired.expect("the one-second access token expires");
    assert_eq!(problem["code"], "token_expired");
    let refresh_with = |token: String| {
        let client = client.clone();
        let url = portal.url("/v1/auth/refresh");
        async move {
            client
                .post(url)
                .json(&json!({ "refreshToken": token }))
                .send()
                .await
                .expect("refresh")
        }
    };
    let rotated = refresh_with(refresh.to_owned()).await;
    assert_eq!(rotated.status(), 200, "a fresh refresh token works");
    let rotated: Value = rotated.json().await.expect("tokens");
    let new_refresh = rotated["refreshToken"]
        .as_str()
        .expect("new refresh")
        .to_owned();
    assert_ne!(new_refresh, refresh, "the refresh token rotates");
    let retried = refresh_with(refresh.to_owned()).await;
    assert_eq!(
        retried.status(),
        200,
        "within a minute, a spent refresh token is taken once more (the answer may have been lost)"
    );
    let reused = refresh_with(refresh.to_owned()).await;
    assert_eq!(
        reused.status(),
        401,
        "a spent refresh token is refused after that"
    );
    let problem: Value = reused.json().await.expect("problem");
    assert_eq!(problem["code"], "refresh_token_invalid");
    let after_reuse = refresh_with(new_refresh).await;
    assert_eq!(
        after_reuse.status(),
        401,
        "reuse of a spent token revokes the whole sign-in"
    );
}

fn demo_accounts() -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_opendvc-portal"))
        .arg("demo-accounts")
        .output()
        .expect("demo-accounts runs");
    serde_json::from_slice(&output.stdout).expect("demo accounts are JSON")
}

#[tokio::test]
async fn an_agent_acts_for_a_citizen_only_with_consent_and_the_action_records_the_agent() {
    let scratch = Scratch::new("assist");
    let db = scratch.db();
    let portal = Portal::start(&db, &[]);
    let client = reqwest::Client::new();
    let accounts = demo_accounts();
    let agent = accounts["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .find(|staff| staff["kind"] == "agent")
        .expect("a demo agent");
    let citizen = &accounts["citizens"][0];
    let id_number = citizen["idNumber"].as_str().expect("idNumber");
    let phone = citizen["phone"].as_str().expect("phone");
    let staff: Value = client
        .post(portal.url("/v1/auth/staff-token"))
        .json(&json!({ "code": agent["code"], "password": agent["password"] }))
        .send()
        .await
        .expect("staff sign-in")
        .json()
        .await
        .expect("staff token JSON");
    let staff_token = staff["accessToken"].as_str().expect("staff token");

    let alone = client
        .get(portal.url("/v1/me"))
        .bearer_auth(staff_token)
        .send()
        .await
        .expect("me as staff");
    assert_eq!(
        alone.status(),
        403,
        "a staff token alone cannot read a citizen"
    );

    let wrong = client
        .post(portal.url("/v1/assist/sessions"))
        .bearer_auth(staff_token)
        .json(&json!({ "idNumber": id_number, "consent": { "method": "otp", "otp": "000000" } }))
        .send()
        .await
        .expect("session without consent");
    assert_eq!(wrong.status(), 403);
    let problem: Value = wrong.json().await.expect("problem");
    assert_eq!(problem["code"], "consent_required");

    let sent = client
        .post(portal.url("/v1/assist/consent-codes"))
        .bearer_auth(staff_token)
        .json(&json!({ "idNumber": id_number }))
        .send()
        .await
        .expect("consent code");
    assert_eq!(sent.status(), 202);
    let messages: Vec<Value> = client
        .get(portal.url("/v1/dev/messages"))
        .send()
        .await
        .expect("outbox")
        .json()
        .await
        .expect("outbox JSON");
    let body = messages
        .iter()
        .rev()
        .find(|message| message["to"] == phone)
        .and_then(|message| message["body"].as_str())
        .expect("the consent code went to the citizen's phone");
    let code = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .expect("six digits");
    let session = client
        .post(portal.url("/v1/assist/sessions"))
        .bearer_auth(staff_token)
        .json(
            &json!({ "idNumber": id_number, "consent": { "method": "otp", "otp": code },
                       "venue": { "name": "Bưu điện Hải Châu" } }),
        )
        .send()
        .await
        .expect("session");
    assert_eq!(session.status(), 201, "the citizen's code opens a session");
    let session: Value = session.json().await.expect("session JSON");
    let session_token = session["accessToken"].as_str().expect("session token");

    let catalog: Value = client
        .get(portal.url("/v1/procedures"))
        .send()
        .await
        .expect("catalog")
        .json()
        .await
        .expect("catalog JSON");
    let created = client
        .post(portal.url("/v1/applications"))
        .bearer_auth(session_token)
        .header("Idempotency-Key", "assist-1")
        .json(&renewal_request(&catalog))
        .send()
        .await
        .expect("assisted submission");
    assert_eq!(created.status(), 201);
    let application: Value = created.json().await.expect("application JSON");
    assert_eq!(application["channel"], "assisted");
    assert_eq!(application["submittedBy"]["staffCode"], agent["code"]);
    assert_eq!(application["timeline"][0]["actor"]["kind"], "staff");
    assert_eq!(
        application["timeline"][0]["actor"]["venue"],
        "Bưu điện Hải Châu"
    );

    let ended = client
        .delete(portal.url(&format!(
            "/v1/assist/sessions/{}",
            session["id"].as_str().expect("session id")
        )))
        .bearer_auth(session_token)
        .send()
        .await
        .expect("end session");
    assert_eq!(
        ended.status(),
        204,
        "the session token can end its own session"
    );
    let after = client
        .get(portal.url("/v1/me"))
        .bearer_auth(session_token)
        .send()
        .await
        .expect("me after the end");
    assert_eq!(after.status(), 403, "an ended session's token is refused");
}

#[tokio::test]
async fn the_officer_command_moves_an_application_and_the_citizen_sees_it_in_sync() {
    let scratch = Scratch::new("officer-cli");
    let db = scratch.db();
    let portal = Portal::start(&db, &[]);
    let client = reqwest::Client::new();
    let (id_number, phone) = demo_citizen();
    let tokens = sign_in(&client, &portal, &id_number, &phone).await;
    let access = tokens["accessToken"].as_str().expect("access token");
    let catalog: Value = client
        .get(portal.url("/v1/procedures"))
        .send()
        .await
        .expect("catalog")
        .json()
        .await
        .expect("catalog JSON");
    let received: Value = client
        .post(portal.url("/v1/applications"))
        .bearer_auth(access)
        .header("Idempotency-Key", "officer-cli-1")
        .json(&renewal_request(&catalog))
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("application JSON");
    assert_eq!(received["status"], "received");
    let first: Value = client
        .get(portal.url("/v1/sync"))
        .bearer_auth(access)
        .send()
        .await
        .expect("sync")
        .json()
        .await
        .expect("sync JSON");
    let cursor = first["cursor"].as_str().expect("cursor").to_owned();
    let quiet: Value = client
        .get(portal.url(&format!("/v1/sync?cursor={cursor}")))
        .bearer_auth(access)
        .send()
        .await
        .expect("sync")
        .json()
        .await
        .expect("sync JSON");
    assert_eq!(
        quiet,
        json!({ "cursor": cursor }),
        "nothing changed: only the cursor"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_opendvc-portal"))
        .arg("officer")
        .arg("--db")
        .arg(&db)
        .args([
            "transition",
            received["code"].as_str().expect("code"),
            "--to",
            "processing",
        ])
        .output()
        .expect("officer command runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let moved: Value = serde_json::from_slice(&output.stdout).expect("the moved application");
    assert_eq!(moved["status"], "processing");

    let next: Value = client
        .get(portal.url(&format!("/v1/sync?cursor={cursor}")))
        .bearer_auth(access)
        .send()
        .await
        .expect("sync")
        .json()
        .await
        .expect("sync JSON");
    let changed = next["applications"]
        .as_array()
        .expect("the changed application");
    assert_eq!(changed.len(), 1, "only the moved application is sent again");
    assert_eq!(changed[0]["id"], received["id"]);
    assert_eq!(changed[0]["status"], "processing");
    assert!(
        next["inbox"].as_array().is_some_and(|items| items
            .iter()
            .any(|item| item["applicationId"] == received["id"])),
        "an inbox item tells the citizen"
    );

    let again = Command::new(env!("CARGO_BIN_EXE_opendvc-portal"))
        .arg("officer")
        .arg("--db")
        .arg(&db)
        .args([
            "transition",
            received["code"].as_str().expect("code"),
            "--to",
            "received",
        ])
        .output()
        .expect("officer command runs");
    assert!(
        !again.status.success(),
        "processing cannot go back to received"
    );
}

#[tokio::test]
async fn concurrent_resends_with_one_key_create_exactly_one_application() {
    let scratch = Scratch::new("concurrent");
    let db = scratch.db();
    let portal = Portal::start(&db, &[]);
    let client = reqwest::Client::new();
    let (id_number, phone) = demo_citizen();
    let tokens = sign_in(&client, &portal, &id_number, &phone).await;
    let access = tokens["accessToken"]
        .as_str()
        .expect("access token")
        .to_owned();
    let catalog: Value = client
        .get(portal.url("/v1/procedures"))
        .send()
        .await
        .expect("catalog")
        .json()
        .await
        .expect("catalog JSON");
    let request = renewal_request(&catalog);
    let count = |client: reqwest::Client, url: String, access: String| async move {
        let list: Value = client
            .get(url)
            .bearer_auth(access)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("list JSON");
        list["items"].as_array().map(Vec::len).unwrap_or(0)
    };
    let before = count(
        client.clone(),
        portal.url("/v1/applications"),
        access.clone(),
    )
    .await;
    let mut sends = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        let url = portal.url("/v1/applications");
        let access = access.clone();
        let request = request.clone();
        sends.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(access)
                .header("Idempotency-Key", "concurrent-key")
                .json(&request)
                .send()
                .await
                .expect("submit");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("JSON answer");
            (status, body)
        }));
    }
    let mut created_ids = Vec::new();
    for send in sends {
        let (status, body) = send.await.expect("task");
        match status {
            201 => created_ids.push(body["id"].clone()),
            409 => assert_eq!(body["code"], "idempotency_in_flight", "{body}"),
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert!(
        !created_ids.is_empty(),
        "at least one send got the application"
    );
    assert!(
        created_ids.iter().all(|id| *id == created_ids[0]),
        "every 201 names the same application"
    );
    let after = count(
        client.clone(),
        portal.url("/v1/applications"),
        access.clone(),
    )
    .await;
    assert_eq!(
        after,
        before + 1,
        "exactly one application exists for the key"
    );
}

#[tokio::test]
async fn bad_input_gets_problem_documents_never_a_server_error() {
    let scratch = Scratch::new("bad-input");
    let db = scratch.db();
    let portal = Portal::start(&db, &[]);
    let client = reqwest::Client::new();
    let (id_number, phone) = demo_citizen();
    let tokens = sign_in(&client, &portal, &id_number, &phone).await;
    let access = tokens["accessToken"]
        .as_str()
        .expect("access token")
        .to_owned();
    let json = "application/json";
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        (
            "malformed JSON",
            client
                .post(portal.url("/v1/applications"))
                .header("Idempotency-Key", "bad-1")
                .header("Content-Type", json)
                .body("{not json"),
            400,
            "malformed_request",
        ),
        (
            "wrong types",
            client
                .post(portal.url("/v1/applications"))
                .header("Idempotency-Key", "bad-2")
                .header("Content-Type", json)
                .body(r#"{"procedureId": 7, "form": [], "delivery": "post"}"#),
            400,
            "malformed_request",
        ),
        (
            "not JSON at all",
            client
                .post(portal.url("/v1/auth/otp"))
                .header("Content-Type", "text/plain")
                .body("048090001234"),
            415,
            "unsupported_media_type",
        ),
        (
            "an invalid date in a form",
            client
                .post(portal.url("/v1/applications"))
                .header("Idempotency-Key", "bad-3")
                .json(&json!({ "procedureId": "id-card-renewal",
                               "form": { "birthDate": "1990-02-31" },
                               "delivery": { "method": "counter" } })),
            422,
            "validation_failed",
        ),
        (
            "an unknown application",
            client.get(portal.url("/v1/applications/0190b0a0-0000-7000-8000-00000000dead")),
            404,
            "not_found",
        ),
        (
            "a malformed id",
            client.get(portal.url("/v1/applications/not-a-uuid")),
            404,
            "not_found",
        ),
        (
            "an unknown route",
            client.get(portal.url("/v1/nothing-here")),
            404,
            "not_found",
        ),
        (
            "a year that is not a number",
            client.get(portal.url("/v1/holidays/twenty")),
            400,
            "malformed_request",
        ),
        (
            "a malformed sync cursor",
            client.get(portal.url("/v1/sync?cursor=%00abc")),
            400,
            "malformed_request",
        ),
        (
            "an upload over 20 MiB",
            client
                .post(portal.url("/v1/attachments"))
                .header("Content-Type", "application/pdf")
                .body(vec![0u8; 20 * 1024 * 1024 + 1]),
            413,
            "payload_too_large",
        ),
    ];
    for (what, request, status, code) in cases {
        let response = request.bearer_auth(&access).send().await.expect(what);
        assert_eq!(response.status().as_u16(), status, "{what}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what} answers a problem document"
        );
        let problem: Value = response.json().await.expect("problem JSON");
        assert_eq!(problem["code"], code, "{what}: {problem}");
        assert_eq!(problem["status"], status, "{what}");
    }
}
