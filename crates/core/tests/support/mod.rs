//! Test doubles shared by the core's integration tests: a scripted in-memory portal that
//! implements the queue's `Transport`, and a tiny HTTP server on 127.0.0.1 that answers with
//! canned (and deliberately broken) responses.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};
use opendvc_api::{
    AgencyContact, Application, ApplicationStatus, Attachment, Channel, Delivery, DeliveryMethod,
    Document, DocumentSource, ErrorCode, Feedback, FeedbackChannel, FeedbackCreated, FeedbackPhoto,
    FeedbackStatus, FieldError, FieldProblemCode, LocalizedText, NewFeedback, Problem,
};
use opendvc_core::client::{ClientError, RetryAfter};
use opendvc_core::queue::{OutboundRequest, ServerAnswer, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use uuid::Uuid;

pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test time parses")
        .with_timezone(&Utc)
}

pub fn local(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("test time parses")
}

/// An application as a portal would answer.
pub fn application(
    id: Uuid,
    code: &str,
    procedure_id: &str,
    form: BTreeMap<String, String>,
) -> Application {
    Application {
        id,
        code: code.to_owned(),
        procedure_id: procedure_id.to_owned(),
        procedure_name: LocalizedText {
            vi: "Thủ tục".into(),
            en: "Procedure".into(),
            id: None,
        },
        status: ApplicationStatus::Received,
        channel: Channel::Online,
        submitted_by: None,
        submitted_at: local("2026-11-29T10:00:00+07:00"),
        due_at: local("2026-12-09T17:00:00+07:00"),
        processing_days: 7,
        form,
        attachments: Vec::new(),
        delivery: Delivery {
            method: DeliveryMethod::Counter,
            address: None,
            fee: 0,
            subsidy: 0,
            payable: 0,
            state: None,
            tracking_number: None,
        },
        fee: 0,
        fee_lines: Vec::new(),
        timeline: Vec::new(),
        supplements: Vec::new(),
        rating: None,
        late_warning: None,
        updated_at: local("2026-11-29T10:00:00+07:00"),
    }
}

/// A feedback item as a portal would answer for `new`.
pub fn feedback(id: Uuid, new: &NewFeedback) -> Feedback {
    Feedback {
        id,
        category: new.category.clone(),
        description: new.description.clone(),
        photos: new
            .photos
            .iter()
            .map(|photo| FeedbackPhoto {
                id: photo.clone(),
                content_type: "image/jpeg".into(),
                size: 0,
            })
            .collect(),
        place: new.place.clone(),
        application_id: new.application_id,
        channel: FeedbackChannel::App,
        status: FeedbackStatus::Received,
        submitted_at: local("2026-11-29T10:00:00+07:00"),
        due_at: local("2026-11-30T10:00:00+07:00"),
        resolve_by: local("2026-12-04T17:00:00+07:00"),
        answered_at: None,
        closed_at: None,
        agency: AgencyContact {
            agency_id: "da-nang-ioc".into(),
            name: LocalizedText {
                vi: "Trung tâm Giám sát, điều hành đô thị thông minh".into(),
                en: "Smart city operations centre".into(),
                id: None,
            },
            phone: "0236 1022".into(),
            address: "Đà Nẵng".into(),
        },
        answer: None,
        timeline: Vec::new(),
        rating: None,
        can_reopen: false,
    }
}

/// What the scripted portal does with the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Commit and answer.
    Ok,
    /// Never reached the portal: connection refused.
    Unreachable,
    /// The connection broke after the request went out; the portal did not commit.
    Network,
    /// The portal committed, but the answer was lost on the way back.
    Lost,
    /// 503 without committing.
    Unavailable,
    /// 429 with `Retry-After` seconds.
    RateLimited(u64),
    /// 422 validation failure.
    Invalid,
    /// 401 and the refresh failed too.
    Unauthorized,
    /// 409 idempotency_in_flight.
    InFlight,
    /// The portal committed, then the client process died mid-request.
    Crash,
}

#[derive(Debug, Default)]
pub struct PortalState {
    /// Idempotency key → the stored first answer.
    pub answers: HashMap<Uuid, ServerAnswer>,
    /// Application id → the keys of the requests that created or changed it.
    pub created_by_marker: BTreeMap<String, Vec<Uuid>>,
    pub follow_ups: BTreeMap<Uuid, Vec<Uuid>>,
    /// Feedback description → the keys of the requests that filed it.
    pub feedback_by_description: BTreeMap<String, Vec<Uuid>>,
    /// Feedback id → what the portal holds of it.
    pub feedback: BTreeMap<Uuid, Feedback>,
    /// Feedback id → the keys of the ratings and reopenings it got.
    pub feedback_follow_ups: BTreeMap<Uuid, Vec<Uuid>>,
    /// Hand-added document number → the keys of the requests that stored it.
    pub documents_by_number: BTreeMap<String, Vec<Uuid>>,
    pub uploads: BTreeMap<String, u32>,
    /// Every key the portal saw, in order (including resends).
    pub seen_keys: Vec<Uuid>,
    pub next_code: u32,
}

/// A portal in memory with an outcome script; once the script is used up every request
/// succeeds.
#[derive(Debug, Default)]
pub struct ScriptedPortal {
    pub script: Mutex<VecDeque<Outcome>>,
    pub state: Mutex<PortalState>,
    pub crashed: Notify,
}

impl ScriptedPortal {
    pub fn new(script: impl IntoIterator<Item = Outcome>) -> Arc<ScriptedPortal> {
        Arc::new(ScriptedPortal {
            script: Mutex::new(script.into_iter().collect()),
            ..ScriptedPortal::default()
        })
    }

    pub fn push(&self, outcome: Outcome) {
        self.script.lock().expect("script lock").push_back(outcome);
    }

    pub fn requests(&self) -> usize {
        self.state.lock().expect("state lock").seen_keys.len()
    }

    fn commit(&self, key: Uuid, request: &OutboundRequest) -> Result<ServerAnswer, ClientError> {
        let mut state = self.state.lock().expect("state lock");
        if let Some(answer) = state.answers.get(&key) {
            return Ok(answer.clone());
        }
        let answer = match request {
            OutboundRequest::Upload {
                bytes,
                content_type,
                file_name,
                ..
            } => {
                use sha2::Digest;
                let id = format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)));
                *state.uploads.entry(id.clone()).or_default() += 1;
                ServerAnswer::Attachment(Attachment {
                    id,
                    size: bytes.len() as u64,
                    content_type: content_type.clone(),
                    file_name: file_name.clone(),
                    uploaded_at: local("2026-11-29T10:00:00+07:00"),
                })
            }
            OutboundRequest::Create(new) => {
                state.next_code += 1;
                let code = format!("000.00.48.H17-261129-{:04}", state.next_code);
                let marker = new.form.get("marker").cloned().unwrap_or_default();
                state.created_by_marker.entry(marker).or_default().push(key);
                ServerAnswer::Application(Box::new(application(
                    Uuid::new_v4(),
                    &code,
                    &new.procedure_id,
                    new.form.clone(),
                )))
            }
            OutboundRequest::Supplement { application_id, .. }
            | OutboundRequest::DeliveryChange { application_id, .. }
            | OutboundRequest::Withdraw { application_id, .. }
            | OutboundRequest::Rating { application_id, .. } => {
                let known = state.answers.values().find_map(|answer| match answer {
                    ServerAnswer::Application(application) if application.id == *application_id => {
                        Some(application.clone())
                    }
                    _ => None,
                });
                let Some(application) = known else {
                    return Err(ClientError::NotFound { problem: None });
                };
                state
                    .follow_ups
                    .entry(*application_id)
                    .or_default()
                    .push(key);
                ServerAnswer::Application(application)
            }
            OutboundRequest::FileFeedback(new) => {
                // Like the real portal, a photo must have been uploaded before the feedback
                // names it.
                if let Some(missing) = new
                    .photos
                    .iter()
                    .find(|photo| !state.uploads.contains_key(*photo))
                {
                    return Err(ClientError::Validation {
                        status: 422,
                        problem: Box::new(Problem::new(
                            ErrorCode::ValidationFailed,
                            format!("no upload {missing}"),
                        )),
                    });
                }
                let id = Uuid::new_v4();
                state
                    .feedback_by_description
                    .entry(new.description.clone())
                    .or_default()
                    .push(key);
                let item = feedback(id, new);
                let created = FeedbackCreated {
                    id,
                    status: item.status,
                    due_at: item.due_at,
                    resolve_by: item.resolve_by,
                };
                state.feedback.insert(id, item);
                ServerAnswer::FeedbackCreated(created)
            }
            OutboundRequest::RateFeedback { feedback_id, .. }
            | OutboundRequest::ReopenFeedback { feedback_id, .. } => {
                let Some(item) = state.feedback.get(feedback_id).cloned() else {
                    return Err(ClientError::NotFound { problem: None });
                };
                state
                    .feedback_follow_ups
                    .entry(*feedback_id)
                    .or_default()
                    .push(key);
                ServerAnswer::Feedback(Box::new(item))
            }
            OutboundRequest::AddDocument(new) => {
                state
                    .documents_by_number
                    .entry(new.number.clone())
                    .or_default()
                    .push(key);
                ServerAnswer::Document(Box::new(Document {
                    id: Uuid::new_v4(),
                    kind: new.kind.clone(),
                    number: new.number.clone(),
                    issued_on: new.issued_on,
                    expires_on: new.expires_on,
                    issuer: new.issuer.clone(),
                    classes: new.classes.clone(),
                    source: DocumentSource::Citizen,
                    updated_at: local("2026-11-29T10:00:00+07:00"),
                    reminders: Default::default(),
                }))
            }
        };
        state.answers.insert(key, answer.clone());
        Ok(answer)
    }
}

impl Transport for ScriptedPortal {
    async fn deliver(
        &self,
        key: Uuid,
        request: OutboundRequest,
    ) -> Result<ServerAnswer, ClientError> {
        let outcome = self
            .script
            .lock()
            .expect("script lock")
            .pop_front()
            .unwrap_or(Outcome::Ok);
        self.state.lock().expect("state lock").seen_keys.push(key);
        match outcome {
            Outcome::Ok => self.commit(key, &request),
            Outcome::Unreachable => Err(ClientError::Unreachable("connection refused".into())),
            Outcome::Network => Err(ClientError::Network("connection reset".into())),
            Outcome::Lost => {
                self.commit(key, &request)?;
                Err(ClientError::Network("connection reset".into()))
            }
            Outcome::Unavailable => Err(ClientError::Server {
                retry_after: None,
                status: 503,
                problem: None,
            }),
            Outcome::RateLimited(seconds) => Err(ClientError::RateLimited {
                retry_after: Some(RetryAfter::Seconds(seconds)),
            }),
            Outcome::Invalid => Err(ClientError::Validation {
                status: 422,
                problem: Box::new(
                    Problem::new(ErrorCode::ValidationFailed, "fullName is required").with_errors(
                        vec![FieldError::new("form.fullName", FieldProblemCode::Required)],
                    ),
                ),
            }),
            Outcome::Unauthorized => Err(ClientError::Unauthorized {
                problem: Some(Box::new(Problem::new(
                    ErrorCode::RefreshTokenInvalid,
                    "sign in again",
                ))),
            }),
            Outcome::InFlight => Err(ClientError::Conflict {
                problem: Box::new(Problem::new(ErrorCode::IdempotencyInFlight, "in flight")),
            }),
            Outcome::Crash => {
                self.commit(key, &request)?;
                self.crashed.notify_one();
                std::future::pending().await
            }
        }
    }
}

/// One canned HTTP answer.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn json(status: u16, body: &str) -> Canned {
        Canned {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn raw(status: u16, body: &[u8]) -> Canned {
        Canned {
            status,
            headers: Vec::new(),
            body: body.to_vec(),
        }
    }

    /// No answer at all: the server reads the request and closes the connection, as when
    /// the answer is lost on the way back.
    pub fn hang_up() -> Canned {
        Canned::raw(HANG_UP, b"")
    }
}

/// The status [`Canned::hang_up`] stands for.
const HANG_UP: u16 = 0;

/// A request the test server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

type Routes = Arc<Mutex<Vec<(String, VecDeque<Canned>)>>>;

/// A one-connection-at-a-time HTTP/1.1 server on 127.0.0.1 that answers each request with
/// the next canned answer whose path prefix matches.
#[derive(Debug, Clone)]
pub struct TestServer {
    pub base_url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    routes: Routes,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds a loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("has an address"));
        let server = TestServer {
            base_url,
            received: Arc::new(Mutex::new(Vec::new())),
            routes: Arc::new(Mutex::new(Vec::new())),
        };
        let worker = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let worker = worker.clone();
                tokio::spawn(async move { worker.serve(stream).await });
            }
        });
        server
    }

    /// Queues `answer` for the next request whose path starts with `prefix`.
    pub fn answer(&self, prefix: &str, answer: Canned) {
        let mut routes = self.routes.lock().expect("routes lock");
        match routes.iter_mut().find(|(route, _)| route == prefix) {
            Some((_, answers)) => answers.push_back(answer),
            None => routes.push((prefix.to_owned(), VecDeque::from([answer]))),
        }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().expect("received lock").clone()
    }

    async fn serve(&self, mut stream: tokio::net::TcpStream) {
        loop {
            let mut buffer = Vec::new();
            let head_end = loop {
                let mut chunk = [0_u8; 4096];
                let Ok(read) = stream.read(&mut chunk).await else {
                    return;
                };
                if read == 0 {
                    return;
                }
                buffer.extend_from_slice(&chunk[..read]);
                if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                    break position + 4;
                }
            };
            let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
            let mut lines = head.split("\r\n");
            let request_line = lines.next().unwrap_or_default().to_owned();
            let mut parts = request_line.split(' ');
            let method = parts.next().unwrap_or_default().to_owned();
            let target = parts.next().unwrap_or_default().to_owned();
            let headers: Vec<(String, String)> = lines
                .filter_map(|line| line.split_once(':'))
                .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.parse().ok())
                .unwrap_or(0);
            let mut body = buffer[head_end..].to_vec();
            while body.len() < length {
                let mut chunk = [0_u8; 4096];
                let Ok(read) = stream.read(&mut chunk).await else {
                    return;
                };
                if read == 0 {
                    return;
                }
                body.extend_from_slice(&chunk[..read]);
            }
            self.received.lock().expect("received lock").push(Received {
                method,
                target: target.clone(),
                headers,
                body,
            });
            let answer = {
                let mut routes = self.routes.lock().expect("routes lock");
                routes
                    .iter_mut()
                    .filter(|(prefix, _)| target.starts_with(prefix.as_str()))
                    .max_by_key(|(prefix, _)| prefix.len())
                    .and_then(|(_, answers)| answers.pop_front())
                    .unwrap_or_else(|| {
                        Canned::json(
                            404,
                            r#"{"type":"x","title":"Not found","status":404,"code":"not_found"}"#,
                        )
                    })
            };
            if answer.status == HANG_UP {
                return;
            }
            let mut response = format!(
                "HTTP/1.1 {} X\r\nContent-Length: {}\r\n",
                answer.status,
                answer.body.len()
            );
            for (key, value) in &answer.headers {
                response.push_str(&format!("{key}: {value}\r\n"));
            }
            response.push_str("\r\n");
            let mut bytes = response.into_bytes();
            bytes.extend_from_slice(&answer.body);
            if stream.write_all(&bytes).await.is_err() {
                return;
            }
        }
    }
}

/// A device signed in to a [`TestServer`]: a fresh data folder whose saved session points at
/// the server, with tokens kept in the folder (whatever keyring the machine has) and a
/// back-off of milliseconds, so a test's retries do not wait.
pub struct SignedInDevice {
    pub dir: tempfile::TempDir,
    pub server: TestServer,
}

impl SignedInDevice {
    pub async fn new() -> SignedInDevice {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start().await;
        save_session(dir.path(), &server.base_url, "access", "refresh");
        SignedInDevice { dir, server }
    }

    pub fn options(&self) -> opendvc_core::OpenDvcOptions {
        let mut options =
            opendvc_core::OpenDvcOptions::new(opendvc_core::session::DataDir::new(self.dir.path()));
        options.token_vault = opendvc_core::vault::VaultChoice::File;
        options.backoff = opendvc_core::queue::BackoffPolicy::new(
            std::time::Duration::from_millis(5),
            std::time::Duration::from_millis(20),
            Arc::new(opendvc_core::clock::RandomJitter::seeded(1)),
        );
        options
    }

    pub fn open(&self) -> opendvc_core::OpenDvc {
        opendvc_core::OpenDvc::open(self.options()).expect("core opens")
    }
}

/// Saves, in the data folder `dir`, the session of the demo citizen 048090001234 signed in to
/// the portal at `portal_url` with these tokens.
pub fn save_session(dir: &std::path::Path, portal_url: &str, access: &str, refresh: &str) {
    opendvc_core::session::DataDir::new(dir)
        .session_file()
        .save(&opendvc_core::session::Session {
            portal_url: portal_url.into(),
            profile_key: "test-profile".into(),
            id_number: "048090001234".into(),
            access_token: Some(access.into()),
            refresh_token: Some(refresh.into()),
        })
        .expect("session saved");
}
