//! 1,000 open event streams (`GET /v1/events`) on the release portal: the portal's memory per
//! open stream, and the time from an officer's transition to its event on every stream, beside
//! the time of one plain `GET /v1/me` on the same portal in the same run. `bench::portal`
//! measures the same over two instances on PostgreSQL ([`measure_streams`]).
//!
//! The streams are raw HTTP/1.1 connections driven by one small tokio runtime, so the bench
//! client does not take the CPU from the portal with a thread per stream.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use opendvc_api::{
    Application, ApplicationList, ApplicationStatus, IDEMPOTENCY_KEY_HEADER, RefreshRequest,
    StaffTokenRequest, StaffTokenResponse, TokenResponse, TransitionRequest,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::{BenchContext, Measurement};
use crate::portal::{Portal, PortalOptions, PortalOutput};
use crate::signin::{PortalClient, demo_accounts, sign_in_citizen};

const BENCH: &str = "events";
const STREAMS: usize = 1_000;
/// Access tokens the streams share out (each from a refresh of the one sign-in). The portal
/// allows 5 open streams per token (`events.streamsPerToken`, counted across instances), so
/// 1,000 streams need at least 200; a few more leave room for a stream the portal has not yet
/// seen closed.
const TOKENS: usize = 250;
const ROUNDS: u64 = 10;
/// Plain GETs for the baseline.
const BASELINE_GETS: usize = 200;
const ROUND_LIMIT: Duration = Duration::from_secs(60);

pub fn run(context: &BenchContext) -> Result<Vec<Measurement>> {
    Ok(measure_on_sqlite(context)?.measurements(BENCH, "", None))
}

/// [`measure_streams`] on one release portal with an SQLite file.
pub(super) fn measure_on_sqlite(context: &BenchContext) -> Result<StreamFigures> {
    check_file_limit(2 * STREAMS + 200)?;
    let portal = Portal::start(&PortalOptions {
        binary: context.portal_binary.clone(),
        db: context.work_dir.join("events-portal.db"),
        listen: "127.0.0.1:0".to_owned(),
        demo: true,
        demo_advance_seconds: None,
        demo_history: false,
        demo_send_in_background: false,
        output: PortalOutput::LogFile(context.work_dir.join("events-portal.log")),
    })?;
    let figures = measure_streams(&context.portal_binary, &[&portal])?;
    portal.stop()?;
    Ok(figures)
}

/// What [`measure_streams`] found.
#[derive(Debug, Clone)]
pub(super) struct StreamFigures {
    /// The median of a plain `GET /v1/me`, ms.
    plain_get_ms: f64,
    /// The portals' memory (RSS, summed over instances) per open stream, KiB.
    per_stream_kib: f64,
    /// Change-to-event quantiles over every delivery, ms: p50, p95, p99, max.
    quantiles: [(&'static str, f64); 4],
    details: serde_json::Value,
}

impl StreamFigures {
    /// The report's rows, `label` ending their names. Without `before` the latencies are
    /// compared to the plain GET; with it (the same figures of another setup, such as the
    /// SQLite portal) every figure is compared to its counterpart there.
    pub fn measurements(
        &self,
        bench: &'static str,
        label: &str,
        before: Option<(&str, &StreamFigures)>,
    ) -> Vec<Measurement> {
        let plain = Measurement::new(
            bench,
            format!("plain GET /v1/me (median){label}"),
            self.plain_get_ms,
            "ms",
        )
        .with_details(json!({ "requests": BASELINE_GETS }));
        let compare = |measurement: Measurement,
                       counterpart: Option<(String, f64, &'static str)>| {
            match (before, counterpart) {
                (Some((before_label, _)), Some((name, value, unit))) => measurement.compared_to(
                    &Measurement::new(bench, format!("{name}{before_label}"), value, unit),
                ),
                _ => measurement,
            }
        };
        let mut rows = vec![compare(
            plain.clone(),
            before.map(|(_, figures)| {
                (
                    "plain GET /v1/me (median)".to_owned(),
                    figures.plain_get_ms,
                    "ms",
                )
            }),
        )];
        rows.push(compare(
            Measurement::new(
                bench,
                format!("portal memory per open stream{label}"),
                self.per_stream_kib,
                "KiB",
            )
            .with_details(self.details.clone()),
            before.map(|(_, figures)| {
                (
                    "portal memory per open stream".to_owned(),
                    figures.per_stream_kib,
                    "KiB",
                )
            }),
        ));
        for (index, (quantile, value)) in self.quantiles.iter().enumerate() {
            let name = format!("change to event, all streams, {quantile}");
            let measurement = Measurement::new(bench, format!("{name}{label}"), *value, "ms")
                .with_details(self.details.clone());
            rows.push(match before {
                Some((_, figures)) => {
                    compare(measurement, Some((name, figures.quantiles[index].1, "ms")))
                }
                None => measurement.compared_to(&plain),
            });
        }
        rows
    }
}

/// Opens [`STREAMS`] event streams of one demo citizen, spread over `portals` (instances on
/// one database, or one portal), and measures the portals' memory per stream and the time
/// from an officer's transition (on the first portal) to its event on every stream.
pub(super) fn measure_streams(portal_binary: &Path, portals: &[&Portal]) -> Result<StreamFigures> {
    check_file_limit(2 * STREAMS + 200)?;
    let Some(first_portal) = portals.first() else {
        bail!("the streams need a portal");
    };
    let client = PortalClient::new(&first_portal.url);
    let accounts = demo_accounts(portal_binary)?;
    let citizen = accounts
        .citizens
        .first()
        .ok_or_else(|| anyhow!("the demo has no citizen"))?;
    let first = sign_in_citizen(&client, citizen)?;
    let tokens = more_tokens(&client, first)?;
    let officer = accounts
        .officers
        .first()
        .ok_or_else(|| anyhow!("the demo has no officer"))?;
    let (status, body) = client.post_json(
        "/v1/auth/staff-token",
        &StaffTokenRequest {
            code: officer.code.clone(),
            password: officer.password.clone(),
        },
    )?;
    if status != 200 {
        bail!("officer sign-in answered {status}: {body}");
    }
    let officer: StaffTokenResponse = serde_json::from_str(&body)?;
    let (application, mut next) = movable_application(&client, &tokens[0])?;

    // Baseline: one plain authenticated GET, median of many.
    let mut plain = Vec::with_capacity(BASELINE_GETS);
    for _ in 0..BASELINE_GETS {
        let start = Instant::now();
        client.get_json::<serde_json::Value>("/v1/me", Some(&tokens[0]))?;
        plain.push(start.elapsed());
    }
    plain.sort();
    let baseline_ms = plain[plain.len() / 2].as_secs_f64() * 1000.0;

    let pids: Vec<u32> = portals.iter().map(|portal| portal.process_id()).collect();
    let rss_before = rss_kib_sum(&pids)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let addresses: Vec<String> = portals
        .iter()
        .map(|portal| {
            portal
                .url
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_owned()
        })
        .collect();
    let round = Arc::new(AtomicU64::new(0));
    let (deliveries, mut delivered) = mpsc::unbounded_channel::<(u64, Instant)>();
    let (opened_tx, mut opened) = mpsc::unbounded_channel::<Result<()>>();
    for index in 0..STREAMS {
        let token = tokens[index % tokens.len()].clone();
        // Stream N of a token goes to instance N (mod the instances), so each token's
        // streams span the instances and the cap is counted across them.
        let address = addresses[(index / tokens.len()) % addresses.len()].clone();
        let round = round.clone();
        let deliveries = deliveries.clone();
        let opened_tx = opened_tx.clone();
        runtime.spawn(async move {
            let result = hold_stream(&address, &token, round, deliveries, &opened_tx).await;
            if let Err(error) = result {
                let _ = opened_tx.send(Err(error));
            }
        });
    }
    let opened_all = runtime.block_on(async {
        for _ in 0..STREAMS {
            match tokio::time::timeout(ROUND_LIMIT, opened.recv()).await {
                Ok(Some(Ok(()))) => {}
                Ok(Some(Err(error))) => return Err(error),
                Ok(None) => bail!("the streams ended before they opened"),
                Err(_) => bail!("not all {STREAMS} streams opened within {ROUND_LIMIT:?}"),
            }
        }
        Ok(())
    });
    opened_all?;
    // Let the portals settle (allocations of the last accepted connections) before measuring.
    std::thread::sleep(Duration::from_millis(500));
    let rss_after = rss_kib_sum(&pids)?;
    let per_stream_kib = rss_after.saturating_sub(rss_before) as f64 / STREAMS as f64;
    println!(
        "{STREAMS} streams open on {} instance(s): RSS {rss_before} KiB -> {rss_after} KiB, {per_stream_kib:.1} KiB per stream",
        portals.len()
    );

    let mut latencies = Vec::with_capacity(STREAMS * ROUNDS as usize);
    for number in 1..=ROUNDS {
        // Later events of the previous round (the inbox item) are not counted for this one.
        std::thread::sleep(Duration::from_millis(300));
        round.store(number, Ordering::SeqCst);
        let start = Instant::now();
        transition(&client, &officer.access_token, &application, next)?;
        next = match next {
            ApplicationStatus::Processing => ApplicationStatus::SupplementRequested,
            _ => ApplicationStatus::Processing,
        };
        let collected = runtime.block_on(async {
            let mut count = 0;
            let deadline = tokio::time::Instant::now() + ROUND_LIMIT;
            while count < STREAMS {
                match tokio::time::timeout_at(deadline, delivered.recv()).await {
                    Ok(Some((seen_round, at))) if seen_round == number => {
                        latencies.push(at.saturating_duration_since(start));
                        count += 1;
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            count
        });
        if collected < STREAMS {
            bail!(
                "round {number}: only {collected} of {STREAMS} streams got the event within {ROUND_LIMIT:?}"
            );
        }
    }
    latencies.sort();
    let quantile = |q: f64| {
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[index.min(latencies.len() - 1)].as_secs_f64() * 1000.0
    };
    let quantiles = [
        ("p50", quantile(0.5)),
        ("p95", quantile(0.95)),
        ("p99", quantile(0.99)),
        ("max", quantile(1.0)),
    ];
    println!(
        "change to delivery on all {STREAMS} streams: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms; plain GET {baseline_ms:.2} ms",
        quantiles[0].1, quantiles[1].1, quantiles[2].1, quantiles[3].1
    );
    drop(runtime);
    Ok(StreamFigures {
        plain_get_ms: baseline_ms,
        per_stream_kib,
        quantiles,
        details: json!({
            "streams": STREAMS,
            "instances": portals.len(),
            "tokens": tokens.len(),
            "rounds": ROUNDS,
            "deliveries": latencies.len(),
            "rssBeforeKiB": rss_before,
            "rssAfterKiB": rss_after,
            "what": "officer transition over HTTP on the first instance until the event reaches each open stream",
        }),
    })
}

/// Fails early and clearly when the process may not open enough files for the streams.
fn check_file_limit(needed: usize) -> Result<()> {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|value| value.parse::<usize>().ok());
    match soft {
        Some(soft) if soft < needed => bail!(
            "the open-file limit is {soft}; the events bench needs {needed}: run `ulimit -n {needed}` first"
        ),
        _ => Ok(()),
    }
}

/// The resident memory of the processes `pids`, summed.
fn rss_kib_sum(pids: &[u32]) -> Result<u64> {
    pids.iter().map(|pid| rss_kib(*pid)).sum()
}

fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|value| value.parse().ok())
        .ok_or_else(|| anyhow!("no VmRSS in /proc/{pid}/status"))
}

/// Access tokens from refreshing the one sign-in; each stays valid for its lifetime.
fn more_tokens(client: &PortalClient, first: TokenResponse) -> Result<Vec<String>> {
    let mut tokens = vec![first.access_token];
    let mut refresh = first.refresh_token;
    while tokens.len() < TOKENS {
        let (status, body) = client.post_json(
            "/v1/auth/refresh",
            &RefreshRequest {
                refresh_token: refresh.clone(),
            },
        )?;
        if status != 200 {
            bail!("refresh answered {status}: {body}");
        }
        let fresh: TokenResponse = serde_json::from_str(&body)?;
        tokens.push(fresh.access_token);
        refresh = fresh.refresh_token;
    }
    Ok(tokens)
}

/// An application of the citizen that can go back and forth between processing and
/// supplement requested, and its first move.
fn movable_application(
    client: &PortalClient,
    token: &str,
) -> Result<(Application, ApplicationStatus)> {
    let list: ApplicationList = client.get_json("/v1/applications", Some(token))?;
    list.items
        .into_iter()
        .find_map(|application| match application.status {
            ApplicationStatus::Received | ApplicationStatus::SupplementRequested => {
                Some((application, ApplicationStatus::Processing))
            }
            ApplicationStatus::Processing => {
                Some((application, ApplicationStatus::SupplementRequested))
            }
            _ => None,
        })
        .ok_or_else(|| anyhow!("the demo citizen has no application an officer can move"))
}

fn transition(
    client: &PortalClient,
    token: &str,
    application: &Application,
    to: ApplicationStatus,
) -> Result<()> {
    let mut response = client
        .agent()
        .post(client.url(&format!(
            "/v1/officer/applications/{}/transition",
            application.id
        )))
        .header("Authorization", format!("Bearer {token}"))
        .header(IDEMPOTENCY_KEY_HEADER, uuid::Uuid::now_v7().to_string())
        .send_json(&TransitionRequest {
            to: Some(to),
            delivery: None,
            // An officer who asks for a supplement says what is missing (the portal refuses
            // the request without it).
            note: (to == ApplicationStatus::SupplementRequested)
                .then(|| "Bổ sung bản sao giấy khai sinh có chứng thực.".to_owned()),
        })?;
    let status = response.status().as_u16();
    if status != 200 {
        let body = response.body_mut().read_to_string()?;
        bail!("the transition answered {status}: {body}");
    }
    Ok(())
}

/// Opens one stream and reports, for each round, the moment its first event arrived.
async fn hold_stream(
    address: &str,
    token: &str,
    round: Arc<AtomicU64>,
    deliveries: mpsc::UnboundedSender<(u64, Instant)>,
    opened: &mpsc::UnboundedSender<Result<()>>,
) -> Result<()> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let request = format!(
        "GET /v1/events HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut buffer = vec![0_u8; 4096];
    let mut head = Vec::new();
    // The response head.
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            bail!("the portal closed a stream before answering");
        }
        head.extend_from_slice(&buffer[..read]);
        if head.windows(4).any(|window| window == b"\r\n\r\n") {
            break;
        }
    }
    if !head.starts_with(b"HTTP/1.1 200") {
        bail!(
            "a stream was refused: {}",
            String::from_utf8_lossy(&head)
                .lines()
                .next()
                .unwrap_or_default()
        );
    }
    let _ = opened.send(Ok(()));
    let mut reported = 0;
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        let at = Instant::now();
        let current = round.load(Ordering::SeqCst);
        // Heartbeats are comment lines; an event carries an `id:` field.
        let has_event = buffer[..read].windows(4).any(|window| window == b"id: ");
        if has_event && current > reported {
            reported = current;
            let _ = deliveries.send((current, at));
        }
    }
}
