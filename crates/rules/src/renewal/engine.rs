//! The reminder engine: pure functions of the documents, the rules, what has fired and the
//! person's choices, with `today` passed in.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use opendvc_api::{Document, DocumentReminders};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::rules::{Expiry, RulesTable};

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Valid, and no reminder stage has been reached yet.
    Valid,
    /// A reminder stage has been reached: time to renew.
    RenewSoon,
    /// Past its expiry.
    Expired,
    /// Does not expire.
    NoExpiry,
    /// The expiry cannot be known.
    Unknown,
}

/// A reminder stage still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextStage {
    /// Days before expiry.
    pub days_before: u32,
    /// The day the stage fires.
    pub on: NaiveDate,
}

/// One document's validity, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentValidity {
    pub document_id: Uuid,
    pub kind: String,
    pub expiry: Expiry,
    /// Days from today to the expiry; negative once expired.
    pub days_left: Option<i64>,
    pub standing: Standing,
    pub next_stage: Option<NextStage>,
    pub renewal_procedure: Option<String>,
}

/// A stage that has fired, remembered so that it never fires again. The expiry is part of the
/// key: once a document is renewed its new expiry starts its stages afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiredStage {
    pub document_id: Uuid,
    pub expires_on: NaiveDate,
    pub days_before: u32,
}

/// The person's choice for one document's reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReminderChoice {
    /// No reminders for this document.
    pub switched_off: bool,
    /// No reminders before this day.
    pub snoozed_until: Option<NaiveDate>,
}

impl From<DocumentReminders> for ReminderChoice {
    fn from(choice: DocumentReminders) -> Self {
        Self {
            switched_off: choice.switched_off,
            snoozed_until: choice.snoozed_until,
        }
    }
}

impl From<ReminderChoice> for DocumentReminders {
    fn from(choice: ReminderChoice) -> Self {
        Self {
            switched_off: choice.switched_off,
            snoozed_until: choice.snoozed_until,
        }
    }
}

/// The id of the portal's renewal notice for one document, expiry and stage. The portal names
/// its inbox item with it and the app recognises the item by it, so both sides must derive it
/// the same way: the same inputs give the same id, however often and wherever it is computed.
/// (Portals before the shared engine derived their ids the same way, so a notice they wrote is
/// not written again.)
pub fn notice_id(document_id: Uuid, expires_on: NaiveDate, days_before: u32) -> Uuid {
    let digest = Sha256::digest(format!("renewal:{document_id}:{expires_on}:{days_before}"));
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The stages of `document` reached by `stage` (its own and every earlier one, further from the
/// expiry): a notice for a stage stands for them all, as a catch-up reminder does.
pub fn stages_up_to(stage: FiredStage, document: &Document, rules: &RulesTable) -> Vec<FiredStage> {
    rules
        .rule(&document.kind)
        .map(|rule| {
            rule.stages
                .iter()
                .filter(|&&days_before| days_before >= stage.days_before)
                .map(|&days_before| FiredStage {
                    days_before,
                    ..stage
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The day a stage fires: `days_before` days before the expiry.
pub fn stage_day(expires_on: NaiveDate, days_before: u32) -> Option<NaiveDate> {
    expires_on.checked_sub_days(Days::new(u64::from(days_before)))
}

/// A reminder to show now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub document_id: Uuid,
    pub kind: String,
    pub expires_on: NaiveDate,
    /// The stage this reminder is for (the latest one reached).
    pub days_before: u32,
    /// Days from today to the expiry; negative once expired.
    pub days_left: i64,
    pub renewal_procedure: Option<String>,
    /// Every stage this reminder stands for; all of them are to be recorded as fired. More
    /// than one when the app was closed while several stages passed: the person then gets one
    /// catch-up reminder, not a burst.
    pub stages_covered: Vec<FiredStage>,
}

/// The validity of `document` on `today`.
pub fn assess(
    today: NaiveDate,
    document: &Document,
    birth_date: Option<NaiveDate>,
    rules: &RulesTable,
) -> DocumentValidity {
    let rule = rules.rule(&document.kind);
    let expiry = rules.expiry(document, birth_date);
    let renewal_procedure = rule.and_then(|rule| rule.renewal_procedure.clone());
    let mut validity = DocumentValidity {
        document_id: document.id,
        kind: document.kind.clone(),
        expiry,
        days_left: None,
        standing: Standing::Unknown,
        next_stage: None,
        renewal_procedure,
    };
    match expiry {
        Expiry::Never => validity.standing = Standing::NoExpiry,
        Expiry::Unknown => validity.standing = Standing::Unknown,
        Expiry::On(expires_on) => {
            let days_left = (expires_on - today).num_days();
            validity.days_left = Some(days_left);
            let stages = rule.map(|rule| rule.stages.as_slice()).unwrap_or_default();
            let reached_any = stages
                .iter()
                .any(|&stage| stage_day(expires_on, stage).is_some_and(|day| day <= today));
            validity.standing = if days_left <= 0 {
                Standing::Expired
            } else if reached_any {
                Standing::RenewSoon
            } else {
                Standing::Valid
            };
            validity.next_stage = stages
                .iter()
                .filter_map(|&stage| {
                    let on = stage_day(expires_on, stage)?;
                    (on > today).then_some(NextStage {
                        days_before: stage,
                        on,
                    })
                })
                .min_by_key(|stage| stage.on);
        }
    }
    validity
}

/// The reminders to show on `today`: at most one per document, for the latest stage reached
/// that has not fired, unless the person switched the document off or snoozed it.
pub fn due_reminders(
    today: NaiveDate,
    documents: &[Document],
    birth_date: Option<NaiveDate>,
    rules: &RulesTable,
    fired: &BTreeSet<FiredStage>,
    choices: &BTreeMap<Uuid, ReminderChoice>,
) -> Vec<Reminder> {
    let mut reminders = Vec::new();
    for document in documents {
        let choice = choices.get(&document.id).copied().unwrap_or_default();
        if choice.switched_off || choice.snoozed_until.is_some_and(|until| today < until) {
            continue;
        }
        let Some(rule) = rules.rule(&document.kind) else {
            continue;
        };
        let Expiry::On(expires_on) = rule.expiry(document, birth_date) else {
            continue;
        };
        let mut reached: Vec<FiredStage> = rule
            .stages
            .iter()
            .filter(|&&stage| stage_day(expires_on, stage).is_some_and(|day| day <= today))
            .map(|&days_before| FiredStage {
                document_id: document.id,
                expires_on,
                days_before,
            })
            .filter(|stage| !fired.contains(stage))
            .collect();
        if reached.is_empty() {
            continue;
        }
        reached.sort_by_key(|stage| stage.days_before);
        let latest = reached[0];
        reminders.push(Reminder {
            document_id: document.id,
            kind: document.kind.clone(),
            expires_on,
            days_before: latest.days_before,
            days_left: (expires_on - today).num_days(),
            renewal_procedure: rule.renewal_procedure.clone(),
            stages_covered: reached,
        });
    }
    reminders
}

/// The day a snooze of `days` from `today` ends.
pub fn snooze_until(today: NaiveDate, days: u32) -> NaiveDate {
    today
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}
