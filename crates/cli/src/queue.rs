//! The queue's commands: list, show, retry and discard items; drain; follow-ups.

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use opendvc_core::i18n::Arg;
use opendvc_core::queue::FollowUp;
use opendvc_core::views::{
    DiscardReport, QueueItemHistory, QueueListView, QueueRetried, discard_report,
};
use opendvc_core::{CoreError, DrainEnd, OpenDvc};
use uuid::Uuid;

use crate::args::QueueAction;
use crate::exit;
use crate::output::{Failure, Output};

pub(crate) async fn queue(
    core: &OpenDvc,
    action: Option<QueueAction>,
    out: &Output,
) -> Result<u8, Failure> {
    match action.unwrap_or(QueueAction::List { all: false }) {
        QueueAction::List { all } => {
            let summary = core
                .queue_summary()
                .map_err(|error| Failure::from_core(&error))?;
            let items = core
                .queue_items(all)
                .map_err(|error| Failure::from_core(&error))?;
            let view = QueueListView { summary, items };
            out.data(&view, || out.queue_lines(&view.summary, &view.items));
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
            let view = QueueItemHistory { item, events };
            out.data(&view, || out.item_history(&view.item, &view.events));
            Ok(exit::OK)
        }
        QueueAction::Retry { id } => {
            let id = item_id(&id, out)?;
            core.retry(id).map_err(|error| Failure::from_core(&error))?;
            out.data(&QueueRetried { retried: id }, || {
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
            // An item that had reached the portal after all is sent, not discarded.
            let item = core
                .queue_item(id)
                .map_err(|error| Failure::from_core(&error))?;
            let report = discard_report(id, &outcome, item.as_ref());
            out.data(&report, || match &report {
                DiscardReport::Discarded { affected, .. } => {
                    let mut lines =
                        vec![out.fmt("queue-discarded", &[("id", Arg::from(id.to_string()))])];
                    if !affected.is_empty() {
                        lines.push(out.fmt(
                            "queue-discard-affected",
                            &[("count", Arg::from(affected.len()))],
                        ));
                    }
                    lines
                }
                DiscardReport::Sent {
                    application_code, ..
                } => {
                    let id = ("id", Arg::from(id.to_string()));
                    vec![match application_code {
                        Some(code) => out.fmt(
                            "queue-discard-reached-portal",
                            &[id, ("code", Arg::from(code.clone()))],
                        ),
                        None => out.fmt("queue-discard-reached-portal-item", &[id]),
                    }]
                }
            });
            Ok(exit::OK)
        }
    }
}

/// Sends everything queued, waiting through back-off, for at most `max_wait` seconds.
pub(crate) async fn drain(core: &OpenDvc, max_wait: u64, out: &Output) -> Result<u8, Failure> {
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

pub(crate) async fn follow_up(
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
pub(crate) fn submit_exit(outcome: &opendvc_core::SubmitOutcome) -> u8 {
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
