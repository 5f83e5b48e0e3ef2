//! The portal on PostgreSQL (issue 13), in one run beside the same figures on SQLite:
//!
//! - applications created per second by 16 clients with 1 and with 2 instances on one
//!   database (the clients alternate between the instances), beside a bare sqlx `INSERT` loop
//!   of the same rows into the same server with the same durability (`fsync=on`,
//!   `synchronous_commit=on`, one row per transaction, 16 connections);
//! - 1,000 event streams spread over 2 instances (on 250 tokens, under the per-token cap
//!   counted across instances): memory per stream and the time from a transition on one
//!   instance to the event on every stream;
//! - the SQLite portal's figures measured by the same code (`bench::applications`,
//!   `bench::events`), and each PostgreSQL figure compared to its SQLite counterpart.
//!
//! The server is a throwaway durable cluster (`crate::postgres`), or the one named by
//! `OPENDVC_TEST_DATABASE_URL`; each phase gets a database of its own.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use serde_json::json;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use super::applications::{self, Load};
use super::events;
use super::{BenchContext, Measurement};
use crate::portal::{Portal, PortalOptions, PortalOutput};
use crate::postgres::{ClusterOptions, TestServer};

const BENCH: &str = "portal";
const CLIENTS: usize = 16;
const APPLICATIONS: u64 = 4_000;
/// Rows of the bare loop, and the connections that insert them.
const BARE_ROWS: u64 = 4_000;
const BARE_CONNECTIONS: usize = 16;
/// The bare loop stops here even if it has not inserted all its rows.
const BARE_TIME_LIMIT: Duration = Duration::from_secs(120);

pub fn run(context: &BenchContext) -> Result<Vec<Measurement>> {
    let server = TestServer::from_environment_or_start(ClusterOptions { durable: true })?;
    let mut measurements = Vec::new();

    // The SQLite portal, measured by the same code in the same run.
    let sqlite_rows = applications::measure_on_sqlite(
        context,
        BENCH,
        &[(CLIENTS, APPLICATIONS)],
        ", SQLite",
        None,
    )?;
    let sqlite_portal = sqlite_rows
        .last()
        .cloned()
        .ok_or_else(|| anyhow!("the SQLite phase measured nothing"))?;
    measurements.extend(sqlite_rows);

    // One instance, then the bare loop on the same server with the stored rows' payload.
    let one = fresh_database(&server, "bench_one_instance")?;
    let instance = start_instance(context, &one, "one")?;
    let load = Load::prepare(&instance.url, &context.portal_binary)?;
    let bare = bare_insert_rate(
        &fresh_database(&server, "bench_bare")?,
        &load.stored_application,
    )?;
    let one_instance = applications::create_concurrently(
        std::slice::from_ref(&instance.url),
        &load.citizens,
        CLIENTS,
        APPLICATIONS,
    )?
    .measurement(
        BENCH,
        ", PostgreSQL, 1 instance",
        CLIENTS,
        APPLICATIONS,
        "PostgreSQL, fsync=on, synchronous_commit=on",
    );
    instance.stop()?;

    // Two instances on one database.
    let two = fresh_database(&server, "bench_two_instances")?;
    let a = start_instance(context, &two, "a")?;
    let b = start_instance(context, &two, "b")?;
    let load = Load::prepare(&a.url, &context.portal_binary)?;
    let two_instances = applications::create_concurrently(
        &[a.url.clone(), b.url.clone()],
        &load.citizens,
        CLIENTS,
        APPLICATIONS,
    )?
    .measurement(
        BENCH,
        ", PostgreSQL, 2 instances",
        CLIENTS,
        APPLICATIONS,
        "PostgreSQL, fsync=on, synchronous_commit=on; clients alternate between instances",
    );
    measurements.push(bare.clone());
    measurements.push(one_instance.clone().compared_to(&bare));
    measurements.push(two_instances.clone().compared_to(&bare));
    for postgres in [one_instance, two_instances] {
        let mut beside = postgres.compared_to(&sqlite_portal);
        beside.name = format!("{} vs SQLite", beside.name);
        measurements.push(beside);
    }

    // Streams: 1,000 over the two instances, beside the same on one SQLite portal.
    let streams_on_two = events::measure_streams(&context.portal_binary, &[&a, &b])?;
    a.stop()?;
    b.stop()?;
    let streams_on_sqlite = events::measure_on_sqlite(context)?;
    measurements.extend(streams_on_sqlite.measurements(BENCH, ", SQLite", None));
    measurements.extend(streams_on_two.measurements(
        BENCH,
        ", PostgreSQL, 2 instances",
        Some((", SQLite", &streams_on_sqlite)),
    ));
    Ok(measurements)
}

/// Creates the database `name` on `server` (dropping one of that name first) and returns its
/// URL.
fn fresh_database(server: &TestServer, name: &str) -> Result<String> {
    server.psql(
        server.url(),
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )?;
    server.psql(server.url(), &format!("CREATE DATABASE {name}"))?;
    server.database_url(name)
}

/// A release portal instance with the demo data on the database at `url`.
fn start_instance(context: &BenchContext, url: &str, name: &str) -> Result<Portal> {
    Portal::start(&PortalOptions {
        binary: context.portal_binary.clone(),
        db: PathBuf::from(url),
        listen: "127.0.0.1:0".to_owned(),
        demo: true,
        demo_advance_seconds: None,
        demo_history: false,
        demo_send_in_background: true,
        output: PortalOutput::LogFile(context.work_dir.join(format!("portal-{name}.log"))),
    })
}

/// The bare loop: [`BARE_CONNECTIONS`] connections insert [`BARE_ROWS`] rows between them,
/// each row carrying `payload` (a stored application) in its own transaction, with
/// `synchronous_commit=on` as the portal's connections.
fn bare_insert_rate(url: &str, payload: &str) -> Result<Measurement> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let options: PgConnectOptions = url
        .parse::<PgConnectOptions>()
        .with_context(|| format!("{url} is not a PostgreSQL URL"))?
        .options([("synchronous_commit", "on")]);
    let (rows, elapsed) = runtime.block_on(async {
        let mut setup = PgConnection::connect_with(&options).await?;
        // The shape of the SQLite baseline's table, in PostgreSQL's types.
        for statement in [
            "CREATE TABLE applications (
                 id uuid PRIMARY KEY,
                 code text NOT NULL UNIQUE,
                 citizen_id uuid NOT NULL,
                 procedure_id text NOT NULL,
                 status text NOT NULL,
                 body jsonb NOT NULL,
                 created_at timestamptz NOT NULL
             )",
            "CREATE INDEX applications_by_citizen ON applications (citizen_id, created_at)",
        ] {
            sqlx::query(statement).execute(&mut setup).await?;
        }
        setup.close().await?;
        let next = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..BARE_CONNECTIONS {
            let options = options.clone();
            let next = next.clone();
            let payload = payload.to_owned();
            workers.push(tokio::spawn(async move {
                let mut connection = PgConnection::connect_with(&options).await?;
                let citizen = uuid::Uuid::new_v4();
                let mut inserted = 0_u64;
                loop {
                    let number = next.fetch_add(1, Ordering::SeqCst);
                    if number >= BARE_ROWS || started.elapsed() >= BARE_TIME_LIMIT {
                        break;
                    }
                    // Outside an explicit transaction every statement commits on its own.
                    sqlx::query(
                        "INSERT INTO applications
                             (id, code, citizen_id, procedure_id, status, body, created_at)
                         VALUES ($1, $2, $3, 'id-card-renewal', 'received', $4::jsonb, now())",
                    )
                    .bind(uuid::Uuid::now_v7())
                    .bind(format!("000.00.48.H17-261129-{number:06}"))
                    .bind(citizen)
                    .bind(&payload)
                    .execute(&mut connection)
                    .await?;
                    inserted += 1;
                }
                anyhow::Ok(inserted)
            }));
        }
        let mut rows = 0;
        for worker in workers {
            rows += worker.await??;
        }
        anyhow::Ok((rows, started.elapsed()))
    })?;
    let seconds = elapsed.as_secs_f64();
    println!("bare PostgreSQL INSERT loop: {rows} rows in {seconds:.1} s");
    Ok(Measurement::new(
        BENCH,
        format!("bare sqlx INSERT, PostgreSQL, {BARE_CONNECTIONS} connections"),
        if seconds > 0.0 {
            rows as f64 / seconds
        } else {
            0.0
        },
        "rows/s",
    )
    .with_details(json!({
        "what": "one INSERT per transaction, synchronous_commit=on, fsync=on",
        "connections": BARE_CONNECTIONS,
        "rows": rows,
        "seconds": seconds,
        "rowBytes": payload.len(),
    })))
}
