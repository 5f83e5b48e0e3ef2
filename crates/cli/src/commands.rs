//! The commands: each calls the façade and reports through [`Output`].

use std::collections::BTreeMap;
use std::io::BufRead;
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
use opendvc_core::queue::{BackoffPolicy, FollowUp};
use opendvc_core::session::DataDir;
use opendvc_core::views::{ApplicationListView, LoginView, SearchView};
use opendvc_core::{CoreError, OpenDvc, OpenDvcOptions, SubmissionDraft};

use crate::args::{Cli, Command, DeliveryArg};
use crate::exit;
use crate::output::{Failure, Output};

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
            let view = ApplicationListView { items: entries };
            out.data(&view, || out.application_lines(&view.items));
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
                        wallet: Vec::new(),
                        delivery,
                        fee_case: None,
                    },
                    !no_send,
                )
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&outcome, || out.submit_lines(&outcome));
            Ok(crate::queue::submit_exit(&outcome))
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
            Ok(crate::queue::submit_exit(&outcome))
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
            crate::queue::follow_up(
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
            crate::queue::follow_up(core, &target, FollowUp::Withdraw(request), no_send, out).await
        }
        Command::Rate {
            target,
            stars,
            comment,
            no_send,
        } => {
            let rating = opendvc_api::Rating { stars, comment };
            crate::queue::follow_up(core, &target, FollowUp::Rating(rating), no_send, out).await
        }
        Command::Queue { action } => crate::queue::queue(core, action, out).await,
        Command::Watch { seconds } => crate::watch::watch(core, out.json(), seconds).await,
        Command::Reminders { ics } => crate::watch::reminders(core, out, ics.as_deref()),
        Command::Tally { day, csv } => crate::staff::tally(core, day, csv.as_deref(), out),
        Command::Receipt { code, svg } => crate::staff::receipt(core, &code, svg.as_deref(), out),
        Command::Drain { max_wait } => crate::queue::drain(core, max_wait, out).await,
        Command::Search { query, limit } => {
            let query = query.join(" ");
            let hits = core
                .search_catalog(&query, usize::from(limit))
                .map_err(|error| Failure::from_core(&error))?;
            let view = SearchView { query, hits };
            out.data(&view, || out.search_lines(&view.query, &view.hits));
            Ok(exit::OK)
        }
        Command::Quote {
            procedure,
            form,
            fee_case,
            delivery,
            address,
        } => {
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
            crate::quote::quote(core, procedure, &form, fee_case.as_deref(), delivery, out)
        }
        Command::Staff { action } => crate::staff::staff(core, action, out).await,
        Command::Notifications { action } => {
            crate::notifications::notifications(core, action, out).await
        }
        Command::Assist { action } => crate::staff::assist(core, action, out).await,
        Command::AccessLog { cursor } => {
            let log = core
                .access_log(cursor.as_deref())
                .await
                .map_err(|error| Failure::from_core(&error))?;
            out.data(&log, || out.access_log_lines(&log));
            Ok(exit::OK)
        }
    }
}

async fn login(
    core: &mut OpenDvc,
    id_number: &str,
    otp: Option<String>,
    out: &Output,
) -> Result<u8, Failure> {
    let mut view = LoginView {
        otp: None,
        sign_in: None,
    };
    let otp = match otp {
        Some(otp) => otp,
        None => {
            let accepted = core
                .request_otp(id_number)
                .await
                .map_err(|error| Failure::from_core(&error))?;
            view.otp = Some(accepted.clone());
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
    let lines = || {
        let mut lines = vec![match &report.full_name {
            Some(name) => out.fmt("login-done", &[("name", Arg::from(name.clone()))]),
            None => out.text("login-done-anonymous"),
        }];
        if let Some(error) = &report.sync_error {
            lines.push(out.fmt("login-sync-failed", &[("reason", Arg::from(error.clone()))]));
        }
        lines
    };
    let human = lines();
    view.sign_in = Some(report);
    out.data(&view, || human);
    Ok(exit::OK)
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
