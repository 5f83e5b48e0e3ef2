//! The load of the applications benchmarks: `clients` keep-alive HTTP/1.1 connections, each
//! with one request in flight at a time, as `clients` people submitting at once.
//!
//! The clients share this machine's cores with the server they measure, so what they spend is
//! taken from it. They run as tasks on one thread over hyper's client connection (no pool, no
//! proxy lookup, no URL parsing per request): each request is the same prepared body with a
//! fresh `Idempotency-Key`. With a blocking client on a thread per connection (ureq), the
//! clients took 1.4 of the 2 cores at 11,000 requests a second, and the bare HTTP server
//! (the floor) measured the clients more than itself.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use opendvc_api::IDEMPOTENCY_KEY_HEADER;

/// What one client sends again and again: `POST path` with `body` as a bearer of `token`.
#[derive(Debug, Clone)]
pub struct Submission {
    /// `http://host:port`, where the server listens.
    pub url: String,
    pub path: &'static str,
    pub token: String,
    pub body: Bytes,
}

/// What a phase of the load achieved.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Answered 201.
    pub created: u64,
    /// Answered with another status than 201.
    pub refused: u64,
    pub first_refusal: Option<(u16, String)>,
    /// Not answered at all (connection refused, reset or timed out).
    pub unanswered: u64,
    pub first_transport_error: Option<String>,
    pub elapsed: Duration,
}

impl Outcome {
    fn add(&mut self, other: Outcome) {
        self.created += other.created;
        self.refused += other.refused;
        self.unanswered += other.unanswered;
        self.first_refusal = self.first_refusal.take().or(other.first_refusal);
        self.first_transport_error = self
            .first_transport_error
            .take()
            .or(other.first_transport_error);
    }
}

/// One client per submission, all at once, sending `total` requests between them (each an
/// equal share), stopping early at `deadline`.
pub fn run(submissions: Vec<Submission>, total: u64, deadline: Instant) -> Result<Outcome> {
    if submissions.is_empty() {
        bail!("a load needs at least one client");
    }
    let per_client = total / submissions.len() as u64;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the load's runtime")?;
    runtime.block_on(async move {
        let started = Instant::now();
        let mut clients = tokio::task::JoinSet::new();
        for submission in submissions {
            let client = Client::new(submission)?;
            clients.spawn(client.send(per_client, deadline));
        }
        let mut sum = Outcome::default();
        while let Some(outcome) = clients.join_next().await {
            sum.add(outcome.map_err(|error| anyhow!("a load client failed: {error}"))?);
        }
        sum.elapsed = started.elapsed();
        Ok(sum)
    })
}

/// One keep-alive connection and the request it repeats.
struct Client {
    authority: String,
    host: HeaderValue,
    path: &'static str,
    authorization: HeaderValue,
    body: Bytes,
    connection: Option<SendRequest<Full<Bytes>>>,
}

impl Client {
    fn new(submission: Submission) -> Result<Client> {
        let uri: Uri = submission
            .url
            .parse()
            .with_context(|| format!("{} is not a URL", submission.url))?;
        let authority = uri
            .authority()
            .ok_or_else(|| anyhow!("{} names no host", submission.url))?
            .to_string();
        Ok(Client {
            host: HeaderValue::from_str(&authority)?,
            authority,
            path: submission.path,
            authorization: HeaderValue::from_str(&format!("Bearer {}", submission.token))?,
            body: submission.body,
            connection: None,
        })
    }

    async fn send(mut self, count: u64, deadline: Instant) -> Outcome {
        let mut outcome = Outcome::default();
        for _ in 0..count {
            if Instant::now() >= deadline {
                break;
            }
            match self.send_one().await {
                Ok((201, _)) => outcome.created += 1,
                Ok((status, body)) => {
                    outcome.refused += 1;
                    outcome.first_refusal.get_or_insert((status, body));
                }
                Err(error) => {
                    // The next request opens a new connection.
                    self.connection = None;
                    outcome.unanswered += 1;
                    outcome
                        .first_transport_error
                        .get_or_insert(format!("{error:#}"));
                }
            }
        }
        outcome
    }

    /// Sends the request once with a fresh key; the status and, unless it is 201, the body.
    async fn send_one(&mut self) -> Result<(u16, String)> {
        // A connection the server closed after its last answer (`Connection: close`, an idle
        // timeout) is replaced before the request is sent, so it is not counted unanswered.
        let reusable = match &mut self.connection {
            Some(sender) => sender.ready().await.is_ok(),
            None => false,
        };
        let sender = match &mut self.connection {
            Some(sender) if reusable => sender,
            _ => {
                let mut fresh = self.connect().await?;
                fresh.ready().await.context("the new connection closed")?;
                self.connection.insert(fresh)
            }
        };
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.path)
            .header(HOST, self.host.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(IDEMPOTENCY_KEY_HEADER, uuid::Uuid::now_v7().to_string())
            .body(Full::new(self.body.clone()))?;
        let response = sender
            .send_request(request)
            .await
            .with_context(|| format!("POST {} failed", self.path))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .context("the answer's body was cut off")?
            .to_bytes();
        Ok(if status == 201 {
            (status, String::new())
        } else {
            (status, String::from_utf8_lossy(&body).into_owned())
        })
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>> {
        let stream = tokio::net::TcpStream::connect(&self.authority)
            .await
            .with_context(|| format!("could not connect to {}", self.authority))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        // The connection's own task reads and writes the socket; it ends when the server
        // closes the connection or the sender is dropped.
        tokio::spawn(async move {
            let _closed = connection.await;
        });
        Ok(sender)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::convert::Infallible;
    use std::sync::{Arc, Mutex};

    use hyper::body::Incoming;
    use hyper::service::service_fn;
    use hyper::{Response, StatusCode};

    /// A server that answers every third request 409 and closes the connection after every
    /// fourth answer, recording the keys it saw.
    fn serve(keys: Arc<Mutex<Vec<String>>>) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let address = listener.local_addr().expect("address");
        listener.set_nonblocking(true).expect("nonblocking");
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let keys = keys.clone();
                    tokio::spawn(async move {
                        let answered = Arc::new(Mutex::new(0_u32));
                        let service = service_fn(move |request: Request<Incoming>| {
                            let keys = keys.clone();
                            let answered = answered.clone();
                            async move {
                                let key = request
                                    .headers()
                                    .get(IDEMPOTENCY_KEY_HEADER)
                                    .and_then(|value| value.to_str().ok())
                                    .unwrap_or_default()
                                    .to_owned();
                                let body =
                                    request.into_body().collect().await.map(|b| b.to_bytes());
                                let count = {
                                    let mut keys = keys.lock().expect("keys");
                                    keys.push(key);
                                    keys.len()
                                };
                                let mut answered = answered.lock().expect("count");
                                *answered += 1;
                                let status = if count.is_multiple_of(3) {
                                    StatusCode::CONFLICT
                                } else {
                                    StatusCode::CREATED
                                };
                                let mut response = Response::new(Full::new(
                                    body.unwrap_or_else(|_| Bytes::from_static(b"cut")),
                                ));
                                *response.status_mut() = status;
                                if answered.is_multiple_of(4) {
                                    response.headers_mut().insert(
                                        hyper::header::CONNECTION,
                                        HeaderValue::from_static("close"),
                                    );
                                }
                                Ok::<_, Infallible>(response)
                            }
                        });
                        let _done = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        });
        format!("http://{address}")
    }

    #[test]
    fn every_request_is_answered_counted_once_and_sent_with_a_key_of_its_own() {
        let keys = Arc::new(Mutex::new(Vec::new()));
        let url = serve(keys.clone());
        let submissions = (0..4)
            .map(|client| Submission {
                url: url.clone(),
                path: "/v1/applications",
                token: format!("token-{client}"),
                body: Bytes::from_static(b"{\"procedureId\":\"x\"}"),
            })
            .collect();
        let outcome =
            run(submissions, 60, Instant::now() + Duration::from_secs(60)).expect("the load runs");
        assert_eq!(
            (outcome.created, outcome.refused, outcome.unanswered),
            (40, 20, 0),
            "every request is answered, also after the server closed a connection: {outcome:?}"
        );
        let (status, body) = outcome.first_refusal.expect("a refusal is kept");
        assert_eq!(
            (status, body.as_str()),
            (409, "{\"procedureId\":\"x\"}"),
            "the refusal keeps its status and body"
        );
        let keys = keys.lock().expect("keys");
        let distinct: HashSet<&String> = keys.iter().collect();
        assert_eq!(keys.len(), 60, "the server saw each request once");
        assert_eq!(distinct.len(), 60, "each request had a key of its own");
        assert!(keys.iter().all(|key| key.len() == 36), "keys are UUIDs");
    }

    #[test]
    fn a_server_that_is_not_there_is_reported_as_unanswered() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        drop(listener);
        let outcome = run(
            vec![Submission {
                url,
                path: "/v1/applications",
                token: "t".to_owned(),
                body: Bytes::new(),
            }],
            3,
            Instant::now() + Duration::from_secs(60),
        )
        .expect("the load runs");
        assert_eq!((outcome.created, outcome.unanswered), (0, 3));
        assert!(
            outcome
                .first_transport_error
                .is_some_and(|error| error.contains("could not connect")),
            "the first error says what failed"
        );
    }
}
