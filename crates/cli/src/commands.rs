//! The commands: each calls the façade and reports through [`Output`].

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use opendvc_api::{
    DeliveryAddress, DeliveryChoice, DeliveryMethod, FieldError, FieldProblemCode, NewSupplement,
};
use opendvc_core::clock::RandomJitter;
use opendvc_core::i18n::{
    Arg, CLI_SOURCES, CORE_SOURCES, FIELD_SOURCES, Lang, LocaleSource, Localizer,
};
use opendvc_core::queue::{BackoffPolicy, DiscardOutcome, FollowUp};
use opendvc_core::session::DataDir;
use opendvc_core::{CoreError, DrainEnd, OpenDvc, OpenDvcOptions, SubmissionDraft};
use serde_json::json;
use uuid::Uuid;

use crate::output::{Failure, Output};
use crate::{AssistAction, Cli, Command, DeliveryArg, QueueAction, StaffAction, exit};

fn env_millis(name: &str, default: u64) -> Duration {
    Duration::from_millis(
        std::env::var(name)
            .ok()
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(default),
    )
}

fn localizer(lang: Option<&str>) -> Result<Localizer, String> {
    let lang = lang.and_then(Lang::parse).unwrap_or(Lang::Vi);
    let sources: Vec<LocaleSource> = CORE_SOURCES
        .iter()
        .chain(CLI_SOURCES.iter())
        .chain(FIELD_SOURCES.iter())
        .chain(opendvc_core::assist::ASSIST_SOURCES.iter())
        .copied()
        .collect();
    Localizer::new(lang, &sources).map_err(|error| error.to_string())
}

/// Runs the command line and returns the exit code.
pub async fn run(cli: Cli) -> u8 {
    let localizer = match localizer(cli.lang.as_deref()) {
        Ok(localizer) => localizer,
        Err(error) => {
            crate::output::err_line(&format!("opendvc: {error}"));
            return exit::ERROR;
        }
    };
    let out = Output::new(cli.json, localizer);
    let data_dir = match &cli.data_dir {
        Some(dir) => DataDir::new(dir),
        None => DataDir::default_location(),
    };
    let mut options = OpenDvcOptions::new(data_dir);
    if let Ok(text) = std::env::var("OPENDVC_REQUEST_TIMEOUT_MS")
        && let Ok(millis) = text.trim().parse::<u64>()
    {
        options.client.request_timeout = Duration::from_millis(millis);
        options.client.upload_timeout = Duration::from_millis(millis);
    }
    options.portal_override = cli.portal.clone();
    options.shared_device = cli.shared_device;
    options.backoff = BackoffPolicy::new(
        env_millis("OPENDVC_BACKOFF_BASE_MS", 500),
        env_millis("OPENDVC_BACKOFF_CAP_MS", 30_000),
        Arc::new(RandomJitter::from_os()),
    );
    let mut core = match OpenDvc::open(options) {
        Ok(core) => core,
        Err(error) => return out.fail(&Failure::from_core(&error)),
    };
    match dispatch(&mut core, cli.command, &out).await {
        Ok(code) => code,
        Err(failure) => out.fail(&failure),
    }
}

async fn dispatch(core: &mut OpenDvc, command: Command, out: &Output) -> Result<u8, Failure> {
    match command {
        Command::Login { id_number, otp } => login(core, &id_number, otp, out).await,
        Command::Logout { yes } => {
            let report = core.sign_out(yes).await.map_err(|error| match error {
                CoreError::UnsentItems { count } => Failure::new(
                    "logout-unsent",
                    out.fmt("logout-unsent", &[("count", Arg::from(count))]),
                    exit::NOT_CONFIRMED,
                ),
                other => Failure::from_core(&other),
            })?;
            out.data(&report, || {
                let mut lines = vec![out.text("logout-done")];
                if !report.revoked {
                    lines.push(out.text("logout-not-revoked"));
                }
                if report.unsent_kept > 0 {
                    lines.push(out.fmt("logout-kept", &[("count", Arg::from(report.unsent_kept))]));
                }
                lines
            });
            Ok(exit::OK)
        }
        Command::Status => {
            let dashboard = core
                .dashboard()
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&dashboard, || out.dashboard(&dashboard));
            Ok(exit::OK)
        }
        Command::Sync => {
            let report = core
                .sync_now()
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&report, || {
                let version = match &report.catalog {
                    opendvc_core::sync::CatalogRefresh::Unchanged { version }
                    | opendvc_core::sync::CatalogRefresh::Updated { version, .. } => {
                        version.clone()
                    }
                };
                vec![out.fmt(
                    "sync-done",
                    &[
                        ("applications", Arg::from(report.pull.applications)),
                        ("documents", Arg::from(report.pull.documents)),
                        ("inbox", Arg::from(report.pull.inbox)),
                        ("version", Arg::from(version)),
                    ],
                )]
            });
            Ok(exit::OK)
        }
        Command::Applications => {
            let entries = core
                .applications()
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&json!({ "items": entries }), || {
                out.application_lines(&entries)
            });
            Ok(exit::OK)
        }
        Command::Show { code } => {
            let detail = core
                .application(&code)
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&detail, || out.application_detail(&detail));
            Ok(exit::OK)
        }
        Command::Submit {
            procedure,
            form,
            attach,
            delivery,
            address,
            no_send,
        } => {
            let form = read_form(&form, out)?;
            let files = attachments(&attach);
            let address = address
                .map(|path| read_json::<DeliveryAddress>(&path, out))
                .transpose()?;
            let delivery = DeliveryChoice {
                method: match delivery {
                    DeliveryArg::Counter => DeliveryMethod::Counter,
                    DeliveryArg::Post => DeliveryMethod::Post,
                },
                address,
            };
            let outcome = core
                .submit(
                    SubmissionDraft {
                        procedure_id: procedure,
                        form,
                        files,
                        picked: Vec::new(),
                        delivery,
                    },
                    !no_send,
                )
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&outcome, || out.submit_lines(&outcome));
            Ok(submit_exit(&outcome))
        }
        Command::Supplement {
            target,
            note,
            form,
            attach,
            no_send,
        } => {
            let form = form
                .map(|path| read_form(&path, out))
                .transpose()?
                .unwrap_or_default();
            let supplement = NewSupplement {
                note,
                form,
                attachments: Vec::new(),
            };
            let outcome = core
                .follow_up(
                    &target,
                    FollowUp::Supplement(supplement),
                    &attachments(&attach),
                    &[],
                    !no_send,
                )
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&outcome, || out.submit_lines(&outcome));
            Ok(submit_exit(&outcome))
        }
        Command::Delivery {
            target,
            method,
            address,
            no_send,
        } => {
            let address = address
                .map(|path| read_json::<DeliveryAddress>(&path, out))
                .transpose()?;
            let choice = DeliveryChoice {
                method: match method {
                    DeliveryArg::Counter => DeliveryMethod::Counter,
                    DeliveryArg::Post => DeliveryMethod::Post,
                },
                address,
            };
            follow_up(
                core,
                &target,
                FollowUp::DeliveryChange(choice),
                no_send,
                out,
            )
            .await
        }
        Command::Withdraw {
            target,
            reason,
            no_send,
        } => {
            let request = opendvc_api::WithdrawRequest { reason };
            follow_up(core, &target, FollowUp::Withdraw(request), no_send, out).await
        }
        Command::Rate {
            target,
            stars,
            comment,
            no_send,
        } => {
            let rating = opendvc_api::Rating { stars, comment };
            follow_up(core, &target, FollowUp::Rating(rating), no_send, out).await
        }
        Command::Queue { action } => queue(core, action, out).await,
        Command::Watch { seconds } => crate::watch::watch(core, out.json(), seconds).await,
        Command::Reminders { ics } => crate::watch::reminders(core, out, ics.as_deref()),
        Command::Search { query, limit } => {
            let query = query.join(" ");
            let hits = core
                .search_catalog(&query, usize::from(limit))
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&json!({ "query": query, "hits": hits }), || {
                out.search_lines(&query, &hits)
            });
            Ok(exit::OK)
        }
        Command::Staff { action } => staff(core, action, out).await,
        Command::Assist { action } => assist(core, action, out).await,
        Command::Tally { day, csv } => {
            let tally = core
                .tally(day)
                .map_err(|error| Failure::from_core(&error))?;
            if let Some(path) = &csv {
                std::fs::write(path, tally.to_csv())
                    .map_err(|error| Failure::new("output", error.to_string(), exit::ERROR))?;
            }
            out.data(&tally, || {
                let mut lines = vec![out.fmt(
                    "tally-summary",
                    &[
                        ("day", Arg::from(tally.day.to_string())),
                        ("people", Arg::from(tally.people_helped)),
                        ("submissions", Arg::from(tally.submissions)),
                        ("sent", Arg::from(tally.sent)),
                        ("waiting", Arg::from(tally.waiting)),
                        ("attention", Arg::from(tally.needs_attention)),
                    ],
                )];
                for (service, count) in &tally.per_service {
                    lines.push(out.fmt(
                        "tally-service",
                        &[
                            ("service", Arg::from(service.clone())),
                            ("sent", Arg::from(count.sent)),
                            ("waiting", Arg::from(count.waiting)),
                            ("attention", Arg::from(count.needs_attention)),
                        ],
                    ));
                }
                if let Some(path) = &csv {
                    lines.push(out.fmt(
                        "tally-csv-written",
                        &[("path", Arg::from(path.display().to_string()))],
                    ));
                }
                lines
            });
            Ok(exit::OK)
        }
        Command::AccessLog { cursor } => {
            let log = core
                .access_log(cursor.as_deref())
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&log, || out.access_log_lines(&log));
            Ok(exit::OK)
        }
        Command::Receipt { code, svg } => {
            let receipt = core
                .receipt(&code, None)
                .map_err(|error| Failure::from_core(&error))?;
            if let Some(path) = &svg {
                std::fs::write(path, &receipt.qr_svg)
                    .map_err(|error| Failure::new("output", error.to_string(), exit::ERROR))?;
            }
            out.data(&receipt, || {
                let mut lines = vec![receipt.title.clone()];
                lines.extend(
                    receipt
                        .lines
                        .iter()
                        .map(|line| format!("{}: {}", line.label, line.value)),
                );
                lines.push(receipt.follow_up.clone());
                lines.extend(receipt.served_by.clone());
                lines.push(receipt.lookup_link.clone());
                lines
            });
            Ok(exit::OK)
        }
        Command::Drain { max_wait } => {
            // With a staff member signed in, the device sends staff work (every session's
            // queue, with the staff token); otherwise the citizen's own queue.
            let staff_mode = core
                .staff_status()
                .map_err(|error| Failure::from_core(&error))?
                .signed_in;
            let outcome = if staff_mode {
                core.drain_staff(Duration::from_secs(max_wait)).await
            } else {
                core.drain(Duration::from_secs(max_wait)).await
            }
            .map_err(|error| Failure::from_core(&error))?;
            let waiting = outcome.queue.queued + outcome.queue.sending;
            let (message, code) = match outcome.end {
                DrainEnd::Empty => (
                    out.fmt("drain-empty", &[("sent", Arg::from(outcome.sent))]),
                    exit::OK,
                ),
                DrainEnd::NeedsAttention => (
                    out.fmt(
                        "drain-attention",
                        &[("count", Arg::from(outcome.queue.needs_attention + waiting))],
                    ),
                    exit::ATTENTION,
                ),
                DrainEnd::PausedAuth => (out.text("drain-paused"), exit::SIGN_IN),
                DrainEnd::TimedOut => (
                    out.fmt("drain-timed-out", &[("count", Arg::from(waiting))]),
                    exit::WAITING,
                ),
                DrainEnd::Busy => (out.text("drain-busy"), exit::WAITING),
            };
            if code == exit::OK {
                out.data(&outcome, || vec![message]);
            } else {
                out.data_to_stderr(&outcome, message);
            }
            Ok(code)
        }
    }
}

async fn login(
    core: &mut OpenDvc,
    id_number: &str,
    otp: Option<String>,
    out: &Output,
) -> Result<u8, Failure> {
    let mut result = serde_json::Map::new();
    let otp = match otp {
        Some(otp) => otp,
        None => {
            let accepted = core
                .request_otp(id_number)
                .await
                .map_err(|error| Failure::from_core(&error))?;
            result.insert("otp".into(), json!(accepted));
            // The prompt goes to standard error so that standard output stays one JSON object.
            crate::output::err_prompt(&out.fmt(
                "login-code-sent",
                &[
                    ("channel", Arg::from(accepted.channel.clone())),
                    ("seconds", Arg::from(u64::from(accepted.expires_in))),
                ],
            ));
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|error| Failure::new("input", error.to_string(), exit::ERROR))?;
            line.trim().to_owned()
        }
    };
    let report = core
        .sign_in(id_number, &otp)
        .await
        .map_err(|error| Failure::from_core(&error))?;
    result.insert("signIn".into(), json!(report));
    out.data(&serde_json::Value::Object(result), || {
        let mut lines = vec![match &report.full_name {
            Some(name) => out.fmt("login-done", &[("name", Arg::from(name.clone()))]),
            None => out.text("login-done-anonymous"),
        }];
        if let Some(error) = &report.sync_error {
            lines.push(out.fmt("login-sync-failed", &[("reason", Arg::from(error.clone()))]));
        }
        lines
    });
    Ok(exit::OK)
}

fn read_stdin_line() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| Failure::new("input", error.to_string(), exit::ERROR))?;
    Ok(line.trim().to_owned())
}

fn staff_lines(status: &opendvc_core::assist::StaffStatus, out: &Output) -> Vec<String> {
    let mut lines = Vec::new();
    match (&status.staff, status.signed_in) {
        (Some(staff), true) => lines.push(
            out.fmt(
                "staff-signed-in",
                &[
                    ("name", Arg::from(staff.name.clone())),
                    ("code", Arg::from(staff.code.clone())),
                    (
                        "venue",
                        Arg::from(
                            status
                                .venue
                                .as_ref()
                                .map(|venue| venue.name().to_owned())
                                .unwrap_or_default(),
                        ),
                    ),
                ],
            ),
        ),
        _ => lines.push(out.text("staff-none")),
    }
    if let Some(session) = &status.session {
        lines.push(out.fmt(
            "staff-session",
            &[
                ("initials", Arg::from(session.citizen_initials.clone())),
                ("minutes", Arg::from(session.seconds_left / 60)),
            ],
        ));
    }
    lines
}

async fn staff(core: &mut OpenDvc, action: StaffAction, out: &Output) -> Result<u8, Failure> {
    let status = match action {
        StaffAction::Login {
            code,
            password,
            post_office,
            event,
            place,
            date,
            previous_password,
        } => {
            let password = zeroize::Zeroizing::new(match password {
                Some(password) => password,
                None => read_stdin_line()?,
            });
            let options = opendvc_core::assist::StaffSignInOptions {
                post_office,
                event: match (event, place, date) {
                    (Some(name), Some(place), Some(date)) => Some((name, place, date)),
                    _ => None,
                },
                previous_password: previous_password.map(zeroize::Zeroizing::new),
            };
            core.staff_sign_in(&code, &password, options).await
        }
        StaffAction::Logout => {
            let status = core.staff_sign_out().await;
            if status.is_ok() && !out.json() {
                crate::output::out_line(&out.text("staff-signed-out"));
            }
            status
        }
        StaffAction::Status => core.staff_status(),
    }
    .map_err(|error| Failure::from_core(&error))?;
    out.data(&status, || staff_lines(&status, out));
    Ok(exit::OK)
}

async fn assist(core: &mut OpenDvc, action: AssistAction, out: &Output) -> Result<u8, Failure> {
    match action {
        AssistAction::Open {
            id_number,
            paper,
            otp,
        } => {
            let consent = match (paper, otp) {
                (Some(reference), _) => opendvc_api::Consent::Paper { reference },
                (None, Some(otp)) => opendvc_api::Consent::Otp { otp },
                (None, None) => {
                    core.request_consent_code(&id_number)
                        .await
                        .map_err(|error| Failure::from_core(&error))?;
                    crate::output::err_prompt(&out.text("assist-code-sent"));
                    opendvc_api::Consent::Otp {
                        otp: read_stdin_line()?,
                    }
                }
            };
            let session = core
                .open_assisted_session(&id_number, consent)
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&session, || {
                vec![out.fmt(
                    "assist-opened",
                    &[
                        ("initials", Arg::from(session.citizen_initials.clone())),
                        ("until", Arg::from(session.expires_at.to_rfc3339())),
                    ],
                )]
            });
        }
        AssistAction::End => {
            let ended = core
                .end_assisted_session()
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&ended, || {
                vec![out.fmt("assist-ended", &[("count", Arg::from(ended.unsent_kept))])]
            });
        }
    }
    Ok(exit::OK)
}

async fn queue(core: &OpenDvc, action: Option<QueueAction>, out: &Output) -> Result<u8, Failure> {
    match action.unwrap_or(QueueAction::List { all: false }) {
        QueueAction::List { all } => {
            let summary = core
                .queue_summary()
                .map_err(|error| Failure::from_core(&error))?;
            let items = core
                .queue_items(all)
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&json!({ "summary": summary, "items": items }), || {
                out.queue_lines(&summary, &items)
            });
            Ok(exit::OK)
        }
        QueueAction::Show { id } => {
            let id = item_id(&id, out)?;
            let item = core
                .queue_item(id)
                .map_err(|error| Failure::from_core(&error))?
                .ok_or_else(|| {
                    Failure::from_core(&CoreError::Queue(
                        opendvc_core::queue::QueueError::NoSuchItem(id),
                    ))
                })?;
            let events = core
                .queue_item_events(id)
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&json!({ "item": item, "events": events }), || {
                out.item_history(&item, &events)
            });
            Ok(exit::OK)
        }
        QueueAction::Retry { id } => {
            let id = item_id(&id, out)?;
            core.retry(id).map_err(|error| Failure::from_core(&error))?;
            out.data(&json!({ "retried": id }), || {
                vec![out.fmt("queue-retried", &[("id", Arg::from(id.to_string()))])]
            });
            Ok(exit::OK)
        }
        QueueAction::Discard { id, yes } => {
            let id = item_id(&id, out)?;
            let item = core
                .queue_item(id)
                .map_err(|error| Failure::from_core(&error))?
                .ok_or_else(|| {
                    Failure::from_core(&CoreError::Queue(
                        opendvc_core::queue::QueueError::NoSuchItem(id),
                    ))
                })?;
            if !yes && !confirm(out, id, item.kind().as_str()) {
                return Err(Failure::new(
                    "queue-discard-not-confirmed",
                    out.text("queue-discard-not-confirmed"),
                    exit::NOT_CONFIRMED,
                ));
            }
            let outcome = core
                .discard(id)
                .await
                .map_err(|error| Failure::from_core(&error))?;
            match outcome {
                DiscardOutcome::Discarded { affected } => {
                    out.data(&json!({ "discarded": id, "affected": affected }), || {
                        let mut lines =
                            vec![out.fmt("queue-discarded", &[("id", Arg::from(id.to_string()))])];
                        if !affected.is_empty() {
                            lines.push(out.fmt(
                                "queue-discard-affected",
                                &[("count", Arg::from(affected.len()))],
                            ));
                        }
                        lines
                    });
                }
                DiscardOutcome::ReachedThePortal { sent } => {
                    // The item had reached the portal after all: it is sent, not discarded.
                    let item = core
                        .queue_item(id)
                        .map_err(|error| Failure::from_core(&error))?;
                    let code = item.as_ref().and_then(|item| item.application_code.clone());
                    out.data(
                        &json!({
                            "sent": id,
                            "applicationId": item.as_ref().and_then(|item| item.application_id),
                            "applicationCode": code,
                            "kind": sent.kind,
                        }),
                        || {
                            let id = ("id", Arg::from(id.to_string()));
                            vec![match &code {
                                Some(code) => out.fmt(
                                    "queue-discard-reached-portal",
                                    &[id, ("code", Arg::from(code.clone()))],
                                ),
                                None => out.fmt("queue-discard-reached-portal-item", &[id]),
                            }]
                        },
                    );
                }
            }
            Ok(exit::OK)
        }
    }
}

async fn follow_up(
    core: &OpenDvc,
    target: &str,
    follow_up: FollowUp,
    no_send: bool,
    out: &Output,
) -> Result<u8, Failure> {
    let outcome = core
        .follow_up(target, follow_up, &[], &[], !no_send)
        .await
        .map_err(|error| Failure::from_core(&error))?;
    out.data(&outcome, || out.submit_lines(&outcome));
    Ok(submit_exit(&outcome))
}

/// Saved or sent is success; refused at once by the portal is exit 7 (the item is kept and
/// needs attention).
fn submit_exit(outcome: &opendvc_core::SubmitOutcome) -> u8 {
    if outcome.state == opendvc_core::queue::ItemState::NeedsAttention {
        exit::REFUSED
    } else {
        exit::OK
    }
}

/// Asks on the terminal; without a terminal there is nobody to ask, so the answer is no.
fn confirm(out: &Output, id: Uuid, kind: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    let kind = out.text(&format!("queue-kind-{}", kind.replace('_', "-")));
    crate::output::err_prompt(&out.fmt(
        "queue-discard-confirm",
        &[("id", Arg::from(id.to_string())), ("kind", Arg::from(kind))],
    ));
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(
        line.trim().to_lowercase().as_str(),
        "yes" | "y" | "có" | "co" | "ya"
    )
}

fn item_id(text: &str, out: &Output) -> Result<Uuid, Failure> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        Failure::new(
            "invalid-item-id",
            out.fmt("error-invalid-item-id", &[("id", Arg::from(text))]),
            exit::REFUSED,
        )
    })
}

/// `--attach FILE` or `--attach REQUIREMENT=FILE`.
fn attachments(args: &[String]) -> Vec<(PathBuf, Option<String>)> {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((requirement, path))
                if !requirement.is_empty()
                    && !requirement.contains(['/', '\\'])
                    && !Path::new(arg).exists() =>
            {
                (PathBuf::from(path), Some(requirement.to_owned()))
            }
            _ => (PathBuf::from(arg), None),
        })
        .collect()
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, out: &Output) -> Result<T, Failure> {
    let refuse = |reason: String| {
        Failure::new(
            "input-file",
            out.fmt(
                "error-input-file",
                &[
                    ("path", Arg::from(path.display().to_string())),
                    ("reason", Arg::from(reason)),
                ],
            ),
            exit::REFUSED,
        )
    };
    let bytes = std::fs::read(path).map_err(|error| refuse(error.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|error| refuse(error.to_string()))
}

/// A form file: a JSON object whose values are strings (numbers and booleans are accepted and
/// written as text, since form values travel as strings).
fn read_form(path: &Path, out: &Output) -> Result<BTreeMap<String, String>, Failure> {
    let value: serde_json::Map<String, serde_json::Value> = read_json(path, out)?;
    let mut form = BTreeMap::new();
    let mut errors = Vec::new();
    for (key, value) in value {
        match value {
            serde_json::Value::String(text) => {
                form.insert(key, text);
            }
            serde_json::Value::Number(number) => {
                form.insert(key, number.to_string());
            }
            serde_json::Value::Bool(flag) => {
                form.insert(key, flag.to_string());
            }
            serde_json::Value::Null => {}
            _ => errors.push(FieldError::new(
                format!("form.{key}"),
                FieldProblemCode::Invalid,
            )),
        }
    }
    if errors.is_empty() {
        Ok(form)
    } else {
        Err(Failure::from_core(&CoreError::InvalidSubmission(errors)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_core::i18n::message_ids;

    #[test]
    fn every_cli_message_exists_in_all_three_languages() {
        let vietnamese = message_ids(CLI_SOURCES[0].text);
        assert!(!vietnamese.is_empty());
        for source in &CLI_SOURCES[1..] {
            let ids = message_ids(source.text);
            assert_eq!(
                ids, vietnamese,
                "{} has the same messages as vi/cli.ftl",
                source.name
            );
        }
        localizer(Some("id")).expect("all message files parse");
    }

    #[test]
    fn attach_arguments_may_name_the_requirement() {
        let parsed = attachments(&["photo=/tmp/a.jpg".to_owned(), "/tmp/b.pdf".to_owned()]);
        assert_eq!(
            parsed[0],
            (PathBuf::from("/tmp/a.jpg"), Some("photo".to_owned()))
        );
        assert_eq!(parsed[1], (PathBuf::from("/tmp/b.pdf"), None));
    }
}
