//! What a change sends, by the citizen's settings: an SMS (short, with the public status link,
//! held by quiet hours) and an e-mail (subject and text in the citizen's language) per category
//! the citizen chose. The app's inbox item is the change's own. Texts come from
//! `locales/*/portal.ftl` and are rendered here, when the row is written.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{Application, ApplicationStatus, DeliveryState, NotificationSettings};
use uuid::Uuid;

use super::quiet_hours::held_until;
use crate::i18n::Texts;
use crate::notices::{delivery_state_id, status_name};
use crate::store::{ApplicationChange, NewNotice, Store, StoreResult};

/// Whom a change reaches, and how they chose to be reached; read before the change.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub citizen_id: Uuid,
    pub phone: String,
    pub email: Option<String>,
    pub language: String,
    pub settings: NotificationSettings,
}

impl Recipient {
    /// The citizen who holds application `id`, with their settings; `None` when unknown.
    pub async fn of_application(store: &dyn Store, id: Uuid) -> StoreResult<Option<Recipient>> {
        let Some(citizen_id) = store.citizen_of_application(id).await? else {
            return Ok(None);
        };
        let Some(citizen) = store.citizen(citizen_id).await? else {
            return Ok(None);
        };
        let settings = store
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
}

/// An SMS that leaves at once, quiet hours or not: a one-time code, the assisted-session
/// notice, the code of an application made in an assisted session.
pub fn immediate_sms(
    citizen_id: Option<Uuid>,
    phone: &str,
    language: &str,
    kind: &str,
    body: String,
    now: DateTime<FixedOffset>,
) -> NewNotice {
    NewNotice {
        id: Uuid::now_v7(),
        citizen_id,
        channel: "sms".to_owned(),
        kind: kind.to_owned(),
        recipient: phone.to_owned(),
        subject: None,
        body,
        language: language.to_owned(),
        next_attempt_at: now.timestamp(),
        created_at: now.timestamp(),
    }
}

/// The SMS of a status the resident must hear of, by its Fluent id; other statuses reach them
/// by e-mail and the app only.
fn status_sms_id(status: ApplicationStatus) -> Option<&'static str> {
    match status {
        ApplicationStatus::SupplementRequested => Some("notice-supplement-sms"),
        ApplicationStatus::Completed => Some("notice-completed-sms"),
        ApplicationStatus::Rejected => Some("notice-rejected-sms"),
        _ => None,
    }
}

/// The SMS of a postal delivery state, by its Fluent id.
fn delivery_sms_id(state: DeliveryState) -> Option<&'static str> {
    match state {
        DeliveryState::Dispatched => Some("notice-dispatched-sms"),
        DeliveryState::Delivered => Some("notice-delivered-sms"),
        _ => None,
    }
}

/// Composes the notices of one change.
pub struct Composer<'a> {
    pub texts: &'a Texts,
    /// The application's public status page, `{public_url}/s/{code}`, which the texts link to.
    pub status_link: String,
    pub recipient: &'a Recipient,
    pub now: DateTime<FixedOffset>,
}

impl Composer<'_> {
    /// The notices of `change` to `before`: a status change (e-mail always, SMS for a supplement
    /// requested, completion and rejection) and a postal delivery update (dispatched with its
    /// tracking number, delivered), each by the channels the citizen chose for its category.
    pub fn change_notices(
        &self,
        before: &Application,
        change: &ApplicationChange,
    ) -> Vec<NewNotice> {
        let mut notices = Vec::new();
        let settings = &self.recipient.settings;
        let language = self.recipient.language.as_str();
        let mut args = vec![
            ("code", before.code.clone()),
            ("procedure", before.procedure_name.get(language).to_owned()),
            ("link", self.status_link.clone()),
        ];
        if let Some((status, _, note)) = change.entries.last()
            && *status != before.status
        {
            let note = note.clone().unwrap_or_default();
            let mut args = args.clone();
            args.push(("status", status_name(self.texts, language, *status)));
            args.push(("note", note.clone()));
            if settings.status.sms
                && let Some(id) = status_sms_id(*status)
            {
                notices.push(self.sms_notice(id, &args));
            }
            if settings.status.email {
                let mut body = self.texts.text(language, "notice-email", &args);
                if !note.trim().is_empty() {
                    body.push('\n');
                    body.push_str(&self.texts.text(language, "inbox-status-note", &args));
                }
                notices.extend(self.email_notice(
                    "notice-email",
                    "notice-email-subject",
                    body,
                    &args,
                ));
            }
        }
        let new_state = change
            .delivery
            .as_ref()
            .and_then(|delivery| delivery.state)
            .filter(|state| Some(*state) != before.delivery.state);
        if let Some(state) = new_state {
            let tracking = change
                .delivery
                .as_ref()
                .and_then(|delivery| delivery.tracking_number.clone())
                .unwrap_or_default();
            args.push((
                "state",
                self.texts.text(language, delivery_state_id(state), &[]),
            ));
            args.push(("tracking", tracking.clone()));
            if settings.delivery.sms
                && let Some(id) = delivery_sms_id(state)
            {
                notices.push(self.sms_notice(id, &args));
            }
            if settings.delivery.email {
                let mut body = self.texts.text(language, "notice-delivery-email", &args);
                if !tracking.is_empty() {
                    body.push('\n');
                    body.push_str(&self.texts.text(language, "inbox-delivery-tracking", &args));
                }
                notices.extend(self.email_notice(
                    "notice-delivery-email",
                    "notice-delivery-email-subject",
                    body,
                    &args,
                ));
            }
        }
        notices
    }

    /// An SMS held by the citizen's quiet hours.
    fn sms_notice(&self, id: &str, args: &[(&str, String)]) -> NewNotice {
        let language = self.recipient.language.as_str();
        let send_at =
            held_until(&self.recipient.settings.quiet_hours, self.now).unwrap_or(self.now);
        NewNotice {
            next_attempt_at: send_at.timestamp(),
            ..immediate_sms(
                Some(self.recipient.citizen_id),
                &self.recipient.phone,
                language,
                id,
                self.texts.text(language, id, args),
                self.now,
            )
        }
    }

    /// An e-mail, sent at once, when the profile has an address.
    fn email_notice(
        &self,
        kind: &str,
        subject_id: &str,
        body: String,
        args: &[(&str, String)],
    ) -> Option<NewNotice> {
        let email = self.recipient.email.as_ref()?;
        let language = self.recipient.language.as_str();
        Some(NewNotice {
            id: Uuid::now_v7(),
            citizen_id: Some(self.recipient.citizen_id),
            channel: "email".to_owned(),
            kind: kind.to_owned(),
            recipient: email.clone(),
            subject: Some(self.texts.text(language, subject_id, args)),
            body,
            language: language.to_owned(),
            next_attempt_at: self.now.timestamp(),
            created_at: self.now.timestamp(),
        })
    }
}
