//! Inbox items and notices about an application, in all three languages.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{Application, ApplicationStatus, DeliveryState, InboxCategory, InboxItem};
use uuid::Uuid;

use crate::i18n::Texts;

/// The Fluent id of a delivery state's name (`portal.ftl`).
pub fn delivery_state_id(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Preparing => "delivery-preparing",
        DeliveryState::Dispatched => "delivery-dispatched",
        DeliveryState::Delivered => "delivery-delivered",
        DeliveryState::ReturnedToSender | DeliveryState::Unknown => "delivery-returned-to-sender",
    }
}

/// The status's name in `language`.
pub fn status_name(texts: &Texts, language: &str, status: ApplicationStatus) -> String {
    texts.text(
        language,
        &format!("status-{}", status.as_str().replace('_', "-")),
        &[],
    )
}

/// An inbox item saying the application moved to `status`.
pub fn status_item(
    texts: &Texts,
    application: &Application,
    status: ApplicationStatus,
    note: Option<&str>,
    now: DateTime<FixedOffset>,
) -> InboxItem {
    let args = |language: &str| {
        vec![
            ("code", application.code.clone()),
            ("status", status_name(texts, language, status)),
            (
                "procedure",
                application.procedure_name.get(language).to_owned(),
            ),
        ]
    };
    InboxItem {
        feedback_id: None,
        id: Uuid::now_v7(),
        at: now,
        category: InboxCategory::Status,
        title: texts
            .per_language(|language| texts.text(language, "inbox-status-title", &args(language))),
        body: texts.per_language(|language| {
            let mut body = texts.text(language, "inbox-status-body", &args(language));
            if let Some(note) = note.filter(|note| !note.trim().is_empty()) {
                body.push('\n');
                body.push_str(&texts.text(
                    language,
                    "inbox-status-note",
                    &[("note", note.to_owned())],
                ));
            }
            body
        }),
        application_id: Some(application.id),
        document_id: None,
    }
}

/// An inbox item saying the postal delivery moved to `state`.
pub fn delivery_item(
    texts: &Texts,
    application: &Application,
    state: DeliveryState,
    tracking_number: Option<&str>,
    now: DateTime<FixedOffset>,
) -> InboxItem {
    let args = |language: &str| {
        vec![
            ("code", application.code.clone()),
            ("state", texts.text(language, delivery_state_id(state), &[])),
            (
                "procedure",
                application.procedure_name.get(language).to_owned(),
            ),
        ]
    };
    InboxItem {
        feedback_id: None,
        id: Uuid::now_v7(),
        at: now,
        category: InboxCategory::Delivery,
        title: texts
            .per_language(|language| texts.text(language, "inbox-delivery-title", &args(language))),
        body: texts.per_language(|language| {
            let mut body = texts.text(language, "inbox-delivery-body", &args(language));
            if let Some(tracking) = tracking_number {
                body.push('\n');
                body.push_str(&texts.text(
                    language,
                    "inbox-delivery-tracking",
                    &[("tracking", tracking.to_owned())],
                ));
            }
            body
        }),
        application_id: Some(application.id),
        document_id: None,
    }
}

/// An inbox item confirming the citizen's new delivery choice.
pub fn delivery_changed_item(
    texts: &Texts,
    application: &Application,
    payable: u64,
    now: DateTime<FixedOffset>,
) -> InboxItem {
    let args = |language: &str| {
        vec![
            ("code", application.code.clone()),
            (
                "procedure",
                application.procedure_name.get(language).to_owned(),
            ),
            ("payable", payable.to_string()),
        ]
    };
    InboxItem {
        feedback_id: None,
        id: Uuid::now_v7(),
        at: now,
        category: InboxCategory::Delivery,
        title: texts.per_language(|language| {
            texts.text(language, "inbox-delivery-changed-title", &args(language))
        }),
        body: texts.per_language(|language| {
            texts.text(language, "inbox-delivery-changed-body", &args(language))
        }),
        application_id: Some(application.id),
        document_id: None,
    }
}
