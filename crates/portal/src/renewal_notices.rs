//! The portal's own renewal notices ("notify people of document renewals before they ask").
//! Once a day the shared reminder engine (`opendvc_rules::renewal`, the one the app reminds
//! with) says, for every citizen's documents, which stages are due: the same stages per kind
//! as the app, with an ID card's expiry computed from its holder's birth date. Each due
//! reminder becomes one inbox notice (its id from `opendvc_rules::renewal::notice_id`, by which
//! the app recognises it), and its stages are recorded with it in the store, so no
//! stage is notified twice, also across restarts and several portal processes. The citizen's
//! reminder choice on each document (switched off, snoozed) is the engine's choice too. Each
//! notice also goes out by SMS and e-mail, as the citizen chose for renewals, through the
//! notification outbox, written with the stages.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate};
use opendvc_api::{InboxCategory, InboxItem};
use opendvc_rules::renewal::{
    FiredStage, Reminder, ReminderChoice, RulesTable, due_reminders, notice_id,
};
use opendvc_rules::vietnam_today;
use uuid::Uuid;

use crate::i18n::Texts;
use crate::notifications::compose::{Recipient, immediate_sms};
use crate::notifications::quiet_hours::held_until;
use crate::state::AppState;
use crate::store::{NewNotice, RenewalHolder};

/// The SMS of a renewal notice, by its Fluent id.
const RENEWAL_SMS: &str = "notice-renewal-sms";

/// A notice to write, with the stages it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct RenewalNotice {
    pub citizen_id: Uuid,
    pub item: InboxItem,
    pub stages: Vec<FiredStage>,
    /// The document's kind and the day it expires, for the SMS.
    pub kind: String,
    pub expires_on: NaiveDate,
}

/// The notices due at `now`: at most one per document, for the latest stage reached that was
/// not notified yet (a portal that was down writes one catch-up notice, never a burst).
pub fn renewal_notices(
    holders: &[RenewalHolder],
    rules: &RulesTable,
    texts: &Texts,
    now: DateTime<FixedOffset>,
) -> Vec<RenewalNotice> {
    let today = vietnam_today(now);
    let mut notices = Vec::new();
    for holder in holders {
        // The citizen's choice travels on the document (`PUT /v1/me/documents/{id}/reminders`):
        // a switched-off document gets no notice, a snoozed one gets it when the snooze ends.
        let choices: BTreeMap<Uuid, ReminderChoice> = holder
            .documents
            .iter()
            .map(|document| (document.id, ReminderChoice::from(document.reminders)))
            .collect();
        let due = due_reminders(
            today,
            &holder.documents,
            Some(holder.birth_date),
            rules,
            &holder.notified,
            &choices,
        );
        for reminder in due {
            notices.push(notice(holder, &reminder, texts, now));
        }
    }
    notices
}

fn notice(
    holder: &RenewalHolder,
    reminder: &Reminder,
    texts: &Texts,
    now: DateTime<FixedOffset>,
) -> RenewalNotice {
    let number = holder
        .documents
        .iter()
        .find(|document| document.id == reminder.document_id)
        .map(|document| document.number.clone())
        .unwrap_or_default();
    let args = [
        ("kind", reminder.kind.clone()),
        ("number", number),
        ("date", reminder.expires_on.format("%d/%m/%Y").to_string()),
    ];
    RenewalNotice {
        citizen_id: holder.citizen_id,
        item: InboxItem {
            feedback_id: None,
            id: notice_id(
                reminder.document_id,
                reminder.expires_on,
                reminder.days_before,
            ),
            at: now,
            category: InboxCategory::Renewal,
            title: texts
                .per_language(|language| texts.text(language, "inbox-renewal-title", &args)),
            body: texts.per_language(|language| texts.text(language, "inbox-renewal-body", &args)),
            application_id: None,
            document_id: Some(reminder.document_id),
        },
        stages: reminder.stages_covered.clone(),
        kind: reminder.kind.clone(),
        expires_on: reminder.expires_on,
    }
}

/// Writes the renewal notices due now, at start-up and then once a day; of several instances
/// on one database, the one that holds the lease `renewal-notices` does it.
///
/// Demo mode: the first run of the process sends no SMS. The demo documents are dated from the
/// day the demo starts, so every start reaches stages, and texting every demo phone (and any
/// SMS gateway a test stands in for) at each start would be noise; the notices still reach the
/// inbox and e-mail, and a stage reached by moving the demo clock is texted as on a real day.
pub async fn daily(state: AppState, rules: RulesTable) {
    let store = state.store.clone();
    let mut first_run = true;
    crate::periodic::run_once_across_instances(
        store,
        "renewal-notices",
        Duration::from_secs(24 * 3600),
        || {
            let sms = !(state.config.demo && first_run);
            first_run = false;
            let (state, rules) = (&state, rules.clone());
            async move { log(write_due(state, rules, sms).await) }
        },
    )
    .await;
}

/// Says in the log what a run of [`write_due`] did.
pub fn log(outcome: Result<usize, crate::error::ApiError>) {
    match outcome {
        Ok(0) => {}
        Ok(written) => tracing::info!(written, "renewal notices written"),
        Err(error) => {
            tracing::error!(problem = %error.problem.title, "renewal notices failed")
        }
    }
}

/// Writes the notices due now; the number written. Also run when the demo clock moves, so a
/// day reached by moving the clock gets its notices as a day reached by waiting does.
///
/// Each notice also goes out by SMS and e-mail as the citizen chose for renewals
/// (`NotificationSettings::renewal`; `sms` false leaves the SMS out, see [`daily`]): the
/// messages are written into the notification outbox
/// in the transaction that records the stages, so a stage reaches each channel once (an SMS
/// held by quiet hours leaves at their end).
pub async fn write_due(
    state: &AppState,
    rules: RulesTable,
    sms: bool,
) -> Result<usize, crate::error::ApiError> {
    let now = state.clock.now();
    let holders = state.store.renewal_holders().await?;
    let mut recipients: BTreeMap<Uuid, Option<Recipient>> = BTreeMap::new();
    let mut written = 0;
    for notice in renewal_notices(&holders, &rules, &state.texts, now) {
        let recipient = match recipients.get(&notice.citizen_id) {
            Some(recipient) => recipient.clone(),
            None => {
                let recipient = recipient_of(state, notice.citizen_id).await?;
                recipients.insert(notice.citizen_id, recipient.clone());
                recipient
            }
        };
        let messages = recipient
            .as_ref()
            .map(|recipient| messages(&state.texts, recipient, &notice, now))
            .unwrap_or_default()
            .into_iter()
            .filter(|message| sms || message.channel != "sms")
            .collect::<Vec<_>>();
        if state
            .store
            .record_renewal_notice(notice.citizen_id, &notice.item, &notice.stages, &messages)
            .await?
        {
            written += 1;
            let ids: Vec<Uuid> = messages.iter().map(|message| message.id).collect();
            state.outbox.caused(&ids).await;
        }
    }
    Ok(written)
}

/// The citizen a notice is for, with how they chose to be reached; `None` when unknown.
async fn recipient_of(
    state: &AppState,
    citizen_id: Uuid,
) -> Result<Option<Recipient>, crate::error::ApiError> {
    let Some(citizen) = state.store.citizen(citizen_id).await? else {
        return Ok(None);
    };
    let settings = state
        .store
        .notification_settings(citizen_id)
        .await?
        .unwrap_or_default();
    Ok(Some(Recipient {
        citizen_id,
        phone: citizen.profile.phone,
        email: citizen
            .profile
            .email
            .filter(|email| !email.trim().is_empty()),
        language: citizen.profile.language,
        settings,
    }))
}

/// The SMS and e-mail of one renewal notice, by the channels the citizen chose for renewals:
/// the SMS short (the kind and the day, no document number) and held by quiet hours, the
/// e-mail the inbox notice's title and text, in the citizen's language.
fn messages(
    texts: &Texts,
    recipient: &Recipient,
    notice: &RenewalNotice,
    now: DateTime<FixedOffset>,
) -> Vec<NewNotice> {
    let choice = recipient.settings.renewal;
    let language = recipient.language.as_str();
    let mut messages = Vec::new();
    if choice.sms {
        let args = [
            ("kind", notice.kind.clone()),
            ("date", notice.expires_on.format("%d/%m/%Y").to_string()),
        ];
        let send_at = held_until(&recipient.settings.quiet_hours, now).unwrap_or(now);
        messages.push(NewNotice {
            next_attempt_at: send_at.timestamp(),
            ..immediate_sms(
                Some(recipient.citizen_id),
                &recipient.phone,
                language,
                RENEWAL_SMS,
                texts.text(language, RENEWAL_SMS, &args),
                now,
            )
        });
    }
    if choice.email
        && let Some(email) = &recipient.email
    {
        messages.push(NewNotice {
            id: Uuid::now_v7(),
            citizen_id: Some(recipient.citizen_id),
            channel: "email".to_owned(),
            kind: "inbox-renewal-body".to_owned(),
            recipient: email.clone(),
            subject: Some(notice.item.title.get(language).to_owned()),
            body: notice.item.body.get(language).to_owned(),
            language: language.to_owned(),
            next_attempt_at: now.timestamp(),
            created_at: now.timestamp(),
        });
    }
    messages
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use opendvc_api::{Document, DocumentReminders, DocumentSource};

    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-29T09:00:00+07:00").expect("time")
    }

    fn document(id: u128, kind: &str, issued_on: &str, expires_on: Option<&str>) -> Document {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
        Document {
            id: Uuid::from_u128(id),
            kind: kind.to_owned(),
            number: format!("N{id}"),
            issued_on: day(issued_on),
            expires_on: expires_on.map(day),
            issuer: "test".to_owned(),
            classes: Vec::new(),
            source: DocumentSource::Warehouse,
            reminders: Default::default(),
            updated_at: now(),
        }
    }

    fn holder(birth_date: &str, documents: Vec<Document>) -> RenewalHolder {
        RenewalHolder {
            citizen_id: Uuid::from_u128(7),
            birth_date: NaiveDate::parse_from_str(birth_date, "%Y-%m-%d").expect("date"),
            documents,
            notified: BTreeSet::new(),
        }
    }

    fn texts() -> Texts {
        crate::i18n::load().expect("texts")
    }

    fn rules() -> RulesTable {
        RulesTable::built_in().expect("rules")
    }

    #[test]
    fn an_id_card_is_noticed_before_its_holder_turns_25_though_it_prints_no_expiry() {
        // Born 30 December 2001, card issued at 17: it must be renewed by the 25th birthday,
        // 30 December 2026, 31 days after "now": the 90-day stage has passed, the 30-day one
        // not yet.
        let card = document(1, "id_card", "2019-03-01", None);
        let notices = renewal_notices(
            &[holder("2001-12-30", vec![card])],
            &rules(),
            &texts(),
            now(),
        );
        assert_eq!(notices.len(), 1, "the ID card is noticed: {notices:?}");
        let notice = &notices[0];
        assert_eq!(notice.item.document_id, Some(Uuid::from_u128(1)));
        assert!(
            notice.item.body.vi.contains("30/12/2026"),
            "the notice names the day the law sets: {}",
            notice.item.body.vi
        );
        assert_eq!(
            notice
                .stages
                .iter()
                .map(|stage| stage.days_before)
                .collect::<Vec<_>>(),
            vec![90],
            "at the app's stage for ID cards"
        );
        assert_eq!(notice.item.category, InboxCategory::Renewal);
    }

    #[test]
    fn a_notified_stage_is_not_noticed_again_and_the_next_stage_is() {
        let passport = document(2, "passport", "2017-01-01", Some("2026-12-19"));
        let mut holder = holder("1980-01-01", vec![passport]);
        let first = renewal_notices(std::slice::from_ref(&holder), &rules(), &texts(), now());
        assert_eq!(first.len(), 1, "20 days before expiry: the 30-day stage");
        holder.notified.extend(first[0].stages.iter().copied());
        assert!(
            renewal_notices(std::slice::from_ref(&holder), &rules(), &texts(), now()).is_empty(),
            "the same stage is not noticed twice"
        );
        let on_the_day = DateTime::parse_from_rfc3339("2026-12-19T08:00:00+07:00").expect("time");
        let last = renewal_notices(
            std::slice::from_ref(&holder),
            &rules(),
            &texts(),
            on_the_day,
        );
        assert_eq!(last.len(), 1, "the expiry day is a stage of its own");
        assert_ne!(
            last[0].item.id, first[0].item.id,
            "a new stage, a new notice"
        );
    }

    #[test]
    fn notices_follow_the_stages_of_each_kind_not_one_fixed_list() {
        // A passport's first stage is 270 days before expiry; a fixed 90/30/7/0 list missed it.
        let passport = document(3, "passport", "2017-08-26", Some("2027-08-26"));
        let notices = renewal_notices(
            &[holder("1980-01-01", vec![passport])],
            &rules(),
            &texts(),
            now(),
        );
        assert_eq!(notices.len(), 1, "270 days before: {notices:?}");
        assert_eq!(notices[0].stages[0].days_before, 270);
    }

    #[test]
    fn a_switched_off_document_gets_no_notice_and_a_snoozed_one_gets_it_when_the_snooze_ends() {
        // 20 days before the passport expires: the 30-day stage is due.
        let mut passport = document(4, "passport", "2017-01-01", Some("2026-12-19"));
        passport.reminders = DocumentReminders {
            switched_off: true,
            snoozed_until: None,
        };
        let off = renewal_notices(
            &[holder("1980-01-01", vec![passport.clone()])],
            &rules(),
            &texts(),
            now(),
        );
        assert!(
            off.is_empty(),
            "a switched-off document is not noticed: {off:?}"
        );

        passport.reminders = DocumentReminders {
            switched_off: false,
            snoozed_until: NaiveDate::from_ymd_opt(2026, 12, 5),
        };
        let holders = [holder("1980-01-01", vec![passport])];
        let snoozed = renewal_notices(&holders, &rules(), &texts(), now());
        assert!(
            snoozed.is_empty(),
            "a snoozed document is not noticed: {snoozed:?}"
        );
        let snooze_over = DateTime::parse_from_rfc3339("2026-12-05T08:00:00+07:00").expect("time");
        let after = renewal_notices(&holders, &rules(), &texts(), snooze_over);
        assert_eq!(
            after.len(),
            1,
            "the snooze ended on 5 December: the notice is written then"
        );
        assert_eq!(
            after[0].item.id,
            notice_id(Uuid::from_u128(4), after[0].stages[0].expires_on, 30),
            "with the id the app recognises: the shared notice id of the 30-day stage"
        );
    }
}
