//! `opendvc watch` and `opendvc reminders`: push events as they arrive, and renewal reminders.

use std::path::Path;
use std::sync::Arc;

use opendvc_core::i18n::{Arg, Lang};
use opendvc_core::notify::{self, Notification, Notifier};
use opendvc_core::push::WatchEvent;
use opendvc_core::reminders::RulesTable;
use opendvc_core::{CoreError, OpenDvc};

use crate::exit;
use crate::output::{Failure, Output, err_line, out_line};

/// The CLI shows notifications as lines of its own output (see [`watch`]), so the notifier
/// itself shows nothing.
#[derive(Debug)]
struct PrintedWithEvents;

impl Notifier for PrintedWithEvents {
    fn show(&self, _notification: &Notification) {}
}

fn texts(core: &OpenDvc) -> Option<opendvc_core::i18n::Localizer> {
    let lang = core
        .profile()
        .ok()
        .flatten()
        .and_then(|profile| Lang::parse(&profile.language))
        .unwrap_or(Lang::Vi);
    notify::localizer(lang).ok()
}

fn notification_line(texts: &opendvc_core::i18n::Localizer, shown: &Notification) -> String {
    texts.format(
        "watch-notification",
        &[
            ("title", Arg::from(shown.title.as_str())),
            ("body", Arg::from(shown.body.as_str())),
            ("target", Arg::from(shown.target.as_str())),
        ],
    )
}

/// Prints events until Ctrl-C (or `seconds`, if given).
pub async fn watch(core: &OpenDvc, json: bool, seconds: Option<u64>) -> Result<u8, Failure> {
    let Some(texts) = texts(core) else {
        return Ok(exit::ERROR);
    };
    let print = |event: WatchEvent| {
        if json {
            match serde_json::to_string(&event) {
                Ok(text) => out_line(&text),
                Err(error) => err_line(&format!("opendvc: {error}")),
            }
            return;
        }
        match &event {
            WatchEvent::Connected { .. } => err_line(&texts.text("watch-connected")),
            WatchEvent::Disconnected {
                reason,
                retry_in_ms,
            } => err_line(&texts.format(
                "watch-disconnected",
                &[
                    ("reason", Arg::from(reason.as_str())),
                    ("seconds", Arg::from(retry_in_ms / 1000)),
                ],
            )),
            WatchEvent::Event { event, pulled } => out_line(
                &texts.format(
                    "watch-event",
                    &[
                        ("id", Arg::from(event.id.as_str())),
                        (
                            "kind",
                            Arg::from(
                                serde_json::to_value(event.kind)
                                    .ok()
                                    .and_then(|value| value.as_str().map(str::to_owned))
                                    .unwrap_or_default(),
                            ),
                        ),
                        ("applications", Arg::from(pulled.applications)),
                        ("inbox", Arg::from(pulled.inbox)),
                    ],
                ),
            ),
            WatchEvent::Duplicate { .. } => {}
            WatchEvent::Inbox { item, notification } => {
                let lang = texts.lang().code();
                out_line(
                    &texts.format("watch-inbox", &[("title", Arg::from(item.title.get(lang)))]),
                );
                match notification {
                    Some(shown) => out_line(&notification_line(&texts, shown)),
                    None => out_line(&texts.text("watch-held-back")),
                }
            }
        }
    };
    let stop = async {
        match seconds {
            Some(seconds) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    () = tokio::time::sleep(std::time::Duration::from_secs(seconds)) => {}
                }
            }
            None => {
                // A failure to listen for Ctrl-C leaves the default handling, which ends the
                // process; nothing is half-written either way.
                let _interrupted = tokio::signal::ctrl_c().await;
            }
        }
    };
    core.watch(Arc::new(PrintedWithEvents), print, stop)
        .await
        .map_err(|error| Failure::from_core(&error))?;
    Ok(exit::OK)
}

/// Prints validities and due reminders (recording them as fired), and writes the calendar.
pub fn reminders(core: &OpenDvc, out: &Output, ics: Option<&Path>) -> Result<u8, Failure> {
    let Some(texts) = texts(core) else {
        return Ok(exit::ERROR);
    };
    let rules = RulesTable::built_in()
        .map_err(|error| Failure::new("renewal-rules", error.to_string(), exit::ERROR))?;
    let (today, now) = core
        .local_today()
        .map_err(|error| Failure::from_core(&error))?;
    let report = core
        .reminders(today, now, &rules, &PrintedWithEvents)
        .map_err(|error| Failure::from_core(&error))?;
    if let Some(path) = ics {
        let calendar = core
            .reminders_calendar(today, now, &rules)
            .map_err(|error| Failure::from_core(&error))?;
        std::fs::write(path, calendar)
            .map_err(|error| Failure::from_core(&CoreError::Session(error)))?;
    }
    out.data(&report, || {
        let mut lines = Vec::new();
        for validity in &report.validities {
            let standing = texts.text(&format!(
                "reminders-standing-{}",
                validity.standing.replace('_', "-")
            ));
            let mut args = vec![
                ("kind", Arg::from(validity.kind_name.as_str())),
                ("number", Arg::from(validity.number.as_str())),
                ("standing", Arg::from(standing)),
            ];
            let line = match validity.expires_on {
                Some(day) => {
                    args.push(("expires", Arg::from(day.format("%d/%m/%Y").to_string())));
                    texts.format("reminders-line", &args)
                }
                None => texts.format("reminders-line-no-date", &args),
            };
            lines.push(line);
        }
        for due in &report.due {
            match &due.notification {
                Some(shown) => lines.push(notification_line(&texts, shown)),
                None => lines.push(texts.format(
                    "reminders-due-held-back",
                    &[("kind", Arg::from(due.kind_name.as_str()))],
                )),
            }
        }
        if report.due.is_empty() {
            lines.push(texts.text("reminders-none-due"));
        }
        lines
    });
    Ok(exit::OK)
}
