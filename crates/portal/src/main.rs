//! `opendvc-portal`: the reference back end of OpenDVC.

mod access_log;
mod agencies;
mod applications;
mod assist;
mod attachments;
mod auth;
mod catalog;
mod channels;
mod cli_args;
mod client_address;
mod clock;
mod console;
mod counter;
mod data;
mod data_error;
mod database;
mod demo;
mod demo_history;
mod dev;
mod drain;
mod error;
mod events;
mod extract;
mod feedback;
mod housekeeping;
mod http;
mod i18n;
mod idempotency;
mod late_delivery;
mod late_warnings;
mod limits;
mod logging;
mod notices;
mod notification_settings;
mod notifications;
mod officer;
mod officer_api;
mod officer_cli;
mod open311;
mod openapi;
mod overview;
mod payments;
mod periodic;
mod profile;
mod profile_change;
mod public_status;
mod rate_limit;
mod renewal_notices;
mod scope;
mod server;
mod settings;
mod state;
mod status_page;
mod store;
mod submission;
mod sync;
mod workflow;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{Parser, Subcommand};
use opendvc_rules::WorkingCalendar;
use opendvc_rules::renewal::RulesTable;

use crate::channels::gateway::{Channels, DevOutbox};
use crate::cli_args::{DB_HELP, parse_public_url};
use crate::clock::{Clock, DemoClock, SystemClock};
use crate::data::ReferenceData;
use crate::database::DatabaseLocation;
use crate::database::PostgresOptions;
use crate::notifications::Outbox;
use crate::state::{AppState, Config};
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "opendvc-portal",
    version,
    about = "The OpenDVC reference portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How log lines on standard error are written: json, text, or auto (JSON unless standard
    /// error is a terminal).
    #[arg(long, global = true, value_enum, value_name = "FORMAT", default_value_t = logging::LogFormat::Auto, env = "OPENDVC_LOG_FORMAT")]
    log_format: logging::LogFormat,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve contract v1 over HTTP.
    Serve(ServeArgs),
    /// Print the demo accounts as JSON.
    DemoAccounts,
    /// Act on applications as an officer, directly on the database.
    Officer(officer_cli::OfficerArgs),
    /// Bring the database's schema up to date and exit (serve does it too at start).
    Migrate(MigrateArgs),
    /// Copy a portal's data from its SQLite file into a new, empty PostgreSQL database.
    Copy(CopyArgs),
    /// The notification outbox, for operators: messages given up, and sending one again.
    Notifications(NotificationsArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[arg(long, value_name = "PATH_OR_URL", help = DB_HELP)]
    db: Option<String>,
    /// Connections the portal holds to PostgreSQL at most (ignored on SQLite).
    #[arg(long, value_name = "N", default_value_t = PostgresOptions::default().max_connections, value_parser = clap::value_parser!(u32).range(1..))]
    db_connections: u32,
    /// Address to listen on; port 0 takes a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seed the demo people and open the dev outbox.
    #[arg(long)]
    demo: bool,
    /// Move one demo application a step every SECONDS.
    #[arg(long, value_name = "SECONDS", requires = "demo", value_parser = clap::value_parser!(u64).range(1..))]
    demo_advance: Option<u64>,
    /// Also seed a few thousand applications over the past 90 days (generated citizens, every
    /// agency, both channels), so the officers' overview and forecast show real figures.
    /// Seeded once per database; `cargo xtask run` uses it, tests keep the small `--demo`.
    #[arg(long, requires = "demo")]
    demo_history: bool,
    /// Answer without first trying to send the SMS and e-mail a request caused; the worker
    /// sends them moments later, as on a city's portal. (Without it, a demo request waits up to
    /// 2 s for that first attempt, so the dev outbox shows the message when the answer
    /// arrives.) The benchmarks use it to measure the portal as a city runs it.
    #[arg(long, requires = "demo")]
    demo_send_in_background: bool,
    /// Lifetime of citizen access tokens, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 900, value_parser = clap::value_parser!(u32).range(1..))]
    access_ttl: u32,
    /// Lifetime of assisted sessions, seconds (tests shorten it to see them expire).
    #[arg(long, value_name = "SECONDS", default_value_t = default_assist_ttl(), value_parser = clap::value_parser!(u32).range(1..))]
    assist_ttl: u32,
    /// The portal's limits (see crates/portal/data/limits.json) from this file instead of the
    /// built-in ones.
    #[arg(long, value_name = "FILE", env = "OPENDVC_PORTAL_LIMITS")]
    limits: Option<PathBuf>,
    /// A load balancer (address or CIDR block) whose X-Forwarded-For names the client; the
    /// rate limits count that address. Repeatable; the environment variable takes a
    /// comma-separated list. Without it, X-Forwarded-For is ignored.
    #[arg(
        long = "trusted-proxy",
        value_name = "ADDR_OR_CIDR",
        env = "OPENDVC_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = client_address::parse_proxy
    )]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// The portal's configuration file (portal.toml: the SMS gateway, the mail server).
    /// Secrets come from the environment variables it names, never from the file.
    #[arg(long, value_name = "FILE", env = "OPENDVC_PORTAL_CONFIG")]
    config: Option<PathBuf>,
    /// The portal's address as residents reach it (e.g. `https://dvc.danang.gov.vn`): the public
    /// status page `{URL}/s/{code}` that texts point to is under it. Default: the address the
    /// portal listens on.
    #[arg(long, value_name = "URL", env = "OPENDVC_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<url::Url>,
}

/// The default lifetime of an assisted session.
const fn default_assist_ttl() -> u32 {
    assist::SESSION_TTL_SECONDS as u32
}

#[derive(Debug, clap::Args)]
struct MigrateArgs {
    #[arg(long, value_name = "PATH_OR_URL", help = DB_HELP)]
    db: Option<String>,
}

#[derive(Debug, clap::Args)]
struct CopyArgs {
    /// The SQLite file to copy from (PATH or sqlite://PATH); it is only read.
    #[arg(long, value_name = "PATH")]
    from: String,
    /// The PostgreSQL database to copy into, postgres://USER@HOST:PORT/DATABASE; it must hold
    /// no data. Without it: $OPENDVC_DATABASE_URL. The password is read from
    /// OPENDVC_DATABASE_URL, PGPASSWORD or ~/.pgpass, never from the command line.
    #[arg(long, value_name = "URL")]
    to: Option<String>,
}

#[derive(Debug, clap::Args)]
struct NotificationsArgs {
    #[arg(long, value_name = "PATH_OR_URL", help = DB_HELP)]
    db: Option<String>,
    #[command(subcommand)]
    action: NotificationsAction,
}

#[derive(Debug, Subcommand)]
enum NotificationsAction {
    /// List the messages given up (refused by their gateway, or failed every attempt), oldest
    /// first: id, kind, channel, masked recipient, attempts, last error. Never their texts.
    Failed,
    /// Send a failed message again (same id), its attempts counted from zero.
    Retry {
        /// The message's id, as `failed` lists it.
        id: uuid::Uuid,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    logging::init(cli.log_format);
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let runtime = || tokio::runtime::Runtime::new().context("starting the async runtime");
    match cli.command {
        Command::Serve(args) => runtime()?.block_on(serve(args)),
        Command::Migrate(args) => runtime()?.block_on(migrate(args)),
        Command::DemoAccounts => {
            let data = ReferenceData::load()?;
            let json = serde_json::to_string_pretty(&demo::accounts(&data.demo))?;
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{json}").and_then(|()| stdout.flush()) {
                // A reader that stopped early (`| head`) wanted no more; that is not an error.
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                written => written.context("writing the demo accounts"),
            }
        }
        Command::Officer(args) => runtime()?.block_on(officer_cli::run(args)),
        Command::Copy(args) => runtime()?.block_on(copy(args)),
        Command::Notifications(args) => runtime()?.block_on(notifications_command(args)),
    }
}

async fn copy(args: CopyArgs) -> anyhow::Result<()> {
    let from = match DatabaseLocation::parse(&args.from, database::LocationSource::CommandLine)? {
        DatabaseLocation::Sqlite(path) => path,
        DatabaseLocation::Postgres(url) => bail!(
            "--from {url} is a PostgreSQL database: copy reads an SQLite file, give --from PATH \
             or sqlite://PATH"
        ),
    };
    let to = match DatabaseLocation::from_arguments(args.to.as_deref())? {
        DatabaseLocation::Postgres(url) => url,
        DatabaseLocation::Sqlite(path) => bail!(
            "the target {} is an SQLite file: copy writes into PostgreSQL, give --to \
             postgres://USER@HOST:PORT/DATABASE (or set {})",
            path.display(),
            database::DATABASE_URL_ENV
        ),
    };
    let report = database::copy(&from, &to).await?;
    let mut stdout = std::io::stdout().lock();
    for (table, rows) in &report.tables {
        writeln!(stdout, "{table}: {rows} rows copied")?;
    }
    let total: u64 = report.tables.iter().map(|(_, rows)| rows).sum();
    writeln!(
        stdout,
        "copied {total} rows from {} into {to} in one transaction",
        from.display()
    )?;
    stdout.flush()?;
    Ok(())
}

async fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let location = DatabaseLocation::from_arguments(args.db.as_deref())?;
    let applied = database::migrate(&location).await?;
    println!("{location}: {applied} migrations applied, the schema is current");
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let data = Arc::new(ReferenceData::load()?);
    let texts = Arc::new(i18n::load()?);
    let calendar = Arc::new(WorkingCalendar::new(data.holidays.values()));
    let renewal_rules = RulesTable::built_in()?;
    let location = DatabaseLocation::from_arguments(args.db.as_deref())?;
    let store: Arc<dyn Store> = database::open(
        &location,
        PostgresOptions {
            max_connections: args.db_connections,
        },
    )
    .await?;
    // In demo mode the clock can be moved forward (`POST /v1/dev/clock`), so tests of windows
    // of hours or days move time instead of sleeping through them.
    let demo_clock = args.demo.then(|| Arc::new(DemoClock::default()));
    let clock: Arc<dyn Clock> = match &demo_clock {
        Some(demo_clock) => demo_clock.clone(),
        None => Arc::new(SystemClock),
    };
    if args.demo {
        let report = demo::seed(store.as_ref(), &data, &calendar, clock.now())
            .await
            .map_err(|error| anyhow!("seeding the demo data failed: {error}"))?;
        tracing::info!(
            citizens = report.citizens,
            staff = report.staff,
            applications = report.applications,
            "demo data seeded"
        );
        if args.demo_history {
            let history = demo_history::generate(&data, &calendar, clock.now());
            let inserted = store
                .seed_history(history.citizens, history.applications)
                .await
                .map_err(|error| anyhow!("seeding the demo history failed: {error}"))?;
            tracing::info!(applications = inserted, "demo history seeded");
        }
    }
    let dev_outbox = args.demo.then(|| DevOutbox {
        store: store.clone(),
    });
    let (channels, open311_clients, vnpay_account) = match &args.config {
        Some(path) => {
            let settings = settings::Settings::load(path, &|name| std::env::var(name).ok())?;
            let channels = Channels::new(Some(&settings), dev_outbox)
                .map_err(|error| anyhow!("{}: {error}", path.display()))?;
            (channels, settings.open311, settings.vnpay)
        }
        None => (
            Channels::new(None, dev_outbox).map_err(|error| anyhow!("{error}"))?,
            open311::keys::Open311Clients::default(),
            None,
        ),
    };
    let limits = match &args.limits {
        Some(path) => limits::Limits::from_file(path)?,
        None => limits::Limits::load()?,
    };
    let outbox = Arc::new(Outbox::new(
        store.clone(),
        channels,
        limits.notifications.clone(),
        clock.clone(),
        args.demo && !args.demo_send_in_background,
    ));
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address: SocketAddr = listener.local_addr()?;
    let public_url = args
        .public_url
        .map(|url| url.as_str().trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("http://{address}"));
    let loopback_url = format!(
        "http://{}",
        if address.ip().is_unspecified() {
            SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), address.port())
        } else {
            address
        }
    );
    // VNPay as configured; else, in demo mode, the sandbox bank built into the portal.
    let vnpay_settings = match vnpay_account {
        Some(account) => Some(payments::vnpay::VnpaySettings {
            tmn_code: account.tmn_code,
            secret: account.secret,
            pay_url: account.pay_url,
            api_url: account.api_url,
            return_url: format!("{public_url}/v1/payments/return"),
        }),
        None if args.demo => Some(payments::sandbox::demo_settings(&public_url, &loopback_url)),
        None => None,
    };
    let payment_providers = payments::provider::Providers {
        vnpay: vnpay_settings.map(|settings| {
            Arc::new(payments::vnpay::Vnpay::new(settings))
                as Arc<dyn payments::provider::PaymentProvider>
        }),
    };
    let state = AppState {
        payments: Arc::new(payment_providers),
        payments_sandbox: args
            .demo
            .then(|| Arc::new(payments::sandbox_ledger::Ledger::default())),
        open311: Arc::new(open311_clients),
        store: store.clone(),
        data,
        calendar,
        texts: texts.clone(),
        outbox: outbox.clone(),
        clock: clock.clone(),
        demo_clock,
        passwords: Arc::new(auth::passwords::PasswordCheck::new(
            limits.staff_sign_in.concurrent_verifications,
        )),
        limits: Arc::new(limits),
        config: Config {
            access_ttl: args.access_ttl,
            assist_ttl: args.assist_ttl,
            demo: args.demo,
            trusted_proxies: client_address::TrustedProxies::new(args.trusted_proxies),
            public_url,
            loopback_url,
        },
        in_flight: Arc::default(),
        events: events::hub::EventHub::start(store.clone()),
    };
    let hub = state.events.clone();
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{address}")?;
        stdout.flush()?;
    }
    tokio::spawn(outbox.run());
    tokio::spawn(housekeeping::daily(state.clone()));
    tokio::spawn(renewal_notices::daily(state.clone(), renewal_rules));
    tokio::spawn(late_warnings::periodic(state.clone()));
    tokio::spawn(feedback::warnings::periodic(state.clone()));
    tokio::spawn(payments::reconcile::periodic(state.clone()));
    if let Some(seconds) = args.demo_advance {
        tokio::spawn(advance_demo(state.clone(), seconds));
    }
    let header_read_timeout =
        Duration::from_secs(u64::from(state.limits.server.header_read_timeout_seconds));
    server::serve(
        listener,
        http::router(state),
        header_read_timeout,
        async move {
            shutdown_signal().await;
            hub.close();
        },
    )
    .await;
    Ok(())
}

/// Moves one demo application a step every `seconds`; of several instances on one database,
/// the one that holds the lease `demo-advance` does it.
async fn advance_demo(state: AppState, seconds: u64) {
    let actor = state
        .data
        .demo
        .officers
        .first()
        .map(|officer| officer::officer_actor(&officer.code, &officer.organisation))
        .unwrap_or_else(|| officer::officer_actor("DEMO", "OpenDVC"));
    let mut step: u64 = 0;
    let store = state.store.clone();
    periodic::run_once_across_instances(
        store,
        "demo-advance",
        Duration::from_secs(seconds),
        || {
            step += 1;
            let (state, actor) = (state.clone(), actor.clone());
            async move {
                let result =
                    demo::advance_once(&officer::desk(&state), &actor, step, state.clock.now())
                        .await;
                match result {
                    Ok(Some(code)) => tracing::info!(%code, "demo advance: moved an application"),
                    Ok(None) => {}
                    Err(error) => tracing::error!(%error, "demo advance failed"),
                }
            }
        },
    )
    .await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// How many failed messages `notifications failed` lists at most.
const FAILED_LISTED: usize = 1000;

async fn notifications_command(args: NotificationsArgs) -> anyhow::Result<()> {
    let location = DatabaseLocation::from_arguments(args.db.as_deref())?;
    let store = database::open(&location, PostgresOptions::default()).await?;
    match args.action {
        NotificationsAction::Failed => {
            let mut stdout = std::io::stdout().lock();
            for notice in store.failed_notices(FAILED_LISTED).await? {
                writeln!(
                    stdout,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    notice.id,
                    notice.kind,
                    notice.channel,
                    channels::message::masked(&notice.recipient),
                    notice.attempts,
                    notice
                        .last_error
                        .as_deref()
                        .unwrap_or("")
                        .replace(['\t', '\n'], " ")
                )?;
            }
        }
        NotificationsAction::Retry { id } => {
            if !store
                .retry_notice(id, SystemClock.now().timestamp())
                .await?
            {
                bail!(
                    "no failed message has the id {id}: see `opendvc-portal notifications failed`"
                );
            }
            println!("{id} will be sent again by the serving portal");
        }
    }
    Ok(())
}
