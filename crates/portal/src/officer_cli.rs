//! `opendvc-portal officer`: the officer side from the command line, on the server itself,
//! through the same functions as the officer API (the work queue, an application, assignment,
//! counter applications, transitions), acting for every agency in the name of the procedure's.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::Subcommand;
use opendvc_api::{ApplicationStatus, DeliveryState, DeliveryUpdate, TransitionRequest};
use opendvc_rules::WorkingCalendar;

use crate::channels::gateway::Channels;
use crate::cli_args::{DB_HELP, DEFAULT_PUBLIC_URL, parse_public_url};
use crate::clock::{Clock, SystemClock};
use crate::data::ReferenceData;
use crate::database::{self, DatabaseLocation, PostgresOptions};
use crate::notifications::Outbox;
use crate::{counter, error, i18n, limits, officer, officer_api, scope};

#[derive(Debug, clap::Args)]
pub struct OfficerArgs {
    #[arg(long, value_name = "PATH_OR_URL", help = DB_HELP)]
    db: Option<String>,
    /// The portal's address as residents reach it, which the texts of a transition link to
    /// (as `serve --public-url`). Default: http://localhost:8080.
    #[arg(long, value_name = "URL", env = "OPENDVC_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<url::Url>,
    #[command(subcommand)]
    action: OfficerAction,
}

#[derive(Debug, Subcommand)]
enum OfficerAction {
    /// List applications by due date (the work queue of every agency, through the same
    /// function as `GET /v1/officer/applications`): code, status, id, procedure, due, unit,
    /// assigned officer, tab-separated.
    List {
        /// Only applications in this status (e.g. received, processing).
        #[arg(long)]
        status: Option<String>,
        /// Only this procedure (its id).
        #[arg(long)]
        procedure: Option<String>,
        /// Only this commune-level unit (its code).
        #[arg(long)]
        unit: Option<String>,
        /// Only those due on or before this day (YYYY-MM-DD).
        #[arg(long)]
        due_before: Option<String>,
        /// Only those not finished.
        #[arg(long)]
        open: bool,
        /// A code (or its start), or part of the applicant's name.
        #[arg(long)]
        q: Option<String>,
    },
    /// Show an application as an officer sees it (JSON, as `GET /v1/officer/applications/{id}`).
    Show {
        /// Application code or id.
        application: String,
    },
    /// Assign an application to an officer of its agency (and unit).
    Assign {
        /// Application code or id.
        application: String,
        /// The officer's code.
        #[arg(long)]
        officer: String,
    },
    /// Enter an application received at the counter: a `CounterApplication` as JSON from a
    /// file (`-` for standard input), as `POST /v1/officer/applications` takes it.
    Counter {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Move an application to a new status.
    Transition {
        /// Application code (e.g. 000.00.48.H17-261129-0001) or id.
        application: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Update the postal delivery of an application.
    Deliver {
        /// Application code or id.
        application: String,
        /// dispatched, delivered or returned_to_sender.
        #[arg(long)]
        state: String,
        #[arg(long)]
        tracking: Option<String>,
    },
}

/// Runs `opendvc-portal officer …`.
pub async fn run(args: OfficerArgs) -> anyhow::Result<()> {
    let location = DatabaseLocation::from_arguments(args.db.as_deref())?;
    let store = database::open(&location, PostgresOptions::default()).await?;
    let texts = Arc::new(i18n::load()?);
    let now = SystemClock.now();
    let data = ReferenceData::load()?;
    // The command writes the notices of its change into the outbox; the serving portal's
    // worker sends them (it looks for due rows every second).
    let outbox = Arc::new(Outbox::new(
        store.clone(),
        Channels::default(),
        limits::Limits::load()?.notifications,
        Arc::new(SystemClock),
        false,
    ));
    let public_url = args
        .public_url
        .map(|url| url.as_str().trim_end_matches('/').to_owned())
        .unwrap_or_else(|| DEFAULT_PUBLIC_URL.to_owned());
    let desk = officer::Desk {
        store: store.as_ref(),
        data: &data,
        texts: &texts,
        outbox: &outbox,
        public_url: &public_url,
    };
    let calendar = WorkingCalendar::new(data.holidays.values());
    let reading = officer_api::Reading {
        desk,
        calendar: &calendar,
    };
    // The server acts for every agency, in the name of the procedure's agency.
    let everything = scope::Scope::City;
    let api_error = |error: error::ApiError| anyhow!("{error}");
    let (target, request) = match args.action {
        OfficerAction::List {
            status,
            procedure,
            unit,
            due_before,
            open,
            q,
        } => {
            let status = status
                .map(|text| {
                    ApplicationStatus::parse(&text).ok_or_else(|| anyhow!("unknown status {text}"))
                })
                .transpose()?;
            let due_before = due_before
                .map(|day| {
                    chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                        .map_err(|_| anyhow!("--due-before takes a date YYYY-MM-DD, not {day}"))
                })
                .transpose()?;
            let mut cursor = None;
            loop {
                let query = opendvc_api::OfficerQueueQuery {
                    limit: Some(officer_api::MAX_PAGE),
                    cursor,
                    status,
                    procedure: procedure.clone(),
                    unit: unit.clone(),
                    due_before,
                    open: Some(open),
                    q: q.clone(),
                };
                let page = officer_api::work_queue(reading, &everything, query, now)
                    .await
                    .map_err(api_error)?;
                for item in &page.items {
                    println!(
                        "{}\t{}\t{}\t{}\tdue {}\t{}\t{}",
                        item.code,
                        item.status.as_str(),
                        item.id,
                        item.procedure_id,
                        item.due_at.to_rfc3339(),
                        item.unit_code.as_deref().unwrap_or("-"),
                        item.assigned_to.as_deref().unwrap_or("-"),
                    );
                }
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => return Ok(()),
                }
            }
        }
        OfficerAction::Show { application } => {
            let id = officer::find_application(desk.store, &application)
                .await
                .map_err(api_error)?
                .id;
            let shown = officer_api::officer_application(reading, &everything, id, now)
                .await
                .map_err(api_error)?;
            println!("{}", serde_json::to_string_pretty(&shown)?);
            return Ok(());
        }
        OfficerAction::Assign {
            application,
            officer: officer_code,
        } => {
            let found = officer::find_application(desk.store, &application)
                .await
                .map_err(api_error)?;
            let actor = officer::server_actor(&data, &found.procedure_id);
            let assigned = officer_api::assign(
                desk,
                &everything,
                found.id,
                opendvc_api::AssignRequest {
                    officer_code: officer_code.clone(),
                },
                actor,
                now,
            )
            .await
            .map_err(api_error)?;
            println!("{}", serde_json::to_string_pretty(&assigned)?);
            return Ok(());
        }
        OfficerAction::Counter { json } => {
            let text = if json.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&json)
                    .with_context(|| format!("reading {}", json.display()))?
            };
            let request: opendvc_api::CounterApplication =
                serde_json::from_str(&text).context("the file is no CounterApplication")?;
            let actor = officer::server_actor(&data, &request.procedure_id);
            let entered = counter::enter(desk, &calendar, &everything, request, actor, now, None)
                .await
                .map_err(api_error)?;
            println!("{}", serde_json::to_string_pretty(&entered)?);
            return Ok(());
        }
        OfficerAction::Transition {
            application,
            to,
            note,
        } => {
            let to = ApplicationStatus::parse(&to).ok_or_else(|| anyhow!("unknown status {to}"))?;
            (
                application,
                TransitionRequest {
                    to: Some(to),
                    delivery: None,
                    note,
                },
            )
        }
        OfficerAction::Deliver {
            application,
            state,
            tracking,
        } => {
            let state = match state.as_str() {
                "dispatched" => DeliveryState::Dispatched,
                "delivered" => DeliveryState::Delivered,
                "returned_to_sender" => DeliveryState::ReturnedToSender,
                other => bail!(
                    "unknown delivery state {other}: use dispatched, delivered or returned_to_sender"
                ),
            };
            (
                application,
                TransitionRequest {
                    to: None,
                    delivery: Some(DeliveryUpdate {
                        state,
                        tracking_number: tracking,
                    }),
                    note: None,
                },
            )
        }
    };
    let moved = officer::server_transition(desk, &target, request, now)
        .await
        .map_err(|error| anyhow!("{error}"))?;
    println!("{}", serde_json::to_string_pretty(&moved)?);
    Ok(())
}
