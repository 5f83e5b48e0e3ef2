//! What a change sends, by the citizen's settings: an SMS (short, with the public status link,
//! held by quiet hours) and an e-mail (subject and text in the citizen's language) per category
//! the citizen chose. The app's inbox item is the change's own. Texts come from
//! `locales/*/portal.ftl` and are rendered here, when the row is written.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{Application, ApplicationStatus, Channel, DeliveryState, NotificationSettings};
use uuid::Uuid;

use super::quiet_hours::held_until;
use crate::i18n::Texts;
use crate::notices::{delivery_state_id, status_name};
use crate::store::{ApplicationChange, CitizenRecord, NewNotice, Store, StoreResult};

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
        Recipient::of_citizen(store, citizen_id).await
    }

    /// Citizen `citizen_id`, with their settings; `None` when unknown.
    pub async fn of_citizen(store: &dyn Store, citizen_id: Uuid) -> StoreResult<Option<Recipient>> {
        let Some(citizen) = store.citizen(citizen_id).await? else {
            return Ok(None);
        };
        let settings = store
            .notification_settings(citizen_id)
            .await?
            .unwrap_or_default();
        Ok(Some(Recipient::from_record(citizen, settings)))
    }

    /// A citizen as read, with their settings as read.
    pub fn from_record(citizen: CitizenRecord, settings: NotificationSettings) -> Recipient {
        Recipient {
            citizen_id: citizen.id,
            phone: citizen.profile.phone,
            email: citizen
                .profile
                .email
                .filter(|email| !email.trim().is_empty()),
            language: citizen.profile.language,
            settings,
        }
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

/// A date in Vietnam time as `language` writes it, the way the public status page shows the due
/// date (`ngày 18/12/2026`, `18 December 2026`, `18/12/2026`).
pub fn date_text(texts: &Texts, language: &str, at: DateTime<FixedOffset>) -> String {
    let local = at.with_timezone(&opendvc_rules::VIETNAM);
    texts.text(
        language,
        "status-page-date",
        &[
            ("day", local.format("%d").to_string()),
            ("dayOfMonth", local.format("%-d").to_string()),
            ("month", local.format("%m").to_string()),
            ("monthName", local.format("%B").to_string()),
            ("year", local.format("%Y").to_string()),
        ],
    )
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

    /// The notice that `application` was received, with its code, procedure, due date and
    /// status link: an SMS by the citizen's choice for status changes, held by quiet hours, and
    /// an e-mail by the same choice. Made in an assisted session, the SMS is sent whatever the
    /// choice and the hour: the staff at the counter tell the citizen to expect the code.
    /// `due` is the due date in words (`date_text` of `application.due_at`).
    pub fn received_notices(&self, application: &Application, due: &str) -> Vec<NewNotice> {
        let settings = &self.recipient.settings;
        let language = self.recipient.language.as_str();
        let args = [
            ("code", application.code.clone()),
            (
                "procedure",
                application.procedure_name.get(language).to_owned(),
            ),
            ("due", due.to_owned()),
            ("link", self.status_link.clone()),
        ];
        let mut notices = Vec::new();
        if application.channel == Channel::Assisted {
            notices.push(immediate_sms(
                Some(self.recipient.citizen_id),
                &self.recipient.phone,
                language,
                "notice-received-sms",
                self.texts.text(language, "notice-received-sms", &args),
                self.now,
            ));
        } else if settings.status.sms {
            notices.push(self.sms_notice("notice-received-sms", &args));
        }
        if settings.status.email {
            notices.extend(self.email_notice(
                "notice-received-email",
                "notice-received-email-subject",
                self.texts.text(language, "notice-received-email", &args),
                &args,
            ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use opendvc_api::{Actor, ActorKind, ChannelChoice, Delivery, DeliveryMethod};

    use crate::store::ApplicationDraft;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("a test time")
    }

    fn recipient(settings: NotificationSettings, email: Option<&str>) -> Recipient {
        Recipient {
            citizen_id: Uuid::now_v7(),
            phone: "+84905009999".into(),
            email: email.map(str::to_owned),
            language: "vi".into(),
            settings,
        }
    }

    fn application() -> Application {
        let mut application =
            ApplicationDraft::sample(Uuid::now_v7(), at("2026-12-01T09:00:00+07:00"))
                .into_application("000.00.48.H17-261201-0007".into());
        application.status = ApplicationStatus::Processing;
        application
    }

    fn officer() -> Actor {
        Actor {
            kind: ActorKind::Officer,
            name: "Sở Tư pháp".into(),
            code: Some("CB001".into()),
            venue: None,
        }
    }

    fn moved_to(status: ApplicationStatus, note: Option<&str>) -> ApplicationChange {
        ApplicationChange {
            entries: vec![(status, officer(), note.map(str::to_owned))],
            ..ApplicationChange::default()
        }
    }

    /// (channel, kind, next attempt, whether the body holds `needle`) of each notice.
    fn sent(
        recipient: &Recipient,
        now: &str,
        change: &ApplicationChange,
        needle: &str,
    ) -> Vec<(String, String, i64, bool)> {
        let texts = crate::i18n::load().expect("texts");
        let composer = Composer {
            texts: &texts,
            status_link: "https://dvc.example/s/000.00.48.H17-261201-0007".into(),
            recipient,
            now: at(now),
        };
        composer
            .change_notices(&application(), change)
            .into_iter()
            .map(|notice| {
                (
                    notice.channel,
                    notice.kind,
                    notice.next_attempt_at,
                    notice.body.contains(needle),
                )
            })
            .collect()
    }

    #[test]
    fn a_supplement_request_goes_by_sms_with_the_officers_note_and_by_e_mail() {
        let noon = "2026-12-02T12:00:00+07:00";
        let change = moved_to(
            ApplicationStatus::SupplementRequested,
            Some("Thiếu bản sao giấy khai sinh."),
        );
        let notices = sent(
            &recipient(NotificationSettings::default(), Some("lan@example.invalid")),
            noon,
            &change,
            "Thiếu bản sao giấy khai sinh.",
        );
        let time = at(noon).timestamp();
        assert_eq!(
            notices,
            [
                ("sms".into(), "notice-supplement-sms".into(), time, true),
                ("email".into(), "notice-email".into(), time, true),
            ],
            "an SMS and an e-mail, both naming what is missing, both at once at noon"
        );
    }

    #[test]
    fn a_status_change_reaches_only_the_channels_the_citizen_chose_and_an_address_they_have() {
        let change = moved_to(ApplicationStatus::Completed, None);
        let mut no_sms = NotificationSettings::default();
        no_sms.status.sms = false;
        let noon = "2026-12-02T12:00:00+07:00";
        let kinds = |notices: Vec<(String, String, i64, bool)>| -> Vec<String> {
            notices
                .into_iter()
                .map(|(channel, _, _, _)| channel)
                .collect()
        };
        assert_eq!(
            kinds(sent(
                &recipient(no_sms, Some("lan@example.invalid")),
                noon,
                &change,
                ""
            )),
            ["email"],
            "SMS switched off for status changes: the e-mail only"
        );
        assert_eq!(
            kinds(sent(
                &recipient(NotificationSettings::default(), None),
                noon,
                &change,
                ""
            )),
            ["sms"],
            "no e-mail address on the profile: the SMS only"
        );
        let processing = moved_to(ApplicationStatus::Processing, None);
        let mut from_received = application();
        from_received.status = ApplicationStatus::Received;
        let texts = crate::i18n::load().expect("texts");
        let everyone = recipient(NotificationSettings::default(), Some("lan@example.invalid"));
        let composer = Composer {
            texts: &texts,
            status_link: "https://dvc.example/s/x".into(),
            recipient: &everyone,
            now: at(noon),
        };
        let channels: Vec<String> = composer
            .change_notices(&from_received, &processing)
            .into_iter()
            .map(|notice| notice.channel)
            .collect();
        assert_eq!(
            channels,
            ["email"],
            "a status the resident need not act on (processing) sends no SMS"
        );
    }

    #[test]
    fn a_dispatched_result_is_texted_with_its_tracking_number_after_quiet_hours() {
        let late = "2026-12-02T22:30:00+07:00";
        let delivery_only = NotificationSettings {
            status: ChannelChoice {
                app: true,
                sms: false,
                email: false,
            },
            ..NotificationSettings::default()
        };
        let change = ApplicationChange {
            delivery: Some(Delivery {
                state: Some(DeliveryState::Dispatched),
                tracking_number: Some("EB123456789VN".into()),
                ..Delivery {
                    method: DeliveryMethod::Post,
                    ..application().delivery
                }
            }),
            ..ApplicationChange::default()
        };
        let notices = sent(
            &recipient(delivery_only, Some("lan@example.invalid")),
            late,
            &change,
            "EB123456789VN",
        );
        assert_eq!(
            notices,
            [
                (
                    "sms".into(),
                    "notice-dispatched-sms".into(),
                    at("2026-12-03T07:00:00+07:00").timestamp(),
                    true
                ),
                (
                    "email".into(),
                    "notice-delivery-email".into(),
                    at(late).timestamp(),
                    true
                ),
            ],
            "the SMS waits for 07:00, the e-mail leaves at once; both carry the tracking number"
        );
    }

    /// (channel, kind, next attempt) of the received notices of `application` at `now`, and
    /// their bodies.
    fn received(
        recipient: &Recipient,
        now: &str,
        application: &Application,
    ) -> (Vec<(String, String, i64)>, Vec<String>) {
        let texts = crate::i18n::load().expect("texts");
        let composer = Composer {
            texts: &texts,
            status_link: "https://dvc.example/s/000.00.48.H17-261201-0007".into(),
            recipient,
            now: at(now),
        };
        let due = date_text(&texts, &recipient.language, application.due_at);
        composer
            .received_notices(application, &due)
            .into_iter()
            .map(|notice| {
                (
                    (notice.channel, notice.kind, notice.next_attempt_at),
                    notice.body,
                )
            })
            .unzip()
    }

    #[test]
    fn a_received_notice_names_code_and_due_date_and_its_sms_waits_for_quiet_hours_unless_assisted()
    {
        let late = "2026-12-01T23:00:00+07:00";
        let seven = at("2026-12-02T07:00:00+07:00").timestamp();
        let mut online = application();
        online.status = ApplicationStatus::Received;
        online.channel = opendvc_api::Channel::Online;
        online.due_at = at("2026-12-18T17:00:00+07:00");
        let with_email = recipient(NotificationSettings::default(), Some("lan@example.invalid"));
        let (notices, bodies) = received(&with_email, late, &online);
        assert_eq!(
            notices,
            [
                ("sms".into(), "notice-received-sms".into(), seven),
                (
                    "email".into(),
                    "notice-received-email".into(),
                    at(late).timestamp()
                ),
            ],
            "online at 23:00: the SMS waits for 07:00, the e-mail leaves at once"
        );
        for body in &bodies {
            assert!(
                body.contains("000.00.48.H17-261201-0007")
                    && body.contains("ngày 18/12/2026")
                    && body.contains("https://dvc.example/s/"),
                "the code, the due date as the status page writes it, the link: {body}"
            );
        }
        let mut assisted = online.clone();
        assisted.channel = opendvc_api::Channel::Assisted;
        let mut no_sms = NotificationSettings::default();
        no_sms.status.sms = false;
        no_sms.status.email = false;
        assert_eq!(
            received(&recipient(no_sms.clone(), None), late, &assisted).0,
            [(
                "sms".into(),
                "notice-received-sms".into(),
                at(late).timestamp()
            )],
            "assisted at 23:00, SMS switched off: one SMS all the same, at once"
        );
        assert!(
            received(&recipient(no_sms, None), late, &online)
                .0
                .is_empty(),
            "online with SMS and e-mail switched off: nothing"
        );
        let mut english = with_email;
        english.language = "en".into();
        let (_, bodies) = received(&english, late, &online);
        assert!(
            bodies.iter().all(|body| body.contains("18 December 2026")),
            "in English the due date is written out: {bodies:?}"
        );
    }
}
