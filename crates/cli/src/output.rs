//! Human-readable or JSON output, and failures with their exit codes.

use std::io::{BufRead, IsTerminal};

use opendvc_api::{FieldError, OnlineLevel};
use opendvc_core::client::ClientError;
use opendvc_core::error::StaffError;
use opendvc_core::i18n::{Arg, Localizer};
use opendvc_core::queue::{ItemEvent, ItemState, QueueError, QueueItem, QueueSummary};
use opendvc_core::search::{NameSegment, SearchHit, highlight};
use opendvc_core::store::catalog_search::CatalogSearchError;
use opendvc_core::views::{FailureReport, FailureView};
use opendvc_core::{ApplicationDetail, ApplicationEntry, CoreError, Dashboard, SubmitOutcome};
use serde::Serialize;

use crate::exit;

/// Writes a line to standard output. A closed pipe (`opendvc queue | head`) is not an error
/// worth dying for: the reader has what it wanted.
pub fn out_line(text: &str) {
    use std::io::Write;
    let _ignored = writeln!(std::io::stdout().lock(), "{text}");
}

/// Writes a line to standard error, ignoring a closed stream.
pub fn err_line(text: &str) {
    use std::io::Write;
    let _ignored = writeln!(std::io::stderr().lock(), "{text}");
}

/// Writes a prompt (no newline) to standard error and flushes it.
pub fn err_prompt(text: &str) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    let _ignored = write!(stderr, "{text} ");
    let _flushed = stderr.flush();
}

/// A line typed on standard input (a code, a password), without its end.
pub fn read_stdin_line() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| Failure::new("input", error.to_string(), exit::ERROR))?;
    Ok(line.trim().to_owned())
}

/// A command that failed: a stable code, what to tell the person, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: String,
    /// Already localised message; when absent, `error-{code}` is looked up.
    pub message: Option<String>,
    /// Technical detail (from the portal or the system), shown after the message.
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub count: Option<u64>,
    pub exit: u8,
}

impl Failure {
    pub fn new(code: &str, message: String, exit: u8) -> Failure {
        Failure {
            code: code.to_owned(),
            message: Some(message),
            detail: None,
            errors: Vec::new(),
            count: None,
            exit,
        }
    }

    pub fn from_core(error: &CoreError) -> Failure {
        let exit = match error {
            CoreError::NotSignedIn
            | CoreError::Client(ClientError::Unauthorized { .. } | ClientError::NotSignedIn) => {
                exit::SIGN_IN
            }
            CoreError::Client(
                ClientError::Network(_)
                | ClientError::Unreachable(_)
                | ClientError::Timeout
                | ClientError::Server { .. }
                | ClientError::RateLimited { .. }
                | ClientError::Malformed { .. },
            )
            | CoreError::PaymentNeedsConnection => exit::OFFLINE,
            CoreError::Client(_)
            | CoreError::NoPortal
            | CoreError::InvalidIdNumber
            | CoreError::OtpInvalid
            | CoreError::CatalogMissing
            | CoreError::UnknownProcedure(_)
            | CoreError::InvalidSubmission(_)
            | CoreError::InvalidDocument(_)
            | CoreError::UnknownApplication(_)
            | CoreError::UnknownInboxItem(_)
            | CoreError::UnknownDocument(_)
            | CoreError::UnknownDraft(_)
            | CoreError::PickedFileMissing(_)
            | CoreError::PickedFileUnreadable
            | CoreError::Photo { .. }
            | CoreError::InvalidSettings(_)
            | CoreError::InvalidEvent(_)
            | CoreError::InvalidDay(_)
            | CoreError::InvalidReminder
            | CoreError::AccessLogOwnSignInOnly
            | CoreError::NotificationSettingsOwnSignInOnly
            | CoreError::UnknownPayment(_)
            | CoreError::PaymentOwnSignInOnly
            | CoreError::Search(CatalogSearchError::IndexMissing)
            | CoreError::Queue(
                QueueError::NoSuchItem(_)
                | QueueError::NotChangeable(_)
                | QueueError::NotAnApplication(_)
                | QueueError::AttachmentTooLarge { .. }
                | QueueError::Attachment { .. },
            ) => exit::REFUSED,
            CoreError::UnsentItems { .. } => exit::NOT_CONFIRMED,
            CoreError::Queue(QueueError::MustSendFirst(_)) => exit::OFFLINE,
            CoreError::Queue(QueueError::SenderBusy) => exit::WAITING,
            CoreError::AssistedSessionExpired
            | CoreError::Staff(StaffError::NotSignedIn | StaffError::Key(_)) => exit::SIGN_IN,
            CoreError::Staff(StaffError::Io(_))
            | CoreError::Receipt(_)
            | CoreError::Messages(_) => exit::ERROR,
            CoreError::Staff(_) | CoreError::ReceiptNotReady(_) => exit::REFUSED,
            CoreError::Store(_)
            | CoreError::Queue(_)
            | CoreError::Session(_)
            | CoreError::Preferences(_)
            | CoreError::DeviceData(_)
            | CoreError::DataFolder(_)
            | CoreError::Search(_) => exit::ERROR,
        };
        let detail = match error {
            CoreError::Client(client) => Some(client.to_string()),
            CoreError::Search(CatalogSearchError::IndexMissing) => None,
            CoreError::Store(_)
            | CoreError::Queue(_)
            | CoreError::Session(_)
            | CoreError::Preferences(_)
            | CoreError::DeviceData(_)
            | CoreError::DataFolder(_)
            | CoreError::Search(_) => Some(error.to_string()),
            CoreError::UnknownProcedure(id) | CoreError::UnknownApplication(id) => Some(id.clone()),
            CoreError::Staff(StaffError::UnlockWait { .. }) => Some(error.to_string()),
            _ => None,
        };
        let errors = match error {
            CoreError::InvalidSubmission(errors) | CoreError::InvalidDocument(errors) => {
                errors.clone()
            }
            CoreError::Client(client) => client
                .problem()
                .map(|problem| problem.errors.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Failure {
            code: error.code().as_str().to_owned(),
            message: None,
            detail,
            errors,
            count: match error {
                CoreError::UnsentItems { count } => Some(*count),
                _ => None,
            },
            exit,
        }
    }
}

/// Where results go.
#[derive(Debug)]
pub struct Output {
    json: bool,
    localizer: Localizer,
}

fn dashed(code: &str) -> String {
    code.replace('_', "-")
}

impl Output {
    pub fn new(json: bool, localizer: Localizer) -> Output {
        Output { json, localizer }
    }

    /// Whether the output is JSON.
    pub fn json(&self) -> bool {
        self.json
    }

    /// The language messages are shown in (`vi`, `en`, `id`).
    pub fn lang(&self) -> String {
        self.localizer.lang().code().to_owned()
    }

    pub fn text(&self, id: &str) -> String {
        self.localizer.text(id)
    }

    pub fn fmt(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.localizer.format(id, args)
    }

    /// Prints `value` as JSON, or the lines `human` makes.
    pub fn data<T: Serialize>(&self, value: &T, human: impl FnOnce() -> Vec<String>) {
        if self.json {
            match serde_json::to_string(value) {
                Ok(text) => out_line(&text),
                Err(error) => err_line(&format!("opendvc: {error}")),
            }
        } else {
            for line in human() {
                out_line(&line);
            }
        }
    }

    /// Like [`Output::data`], but the human message is a warning and goes to standard error.
    pub fn data_to_stderr<T: Serialize>(&self, value: &T, message: String) {
        if self.json {
            self.data(value, Vec::new);
        } else {
            err_line(&message);
        }
    }

    /// Reports a failure and returns its exit code.
    pub fn fail(&self, failure: &Failure) -> u8 {
        let message = failure.message.clone().unwrap_or_else(|| {
            let mut args = Vec::new();
            if let Some(count) = failure.count {
                args.push(("count", Arg::from(count)));
            }
            self.localizer
                .format(&format!("error-{}", dashed(&failure.code)), &args)
        });
        if self.json {
            self.data(
                &FailureReport {
                    error: FailureView {
                        code: failure.code.clone(),
                        message,
                        detail: failure.detail.clone(),
                        errors: failure.errors.clone(),
                    },
                },
                Vec::new,
            );
        } else {
            err_line(&message);
            if let Some(detail) = &failure.detail {
                err_line(&format!("  {detail}"));
            }
            // Each refused field in the person's language, by its problem code (fields.ftl).
            for error in &failure.errors {
                let label = [("label", Arg::from(error.field.as_str()))];
                err_line(&format!(
                    "  {}",
                    self.localizer.format(error.code.as_str(), &label)
                ));
            }
        }
        failure.exit
    }

    fn status_text(&self, status: &str) -> String {
        self.text(&format!("application-status-{}", dashed(status)))
    }

    fn state_text(&self, state: ItemState) -> String {
        self.text(&format!("queue-state-{}", dashed(state.as_str())))
    }

    pub fn dashboard(&self, dashboard: &Dashboard) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(path) = &dashboard.cache_rebuilt_from {
            lines.push(self.fmt(
                "status-cache-rebuilt",
                &[("path", Arg::from(path.display().to_string()))],
            ));
        }
        lines.push(match (&dashboard.signed_in, &dashboard.full_name) {
            (true, Some(name)) => {
                self.fmt("status-signed-in", &[("name", Arg::from(name.clone()))])
            }
            (true, None) => self.text("status-signed-in-anonymous"),
            (false, _) => self.text("status-signed-out"),
        });
        if let Some(url) = &dashboard.portal_url {
            lines.push(self.fmt("status-portal", &[("url", Arg::from(url.clone()))]));
        }
        lines.push(self.text(match dashboard.online {
            Some(true) => "status-online",
            Some(false) => "status-offline",
            None => "status-online-unknown",
        }));
        let queue = &dashboard.queue;
        lines.push(self.fmt(
            "status-queue",
            &[
                ("queued", Arg::from(queue.queued + queue.sending)),
                ("attention", Arg::from(queue.needs_attention)),
                ("sent", Arg::from(queue.sent)),
            ],
        ));
        if queue.paused_auth {
            lines.push(self.text("status-paused"));
        }
        let total: u64 = dashboard.counts_by_status.values().sum();
        lines.push(self.fmt("status-applications", &[("count", Arg::from(total))]));
        if !dashboard.needing_action.is_empty() {
            lines.push(self.text("status-needing-action"));
            lines.extend(
                self.application_lines(&dashboard.needing_action)
                    .into_iter()
                    .map(|line| format!("  {line}")),
            );
        }
        lines.push(match &dashboard.last_sync_at {
            Some(at) => self.fmt("status-last-sync", &[("at", Arg::from(at.clone()))]),
            None => self.text("status-never-synced"),
        });
        lines
    }

    fn entry_line(&self, entry: &ApplicationEntry) -> String {
        let name = entry
            .procedure_name
            .as_ref()
            .map(|name| name.get(self.localizer.lang().code()).to_owned())
            .unwrap_or_else(|| entry.procedure_id.clone());
        let handle = match (&entry.code, &entry.queue_item_id) {
            (Some(code), _) => code.clone(),
            (None, Some(item)) => item.to_string(),
            (None, None) => "-".to_owned(),
        };
        let mut line = format!(
            "{handle}  {}  {name}",
            self.status_text(entry.status.as_str())
        );
        if let Some(due) = entry.due_at {
            line.push_str(&format!(
                "  {}",
                self.fmt(
                    "show-due",
                    &[("date", Arg::from(due.format("%Y-%m-%d").to_string()))]
                )
            ));
        }
        if entry.overdue {
            line.push_str(&format!("  {}", self.text("show-overdue")));
        }
        if entry.unsent_follow_ups > 0 {
            line.push_str(&format!(
                "  {}",
                self.fmt(
                    "show-unsent-follow-ups",
                    &[("count", Arg::from(u64::from(entry.unsent_follow_ups)))]
                )
            ));
        }
        line
    }

    /// The access log as a table: when (Vietnam time), who, organisation, where, what,
    /// consent; then how to see older entries.
    pub fn access_log_lines(&self, log: &opendvc_core::views::AccessLogView) -> Vec<String> {
        if log.entries.is_empty() {
            return vec![self.text("access-log-empty")];
        }
        let mut rows = vec![vec![
            self.text("access-log-time"),
            self.text("access-log-staff"),
            self.text("access-log-organisation"),
            self.text("access-log-venue"),
            self.text("access-log-what"),
            self.text("access-log-consent"),
        ]];
        for shown in &log.entries {
            let entry = &shown.entry;
            let mut what = self.text(access_what(entry.action, entry.resource));
            if let Some(reference) = &entry.resource_ref {
                what.push_str(&format!(" {reference}"));
            }
            rows.push(vec![
                shown.vietnam_time.clone(),
                format!("{} ({})", entry.staff.name, entry.staff.code),
                entry.staff.organisation.clone(),
                entry.venue.name.clone(),
                what,
                self.text(match entry.consent {
                    opendvc_api::ConsentMethod::Otp => "access-log-consent-otp",
                    opendvc_api::ConsentMethod::Paper => "access-log-consent-paper",
                }),
            ]);
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|column| {
                rows.iter()
                    .map(|row| row[column].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut lines: Vec<String> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&widths)
                    .map(|(cell, width)| {
                        format!("{cell}{}", " ".repeat(width - cell.chars().count()))
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_owned()
            })
            .collect();
        if let Some(cursor) = &log.next_cursor {
            lines.push(self.fmt("access-log-more", &[("cursor", Arg::from(cursor.clone()))]));
        }
        lines
    }

    pub fn application_lines(&self, entries: &[ApplicationEntry]) -> Vec<String> {
        if entries.is_empty() {
            return vec![self.text("applications-empty")];
        }
        entries.iter().map(|entry| self.entry_line(entry)).collect()
    }

    pub fn application_detail(&self, detail: &ApplicationDetail) -> Vec<String> {
        let mut lines = vec![self.entry_line(&detail.entry)];
        if let Some(application) = &detail.application {
            lines.push(
                self.fmt(
                    "show-submitted",
                    &[(
                        "date",
                        Arg::from(
                            application
                                .submitted_at
                                .format("%Y-%m-%d %H:%M")
                                .to_string(),
                        ),
                    )],
                ),
            );
            lines.push(self.fmt(
                "show-delivery",
                &[
                    (
                        "method",
                        Arg::from(format!("{:?}", application.delivery.method).to_lowercase()),
                    ),
                    ("payable", Arg::from(application.delivery.payable)),
                ],
            ));
            lines.push(self.text("show-timeline"));
            for entry in &application.timeline {
                let mut line = format!(
                    "  {}  {}",
                    entry.at.format("%Y-%m-%d %H:%M"),
                    self.status_text(entry.status.as_str())
                );
                if let Some(note) = &entry.note {
                    line.push_str(&format!(" — {note}"));
                }
                lines.push(line);
            }
        }
        if !detail.queue_items.is_empty() {
            lines.push(self.text("show-queue-items"));
            lines.extend(
                detail
                    .queue_items
                    .iter()
                    .map(|item| format!("  {}", self.item_line(item))),
            );
        }
        lines
    }

    pub fn submit_lines(&self, outcome: &SubmitOutcome) -> Vec<String> {
        let mut lines = Vec::new();
        match outcome.state {
            ItemState::Sent => lines.push(match &outcome.application_code {
                Some(code) => self.fmt("submit-sent", &[("code", Arg::from(code.clone()))]),
                None => self.text("submit-sent-follow-up"),
            }),
            ItemState::NeedsAttention => {
                let reason = outcome
                    .reason
                    .as_ref()
                    .and_then(|reason| reason.detail.clone())
                    .unwrap_or_default();
                lines.push(self.fmt("submit-attention", &[("reason", Arg::from(reason))]));
            }
            _ => lines.push(self.text("submit-saved")),
        }
        lines.push(self.fmt(
            "submit-item",
            &[("id", Arg::from(outcome.item_id.to_string()))],
        ));
        lines
    }

    fn item_line(&self, item: &QueueItem) -> String {
        let kind = self.text(&format!("queue-kind-{}", dashed(item.kind().as_str())));
        let mut line = format!("{}  {kind}  {}", item.id, self.state_text(item.state));
        if let Some(code) = &item.application_code {
            line.push_str(&format!("  {code}"));
        }
        if item.attempts > 0 && item.state != ItemState::Sent {
            line.push_str(&format!(
                "  {}",
                self.fmt(
                    "queue-attempts",
                    &[("count", Arg::from(u64::from(item.attempts)))]
                )
            ));
        }
        if item.state != ItemState::Sent
            && let Some(reason) = &item.reason
        {
            let explained = self.text(&format!("error-{}", dashed(&reason.code)));
            line.push_str(&format!("  — {explained}"));
            if let Some(detail) = &reason.detail {
                line.push_str(&format!(" ({detail})"));
            }
        }
        if item.state == ItemState::Queued && !item.depends_on.is_empty() {
            line.push_str(&format!(
                "  {}",
                self.fmt(
                    "queue-waits-for",
                    &[("count", Arg::from(item.depends_on.len()))]
                )
            ));
        }
        line
    }

    pub fn item_history(&self, item: &QueueItem, events: &[ItemEvent]) -> Vec<String> {
        let mut lines = vec![self.item_line(item)];
        for event in events {
            let mut line = format!("  {}  {}", event.at, self.state_text(event.state));
            if let Some(detail) = &event.detail {
                line.push_str(&format!("  ({detail})"));
            }
            lines.push(line);
        }
        lines
    }

    pub fn queue_lines(&self, summary: &QueueSummary, items: &[QueueItem]) -> Vec<String> {
        let mut lines = vec![self.fmt(
            "queue-summary",
            &[
                ("queued", Arg::from(summary.queued)),
                ("sending", Arg::from(summary.sending)),
                ("attention", Arg::from(summary.needs_attention)),
                ("sent", Arg::from(summary.sent)),
                ("discarded", Arg::from(summary.discarded)),
            ],
        )];
        if summary.paused_auth {
            lines.push(self.text("status-paused"));
        }
        if items.is_empty() {
            lines.push(self.text("queue-empty"));
        }
        lines.extend(items.iter().map(|item| self.item_line(item)));
        lines
    }

    /// Search hits: the name in the language of the CLI with the matched words marked, then
    /// the procedure id (for `submit --procedure`), how far it can be done online, and how
    /// many working days it takes.
    pub fn search_lines(&self, query: &str, hits: &[SearchHit]) -> Vec<String> {
        if hits.is_empty() {
            return vec![self.fmt("search-no-hits", &[("query", Arg::from(query))])];
        }
        let style = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            Marking::Bold
        } else {
            Marking::Brackets
        };
        let mut lines = Vec::with_capacity(hits.len() * 2);
        for (position, hit) in hits.iter().enumerate() {
            let name = hit.name.get(self.localizer.lang().code());
            let marked = mark(&highlight(name, &hit.matched_words), style);
            lines.push(format!("{}. {marked}", position + 1));
            let level = self.text(match hit.online_level {
                OnlineLevel::Full => "search-online-full",
                OnlineLevel::Partial => "search-online-partial",
            });
            lines.push(format!(
                "   {}",
                self.fmt(
                    "search-hit-details",
                    &[
                        ("id", Arg::from(hit.procedure_id.clone())),
                        ("level", Arg::from(level)),
                        (
                            "inPerson",
                            Arg::from(u64::from(hit.processing_days.in_person))
                        ),
                        ("online", Arg::from(u64::from(hit.processing_days.online))),
                    ],
                )
            ));
        }
        lines
    }
}

/// How matched words stand out in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marking {
    /// Bold, for a terminal.
    Bold,
    /// `[word]`, for a pipe or a file, where escape codes would be noise.
    Brackets,
}

fn mark(segments: &[NameSegment], style: Marking) -> String {
    segments
        .iter()
        .map(|segment| match (segment.matched, style) {
            (false, _) => segment.text.clone(),
            (true, Marking::Bold) => format!("\x1b[1m{}\x1b[0m", segment.text),
            (true, Marking::Brackets) => format!("[{}]", segment.text),
        })
        .collect()
}

/// The message naming what a staff member did with the citizen's data.
fn access_what(
    action: opendvc_api::AccessAction,
    resource: opendvc_api::AccessResource,
) -> &'static str {
    use opendvc_api::{AccessAction, AccessResource};
    match (action, resource) {
        (AccessAction::SessionOpened, _) => "access-session-opened",
        (AccessAction::Read, AccessResource::Profile) => "access-read-profile",
        (AccessAction::Read, AccessResource::Documents) => "access-read-documents",
        (AccessAction::Read, AccessResource::Applications | AccessResource::Application) => {
            "access-read-applications"
        }
        (AccessAction::Read, AccessResource::Attachment) => "access-read-attachment",
        (AccessAction::Read, AccessResource::Changes | AccessResource::Session) => {
            "access-read-changes"
        }
        (AccessAction::Submitted, AccessResource::Application) => "access-submitted-application",
        (AccessAction::Submitted, AccessResource::Attachment) => "access-submitted-attachment",
        (AccessAction::Submitted, _) => "access-submitted-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_words_are_bracketed_in_a_pipe_and_bold_in_a_terminal() {
        let segments = highlight(
            "Cấp hộ chiếu phổ thông",
            &["hộ".to_owned(), "chiếu".to_owned()],
        );
        assert_eq!(
            mark(&segments, Marking::Brackets),
            "Cấp [hộ] [chiếu] phổ thông"
        );
        assert_eq!(
            mark(&segments, Marking::Bold),
            "Cấp \x1b[1mhộ\x1b[0m \x1b[1mchiếu\x1b[0m phổ thông"
        );
    }
}
