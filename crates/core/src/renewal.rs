//! Renewal reminders in the façade: the pure engine of [`crate::reminders`] fed from the
//! cache, with fired stages and the person's choices stored ([`crate::store::notify_state`]),
//! reminders shown through the [`Notifier`], "start renewal" drafts and the calendar export.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use opendvc_api::{DeliveryChoice, DeliveryMethod, Document, Profile};
use serde::Serialize;
use uuid::Uuid;

use crate::app::OpenDvc;
use crate::drafts::SubmissionDraft;
use crate::error::CoreError;
use crate::i18n::{Arg, Lang};
use crate::notify::{self, Notification, Notifier};
use crate::reminders::{
    CalendarEntry, Expiry, ReminderChoice, RulesTable, Standing, assess, calendar, due_reminders,
};
use crate::store::{catalog, documents, notify_state, profile};

/// One document's validity, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidityView {
    pub document_id: Uuid,
    pub kind: String,
    /// The kind's name in the person's language.
    pub kind_name: String,
    pub number: String,
    /// `valid`, `renew_soon`, `expired`, `no_expiry` or `unknown`.
    pub standing: &'static str,
    pub expires_on: Option<NaiveDate>,
    pub days_left: Option<i64>,
    /// The next reminder day, if one is still to come.
    pub next_reminder_on: Option<NaiveDate>,
    pub renewal_procedure: Option<String>,
    pub switched_off: bool,
    pub snoozed_until: Option<NaiveDate>,
}

/// A reminder that fired now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueReminder {
    pub document_id: Uuid,
    pub kind: String,
    pub kind_name: String,
    pub expires_on: NaiveDate,
    pub days_left: i64,
    /// The stage it stands for (days before expiry); a catch-up reminder covers the passed
    /// stages too.
    pub days_before: u32,
    pub renewal_procedure: Option<String>,
    /// What the device showed, if the settings let it through.
    pub notification: Option<Notification>,
}

/// `reminders(today)`: every document's validity and the reminders that fired now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemindersReport {
    pub today: NaiveDate,
    pub validities: Vec<ValidityView>,
    pub due: Vec<DueReminder>,
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

fn kind_name(rules: &RulesTable, kind: &str, lang: Lang) -> String {
    rules
        .rule(kind)
        .map(|rule| rule.name.get(lang.code()).to_owned())
        .unwrap_or_else(|| kind.to_owned())
}

/// The value a form field's `prefill` source names, if the profile or the document has it.
fn prefill_value(source: &str, profile: &Profile, document: &Document) -> Option<String> {
    match source {
        "profile.fullName" => Some(profile.full_name.clone()),
        "profile.birthDate" => Some(profile.birth_date.to_string()),
        "profile.idNumber" => Some(profile.id_number.clone()),
        "profile.phone" => Some(profile.phone.clone()),
        "profile.address" => Some(profile.address.street.clone()),
        other => {
            let kind = other.strip_prefix("document.")?.strip_suffix(".number")?;
            (kind == document.kind).then(|| document.number.clone())
        }
    }
}

impl OpenDvc {
    /// The core clock's time and today's date in the person's local time (the UTC offset of
    /// the notification settings).
    pub fn local_today(&self) -> Result<(NaiveDate, DateTime<Utc>), CoreError> {
        let (cache, _, options) = self.parts()?;
        let now = options.clock.now();
        let offset = i64::from(cache.read(notify_state::settings)?.utc_offset_minutes);
        let local = now + chrono::TimeDelta::minutes(offset);
        Ok((local.date_naive(), now))
    }

    fn person(&self) -> Result<(Option<Profile>, Vec<Document>, Lang), CoreError> {
        let (cache, _, _) = self.parts()?;
        let person = cache.read(profile::load)?;
        let lang = self.notice_language(person.as_ref().map(|person| person.language.as_str()));
        Ok((person, cache.read(documents::list)?, lang))
    }

    /// Every document's validity on `today`, and the reminders due: each stage fires once
    /// (it is recorded as fired here), a document closed for a while gets one catch-up
    /// reminder, switched-off and snoozed documents get none. Due reminders go through
    /// `notifier` if the settings allow (category renewal).
    pub fn reminders(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        rules: &RulesTable,
        notifier: &dyn Notifier,
    ) -> Result<RemindersReport, CoreError> {
        let (cache, _, _) = self.parts()?;
        let (person, documents, lang) = self.person()?;
        let birth_date = person.as_ref().map(|person| person.birth_date);
        let choices = cache.read(notify_state::choices)?;
        let fired = cache.read(notify_state::fired_stages)?;
        let validities = documents
            .iter()
            .map(|document| {
                let validity = assess(today, document, birth_date, rules);
                let choice = choices.get(&document.id).copied().unwrap_or_default();
                ValidityView {
                    document_id: document.id,
                    kind: document.kind.clone(),
                    kind_name: kind_name(rules, &document.kind, lang),
                    number: document.number.clone(),
                    standing: standing_name(validity.standing),
                    expires_on: match validity.expiry {
                        Expiry::On(day) => Some(day),
                        Expiry::Never | Expiry::Unknown => None,
                    },
                    days_left: validity.days_left,
                    next_reminder_on: validity.next_stage.map(|stage| stage.on),
                    renewal_procedure: validity.renewal_procedure,
                    switched_off: choice.switched_off,
                    snoozed_until: choice.snoozed_until,
                }
            })
            .collect();
        let due = due_reminders(today, &documents, birth_date, rules, &fired, &choices);
        let covered: Vec<_> = due
            .iter()
            .flat_map(|reminder| reminder.stages_covered.iter().copied())
            .collect();
        // Recorded before anything is shown: a crash after this loses a reminder at worst,
        // never repeats one.
        cache.write(|tx| notify_state::record_fired(tx, &covered))?;
        let settings = cache.read(notify_state::settings)?;
        let texts = notify::localizer(lang).ok();
        let due = due
            .into_iter()
            .map(|reminder| {
                let name = kind_name(rules, &reminder.kind, lang);
                let notification = texts.as_ref().and_then(|texts| {
                    notify::for_reminder(
                        reminder.document_id,
                        &name,
                        reminder.expires_on,
                        reminder.days_left,
                        &settings,
                        texts,
                        now,
                    )
                });
                if let Some(notification) = &notification {
                    notifier.show(notification);
                }
                DueReminder {
                    document_id: reminder.document_id,
                    kind: reminder.kind,
                    kind_name: name,
                    expires_on: reminder.expires_on,
                    days_left: reminder.days_left,
                    days_before: reminder.days_before,
                    renewal_procedure: reminder.renewal_procedure,
                    notification,
                }
            })
            .collect();
        Ok(RemindersReport {
            today,
            validities,
            due,
        })
    }

    /// Switches a document's reminders off or on, or snoozes them until a day.
    pub fn set_reminder_choice(
        &self,
        document_id: Uuid,
        choice: ReminderChoice,
    ) -> Result<(), CoreError> {
        let (cache, _, _) = self.parts()?;
        Ok(cache.write(|tx| notify_state::set_choice(tx, document_id, choice))?)
    }

    /// The person's reminder choice for each document that has one (others are on).
    pub fn reminder_choices(&self) -> Result<BTreeMap<Uuid, ReminderChoice>, CoreError> {
        let (cache, _, _) = self.parts()?;
        Ok(cache.read(notify_state::choices)?)
    }

    /// A draft application for the document's renewal procedure, pre-filled from the profile
    /// and the document wherever a form field names a `prefill` source.
    pub fn start_renewal(
        &self,
        document_id: Uuid,
        rules: &RulesTable,
    ) -> Result<SubmissionDraft, CoreError> {
        let (cache, _, _) = self.parts()?;
        let (person, documents, _) = self.person()?;
        let document = documents
            .into_iter()
            .find(|document| document.id == document_id)
            .ok_or(CoreError::UnknownDocument(document_id))?;
        let procedure_id = rules
            .rule(&document.kind)
            .and_then(|rule| rule.renewal_procedure.clone())
            .ok_or_else(|| CoreError::UnknownProcedure(document.kind.clone()))?;
        let procedures = cache.read(catalog::procedures)?;
        if procedures.is_empty() {
            return Err(CoreError::CatalogMissing);
        }
        let procedure = procedures
            .into_iter()
            .find(|procedure| procedure.id == procedure_id)
            .ok_or(CoreError::UnknownProcedure(procedure_id))?;
        let mut form = BTreeMap::new();
        if let Some(person) = &person {
            for field in &procedure.form_fields {
                if let Some(value) = field
                    .prefill
                    .as_deref()
                    .and_then(|source| prefill_value(source, person, &document))
                {
                    form.insert(field.id.clone(), value);
                }
            }
        }
        // The document renewed is the one attached where the procedure asks for one of its
        // kind, not the wallet's first of that kind.
        let wallet = procedure
            .required_documents
            .iter()
            .find(|required| required.wallet_kind.as_deref() == Some(document.kind.as_str()))
            .map(|required| vec![(document.id, Some(required.id.clone()))])
            .unwrap_or_default();
        Ok(SubmissionDraft {
            procedure_id: procedure.id,
            form,
            files: Vec::new(),
            picked: Vec::new(),
            wallet,
            delivery: DeliveryChoice {
                method: DeliveryMethod::Counter,
                address: None,
            },
            fee_case: None,
        })
    }

    /// The upcoming expiries as an iCalendar file (RFC 5545), texts in the person's language,
    /// with an alarm at each reminder stage still ahead.
    pub fn reminders_calendar(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        rules: &RulesTable,
    ) -> Result<String, CoreError> {
        let (person, documents, lang) = self.person()?;
        let birth_date = person.as_ref().map(|person| person.birth_date);
        let texts = notify::localizer(lang).ok();
        let text = |id: &str, args: &[(&str, Arg)]| {
            texts
                .as_ref()
                .map(|texts| texts.format(id, args))
                .unwrap_or_else(|| id.to_owned())
        };
        let mut entries = Vec::new();
        for document in &documents {
            let Expiry::On(expires_on) = rules.expiry(document, birth_date) else {
                continue;
            };
            if expires_on < today {
                continue;
            }
            let name = kind_name(rules, &document.kind, lang);
            let stages = rules
                .rule(&document.kind)
                .map(|rule| rule.stages.clone())
                .unwrap_or_default();
            entries.push(CalendarEntry {
                document_id: document.id,
                expires_on,
                summary: text(
                    "notify-calendar-summary",
                    &[("kind", Arg::from(name.as_str()))],
                ),
                description: text(
                    "notify-calendar-description",
                    &[
                        ("kind", Arg::from(name.as_str())),
                        ("number", Arg::from(document.number.as_str())),
                        ("date", Arg::from(expires_on.format("%d/%m/%Y").to_string())),
                    ],
                ),
                alarm_days_before: stages,
            });
        }
        Ok(calendar(&text("notify-calendar-name", &[]), &entries, now))
    }
}
