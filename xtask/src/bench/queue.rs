//! The core's submission queue and cache against bare baselines, in the same run:
//! - enqueue latency through the façade (`OpenDvc::submit` without sending: validation against
//!   the cached catalog and a durable commit to the outbox) beside a bare SQLite WAL +
//!   `synchronous=FULL` single-row commit of the same payload;
//! - drain rate of 1,000 queued submissions to the local release portal beside a bare reqwest
//!   POST loop of the same payloads (fresh `Idempotency-Key`s) to the same portal;
//! - the dashboard query with 200 applications, 50 documents and 1,000 inbox items in the cache;
//! - the drain of 60 submissions through a lossy link beside the waits its `Retry-After`
//!   answers impose (`lossy_link`).
//!
//! The core is used as a library, as the app shell uses it; the portal is the release binary.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{TimeDelta, Utc};
use opendvc_api::{
    Application, ApplicationStatus, DeliveryChoice, DeliveryMethod, Document, FieldKind,
    IDEMPOTENCY_KEY_HEADER, InboxCategory, InboxItem, LocalizedText, NewApplication, Procedure,
    Profile,
};
use opendvc_core::queue::{ItemPayload, ItemState};
use opendvc_core::session::{DataDir, Session, profile_key};
use opendvc_core::store::{Cache, applications, documents, inbox, profile};
use opendvc_core::{OpenDvc, OpenDvcOptions, SubmissionDraft};
use rusqlite::{Connection, params};
use serde_json::json;

use super::{BenchContext, Measurement};
use crate::portal::{Portal, PortalOptions, PortalOutput};
use crate::signin::{PortalClient, demo_accounts, sign_in_citizen};

const BENCH: &str = "queue";

/// Submissions enqueued (and then drained); also the number of bare commits and POSTs.
const ITEMS: usize = 1_000;

/// The dashboard's cache contents.
const DASHBOARD_APPLICATIONS: usize = 200;
const DASHBOARD_DOCUMENTS: usize = 50;
const DASHBOARD_INBOX: usize = 1_000;
const DASHBOARD_QUERIES: usize = 500;

/// The drain gives up after this long, so a broken build still finishes the benchmark.
const DRAIN_LIMIT: Duration = Duration::from_secs(600);

/// Procedures whose required documents the demo wallet holds, so each submission is one item
/// (no upload): the drain and the bare loop then send exactly the same requests.
const PREFERRED_PROCEDURES: [&str; 2] = ["residence-confirmation", "judicial-record-certificate"];

pub fn run(context: &BenchContext) -> Result<Vec<Measurement>> {
    // `bench::run` runs in an xtask built with the measured profile, so the core linked
    // into it is optimised as the app ships it.
    let records = measure_records(context)?;
    Ok(into_measurements(records))
}

/// A measurement, and the one it is compared to.
#[derive(Debug, Clone)]
struct Record {
    name: String,
    value: f64,
    unit: Unit,
    /// The record (by index) this one is compared to.
    baseline: Option<usize>,
    details: serde_json::Value,
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Milliseconds,
    ApplicationsPerSecond,
}

impl Unit {
    fn label(self) -> &'static str {
        match self {
            Unit::Milliseconds => "ms",
            Unit::ApplicationsPerSecond => "applications/s",
        }
    }
}

impl Record {
    fn new(name: &str, value: f64, unit: Unit) -> Record {
        Record {
            name: name.to_owned(),
            value,
            unit,
            baseline: None,
            details: serde_json::Value::Null,
        }
    }

    fn compared_to(mut self, index: usize) -> Record {
        self.baseline = Some(index);
        self
    }

    fn with_details(mut self, details: serde_json::Value) -> Record {
        self.details = details;
        self
    }
}

fn into_measurements(records: Vec<Record>) -> Vec<Measurement> {
    let plain: Vec<Measurement> = records
        .iter()
        .map(|record| {
            Measurement::new(
                BENCH,
                record.name.clone(),
                record.value,
                record.unit.label(),
            )
            .with_details(record.details.clone())
        })
        .collect();
    records
        .iter()
        .zip(&plain)
        .map(
            |(record, measurement)| match record.baseline.and_then(|index| plain.get(index)) {
                Some(baseline) => measurement.clone().compared_to(baseline),
                None => measurement.clone(),
            },
        )
        .collect()
}

fn measure_records(context: &BenchContext) -> Result<Vec<Record>> {
    let portal = Portal::start(&PortalOptions {
        binary: context.portal_binary.clone(),
        db: context.work_dir.join("portal.db"),
        listen: "127.0.0.1:0".to_owned(),
        demo: true,
        demo_advance_seconds: None,
        demo_history: false,
        demo_send_in_background: false,
        output: PortalOutput::LogFile(context.work_dir.join("portal.log")),
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let records = runtime.block_on(measure(context, &portal.url))?;
    portal.stop()?;
    Ok(records)
}

async fn measure(context: &BenchContext, portal_url: &str) -> Result<Vec<Record>> {
    let data_dir = DataDir::new(context.work_dir.join("client"));
    let session = sign_in(context, portal_url, &data_dir)?;
    let access_token = session
        .access_token
        .clone()
        .ok_or_else(|| anyhow!("the new session has no access token"))?;
    let core = OpenDvc::open(OpenDvcOptions::new(data_dir.clone()))?;
    core.sync_now()
        .await
        .context("the core's first sync failed")?;
    let draft = draft(&core)?;

    // (a) Enqueue latency, filling the queue for the drain. The first submission is not timed:
    // its frozen payload is what the bare commits write. After that, each core enqueue is
    // followed by one bare commit, so both see the same disk and the same load.
    let first = core.submit(draft.clone(), false).await?;
    let payload_json = match core.queue_item(first.item_id)?.map(|item| item.payload) {
        Some(ItemPayload::CreateApplication { application }) => {
            serde_json::to_string(&application)?
        }
        other => bail!("the first submission was not queued as a new application: {other:?}"),
    };
    let mut bare = BareOutbox::create(&context.work_dir.join("bare-outbox.db"))?;
    let mut enqueue = Vec::with_capacity(ITEMS);
    let mut bare_commits = Vec::with_capacity(ITEMS);
    for _ in 1..ITEMS {
        let started = Instant::now();
        let outcome = core.submit(draft.clone(), false).await?;
        enqueue.push(started.elapsed());
        if outcome.state != ItemState::Queued {
            bail!("a submission was not queued: {outcome:?}");
        }
        bare_commits.push(bare.commit(&payload_json)?);
    }
    drop(bare);
    let payloads: Vec<NewApplication> = core
        .queue_items(false)?
        .into_iter()
        .filter_map(|item| match item.payload {
            ItemPayload::CreateApplication { application } => Some(application),
            _ => None,
        })
        .collect();
    let enqueue_stats = Latencies::of(&enqueue);
    let bare_stats = Latencies::of(&bare_commits);
    println!(
        "enqueue through the core: median {:.3} ms, p95 {:.3} ms; bare commit: median {:.3} ms, p95 {:.3} ms",
        enqueue_stats.median_ms, enqueue_stats.p95_ms, bare_stats.median_ms, bare_stats.p95_ms
    );
    let bare_median = Record::new(
        "bare SQLite WAL+FULL single-row commit, median",
        bare_stats.median_ms,
        Unit::Milliseconds,
    )
    .with_details(json!({
        "what": "one INSERT of the frozen submission payload per transaction, WAL, synchronous=FULL, file on disk",
        "commits": bare_commits.len(),
        "p95Ms": bare_stats.p95_ms,
        "payloadBytes": payload_json.len(),
    }));
    let bare_p95 = Record::new(
        "bare SQLite WAL+FULL single-row commit, p95",
        bare_stats.p95_ms,
        Unit::Milliseconds,
    );
    let enqueue_median = Record::new(
        "enqueue a submission durably (core), median",
        enqueue_stats.median_ms,
        Unit::Milliseconds,
    )
    .compared_to(0)
    .with_details(json!({
        "what": "OpenDvc::submit without sending: validation against the cached catalog, outbox commit (synchronous=FULL)",
        "submissions": enqueue.len(),
        "target": "ratio at most 1.2 (the architecture brief)",
    }));
    let enqueue_p95 = Record::new(
        "enqueue a submission durably (core), p95",
        enqueue_stats.p95_ms,
        Unit::Milliseconds,
    )
    .compared_to(2);

    // (b) The bare POST loop first, then the drain of the queued items, to the same portal.
    let bare_post = bare_post_loop(portal_url, &access_token, &payloads).await?;
    println!(
        "bare reqwest POST loop: {} created in {:.1} s",
        bare_post.created,
        bare_post.elapsed.as_secs_f64()
    );
    let started = Instant::now();
    let outcome = core.drain(DRAIN_LIMIT).await?;
    let drain_elapsed = started.elapsed();
    println!(
        "drain: {} sent in {:.1} s, ended {:?}",
        outcome.sent,
        drain_elapsed.as_secs_f64(),
        outcome.end
    );
    if outcome.sent != ITEMS {
        bail!(
            "the drain sent {} of {ITEMS} items (ended {:?}, {} retries)",
            outcome.sent,
            outcome.end,
            outcome.retries
        );
    }
    let bare_rate = Record::new(
        "bare reqwest POST /v1/applications loop",
        rate(bare_post.created, bare_post.elapsed),
        Unit::ApplicationsPerSecond,
    )
    .with_details(json!({
        "what": "sequential POSTs of the same payloads with fresh Idempotency-Keys, one keep-alive client",
        "created": bare_post.created,
        "seconds": bare_post.elapsed.as_secs_f64(),
    }));
    let drain_rate = Record::new(
        "drain 1,000 queued submissions (core)",
        rate(outcome.sent, drain_elapsed),
        Unit::ApplicationsPerSecond,
    )
    .compared_to(4)
    .with_details(json!({
        "what": "OpenDvc::drain: POST with the item's key; one durable commit stores a batch's answers and marks the next batch sending; the pass's answers cached in one transaction",
        "sent": outcome.sent,
        "retries": outcome.retries,
        "seconds": drain_elapsed.as_secs_f64(),
        "target": "ratio at least 0.8",
    }));
    drop(core);

    // (d) The same queue through a weak link, beside the waits the link's Retry-After impose.
    let lossy = super::lossy_link::measure(portal_url, &access_token, &data_dir, &draft).await?;
    let lossy_floor = Record::new(
        "floor: the Retry-After waits a lossy link imposes",
        lossy.floor.as_secs_f64() * 1_000.0,
        Unit::Milliseconds,
    )
    .with_details(json!({
        "what": "the seconds of every Retry-After the proxy answered, added up: a client that honours them and sends one request at a time waits at least this long",
    }));
    let lossy_drain = Record::new(
        "drain 60 submissions through a lossy link (core)",
        lossy.elapsed.as_secs_f64() * 1_000.0,
        Unit::Milliseconds,
    )
    .compared_to(8)
    .with_details(lossy.details);

    // (c) The dashboard from a cache of the stated size.
    let dashboard = dashboard_latencies(context, portal_url, &data_dir, &session)?;
    let dashboard_stats = Latencies::of(&dashboard);
    println!(
        "dashboard: median {:.3} ms, p95 {:.3} ms",
        dashboard_stats.median_ms, dashboard_stats.p95_ms
    );
    let dashboard_measurement = Record::new(
        "dashboard from the cache (200 applications, 50 documents, 1,000 inbox), median",
        dashboard_stats.median_ms,
        Unit::Milliseconds,
    )
    .with_details(json!({
        "queries": dashboard.len(),
        "p95Ms": dashboard_stats.p95_ms,
        "maxMs": dashboard_stats.max_ms,
        "target": "under 5 ms",
    }));
    let dashboard_p95 = Record::new(
        "dashboard from the cache (200 applications, 50 documents, 1,000 inbox), p95",
        dashboard_stats.p95_ms,
        Unit::Milliseconds,
    );

    // The order matters: `compared_to` above names baselines by their index here.
    Ok(vec![
        bare_median,
        enqueue_median,
        bare_p95,
        enqueue_p95,
        bare_rate,
        drain_rate,
        dashboard_measurement,
        dashboard_p95,
        lossy_floor,
        lossy_drain,
    ])
}

/// Signs the first demo citizen in over HTTP and stores the session where the core looks for
/// it, as `opendvc login` would.
fn sign_in(context: &BenchContext, portal_url: &str, data_dir: &DataDir) -> Result<Session> {
    let accounts = demo_accounts(&context.portal_binary)?;
    let citizen = accounts
        .citizens
        .first()
        .ok_or_else(|| anyhow!("the demo accounts have no citizen"))?;
    let tokens = sign_in_citizen(&PortalClient::new(portal_url), citizen)?;
    let session = Session {
        portal_url: portal_url.to_owned(),
        profile_key: profile_key(portal_url, &citizen.id_number),
        id_number: citizen.id_number.clone(),
        access_token: Some(tokens.access_token),
        refresh_token: Some(tokens.refresh_token),
    };
    std::fs::create_dir_all(data_dir.root())?;
    data_dir.session_file().save(&session)?;
    Ok(session)
}

/// A valid submission from the cached catalog, profile and wallet: a procedure whose required
/// documents all come from the wallet, its form filled as a citizen would.
fn draft(core: &OpenDvc) -> Result<SubmissionDraft> {
    let catalog = core.catalog()?;
    let profile = core
        .profile()?
        .ok_or_else(|| anyhow!("the first sync brought no profile"))?;
    let wallet = core.documents()?;
    let from_wallet = |procedure: &Procedure| {
        procedure
            .required_documents
            .iter()
            .filter(|document| document.required)
            .all(|document| {
                document
                    .wallet_kind
                    .as_ref()
                    .is_some_and(|kind| wallet.iter().any(|held| &held.kind == kind))
            })
    };
    let procedure = PREFERRED_PROCEDURES
        .iter()
        .find_map(|id| catalog.iter().find(|procedure| procedure.id == *id))
        .filter(|procedure| from_wallet(procedure))
        .or_else(|| catalog.iter().find(|procedure| from_wallet(procedure)))
        .ok_or_else(|| anyhow!("no procedure in the catalog is satisfied by the wallet"))?;
    Ok(SubmissionDraft {
        procedure_id: procedure.id.clone(),
        form: form(procedure, &profile),
        files: Vec::new(),
        picked: Vec::new(),
        wallet: Vec::new(),
        delivery: DeliveryChoice {
            method: DeliveryMethod::Counter,
            address: None,
        },
        fee_case: None,
    })
}

fn form(procedure: &Procedure, profile: &Profile) -> std::collections::BTreeMap<String, String> {
    procedure
        .form_fields
        .iter()
        .map(|field| {
            let value = match field.kind {
                FieldKind::Text | FieldKind::Textarea => profile.full_name.clone(),
                FieldKind::Date => profile.birth_date.to_string(),
                FieldKind::Number => "1".to_owned(),
                FieldKind::IdNumber => profile.id_number.clone(),
                FieldKind::Phone => "0905123456".to_owned(),
                FieldKind::Email => "hoa@example.vn".to_owned(),
                FieldKind::Select => field
                    .options
                    .first()
                    .map(|option| option.value.clone())
                    .unwrap_or_default(),
            };
            let value = match field.max_length {
                Some(limit) => value.chars().take(limit as usize).collect(),
                None => value,
            };
            (field.id.clone(), value)
        })
        .collect()
}

/// A bare outbox table: single-row commits in WAL mode with `synchronous=FULL`, one per
/// transaction, on disk: the least any durable enqueue can cost.
struct BareOutbox {
    connection: Connection,
}

impl BareOutbox {
    fn create(db: &Path) -> Result<BareOutbox> {
        let connection =
            Connection::open(db).with_context(|| format!("could not open {}", db.display()))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.execute_batch(
            "CREATE TABLE outbox (id TEXT PRIMARY KEY, state TEXT NOT NULL, payload TEXT NOT NULL)",
        )?;
        Ok(BareOutbox { connection })
    }

    /// Inserts one row in its own transaction and returns how long the commit took.
    fn commit(&mut self, payload: &str) -> Result<Duration> {
        let mut insert = self
            .connection
            .prepare_cached("INSERT INTO outbox (id, state, payload) VALUES (?1, 'queued', ?2)")?;
        let started = Instant::now();
        insert.execute(params![uuid::Uuid::now_v7().to_string(), payload])?;
        Ok(started.elapsed())
    }
}

struct PostLoop {
    created: usize,
    elapsed: Duration,
}

/// The same payloads POSTed one after the other with fresh keys over one keep-alive client.
async fn bare_post_loop(
    portal_url: &str,
    access_token: &str,
    payloads: &[NewApplication],
) -> Result<PostLoop> {
    let client = reqwest::Client::builder().no_proxy().build()?;
    let url = format!("{portal_url}/v1/applications");
    let started = Instant::now();
    let mut created = 0;
    for payload in payloads {
        let response = client
            .post(&url)
            .bearer_auth(access_token)
            .header(IDEMPOTENCY_KEY_HEADER, uuid::Uuid::now_v7().to_string())
            .json(payload)
            .send()
            .await?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        if status != 201 {
            bail!(
                "POST /v1/applications answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        created += 1;
    }
    Ok(PostLoop {
        created,
        elapsed: started.elapsed(),
    })
}

/// Fills a second profile's cache through the store with 200 applications (copies of the
/// drained ones, in a spread of statuses, some overdue), 50 documents and 1,000 inbox items,
/// then times `OpenDvc::dashboard` on it.
fn dashboard_latencies(
    context: &BenchContext,
    portal_url: &str,
    drained: &DataDir,
    session: &Session,
) -> Result<Vec<Duration>> {
    let now = Utc::now();
    let (source, _) = Cache::open_or_rebuild(
        &drained.profile_dir(&session.profile_key).join("cache.db"),
        now,
    )?;
    let (sent, wallet, citizen) = source.read(|conn| {
        Ok((
            applications::list(conn)?,
            documents::list(conn)?,
            profile::load(conn)?,
        ))
    })?;
    drop(source);
    let citizen = citizen.ok_or_else(|| anyhow!("the drained cache has no profile"))?;
    let template_document = wallet
        .first()
        .cloned()
        .ok_or_else(|| anyhow!("the demo citizen has no document"))?;
    if sent.len() < DASHBOARD_APPLICATIONS {
        bail!(
            "the drained cache has {} applications, fewer than {DASHBOARD_APPLICATIONS}",
            sent.len()
        );
    }

    let data_dir = DataDir::new(context.work_dir.join("dashboard"));
    let dashboard_session = Session {
        portal_url: portal_url.to_owned(),
        ..session.clone()
    };
    std::fs::create_dir_all(data_dir.profile_dir(&dashboard_session.profile_key))?;
    data_dir.session_file().save(&dashboard_session)?;
    let (cache, _) = Cache::open_or_rebuild(
        &data_dir
            .profile_dir(&dashboard_session.profile_key)
            .join("cache.db"),
        now,
    )?;
    let vietnam = opendvc_rules::VIETNAM;
    let statuses = [
        ApplicationStatus::Received,
        ApplicationStatus::Processing,
        ApplicationStatus::SupplementRequested,
        ApplicationStatus::Completed,
        ApplicationStatus::HandedOver,
    ];
    cache.write(|tx| {
        profile::save(tx, &citizen)?;
        for (index, original) in sent.iter().take(DASHBOARD_APPLICATIONS).enumerate() {
            let mut application: Application = original.clone();
            application.id = uuid::Uuid::now_v7();
            application.code = format!("{}-{index:04}", original.code);
            application.status = statuses[index % statuses.len()];
            if index % 7 == 0 {
                application.due_at = (now - TimeDelta::days(3)).with_timezone(&vietnam);
            }
            applications::upsert(tx, &application)?;
        }
        for index in 0..DASHBOARD_DOCUMENTS {
            let document = Document {
                id: uuid::Uuid::now_v7(),
                number: format!("{}{index:02}", template_document.number),
                ..template_document.clone()
            };
            documents::upsert(tx, &document)?;
        }
        for index in 0..DASHBOARD_INBOX {
            let item = InboxItem {
                feedback_id: None,
                id: uuid::Uuid::now_v7(),
                at: (now - TimeDelta::minutes(index as i64)).with_timezone(&vietnam),
                category: if index % 3 == 0 {
                    InboxCategory::Notice
                } else {
                    InboxCategory::Status
                },
                title: LocalizedText {
                    vi: format!("Thông báo {index}"),
                    en: format!("Notice {index}"),
                    id: None,
                },
                body: LocalizedText {
                    vi: "Hồ sơ của bạn đã được cập nhật.".to_owned(),
                    en: "Your application was updated.".to_owned(),
                    id: None,
                },
                application_id: None,
                document_id: None,
            };
            inbox::upsert(tx, &item)?;
        }
        Ok(())
    })?;
    drop(cache);

    let core = OpenDvc::open(OpenDvcOptions::new(data_dir))?;
    let first = core.dashboard()?;
    let counted: u64 = first.counts_by_status.values().sum();
    if counted != DASHBOARD_APPLICATIONS as u64
        || first.documents != DASHBOARD_DOCUMENTS as u64
        || first.unread_inbox != DASHBOARD_INBOX as u64
    {
        bail!(
            "the dashboard cache does not hold what was written: {counted} applications, {} documents, {} unread",
            first.documents,
            first.unread_inbox
        );
    }
    let mut latencies = Vec::with_capacity(DASHBOARD_QUERIES);
    for _ in 0..DASHBOARD_QUERIES {
        let started = Instant::now();
        let dashboard = core.dashboard()?;
        latencies.push(started.elapsed());
        std::hint::black_box(dashboard);
    }
    Ok(latencies)
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// Median, 95th percentile and maximum, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Latencies {
    median_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

impl Latencies {
    fn of(samples: &[Duration]) -> Latencies {
        let mut sorted: Vec<f64> = samples
            .iter()
            .map(|sample| sample.as_secs_f64() * 1_000.0)
            .collect();
        sorted.sort_by(f64::total_cmp);
        let at = |fraction: f64| -> f64 {
            if sorted.is_empty() {
                return 0.0;
            }
            let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
            sorted[rank - 1]
        };
        Latencies {
            median_ms: at(0.5),
            p95_ms: at(0.95),
            max_ms: sorted.last().copied().unwrap_or(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let stats = Latencies::of(&samples);
        assert_eq!(stats.median_ms, 50.0);
        assert_eq!(stats.p95_ms, 95.0);
        assert_eq!(stats.max_ms, 100.0);
        assert_eq!(
            Latencies::of(&[]),
            Latencies {
                median_ms: 0.0,
                p95_ms: 0.0,
                max_ms: 0.0
            },
            "no samples give zeros, not a panic"
        );
    }
}
