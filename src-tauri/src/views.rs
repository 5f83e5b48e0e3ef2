//! The view types of ui/src/lib/backend/views.ts, built from what the core's façade returns.
//! The shell only reshapes: every fact comes from the core (cache, queue, renewal rules).

use std::collections::HashMap;

use chrono::{FixedOffset, NaiveDate};
use opendvc_api::{Application, Document, InboxItem, LocalizedText, Profile};
use opendvc_core::i18n::{Lang, Localizer};
use opendvc_core::queue::{ItemKind, ItemPayload, ItemState, QueueItem, QueueSummary};
use opendvc_core::reminders::{self, Expiry, RulesTable, Standing};
use serde::Serialize;
use uuid::Uuid;

/// `SessionState`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionState {
    pub signed_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    pub language: &'static str,
    pub online: bool,
}

/// `QueueProblem`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueProblem {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// `QueueProgress`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct QueueProgress {
    pub sent: u64,
    pub total: u64,
}

/// `QueueItem` of the UI.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItemView {
    pub id: Uuid,
    pub kind: &'static str,
    pub state: &'static str,
    pub created_at: String,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<QueueProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<QueueProgress>,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<Uuid>,
}

/// `ApplicationView`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub application: Application,
    pub overdue: bool,
    pub waiting_to_send: Vec<QueueItemView>,
}

/// `ApplicationsView`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationsView {
    pub items: Vec<ApplicationView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<String>,
}

/// `nextStage` of `DocumentValidity`.
#[derive(Debug, Clone, Serialize)]
pub struct StageView {
    pub stage: String,
    pub on: NaiveDate,
}

/// `DocumentValidity`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidityView {
    pub document_id: Uuid,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    pub standing: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_stage: Option<StageView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_procedure: Option<String>,
}

/// `ReminderSetting`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReminderView {
    pub document_id: Uuid,
    pub mode: &'static str,
}

/// `WalletEntry`.
#[derive(Debug, Clone, Serialize)]
pub struct WalletEntry {
    pub document: Document,
    pub validity: ValidityView,
    pub reminder: ReminderView,
}

/// `DashboardCounts`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardCounts {
    pub applications: u64,
    pub in_progress: u64,
    pub unread_inbox: u64,
    pub waiting_to_send: u64,
    pub needs_attention: u64,
}

/// `Dashboard`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub online: bool,
    pub profile: Profile,
    pub needs_action: Vec<ApplicationView>,
    pub waiting_to_send: Vec<QueueItemView>,
    pub next_renewals: Vec<ValidityView>,
    pub counts: DashboardCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<String>,
}

/// `InboxEntry`.
#[derive(Debug, Clone, Serialize)]
pub struct InboxEntry {
    pub item: InboxItem,
    pub read: bool,
}

/// `SubmitResult`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitResult {
    pub item_id: Uuid,
    pub sent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<Application>,
}

/// `StagedAttachment`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedView {
    pub attachment_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

/// `Catalog`.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogView {
    pub version: String,
    pub items: Vec<opendvc_api::Procedure>,
}

fn localized(text: &LocalizedText, lang: Lang) -> String {
    match lang {
        Lang::Vi => text.vi.clone(),
        Lang::En => text.en.clone(),
        Lang::Id => text.id.clone().unwrap_or_else(|| text.en.clone()),
    }
}

/// The UI's kind of a queue item.
fn kind_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::UploadAttachment => "attachment",
        ItemKind::CreateApplication => "application",
        ItemKind::Supplement => "supplement",
        ItemKind::DeliveryChange => "delivery_change",
        ItemKind::Withdraw => "withdrawal",
        ItemKind::Rating => "rating",
    }
}

/// What the shell needs to describe queue items: procedure names and upload progress.
#[derive(Debug)]
pub struct QueueContext<'a> {
    pub localizer: &'a Localizer,
    pub procedure_names: &'a HashMap<String, LocalizedText>,
    pub progress: &'a HashMap<Uuid, QueueProgress>,
    pub summary: &'a QueueSummary,
}

/// One queue item as the UI shows it; `None` for discarded items (the UI never lists them).
pub fn queue_item(item: &QueueItem, context: &QueueContext<'_>) -> Option<QueueItemView> {
    let unsent = item.state.is_unsent();
    let state = match item.state {
        ItemState::Discarded => return None,
        _ if unsent && context.summary.paused_auth && item.state != ItemState::NeedsAttention => {
            "paused_auth"
        }
        ItemState::Queued => "queued",
        ItemState::Sending => "sending",
        ItemState::Sent => "sent",
        ItemState::NeedsAttention => "needs_attention",
    };
    let lang = context.localizer.lang();
    let summary = match &item.payload {
        ItemPayload::CreateApplication { application } => context
            .procedure_names
            .get(&application.procedure_id)
            .map(|name| localized(name, lang))
            .unwrap_or_else(|| application.procedure_id.clone()),
        ItemPayload::UploadAttachment {
            file_name: Some(name),
            ..
        } => name.clone(),
        payload => context.localizer.text(&format!(
            "queue-kind-{}",
            payload.kind().as_str().replace('_', "-")
        )),
    };
    let problem = item.reason.as_ref().map(|reason| {
        let id = format!("error-{}", reason.code.replace('_', "-"));
        let message = if context.localizer.has_message(lang, &id) {
            context.localizer.text(&id)
        } else {
            reason.detail.clone().unwrap_or_default()
        };
        QueueProblem {
            code: reason.code.clone(),
            message,
            fields: reason.errors.iter().map(|e| e.field.clone()).collect(),
        }
    });
    Some(QueueItemView {
        id: item.id,
        kind: kind_name(item.kind()),
        state,
        created_at: item.created_at.clone(),
        attempts: item.attempts,
        next_attempt_at: (item.state == ItemState::Queued)
            .then(|| item.next_attempt_at.to_rfc3339()),
        problem,
        progress: unsent
            .then(|| context.progress.get(&item.id).copied())
            .flatten(),
        summary,
        application_id: item.application_id,
    })
}

fn standing_name(standing: Standing) -> &'static str {
    match standing {
        Standing::Valid => "valid",
        Standing::RenewSoon => "renew_soon",
        Standing::Expired => "expired",
        Standing::NoExpiry => "no_expiry",
        Standing::Unknown => "unknown",
    }
}

/// A document's validity by the core's renewal rules, on `today` (Vietnam's date).
pub fn validity(
    document: &Document,
    birth_date: Option<NaiveDate>,
    rules: &RulesTable,
    today: NaiveDate,
) -> ValidityView {
    let assessed = reminders::assess(today, document, birth_date, rules);
    ValidityView {
        document_id: assessed.document_id,
        kind: assessed.kind,
        expires_on: match assessed.expiry {
            Expiry::On(date) => Some(date),
            Expiry::Never | Expiry::Unknown => None,
        },
        days_left: assessed.days_left,
        standing: standing_name(assessed.standing),
        next_stage: assessed.next_stage.map(|stage| StageView {
            stage: format!("{}_days", stage.days_before),
            on: stage.on,
        }),
        renewal_procedure: assessed.renewal_procedure,
    }
}

/// Today in Vietnam (UTC+7, no daylight saving), the day renewal rules count in.
pub fn vietnam_today(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    match FixedOffset::east_opt(7 * 3600) {
        Some(offset) => now.with_timezone(&offset).date_naive(),
        None => now.date_naive(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_falls_back_to_english_for_server_text() {
        let text = LocalizedText {
            vi: "Cấp đổi".to_owned(),
            en: "Renewal".to_owned(),
            id: None,
        };
        assert_eq!(localized(&text, Lang::Id), "Renewal");
        assert_eq!(localized(&text, Lang::Vi), "Cấp đổi");
    }

    #[test]
    fn vietnam_days_start_at_seventeen_hundred_utc() {
        let before = chrono::DateTime::parse_from_rfc3339("2026-03-01T16:59:00Z")
            .expect("date")
            .to_utc();
        let after = chrono::DateTime::parse_from_rfc3339("2026-03-01T17:00:00Z")
            .expect("date")
            .to_utc();
        assert_eq!(vietnam_today(before).to_string(), "2026-03-01");
        assert_eq!(vietnam_today(after).to_string(), "2026-03-02");
    }
}
