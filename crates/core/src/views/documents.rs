//! The wallet screen: each document with its validity by the renewal rules and the person's
//! reminder choice; documents added by hand; the reminders as a calendar file.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use opendvc_api::{Document, FieldError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::drafts::DocumentDraft;
use crate::error::CoreError;
use crate::reminders::{self, Expiry, ReminderChoice, RulesTable, Standing};

/// The longest snooze: a year, so a snoozed reminder can never be forgotten for good.
pub const MAX_SNOOZE_DAYS: u32 = 366;

/// The next reminder stage of a document, such as `180_days`, with the day it fires.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "NextStage"))]
pub struct StageView {
    pub stage: String,
    pub on: NaiveDate,
}

/// A document's validity as the renewal rules compute it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DocumentValidity"))]
#[serde(rename_all = "camelCase")]
pub struct ValidityView {
    pub document_id: Uuid,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub days_left: Option<i64>,
    pub standing: Standing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_stage: Option<StageView>,
    /// The catalog procedure that renews this kind, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub renewal_procedure: Option<String>,
}

/// How a document's reminders stand by the person's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReminderMode {
    On,
    Snoozed,
    Off,
}

/// `reminders`: the person's choice for one document's reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ReminderSetting"))]
#[serde(rename_all = "camelCase")]
pub struct ReminderView {
    pub document_id: Uuid,
    pub mode: ReminderMode,
    /// Until when a snoozed reminder stays quiet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub snoozed_until: Option<NaiveDate>,
}

/// A document's reminder choice as the UI names it, on `today`: a snooze that has run out is
/// on again.
pub fn reminder_view(document_id: Uuid, choice: ReminderChoice, today: NaiveDate) -> ReminderView {
    let snoozed_until = choice.snoozed_until.filter(|until| *until > today);
    let mode = if choice.switched_off {
        ReminderMode::Off
    } else if snoozed_until.is_some() {
        ReminderMode::Snoozed
    } else {
        ReminderMode::On
    };
    ReminderView {
        document_id,
        mode,
        snoozed_until: snoozed_until.filter(|_| !choice.switched_off),
    }
}

/// The choice the person made on the wallet screen, on `today`: on, off, or snoozed for
/// `days` days (1 to [`MAX_SNOOZE_DAYS`]).
pub fn reminder_choice(
    mode: ReminderMode,
    days: Option<u32>,
    today: NaiveDate,
) -> Result<ReminderChoice, CoreError> {
    match (mode, days) {
        (ReminderMode::On, _) => Ok(ReminderChoice::default()),
        (ReminderMode::Off, _) => Ok(ReminderChoice {
            switched_off: true,
            snoozed_until: None,
        }),
        (ReminderMode::Snoozed, Some(days)) if (1..=MAX_SNOOZE_DAYS).contains(&days) => {
            Ok(ReminderChoice {
                switched_off: false,
                snoozed_until: Some(reminders::snooze_until(today, days)),
            })
        }
        (ReminderMode::Snoozed, _) => Err(CoreError::InvalidReminder),
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
        standing: assessed.standing,
        next_stage: assessed.next_stage.map(|stage| StageView {
            stage: format!("{}_days", stage.days_before),
            on: stage.on,
        }),
        renewal_procedure: assessed.renewal_procedure,
    }
}

/// `documents`: a wallet document with its validity and reminder choice.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WalletEntry {
    pub document: Document,
    pub validity: ValidityView,
    pub reminder: ReminderView,
}

/// The wallet: every document with its validity and the person's choice, on `today`.
pub fn wallet(
    documents: Vec<Document>,
    birth_date: Option<NaiveDate>,
    choices: &BTreeMap<Uuid, ReminderChoice>,
    rules: &RulesTable,
    today: NaiveDate,
) -> Vec<WalletEntry> {
    documents
        .into_iter()
        .map(|document| WalletEntry {
            validity: validity(&document, birth_date, rules, today),
            reminder: reminder_view(
                document.id,
                choices.get(&document.id).copied().unwrap_or_default(),
                today,
            ),
            document,
        })
        .collect()
}

/// `NewDocument` of the UI. Dates come as text so that a wrong one is answered like any
/// other refused field, not as a failure of the call itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "NewDocument"))]
#[serde(rename_all = "camelCase")]
pub struct NewDocumentInput {
    pub kind: String,
    pub number: String,
    pub issued_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_on: Option<String>,
    pub issuer: String,
    /// Driving licence classes, for a licence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
}

impl NewDocumentInput {
    /// The core's draft, or the fields whose dates are not `YYYY-MM-DD`.
    pub fn into_draft(self) -> Result<DocumentDraft, CoreError> {
        let mut errors = Vec::new();
        let mut date = |field: &str, text: &str| {
            opendvc_rules::fields::date(text)
                .map_err(|code| errors.push(FieldError::new(field, code)))
                .ok()
        };
        let issued_on = date("issuedOn", &self.issued_on);
        let expires_on = match self.expires_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => date("expiresOn", text),
        };
        match issued_on {
            Some(issued_on) if errors.is_empty() => Ok(DocumentDraft {
                kind: self.kind,
                number: self.number,
                issued_on,
                expires_on,
                issuer: self.issuer,
                classes: self.classes,
            }),
            _ => Err(CoreError::InvalidDocument(errors)),
        }
    }
}

/// `export_calendar`: an iCalendar file of the renewal reminders.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CalendarExport"))]
#[serde(rename_all = "camelCase")]
pub struct CalendarExportView {
    pub file_name: String,
    pub ics: String,
}
