//! The SMS and e-mail that tell a reporter their feedback was answered, beside the inbox item,
//! the event and the app's push. A resident is reached as their notification settings say for
//! status changes (an answer is the change of their item's status), in their language, the SMS
//! held by their quiet hours; a reporter who filed through Open311 without an account is
//! reached at the phone (a Vietnamese number) and e-mail they gave in the POST, in the city's
//! language, the SMS held by the default quiet hours. The rows are written in the answer's transaction.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{FeedbackReporter, NotificationSettings};
use uuid::Uuid;

use crate::i18n::Texts;
use crate::notifications::compose::{Recipient, immediate_sms};
use crate::notifications::quiet_hours::held_until;
use crate::store::{FeedbackRecord, NewNotice, Store, StoreResult};

/// The language a reporter without an account is written to: the city's.
const REPORTER_LANGUAGE: &str = "vi";

/// The longest part of an answer an SMS carries, in characters; the e-mail carries it whole.
const SMS_ANSWER_CHARS: usize = 100;

/// Whom an answer reaches, and how.
#[derive(Debug, Clone)]
pub struct AnswerReader {
    pub citizen_id: Option<Uuid>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub settings: NotificationSettings,
}

impl AnswerReader {
    /// The reporter of `record`: the resident with their settings, or the Open311 reporter's
    /// own phone and e-mail; `None` when nobody can be reached.
    pub async fn of(store: &dyn Store, record: &FeedbackRecord) -> StoreResult<Option<Self>> {
        if let Some(citizen_id) = record.citizen_id {
            return Ok(Recipient::of_citizen(store, citizen_id)
                .await?
                .map(|recipient| AnswerReader {
                    citizen_id: Some(recipient.citizen_id),
                    phone: Some(recipient.phone).filter(|phone| !phone.trim().is_empty()),
                    email: recipient.email,
                    language: recipient.language,
                    settings: recipient.settings,
                }));
        }
        Ok(AnswerReader::of_reporter(&record.reporter))
    }

    /// A reporter who filed through Open311, at the addresses the client sent; `None` when
    /// there is neither.
    pub fn of_reporter(reporter: &FeedbackReporter) -> Option<Self> {
        // Kept as the client sent it for officers; texted only when it is a Vietnamese number
        // the city's gateway reaches, written as `+84…` like a resident's.
        let phone = reporter
            .phone
            .as_deref()
            .and_then(|phone| opendvc_rules::fields::phone(phone).ok());
        let email = reporter
            .email
            .clone()
            .filter(|email| !email.trim().is_empty());
        if phone.is_none() && email.is_none() {
            return None;
        }
        Some(AnswerReader {
            citizen_id: None,
            phone,
            email,
            language: REPORTER_LANGUAGE.to_owned(),
            settings: NotificationSettings::default(),
        })
    }
}

/// The SMS (held by quiet hours) and the e-mail (at once) saying `record` was answered with
/// `answer`, on the channels `reader` chose and has.
pub fn answer_notices(
    texts: &Texts,
    reader: &AnswerReader,
    record: &FeedbackRecord,
    answer: &str,
    now: DateTime<FixedOffset>,
) -> Vec<NewNotice> {
    let language = reader.language.as_str();
    let feedback = &record.feedback;
    let short_answer = if answer.chars().count() > SMS_ANSWER_CHARS {
        let mut cut: String = answer.chars().take(SMS_ANSWER_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        answer.to_owned()
    };
    let mut args = vec![
        ("agency", feedback.agency.name.get(language).to_owned()),
        ("reference", feedback.id.to_string()),
        ("answer", short_answer),
    ];
    let mut notices = Vec::new();
    let choice = &reader.settings.status;
    if choice.sms
        && let Some(phone) = &reader.phone
    {
        let send_at = held_until(&reader.settings.quiet_hours, now).unwrap_or(now);
        let kind = "notice-feedback-answered-sms";
        notices.push(NewNotice {
            next_attempt_at: send_at.timestamp(),
            ..immediate_sms(
                reader.citizen_id,
                phone,
                language,
                kind,
                texts.text(language, kind, &args),
                now,
            )
        });
    }
    if choice.email
        && let Some(email) = &reader.email
    {
        args.retain(|(name, _)| *name != "answer");
        args.push(("answer", answer.to_owned()));
        args.push((
            "description",
            feedback.description.chars().take(280).collect(),
        ));
        let kind = "notice-feedback-answered-email";
        notices.push(NewNotice {
            id: Uuid::now_v7(),
            citizen_id: reader.citizen_id,
            channel: "email".to_owned(),
            kind: kind.to_owned(),
            recipient: email.clone(),
            subject: Some(texts.text(language, "notice-feedback-answered-email-subject", &args)),
            body: texts.text(language, kind, &args),
            language: language.to_owned(),
            next_attempt_at: now.timestamp(),
            created_at: now.timestamp(),
        });
    }
    notices
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("a test time")
    }

    fn resident(sms: bool) -> AnswerReader {
        let mut settings = NotificationSettings::default();
        settings.status.sms = sms;
        AnswerReader {
            citizen_id: Some(Uuid::now_v7()),
            phone: Some("+84905009999".into()),
            email: Some("lan@example.invalid".into()),
            language: "vi".into(),
            settings,
        }
    }

    fn record() -> FeedbackRecord {
        crate::store::feedback_contract::record(
            Uuid::now_v7(),
            "da-nang-construction",
            "2026-12-02T08:00:00+07:00",
            "2026-12-02T12:00:00+07:00",
        )
    }

    /// (channel, recipient, next attempt, body) of each notice.
    fn sent(reader: &AnswerReader, answer: &str, now: &str) -> Vec<(String, String, i64, String)> {
        let texts = crate::i18n::load().expect("texts");
        answer_notices(&texts, reader, &record(), answer, at(now))
            .into_iter()
            .map(|notice| {
                (
                    notice.channel,
                    notice.recipient,
                    notice.next_attempt_at,
                    notice.body,
                )
            })
            .collect()
    }

    #[test]
    fn a_late_answer_is_texted_after_quiet_hours_shortened_and_e_mailed_at_once_whole() {
        let long_answer = "Đội duy tu sẽ sửa ".repeat(12);
        let notices = sent(&resident(true), &long_answer, "2026-12-02T22:30:00+07:00");
        let [
            (sms, phone, sms_at, sms_body),
            (email, address, email_at, email_body),
        ] = notices.as_slice()
        else {
            panic!("an SMS and an e-mail: {notices:?}");
        };
        assert_eq!((sms.as_str(), phone.as_str()), ("sms", "+84905009999"));
        assert_eq!(
            *sms_at,
            at("2026-12-03T07:00:00+07:00").timestamp(),
            "the SMS waits for the end of quiet hours"
        );
        assert!(
            sms_body.ends_with('…') && !sms_body.contains(long_answer.trim_end()),
            "the SMS carries the start of a long answer: {sms_body}"
        );
        assert_eq!(
            (email.as_str(), address.as_str()),
            ("email", "lan@example.invalid")
        );
        assert_eq!(*email_at, at("2026-12-02T22:30:00+07:00").timestamp());
        assert!(
            email_body.contains(long_answer.trim_end()) && email_body.contains("Ổ gà trước số 12"),
            "the e-mail carries the whole answer and recalls the feedback: {email_body}"
        );
    }

    #[test]
    fn sms_switched_off_leaves_the_e_mail_and_a_reporter_without_an_address_gets_nothing() {
        let channels: Vec<String> =
            sent(&resident(false), "Đã xử lý.", "2026-12-02T10:00:00+07:00")
                .into_iter()
                .map(|(channel, ..)| channel)
                .collect();
        assert_eq!(channels, ["email"], "SMS switched off for status changes");
        let mut no_address = resident(true);
        no_address.phone = None;
        no_address.email = None;
        assert!(
            sent(&no_address, "Đã xử lý.", "2026-12-02T10:00:00+07:00").is_empty(),
            "nothing to send to"
        );
    }

    #[test]
    fn an_open311_reporter_is_texted_only_at_a_vietnamese_number() {
        let mut reporter = FeedbackReporter {
            name: Some("Lan".into()),
            phone: Some("0905 123 456".into()),
            email: Some("lan@example.vn".into()),
            client: Some("FixMyStreet".into()),
        };
        let reader = AnswerReader::of_reporter(&reporter).expect("someone to tell");
        assert_eq!(reader.phone.as_deref(), Some("+84905123456"));
        assert_eq!(reader.language, "vi", "the city's language");
        reporter.phone = Some("+44 20 7946 0000".into());
        let reader = AnswerReader::of_reporter(&reporter).expect("the e-mail is left");
        assert_eq!(
            reader.phone, None,
            "a foreign number is kept but not texted"
        );
        assert_eq!(reader.email.as_deref(), Some("lan@example.vn"));
        reporter.email = None;
        assert!(
            AnswerReader::of_reporter(&reporter).is_none(),
            "nothing to reach"
        );
    }
}
