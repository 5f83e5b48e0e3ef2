//! A stand-in for the eSMS gateway on 127.0.0.1 that behaves as a gateway does on a bad day:
//! each request is answered as the test's `Behaviour` says (taken, an error code, HTTP 500, an
//! answer lost after the message was taken, or a request held open). Like eSMS it takes a
//! `RequestId` once: a message sent again with a `RequestId` it already took is not delivered
//! again, only counted as a duplicate.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use serde_json::{Value, json};

/// How the stand-in answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Takes the message (`CodeResult` 100).
    Take,
    /// Refuses for now with eSMS's "system busy" (`CodeResult` 99); nothing delivered.
    Busy,
    /// HTTP 500; nothing delivered.
    ServerError,
    /// Takes the message, then closes the connection without answering: for the portal, a
    /// timeout after the gateway did its work.
    TakeAndLoseTheAnswer,
    /// Holds the request open without answering (and without taking the message).
    Hold,
}

/// Decides the answer to the n-th request (from 1) carrying the given body.
pub type Behaviour = Box<dyn FnMut(usize, &Value) -> Answer + Send>;

#[derive(Debug, Default)]
struct Record {
    /// Every request, in order of arrival.
    requests: Vec<Value>,
    /// The messages delivered, by `RequestId`, each once.
    delivered: BTreeMap<String, Value>,
    /// Requests with a `RequestId` already delivered.
    duplicates: usize,
}

/// The running stand-in; stopped when dropped.
pub struct EsmsStandIn {
    pub addr: SocketAddr,
    record: Arc<Mutex<Record>>,
    _runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for EsmsStandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsmsStandIn")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

fn lock(record: &Mutex<Record>) -> MutexGuard<'_, Record> {
    record
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl EsmsStandIn {
    pub fn start(behaviour: Behaviour) -> EsmsStandIn {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the stand-in");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind the stand-in");
        let addr = listener.local_addr().expect("its address");
        let record: Arc<Mutex<Record>> = Arc::default();
        let behaviour = Arc::new(Mutex::new(behaviour));
        let shared = Arc::clone(&record);
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (record, behaviour) = (Arc::clone(&shared), Arc::clone(&behaviour));
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let (record, behaviour) = (Arc::clone(&record), Arc::clone(&behaviour));
                        async move {
                            let body = request
                                .into_body()
                                .collect()
                                .await
                                .map_err(std::io::Error::other)?
                                .to_bytes();
                            let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                            let answer = {
                                let mut guard = lock(&record);
                                let record = &mut *guard;
                                record.requests.push(body.clone());
                                let count = record.requests.len();
                                let mut behaviour =
                                    behaviour.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                                let answer = (*behaviour)(count, &body);
                                if matches!(answer, Answer::Take | Answer::TakeAndLoseTheAnswer) {
                                    let request_id =
                                        body["RequestId"].as_str().unwrap_or("").to_owned();
                                    match record.delivered.entry(request_id) {
                                        std::collections::btree_map::Entry::Occupied(_) => {
                                            record.duplicates += 1;
                                        }
                                        std::collections::btree_map::Entry::Vacant(place) => {
                                            place.insert(body.clone());
                                        }
                                    }
                                }
                                answer
                            };
                            match answer {
                                Answer::TakeAndLoseTheAnswer => {
                                    // Fails the connection: hyper closes it without an answer.
                                    return Err(std::io::Error::other("answer lost"));
                                }
                                Answer::Hold => std::future::pending::<()>().await,
                                _ => {}
                            }
                            let (status, reply) = match answer {
                                Answer::Busy => (
                                    200,
                                    json!({"CodeResult": "99", "ErrorMessage": "System busy"}),
                                ),
                                Answer::ServerError => (500, json!({})),
                                _ => (
                                    200,
                                    json!({"CodeResult": "100", "SMSID": format!("esms-{}", body["RequestId"].as_str().unwrap_or(""))}),
                                ),
                            };
                            Ok::<_, std::io::Error>(
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
        EsmsStandIn {
            addr,
            record,
            _runtime: runtime,
        }
    }

    /// The portal's configuration for this gateway (`serve --config`); its keys come from
    /// [`EsmsStandIn::ENV`].
    pub fn config(&self) -> String {
        format!(
            "[sms]\ngateway = \"esms\"\nurl = \"http://{}/MainService.svc/json/SendMultipleMessage_V4_post_json/\"\nbrandname = \"DANANG\"\n",
            self.addr
        )
    }

    /// The environment the portal reads the gateway's keys from.
    pub const ENV: [(&'static str, &'static str); 2] = [
        ("OPENDVC_ESMS_API_KEY", "test-api-key"),
        ("OPENDVC_ESMS_SECRET_KEY", "test-secret-key"),
    ];

    /// Every request's body, in order of arrival.
    pub fn requests(&self) -> Vec<Value> {
        lock(&self.record).requests.clone()
    }

    /// The messages delivered, each once, by `RequestId`.
    pub fn delivered(&self) -> BTreeMap<String, Value> {
        lock(&self.record).delivered.clone()
    }

    /// Requests carrying a `RequestId` already delivered.
    pub fn duplicates(&self) -> usize {
        lock(&self.record).duplicates
    }
}
