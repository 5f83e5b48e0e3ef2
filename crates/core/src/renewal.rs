//! Renewal reminders in the façade: the pure engine of [`crate::reminders`] fed from the
//! cache, with fired stages and the person's choices stored ([`crate::store::notify_state`]),
//! reminders shown through the [`Notifier`], "start renewal" drafts and the calendar export.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use opendvc_api::{DeliveryChoice, DeliveryMethod, Document, InboxCategory, Profile};
use opendvc_rules::prefill::{self as form_prefill, PrefillFrom, PrefillSource};
use serde::Serialize;
use uuid::Uuid;

use crate::app::OpenDvc;
use crate::drafts::SubmissionDraft;
use crate::error::CoreError;
use crate::i18n::{Arg, Lang};
use crate::notify::{self, Notification, Notifier};
use crate::queue::ItemKind;
use crate::reminders::{
    CalendarEntry, Expiry, FiredStage, ReminderChoice, RulesTable, Standing, assess, calendar,
    due_reminders, notice_id, stage_day, stages_up_to,
};
use crate::store::{catalog, documents, meta, notify_state, profile};

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

/// Whether the device reminds of a stage itself, the rule that keeps one reminder per stage
/// across device and portal. The portal notices each stage of the documents it holds on the
/// stage's day (its daily run, by the same engine and rules) and the notice reaches the device
/// by sync. So the device speaks only where the portal's notice cannot have reached it:
/// - the document is one the portal does not hold (added on this device), or
/// - the device never completed a sync, or its last one (`last_sync_day`, local date) was
///   before the stage's day, or
/// - its last sync was on the stage's day itself and that day is over (`today` is later): the
///   portal's daily run may have come after that sync, and the device has not heard since.
///
/// A device whose sync on the stage's day brought no notice waits for the rest of that day,
/// and one that synced after it leaves the stage to the portal; a notice already in the cache
/// has marked the stage fired before this is asked.
pub fn device_speaks(
    portal_holds: bool,
    stage_day: Option<NaiveDate>,
    last_sync_day: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    if !portal_holds {
        return true;
    }
    match (stage_day, last_sync_day) {
        (_, None) | (None, _) => true,
        (Some(stage_day), Some(synced)) => {
            synced < stage_day || (synced == stage_day && today > stage_day)
        }
    }
}

/// The ids the portal's renewal notices of `document` have, one per stage, with the stage.
fn portal_notices(
    document: &Document,
    birth_date: Option<NaiveDate>,
    rules: &RulesTable,
) -> Vec<(Uuid, FiredStage)> {
    let Some(rule) = rules.rule(&document.kind) else {
        return Vec::new();
    };
    let Expiry::On(expires_on) = rules.expiry(document, birth_date) else {
        return Vec::new();
    };
    rule.stages
        .iter()
        .map(|&days_before| {
            (
                notice_id(document.id, expires_on, days_before),
                FiredStage {
                    document_id: document.id,
                    expires_on,
                    days_before,
                },
            )
        })
        .collect()
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
    ///
    /// One reminder engine across device and portal: the portal writes a renewal notice for
    /// each stage of the documents it holds, and the device shows that notice when sync brings
    /// it ([`OpenDvc::watch`]). So the device reminds of a stage itself only while the portal
    /// cannot have spoken for it, by [`device_speaks`]: the stage is treated as fired once the
    /// cache holds the portal's notice for it (or for a later stage).
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
        let settings = cache.read(notify_state::settings)?;
        let last_sync_day = cache
            .read(|conn| meta::get(conn, meta::LAST_SYNC_AT))?
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .map(|at| {
                (at.with_timezone(&Utc)
                    + chrono::TimeDelta::minutes(i64::from(settings.utc_offset_minutes)))
                .date_naive()
            });
        // The stages the portal has spoken for: its notice is in the cache.
        let notice_ids: Vec<Uuid> = documents
            .iter()
            .flat_map(|document| portal_notices(document, birth_date, rules))
            .map(|(id, _)| id)
            .collect();
        let cached = cache.read(|conn| notify_state::known_inbox_ids(conn, &notice_ids))?;
        let spoken: Vec<FiredStage> = documents
            .iter()
            .flat_map(|document| {
                portal_notices(document, birth_date, rules)
                    .into_iter()
                    .filter(|(id, _)| cached.contains(id))
                    .flat_map(|(_, stage)| stages_up_to(stage, document, rules))
                    .collect::<Vec<_>>()
            })
            .collect();
        cache.write(|tx| notify_state::record_fired(tx, &spoken))?;
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
        // The portal holds every document here but a hand-added one whose upload still waits.
        let waiting = self.uploads_waiting()?;
        let due: Vec<_> = due_reminders(today, &documents, birth_date, rules, &fired, &choices)
            .into_iter()
            .filter(|reminder| {
                let portal_holds = !waiting.contains(&reminder.document_id)
                    && documents
                        .iter()
                        .any(|document| document.id == reminder.document_id);
                device_speaks(
                    portal_holds,
                    stage_day(reminder.expires_on, reminder.days_before),
                    last_sync_day,
                    today,
                )
            })
            .collect();
        // A reminder that falls in the quiet hours waits for their end: it is not recorded as
        // fired, so a later check (after them) shows it. One the person switched off for
        // renewals is recorded, as they asked for no notification at all.
        let held = settings.renewal && !notify::allowed(&settings, InboxCategory::Renewal, now);
        let due: Vec<_> = if held { Vec::new() } else { due };
        if !held {
            self.show_held_notices(&settings, lang, now, notifier)?;
        }
        let covered: Vec<_> = due
            .iter()
            .flat_map(|reminder| reminder.stages_covered.iter().copied())
            .collect();
        // Recorded before anything is shown: a crash after this loses a reminder at worst,
        // never repeats one.
        cache.write(|tx| notify_state::record_fired(tx, &covered))?;
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

    /// Shows the portal's renewal notices that arrived during the quiet hours, now that they
    /// are over, each once; a notice no longer in the inbox is let go.
    fn show_held_notices(
        &self,
        settings: &notify_state::NotifySettings,
        lang: crate::i18n::Lang,
        now: DateTime<Utc>,
        notifier: &dyn Notifier,
    ) -> Result<(), CoreError> {
        let (cache, _, _) = self.parts()?;
        let held = cache.read(notify_state::held_notices)?;
        if held.is_empty() {
            return Ok(());
        }
        // As on arrival (`push`): on a shared device, and always in an assisted session, the
        // notification says only that something changed.
        let mut settings = settings.clone();
        settings.shared_device |= self.options.shared_device
            || self
                .profile
                .as_ref()
                .is_some_and(|profile| profile.assisted.is_some());
        let texts = notify::localizer(lang).ok();
        let mut released = Vec::new();
        for id in held {
            if let Some(item) = cache.read(|conn| notify_state::inbox_item(conn, id))?
                && let Some(notification) = texts
                    .as_ref()
                    .and_then(|texts| notify::for_inbox_item(&item, &settings, texts, now))
            {
                notifier.show(&notification);
            }
            released.push(id);
        }
        cache.write(|tx| notify_state::release_notices(tx, &released))?;
        Ok(())
    }

    /// Switches a document's reminders off or on, or snoozes them until a day. For a document
    /// the portal holds, the choice is kept pending until the portal has it: it is sent before
    /// every sync ([`OpenDvc::send_reminder_choices`]), so SMS and e-mail follow it too, also
    /// when it was made offline.
    pub fn set_reminder_choice(
        &self,
        document_id: Uuid,
        choice: ReminderChoice,
    ) -> Result<(), CoreError> {
        let (cache, _, _) = self.parts()?;
        // A hand-added document is the portal's too once its upload is sent; while the
        // upload waits, the choice stays here and follows it when the answer comes
        // (`absorb`).
        let portal_holds = !self.uploads_waiting()?.contains(&document_id)
            && cache
                .read(documents::list)?
                .iter()
                .any(|document| document.id == document_id);
        if portal_holds {
            Ok(cache.write(|tx| notify_state::choose(tx, document_id, choice))?)
        } else {
            Ok(cache.write(|tx| notify_state::set_choice(tx, document_id, choice))?)
        }
    }

    /// The hand-added documents whose upload (`POST /v1/documents`) has not reached the
    /// portal yet, by their wallet id (the queue item's).
    fn uploads_waiting(&self) -> Result<std::collections::HashSet<Uuid>, CoreError> {
        Ok(self
            .queue_items(false)?
            .into_iter()
            .filter(|item| item.kind() == ItemKind::AddDocument && item.state.is_unsent())
            .map(|item| item.id)
            .collect())
    }

    /// Sends the reminder choices the portal does not have yet
    /// (`PUT /v1/me/documents/{id}/reminders`); the number sent. A choice the portal cannot
    /// take (the document is not the citizen's there, or this session may not choose) is kept
    /// on this device only; an unreachable portal leaves every choice pending for the next
    /// sync and answers the error.
    pub async fn send_reminder_choices(&self) -> Result<usize, CoreError> {
        let (cache, client, _) = self.parts()?;
        let pending = cache.read(notify_state::pending_choices)?;
        let mut sent = 0;
        for document_id in pending {
            let choice = cache
                .read(notify_state::choices)?
                .get(&document_id)
                .copied()
                .unwrap_or_default();
            match client
                .put_document_reminders(document_id, &choice.into())
                .await
            {
                Ok(document) => {
                    cache.write(|tx| {
                        notify_state::choice_delivered(tx, document_id, choice)?;
                        documents::upsert(tx, &document)
                    })?;
                    sent += 1;
                }
                Err(error) if matches!(error.status(), Some(403 | 404 | 422)) => {
                    // No resend can change this answer: keeping it pending would send it
                    // before every sync for ever.
                    cache.write(|tx| notify_state::choice_delivered(tx, document_id, choice))?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(sent)
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
        if person.is_some() {
            // The renewed document answers its kind's fields; addresses name their unit where
            // the units are cached.
            let units = cache.read(crate::store::reference::admin_units)?;
            let wallet = std::slice::from_ref(&document);
            let no_previous = BTreeMap::new();
            let from = PrefillFrom {
                profile: person.as_ref(),
                wallet,
                units: units.as_deref(),
                previous: &no_previous,
            };
            for field in &procedure.form_fields {
                if let Some(value) = field
                    .prefill
                    .as_deref()
                    .and_then(PrefillSource::parse)
                    .and_then(|source| form_prefill::value(&source, &from))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }

    #[test]
    fn the_device_reminds_itself_only_where_the_portal_cannot_have_spoken() {
        let stage = "2026-12-09";
        let check = |portal_holds, synced: Option<&str>, today: &str, expected, why: &str| {
            let today = day(today).expect("a day");
            assert_eq!(
                device_speaks(portal_holds, day(stage), synced.and_then(day), today),
                expected,
                "{why}"
            );
        };
        check(
            true,
            Some("2026-12-08"),
            "2026-12-09",
            true,
            "offline since the day before",
        );
        check(true, None, "2026-12-09", true, "never synced");
        check(
            true,
            Some("2026-12-09"),
            "2026-12-09",
            false,
            "synced on the day: wait for the portal",
        );
        check(
            true,
            Some("2026-12-09"),
            "2026-12-10",
            true,
            "synced on the day, offline since",
        );
        check(
            true,
            Some("2026-12-10"),
            "2026-12-10",
            false,
            "synced after the day",
        );
        check(
            false,
            Some("2026-12-20"),
            "2026-12-20",
            true,
            "a document only this device holds",
        );
    }
}
