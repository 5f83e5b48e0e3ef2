//! A fault-injecting HTTP/1.1 proxy for end-to-end tests.
//!
//! [`FaultProxy`] listens on `127.0.0.1:0` and forwards each request to an upstream address
//! (a portal), deciding per request what goes wrong by a [`FaultPlan`]: nothing, a 503 or a
//! 429 answered in the portal's place, a connection reset before forwarding, a delay, or a
//! *lost response* — the portal receives and completes the request, and the client never
//! hears the answer. A switch makes the upstream unreachable (every connection is reset) and
//! reachable again. [`FaultStats`] counts what the proxy did.
//!
//! Faults are chosen from a seeded random mix, so a run is reproducible from its seed and the
//! order in which requests arrive; scripted faults can be queued in front of the mix.
//!
//! Apart from faults, the proxy can rewrite text in the JSON answers it passes on
//! ([`FaultProxy::set_rewrites`]), to play a portal that serves hostile or broken strings.
//!
//! The proxy runs on its own thread with its own tokio runtime, so blocking tests and async
//! tests alike can use it; every control method is a short lock, never an `.await`.
//!
//! With several upstreams ([`FaultProxy::start_many`], instances of one portal behind a load
//! balancer), requests take turns: each request goes to the next upstream in order, whatever
//! connection it came on, so one client's requests alternate between the instances.
//!
//! Each request is forwarded on a new upstream connection. A pooled upstream connection can
//! fail on reuse when the portal closed it while idle, and such an error would look like an
//! injected fault without being counted as one; a fresh connection per request makes every
//! failure the client sees one that the stats account for.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use opendvc_api::{ErrorCode, PROBLEM_CONTENT_TYPE, Problem};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

/// What the proxy does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Forward the request and stream the answer back.
    Pass,
    /// Answer `503 Service Unavailable` (problem+json) without forwarding.
    ServiceUnavailable,
    /// Answer `429 Too Many Requests` with `Retry-After: N` (problem+json) without forwarding.
    TooManyRequests { retry_after_secs: u32 },
    /// Answer `503 Service Unavailable` with `Retry-After: N` (problem+json) without
    /// forwarding: an overloaded portal (or gateway) saying when to come back.
    Overloaded { retry_after_secs: u32 },
    /// Reset the connection (TCP RST) without forwarding and without answering.
    Reset,
    /// Wait, then forward as [`Fault::Pass`]. A delay longer than the client's timeout is a
    /// timeout.
    Delay(Duration),
    /// Forward the request, wait for the portal's whole answer, then reset the client's
    /// connection without sending it: the portal committed, the client never heard.
    LostResponse,
}

/// Which requests a plan's faults apply to; the others pass untouched and draw nothing from
/// the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// Only requests with this method (`POST`, …), if set.
    pub method: Option<String>,
    /// Only requests whose path starts with this, if set.
    pub path_prefix: Option<String>,
}

impl RequestFilter {
    /// Every request.
    pub fn any() -> RequestFilter {
        RequestFilter::default()
    }

    /// Requests whose path starts with `prefix`.
    pub fn path_prefix(prefix: &str) -> RequestFilter {
        RequestFilter {
            method: None,
            path_prefix: Some(prefix.to_owned()),
        }
    }

    /// Narrows the filter to one method.
    pub fn method(mut self, method: &str) -> RequestFilter {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|wanted| wanted == method)
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
    }
}

/// How the proxy chooses a fault for each request: scripted faults first, in order, then a
/// weighted random choice from the mix, drawn from a generator seeded with `seed`.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    seed: u64,
    mix: Vec<(Fault, u32)>,
    scripted: VecDeque<Fault>,
    filter: RequestFilter,
}

impl FaultPlan {
    /// Every request passes.
    pub fn pass_through() -> FaultPlan {
        FaultPlan::seeded(0)
    }

    /// An empty mix (every request passes until faults are added) with this seed.
    pub fn seeded(seed: u64) -> FaultPlan {
        FaultPlan {
            seed,
            mix: Vec::new(),
            scripted: VecDeque::new(),
            filter: RequestFilter::any(),
        }
    }

    /// Adds `fault` to the random mix with a relative `weight`. Add [`Fault::Pass`] with a
    /// weight too, or every matching request gets a fault.
    pub fn with(mut self, fault: Fault, weight: u32) -> FaultPlan {
        self.mix.push((fault, weight));
        self
    }

    /// Queues faults for the next matching requests, in order, before the random mix.
    pub fn scripted(mut self, faults: impl IntoIterator<Item = Fault>) -> FaultPlan {
        self.scripted.extend(faults);
        self
    }

    /// Applies the plan only to requests matching `filter`.
    pub fn only_for(mut self, filter: RequestFilter) -> FaultPlan {
        self.filter = filter;
        self
    }
}

/// What the proxy did, counted since it started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Client connections accepted while reachable.
    pub connections: u64,
    /// Connections reset at once because the upstream was switched unreachable.
    pub refused_connections: u64,
    /// Requests received (heads read).
    pub requests: u64,
    /// Requests forwarded without a fault.
    pub passed: u64,
    /// Requests forwarded after a delay.
    pub delayed: u64,
    /// Requests answered 503 without forwarding.
    pub service_unavailable: u64,
    /// Requests answered 429 without forwarding.
    pub too_many_requests: u64,
    /// The seconds of every `Retry-After` the proxy answered (503 and 429), added up: the
    /// least time a client that honours them spends waiting, one request at a time.
    pub retry_after_secs: u64,
    /// Connections reset before forwarding.
    pub resets: u64,
    /// Requests the portal answered whose answer the proxy dropped.
    pub lost_responses: u64,
    /// Requests the portal answered (including lost responses).
    pub forwarded: u64,
    /// Requests the proxy could not forward (upstream down or failing); answered 502.
    pub upstream_failures: u64,
    /// Requests forwarded to each upstream, in the order the upstreams were given (a
    /// forwarding that failed counts too: it was that upstream's turn).
    pub per_upstream: Vec<u64>,
}

impl std::fmt::Display for FaultStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} connections ({} refused), {} requests: {} passed, {} delayed, {} x 503, \
             {} x 429, {} resets, {} lost responses, {} forwarded, {} upstream failures",
            self.connections,
            self.refused_connections,
            self.requests,
            self.passed,
            self.delayed,
            self.service_unavailable,
            self.too_many_requests,
            self.resets,
            self.lost_responses,
            self.forwarded,
            self.upstream_failures
        )?;
        if self.per_upstream.len() > 1 {
            write!(f, ", turns per upstream {:?}", self.per_upstream)?;
        }
        Ok(())
    }
}

/// A text replacement in the JSON answers the proxy passes on: every occurrence of `from` in
/// the body becomes `to`. `to` is inserted as is, so it must keep the JSON valid (no quotes or
/// backslashes inside a string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub from: String,
    pub to: String,
}

impl Rewrite {
    /// Replaces `from` with `to`.
    pub fn new(from: &str, to: &str) -> Rewrite {
        Rewrite {
            from: from.to_owned(),
            to: to.to_owned(),
        }
    }
}

/// A request the proxy received, as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl SeenRequest {
    /// The value of header `name` (any case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// The proxy's mutable state, shared by the control handle and the connection tasks.
#[derive(Debug)]
struct ProxyState {
    upstreams: Vec<SocketAddr>,
    /// The index in `upstreams` of the next request's upstream.
    next_upstream: usize,
    plan: FaultPlan,
    rng: StdRng,
    stats: FaultStats,
    rewrites: Vec<Rewrite>,
    seen: Vec<SeenRequest>,
}

impl ProxyState {
    fn new(upstreams: Vec<SocketAddr>, plan: FaultPlan) -> ProxyState {
        ProxyState {
            stats: FaultStats {
                per_upstream: vec![0; upstreams.len()],
                ..FaultStats::default()
            },
            upstreams,
            next_upstream: 0,
            rng: StdRng::seed_from_u64(plan.seed),
            plan,
            rewrites: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// The upstream whose turn it is, counted as forwarded to; the turn passes to the next.
    fn take_turn(&mut self) -> SocketAddr {
        let index = self.next_upstream % self.upstreams.len().max(1);
        self.next_upstream = index + 1;
        if let Some(count) = self.stats.per_upstream.get_mut(index) {
            *count += 1;
        }
        self.upstreams
            .get(index)
            .copied()
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Chooses the fault for one request and counts the request.
    fn decide(&mut self, method: &str, path: &str) -> Fault {
        self.stats.requests += 1;
        if !self.plan.filter.matches(method, path) {
            return Fault::Pass;
        }
        if let Some(fault) = self.plan.scripted.pop_front() {
            return fault;
        }
        let total: u64 = self
            .plan
            .mix
            .iter()
            .map(|(_, weight)| u64::from(*weight))
            .sum();
        if total == 0 {
            return Fault::Pass;
        }
        let mut draw = self.rng.random_range(0..total);
        for (fault, weight) in &self.plan.mix {
            let weight = u64::from(*weight);
            if draw < weight {
                return fault.clone();
            }
            draw -= weight;
        }
        Fault::Pass
    }
}

#[derive(Debug)]
struct Shared {
    state: Mutex<ProxyState>,
    unreachable: watch::Sender<bool>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, ProxyState> {
        // A panic while holding the lock leaves counters that are still meaningful.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running fault-injecting proxy. Dropping it stops it and closes its connections.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy on `127.0.0.1:0` forwarding to `upstream` under `plan`.
    pub fn start(upstream: SocketAddr, plan: FaultPlan) -> std::io::Result<FaultProxy> {
        FaultProxy::start_many(vec![upstream], plan)
    }

    /// Starts a proxy on `127.0.0.1:0` forwarding to `upstreams` in turn, one request to each,
    /// under `plan`, as a round-robin load balancer in front of several instances.
    ///
    /// # Errors
    /// When no upstream is given, or the proxy cannot listen.
    pub fn start_many(upstreams: Vec<SocketAddr>, plan: FaultPlan) -> std::io::Result<FaultProxy> {
        if upstreams.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the fault proxy needs at least one upstream to forward to",
            ));
        }
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (unreachable, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            state: Mutex::new(ProxyState::new(upstreams, plan)),
            unreachable,
        });
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel();
        let accept_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("fault-proxy-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(error) => {
                            eprintln!("fault proxy: cannot listen: {error}");
                            return;
                        }
                    };
                    tokio::select! {
                        () = accept_loop(listener, accept_shared) => {}
                        _ = shutdown_rx => {}
                    }
                });
                // Dropping the runtime here cancels every connection task.
            })?;
        Ok(FaultProxy {
            addr,
            shared,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the plan (and reseeds the generator with the new plan's seed).
    pub fn set_plan(&self, plan: FaultPlan) {
        let mut state = self.shared.state();
        state.rng = StdRng::seed_from_u64(plan.seed);
        state.plan = plan;
    }

    /// Queues faults for the next matching requests, before the random mix.
    pub fn push_script(&self, faults: impl IntoIterator<Item = Fault>) {
        self.shared.state().plan.scripted.extend(faults);
    }

    /// Points the proxy at another upstream address (a portal restarted elsewhere), the only
    /// one from now on.
    pub fn set_upstream(&self, upstream: SocketAddr) {
        let mut state = self.shared.state();
        state.upstreams = vec![upstream];
        state.next_upstream = 0;
        state.stats.per_upstream = vec![0];
    }

    /// While `true`, the portal looks unreachable: open connections are reset, and new ones
    /// are accepted and reset at once, before any byte is read.
    pub fn set_unreachable(&self, unreachable: bool) {
        self.shared.unreachable.send_replace(unreachable);
    }

    /// Rewrites every JSON answer passed on from now on (`application/json` and
    /// `application/problem+json`; streams and other types pass untouched).
    pub fn set_rewrites(&self, rewrites: Vec<Rewrite>) {
        self.shared.state().rewrites = rewrites;
    }

    /// What the proxy did so far.
    pub fn stats(&self) -> FaultStats {
        self.shared.state().stats.clone()
    }

    /// Every request received so far, in order: method, target and headers.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.shared.state().seen.clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The proxy thread is gone already if it could not listen; nothing to stop then.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the proxy thread was printed when it happened.
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Running out of file descriptors is the usual cause; wait and go on rather
                // than stop the proxy under the test.
                eprintln!("fault proxy: accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if *shared.unreachable.borrow() {
            shared.state().stats.refused_connections += 1;
            reset(stream);
            continue;
        }
        shared.state().stats.connections += 1;
        tokio::spawn(serve_connection(stream, Arc::clone(&shared)));
    }
}

/// Closes `stream` with a TCP RST instead of an orderly FIN.
fn reset(stream: TcpStream) {
    // Without zero linger the close is an orderly FIN; the client still sees the connection
    // end without an answer, so a failure to set it is not worth failing over.
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// Serves one client connection until it ends, a fault kills it, or the upstream is switched
/// unreachable.
async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    // A second handle on the same socket, kept to turn the close into a reset: hyper owns the
    // stream while serving, and the socket only closes when both handles are gone.
    let Ok(socket) = socket2::SockRef::from(&stream).try_clone() else {
        return;
    };
    let kill = Arc::new(Notify::new());
    let mut unreachable = shared.unreachable.subscribe();
    let service_kill = Arc::clone(&kill);
    let service = service_fn(move |request: Request<Incoming>| {
        let shared = Arc::clone(&shared);
        let kill = Arc::clone(&service_kill);
        async move { Ok::<_, Infallible>(handle(request, shared, kill).await) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        // The client closed, or the connection failed; either way it is over.
        _ = connection => return,
        () = kill.notified() => {}
        _ = unreachable.wait_for(|unreachable| *unreachable) => {}
    }
    // Killed: the connection future (and with it hyper's handle) was dropped by select!.
    // Zero linger on the remaining handle makes its close a reset.
    let _ = socket.set_linger(Some(Duration::ZERO));
}

type ProxyBody = BoxBody<Bytes, hyper::Error>;

/// Decides and applies the fault for one request. For a reset or lost response it signals
/// `kill` and never returns: the connection is dropped under it.
async fn handle(
    request: Request<Incoming>,
    shared: Arc<Shared>,
    kill: Arc<Notify>,
) -> Response<ProxyBody> {
    let fault = {
        let mut state = shared.state();
        let seen = SeenRequest {
            method: request.method().as_str().to_owned(),
            target: request
                .uri()
                .path_and_query()
                .map(|target| target.as_str().to_owned())
                .unwrap_or_default(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        };
        state.seen.push(seen);
        state.decide(request.method().as_str(), request.uri().path())
    };
    match fault {
        Fault::Pass => {
            shared.state().stats.passed += 1;
            forward(request, &shared).await
        }
        Fault::Delay(delay) => {
            shared.state().stats.delayed += 1;
            tokio::time::sleep(delay).await;
            forward(request, &shared).await
        }
        Fault::ServiceUnavailable => {
            shared.state().stats.service_unavailable += 1;
            problem(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Internal,
                "the fault proxy answered 503 in the portal's place",
                None,
            )
        }
        Fault::Overloaded { retry_after_secs } => {
            {
                let mut state = shared.state();
                state.stats.service_unavailable += 1;
                state.stats.retry_after_secs += u64::from(retry_after_secs);
            }
            problem(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "the fault proxy answered 503 in the portal's place",
                Some(retry_after_secs),
            )
        }
        Fault::TooManyRequests { retry_after_secs } => {
            {
                let mut state = shared.state();
                state.stats.too_many_requests += 1;
                state.stats.retry_after_secs += u64::from(retry_after_secs);
            }
            problem(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                "the fault proxy answered 429 in the portal's place",
                Some(retry_after_secs),
            )
        }
        Fault::Reset => {
            shared.state().stats.resets += 1;
            kill.notify_one();
            std::future::pending().await
        }
        Fault::LostResponse => {
            let answer = match try_forward(request, &shared).await {
                Ok(answer) => answer,
                // The portal was not reached, so there is no answer to lose: say so instead.
                Err(bad_gateway) => return bad_gateway,
            };
            // Read the whole answer so the portal has finished before the client is cut off.
            let (_, body) = answer.into_parts();
            let _ = body.collect().await;
            shared.state().stats.lost_responses += 1;
            kill.notify_one();
            std::future::pending().await
        }
    }
}

/// Forwards `request` upstream and returns the answer to stream back (rewritten, if
/// rewrites are set), or a 502 problem when the upstream cannot be reached.
async fn forward(request: Request<Incoming>, shared: &Arc<Shared>) -> Response<ProxyBody> {
    match try_forward(request, shared).await {
        Ok(answer) => rewrite(answer, shared).await,
        Err(bad_gateway) => bad_gateway,
    }
}

/// Applies the proxy's rewrites to a JSON answer; any other answer passes untouched.
async fn rewrite(answer: Response<ProxyBody>, shared: &Arc<Shared>) -> Response<ProxyBody> {
    let rewrites = shared.state().rewrites.clone();
    let is_json = answer
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            let media_type = value.split(';').next().unwrap_or("").trim();
            media_type == "application/json" || media_type == PROBLEM_CONTENT_TYPE
        });
    if rewrites.is_empty() || !is_json {
        return answer;
    }
    let (mut parts, body) = answer.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        // The portal broke off its answer; the client sees the same as without the proxy.
        Err(_) => Bytes::new(),
    };
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    for Rewrite { from, to } in &rewrites {
        text = text.replace(from.as_str(), to);
    }
    // The length changed: hyper sets the new one from the full body.
    parts.headers.remove(hyper::header::CONTENT_LENGTH);
    parts.headers.remove(hyper::header::TRANSFER_ENCODING);
    Response::from_parts(
        parts,
        Full::new(Bytes::from(text))
            .map_err(|never| match never {})
            .boxed(),
    )
}

/// Forwards `request` upstream on a new connection; `Err` holds the 502 problem to answer
/// when the upstream cannot be reached.
async fn try_forward(
    request: Request<Incoming>,
    shared: &Arc<Shared>,
) -> Result<Response<ProxyBody>, Response<ProxyBody>> {
    let upstream = shared.state().take_turn();
    match send_upstream(upstream, request).await {
        Ok(answer) => {
            shared.state().stats.forwarded += 1;
            Ok(answer.map(BodyExt::boxed))
        }
        Err(error) => {
            shared.state().stats.upstream_failures += 1;
            Err(problem(
                StatusCode::BAD_GATEWAY,
                ErrorCode::Internal,
                &format!("the fault proxy could not reach the portal at {upstream}: {error}"),
                None,
            ))
        }
    }
}

async fn send_upstream(
    upstream: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Incoming>, Box<dyn std::error::Error + Send + Sync>> {
    let stream = TcpStream::connect(upstream).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Incoming>(TokioIo::new(stream)).await?;
    // The connection task ends when the answer's body is read and the sender dropped.
    tokio::spawn(connection);
    Ok(sender.send_request(request).await?)
}

fn problem(
    status: StatusCode,
    code: ErrorCode,
    detail: &str,
    retry_after_secs: Option<u32>,
) -> Response<ProxyBody> {
    let mut document = Problem::new(code, detail);
    document.status = status.as_u16();
    let body = serde_json::to_vec(&document).unwrap_or_default();
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", PROBLEM_CONTENT_TYPE);
    if let Some(seconds) = retry_after_secs {
        builder = builder.header("retry-after", seconds.to_string());
    }
    builder
        .body(
            Full::new(Bytes::from(body))
                .map_err(|never| match never {})
                .boxed(),
        )
        .unwrap_or_else(|_| Response::new(BoxBody::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A tiny upstream that answers every request with `{method} {path} {body length}` and
    /// counts the requests whose bodies it read completely.
    struct Upstream {
        addr: SocketAddr,
        served: Arc<AtomicU64>,
        _shutdown: tokio::sync::oneshot::Sender<()>,
    }

    impl Upstream {
        fn start() -> Upstream {
            let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind upstream");
            listener
                .set_nonblocking(true)
                .expect("nonblocking upstream");
            let addr = listener.local_addr().expect("upstream address");
            let served = Arc::new(AtomicU64::new(0));
            let counter = Arc::clone(&served);
            let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("upstream runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("upstream listener");
                    let accept = async {
                        loop {
                            let (stream, _) = listener.accept().await.expect("upstream accept");
                            let counter = Arc::clone(&counter);
                            let service = service_fn(move |request: Request<Incoming>| {
                                let counter = Arc::clone(&counter);
                                async move {
                                    let method = request.method().to_string();
                                    let path = request.uri().path().to_owned();
                                    let body = request
                                        .into_body()
                                        .collect()
                                        .await
                                        .expect("upstream reads the body")
                                        .to_bytes();
                                    counter.fetch_add(1, Ordering::SeqCst);
                                    let text = format!("{method} {path} {}", body.len());
                                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
                                }
                            });
                            tokio::spawn(
                                hyper::server::conn::http1::Builder::new()
                                    .serve_connection(TokioIo::new(stream), service),
                            );
                        }
                    };
                    tokio::select! {
                        () = accept => {}
                        _ = shutdown_rx => {}
                    }
                });
            });
            Upstream {
                addr,
                served,
                _shutdown: shutdown,
            }
        }

        fn served(&self) -> u64 {
            self.served.load(Ordering::SeqCst)
        }
    }

    /// An upstream whose one answer is a chunked body fed chunk by chunk by the test, like a
    /// Server-Sent Events stream.
    fn streaming_upstream() -> (SocketAddr, tokio::sync::mpsc::UnboundedSender<Bytes>) {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind upstream");
        listener
            .set_nonblocking(true)
            .expect("nonblocking upstream");
        let addr = listener.local_addr().expect("upstream address");
        let (chunks, receiver) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
        let receiver = Arc::new(Mutex::new(Some(receiver)));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("upstream runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("upstream listener");
                let (stream, _) = listener.accept().await.expect("upstream accept");
                let service = service_fn(move |_request: Request<Incoming>| {
                    let receiver = Arc::clone(&receiver);
                    async move {
                        let mut chunks = receiver
                            .lock()
                            .expect("one request at a time")
                            .take()
                            .expect("one streaming request");
                        let (mut sender, body) =
                            http_body_util::channel::Channel::<Bytes, Infallible>::new(1);
                        tokio::spawn(async move {
                            while let Some(chunk) = chunks.recv().await {
                                if sender.send_data(chunk).await.is_err() {
                                    break;
                                }
                            }
                        });
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "text/event-stream")
                                .body(body)
                                .expect("a streaming answer"),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        });
        (addr, chunks)
    }

    /// A raw HTTP/1.1 client on one keep-alive connection, so the tests control the bytes.
    struct RawClient {
        reader: BufReader<std::net::TcpStream>,
        writer: std::net::TcpStream,
    }

    /// An answer read by [`RawClient`].
    #[derive(Debug)]
    struct RawAnswer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    }

    impl RawAnswer {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str())
        }
    }

    impl RawClient {
        fn connect(addr: SocketAddr) -> RawClient {
            let writer = std::net::TcpStream::connect(addr).expect("connect to the proxy");
            writer
                .set_read_timeout(Some(Duration::from_secs(30)))
                .expect("read timeout");
            let reader = BufReader::new(writer.try_clone().expect("clone the stream"));
            RawClient { reader, writer }
        }

        fn send(&mut self, raw: &str) {
            // The proxy may have reset the connection already (unreachable mode); the read
            // that follows tells, so a failed write is not an error here.
            let _ = self.writer.write_all(raw.as_bytes());
        }

        fn post(&mut self, path: &str, body: &str) {
            self.send(&format!(
                "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        }

        /// Reads one answer with a `Content-Length` body; `None` when the connection ends
        /// (EOF or reset) before a status line arrives.
        fn read_answer(&mut self) -> Option<RawAnswer> {
            let mut status_line = String::new();
            match self.reader.read_line(&mut status_line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let status = status_line
                .split_whitespace()
                .nth(1)
                .and_then(|code| code.parse().ok())
                .expect("a status line");
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                self.reader.read_line(&mut line).expect("a header line");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').expect("name: value");
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            let length: usize = headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .map(|(_, value)| value.parse().expect("a length"))
                .unwrap_or(0);
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body).expect("the body");
            Some(RawAnswer {
                status,
                headers,
                body: String::from_utf8(body).expect("text body"),
            })
        }

        /// Whether the connection is over: the next read gets EOF or a reset.
        fn is_closed(&mut self) -> bool {
            let mut byte = [0u8; 1];
            matches!(self.reader.read(&mut byte), Ok(0) | Err(_))
        }
    }

    fn proxy(upstream: &Upstream, plan: FaultPlan) -> FaultProxy {
        FaultProxy::start(upstream.addr, plan).expect("the proxy starts")
    }

    #[test]
    fn requests_on_one_connection_take_turns_between_upstreams() {
        let first = Upstream::start();
        let second = Upstream::start();
        let proxy =
            FaultProxy::start_many(vec![first.addr, second.addr], FaultPlan::pass_through())
                .expect("the proxy starts");
        let mut client = RawClient::connect(proxy.addr());
        for _ in 0..4 {
            client.post("/v1/applications", "{}");
            assert_eq!(client.read_answer().expect("an answer").status, 200);
        }
        assert_eq!(
            (first.served(), second.served()),
            (2, 2),
            "four requests on one keep-alive connection alternate between the two upstreams"
        );
        assert_eq!(proxy.stats().per_upstream, vec![2, 2], "{}", proxy.stats());
    }

    #[test]
    fn a_proxy_without_upstreams_is_refused() {
        assert!(
            FaultProxy::start_many(Vec::new(), FaultPlan::pass_through()).is_err(),
            "a proxy needs somewhere to forward to"
        );
    }

    #[test]
    fn passes_requests_over_one_keep_alive_connection() {
        let upstream = Upstream::start();
        let proxy = proxy(&upstream, FaultPlan::pass_through());
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/applications", "hello");
        let first = client.read_answer().expect("the first answer");
        client.post("/v1/attachments", "second body");
        let second = client
            .read_answer()
            .expect("the second answer on the same connection");
        assert_eq!(
            (first.status, first.body.as_str()),
            (200, "POST /v1/applications 5")
        );
        assert_eq!(
            (second.status, second.body.as_str()),
            (200, "POST /v1/attachments 11")
        );
        let stats = proxy.stats();
        assert_eq!(
            stats.connections, 1,
            "both requests came over one connection"
        );
        assert_eq!((stats.requests, stats.passed, stats.forwarded), (2, 2, 2));
        assert_eq!(upstream.served(), 2);
    }

    /// An upstream that answers every request with `body` as `content_type`, one connection
    /// per request.
    fn fixed_upstream(content_type: &'static str, body: &'static str) -> SocketAddr {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind upstream");
        let addr = listener.local_addr().expect("upstream address");
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|read| read > 0) && line != "\r\n" {
                    line.clear();
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        addr
    }

    #[test]
    fn rewrites_change_json_answers_and_leave_other_types_alone() {
        let json = fixed_upstream("application/json", r#"{"name": "Plain name"}"#);
        let text = fixed_upstream("text/plain", "Plain name");
        let proxy = FaultProxy::start(json, FaultPlan::pass_through()).expect("the proxy starts");
        proxy.set_rewrites(vec![Rewrite::new(
            "Plain name",
            "<b>longer hostile name</b>",
        )]);
        let mut client = RawClient::connect(proxy.addr());
        client.send("GET /v1/procedures HTTP/1.1\r\nHost: test\r\n\r\n");
        let answer = client.read_answer().expect("the rewritten answer");
        assert_eq!(
            answer.body, r#"{"name": "<b>longer hostile name</b>"}"#,
            "the JSON answer carries the replacement, with its new length"
        );

        proxy.set_upstream(text);
        let mut client = RawClient::connect(proxy.addr());
        client.send("GET /file HTTP/1.1\r\nHost: test\r\n\r\n");
        let answer = client.read_answer().expect("the plain answer");
        assert_eq!(
            answer.body, "Plain name",
            "a non-JSON answer is not rewritten"
        );
    }

    #[test]
    fn forwards_chunked_request_bodies() {
        let upstream = Upstream::start();
        let proxy = proxy(&upstream, FaultPlan::pass_through());
        let mut client = RawClient::connect(proxy.addr());
        client.send(
            "POST /v1/attachments HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n\
             4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n",
        );
        let answer = client.read_answer().expect("an answer");
        assert_eq!(
            answer.body, "POST /v1/attachments 7",
            "all chunks reached the upstream"
        );
    }

    #[test]
    fn service_unavailable_is_answered_without_reaching_the_portal() {
        let upstream = Upstream::start();
        let proxy = proxy(
            &upstream,
            FaultPlan::seeded(1).scripted([Fault::ServiceUnavailable]),
        );
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/applications", "{}");
        let answer = client.read_answer().expect("a 503 answer");
        assert_eq!(answer.status, 503);
        assert_eq!(answer.header("content-type"), Some(PROBLEM_CONTENT_TYPE));
        let problem: Problem = serde_json::from_str(&answer.body).expect("a problem document");
        assert_eq!(problem.status, 503);
        client.post("/v1/applications", "{}");
        let next = client.read_answer().expect("the connection stays usable");
        assert_eq!(
            next.status, 200,
            "the script is used up, the next request passes"
        );
        assert_eq!(
            upstream.served(),
            1,
            "only the second request reached the upstream"
        );
        assert_eq!(proxy.stats().service_unavailable, 1);
    }

    #[test]
    fn too_many_requests_carries_retry_after() {
        let upstream = Upstream::start();
        let proxy = proxy(
            &upstream,
            FaultPlan::seeded(1).scripted([Fault::TooManyRequests {
                retry_after_secs: 7,
            }]),
        );
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/applications", "{}");
        let answer = client.read_answer().expect("a 429 answer");
        assert_eq!(answer.status, 429);
        assert_eq!(answer.header("retry-after"), Some("7"));
        let problem: Problem = serde_json::from_str(&answer.body).expect("a problem document");
        assert_eq!(problem.code, ErrorCode::RateLimited);
        assert_eq!(
            upstream.served(),
            0,
            "a 429 from the proxy never reaches the upstream"
        );
    }

    #[test]
    fn an_overloaded_answer_is_a_503_with_retry_after_and_counts_the_wait_it_imposes() {
        let upstream = Upstream::start();
        let proxy = proxy(
            &upstream,
            FaultPlan::seeded(1).scripted([
                Fault::Overloaded {
                    retry_after_secs: 1,
                },
                Fault::TooManyRequests {
                    retry_after_secs: 3,
                },
            ]),
        );
        for (status, seconds) in [(503, "1"), (429, "3")] {
            let mut client = RawClient::connect(proxy.addr());
            client.post("/v1/applications", "{}");
            let answer = client.read_answer().expect("an answer");
            assert_eq!(answer.status, status);
            assert_eq!(answer.header("retry-after"), Some(seconds));
        }
        let stats = proxy.stats();
        assert_eq!(stats.service_unavailable, 1, "the 503 is counted as one");
        assert_eq!(
            stats.retry_after_secs, 4,
            "the waits the proxy asked for add up to the floor of a client that honours them"
        );
        assert_eq!(upstream.served(), 0, "neither reached the upstream");
    }

    #[test]
    fn reset_closes_the_connection_before_forwarding() {
        let upstream = Upstream::start();
        let proxy = proxy(&upstream, FaultPlan::seeded(1).scripted([Fault::Reset]));
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/applications", "{}");
        assert!(client.read_answer().is_none(), "no answer comes back");
        assert_eq!(
            upstream.served(),
            0,
            "the request never reached the upstream"
        );
        assert_eq!(proxy.stats().resets, 1);
    }

    #[test]
    fn lost_response_reaches_the_portal_but_never_the_client() {
        let upstream = Upstream::start();
        let proxy = proxy(
            &upstream,
            FaultPlan::seeded(1).scripted([Fault::LostResponse]),
        );
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/applications", "{\"a\":1}");
        assert!(client.read_answer().is_none(), "the answer is dropped");
        assert_eq!(
            upstream.served(),
            1,
            "the upstream handled the request completely"
        );
        let stats = proxy.stats();
        assert_eq!((stats.lost_responses, stats.forwarded), (1, 1));
    }

    #[test]
    fn delay_still_forwards_after_waiting() {
        let upstream = Upstream::start();
        let delay = Duration::from_millis(300);
        let proxy = proxy(
            &upstream,
            FaultPlan::seeded(1).scripted([Fault::Delay(delay)]),
        );
        let mut client = RawClient::connect(proxy.addr());
        let started = std::time::Instant::now();
        client.post("/v1/sync", "");
        let answer = client.read_answer().expect("the delayed answer");
        assert!(
            started.elapsed() >= delay,
            "the answer waited for the delay"
        );
        assert_eq!(answer.body, "POST /v1/sync 0");
        assert_eq!(proxy.stats().delayed, 1);
    }

    #[test]
    fn unreachable_resets_connections_until_switched_back() {
        let upstream = Upstream::start();
        let proxy = proxy(&upstream, FaultPlan::pass_through());
        let mut open = RawClient::connect(proxy.addr());
        open.post("/a", "");
        open.read_answer().expect("reachable at first");

        proxy.set_unreachable(true);
        assert!(
            open.is_closed(),
            "an open connection is cut when the portal goes away"
        );
        let mut refused = RawClient::connect(proxy.addr());
        refused.post("/b", "");
        assert!(
            refused.read_answer().is_none(),
            "new connections get no answer"
        );
        assert!(proxy.stats().refused_connections >= 1);

        proxy.set_unreachable(false);
        let mut back = RawClient::connect(proxy.addr());
        back.post("/c", "");
        let answer = back.read_answer().expect("reachable again");
        assert_eq!(answer.body, "POST /c 0");
        assert_eq!(
            upstream.served(),
            2,
            "nothing reached the upstream while unreachable"
        );
    }

    #[test]
    fn an_unreachable_upstream_gives_a_502_problem() {
        let upstream = Upstream::start();
        let proxy = proxy(&upstream, FaultPlan::pass_through());
        let closed = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
        let nowhere = closed.local_addr().expect("its address");
        drop(closed);
        proxy.set_upstream(nowhere);
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/applications", "{}");
        let answer = client.read_answer().expect("a 502 answer");
        assert_eq!(answer.status, 502);
        assert_eq!(answer.header("content-type"), Some(PROBLEM_CONTENT_TYPE));
        assert_eq!(proxy.stats().upstream_failures, 1);
    }

    #[test]
    fn a_lost_response_is_not_counted_when_the_portal_was_not_reached() {
        let upstream = Upstream::start();
        let proxy = proxy(
            &upstream,
            FaultPlan::seeded(1).scripted([Fault::LostResponse]),
        );
        let closed = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
        let nowhere = closed.local_addr().expect("its address");
        drop(closed);
        proxy.set_upstream(nowhere);
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/applications", "{}");
        let answer = client.read_answer().expect("the 502 is not lost");
        assert_eq!(answer.status, 502);
        let stats = proxy.stats();
        assert_eq!((stats.lost_responses, stats.upstream_failures), (0, 1));
    }

    #[test]
    fn scripts_and_plans_can_change_while_running() {
        let upstream = Upstream::start();
        let proxy = proxy(&upstream, FaultPlan::pass_through());
        let mut client = RawClient::connect(proxy.addr());
        client.post("/a", "");
        assert_eq!(client.read_answer().expect("an answer").status, 200);
        proxy.push_script([Fault::ServiceUnavailable]);
        client.post("/b", "");
        assert_eq!(client.read_answer().expect("an answer").status, 503);
        proxy.set_plan(FaultPlan::seeded(3).with(
            Fault::TooManyRequests {
                retry_after_secs: 2,
            },
            1,
        ));
        client.post("/c", "");
        assert_eq!(client.read_answer().expect("an answer").status, 429);
        proxy.set_plan(FaultPlan::pass_through());
        client.post("/d", "");
        assert_eq!(client.read_answer().expect("an answer").status, 200);
        assert_eq!(
            upstream.served(),
            2,
            "only the passing requests reached the upstream"
        );
    }

    #[test]
    fn faults_apply_only_to_requests_the_filter_matches() {
        let upstream = Upstream::start();
        let plan = FaultPlan::seeded(1)
            .with(Fault::ServiceUnavailable, 1)
            .only_for(RequestFilter::path_prefix("/v1/applications").method("post"));
        let proxy = proxy(&upstream, plan);
        let mut client = RawClient::connect(proxy.addr());
        client.post("/v1/auth/token", "{}");
        assert_eq!(client.read_answer().expect("an answer").status, 200);
        client.send("GET /v1/applications HTTP/1.1\r\nHost: test\r\n\r\n");
        assert_eq!(client.read_answer().expect("an answer").status, 200);
        client.post("/v1/applications", "{}");
        assert_eq!(client.read_answer().expect("an answer").status, 503);
    }

    #[test]
    fn streams_answers_as_they_come() {
        let (upstream, chunks) = streaming_upstream();
        let proxy = FaultProxy::start(upstream, FaultPlan::pass_through()).expect("proxy");
        let mut client = RawClient::connect(proxy.addr());
        client.send("GET /v1/events HTTP/1.1\r\nHost: test\r\n\r\n");
        chunks
            .send(Bytes::from_static(b"id: 1\ndata: first\n\n"))
            .expect("the upstream takes the first event");
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            let mut line = String::new();
            client.reader.read_line(&mut line).expect("a head line");
            assert!(!line.is_empty(), "the head arrives before the stream ends");
            head.push_str(&line);
        }
        assert!(
            head.to_ascii_lowercase().contains("text/event-stream"),
            "{head}"
        );
        let mut size = String::new();
        client.reader.read_line(&mut size).expect("a chunk size");
        let size = usize::from_str_radix(size.trim(), 16).expect("a hex chunk size");
        let mut event = vec![0; size];
        client
            .reader
            .read_exact(&mut event)
            .expect("the first event");
        assert_eq!(
            event, b"id: 1\ndata: first\n\n",
            "the first event arrives while the stream is still open"
        );
        drop(chunks);
    }

    /// The statuses (0 for no answer) a fresh connection per request sees under `plan`.
    fn outcomes(upstream: &Upstream, plan: FaultPlan, requests: usize) -> Vec<u16> {
        let proxy = proxy(upstream, plan);
        (0..requests)
            .map(|_| {
                let mut client = RawClient::connect(proxy.addr());
                client.post("/v1/applications", "{}");
                client.read_answer().map_or(0, |answer| answer.status)
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let upstream = Upstream::start();
        let plan = |seed| {
            FaultPlan::seeded(seed)
                .with(Fault::Pass, 2)
                .with(Fault::ServiceUnavailable, 1)
                .with(Fault::Reset, 1)
                .with(Fault::LostResponse, 1)
        };
        let first = outcomes(&upstream, plan(42), 40);
        let again = outcomes(&upstream, plan(42), 40);
        let other = outcomes(&upstream, plan(43), 40);
        assert_eq!(first, again, "a seed reproduces its run");
        assert_ne!(first, other, "another seed gives another run");
        for status in [0, 200, 503] {
            assert!(
                first.contains(&status),
                "the mix produced {status}: {first:?}"
            );
        }
    }
}
