//! The workflow of an application on the officer side: which status moves and which postal
//! delivery steps are allowed, and the change an officer's request makes.

use chrono::{DateTime, FixedOffset};
use opendvc_api::{
    Actor, Application, ApplicationStatus, DeliveryMethod, DeliveryState, TransitionRequest,
};

use crate::error::ApiError;
use crate::i18n::Texts;
use crate::notices;
use crate::store::ApplicationChange;

use ApplicationStatus::{
    Completed, HandedOver, Processing, Received, Rejected, SupplementRequested,
};

/// Whether an officer may move an application from `from` to `to`.
pub fn officer_may_move(from: ApplicationStatus, to: ApplicationStatus) -> bool {
    matches!(
        (from, to),
        (Received, Processing | Rejected | SupplementRequested)
            | (Processing, SupplementRequested | Completed | Rejected)
            | (SupplementRequested, Processing | Rejected)
            | (Completed, HandedOver)
    )
}

/// Whether a postal delivery may move from `from` to `to` while the application is in
/// `status`. The post is dispatched only once the result is ready.
pub fn delivery_may_move(
    from: Option<DeliveryState>,
    to: DeliveryState,
    status: ApplicationStatus,
) -> bool {
    use DeliveryState::{Delivered, Dispatched, Preparing, ReturnedToSender};
    match (from.unwrap_or(Preparing), to) {
        (Preparing | ReturnedToSender, Dispatched) => status == Completed,
        (Dispatched, Delivered | ReturnedToSender) => true,
        _ => false,
    }
}

/// The change an officer's transition request makes to `application`.
pub fn officer_change(
    application: &Application,
    request: &TransitionRequest,
    actor: &Actor,
    texts: &Texts,
    now: DateTime<FixedOffset>,
) -> Result<ApplicationChange, ApiError> {
    if request.to.is_none() && request.delivery.is_none() {
        return Err(ApiError::field(
            "to",
            "give a new status, a delivery update, or both",
        ));
    }
    if request.to == Some(ApplicationStatus::Unknown) {
        return Err(ApiError::field("to", "not a status of this portal"));
    }
    if request
        .delivery
        .as_ref()
        .is_some_and(|update| update.state == DeliveryState::Unknown)
    {
        return Err(ApiError::field(
            "delivery.state",
            "not a delivery state of this portal",
        ));
    }
    let note = request.note.clone().filter(|note| !note.trim().is_empty());
    let mut change = ApplicationChange::default();
    let mut status = application.status;
    if let Some(to) = request.to {
        if !officer_may_move(status, to) {
            return Err(ApiError::invalid_state(format!(
                "An application in status {} cannot move to {}.",
                status.as_str(),
                to.as_str()
            )));
        }
        change.entries.push((to, actor.clone(), note.clone()));
        status = to;
    }
    if let Some(update) = &request.delivery {
        if application.delivery.method != DeliveryMethod::Post {
            return Err(ApiError::invalid_state(
                "The result is collected at the counter; there is no postal delivery.",
            ));
        }
        if !delivery_may_move(application.delivery.state, update.state, status) {
            return Err(ApiError::invalid_state(format!(
                "The postal delivery cannot move to {:?} now (delivery {:?}, status {}).",
                update.state,
                application.delivery.state,
                status.as_str()
            )));
        }
        let tracking = update
            .tracking_number
            .clone()
            .filter(|number| !number.trim().is_empty())
            .or_else(|| application.delivery.tracking_number.clone());
        if update.state == DeliveryState::Dispatched && tracking.is_none() {
            return Err(ApiError::field(
                "delivery.trackingNumber",
                "a dispatched delivery needs its tracking number",
            ));
        }
        let mut delivery = application.delivery.clone();
        delivery.state = Some(update.state);
        delivery.tracking_number = tracking.clone();
        change.delivery = Some(delivery);
        change.inbox.push(notices::delivery_item(
            texts,
            application,
            update.state,
            tracking.as_deref(),
            now,
        ));
        if update.state == DeliveryState::Delivered && status == Completed {
            change.entries.push((HandedOver, actor.clone(), None));
            status = HandedOver;
        }
    }
    if status != application.status {
        change.inbox.push(notices::status_item(
            texts,
            application,
            status,
            note.as_deref(),
            now,
        ));
    }
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_moves_follow_the_workflow_table() {
        let allowed = [
            (Received, Processing),
            (Received, Rejected),
            (Received, SupplementRequested),
            (Processing, SupplementRequested),
            (Processing, Completed),
            (Processing, Rejected),
            (SupplementRequested, Processing),
            (SupplementRequested, Rejected),
            (Completed, HandedOver),
        ];
        for from in ApplicationStatus::ALL {
            for to in ApplicationStatus::ALL {
                assert_eq!(
                    officer_may_move(from, to),
                    allowed.contains(&(from, to)),
                    "{} -> {}",
                    from.as_str(),
                    to.as_str()
                );
            }
        }
    }

    #[test]
    fn finished_applications_never_move() {
        for from in [HandedOver, Rejected, ApplicationStatus::Withdrawn] {
            for to in ApplicationStatus::ALL {
                assert!(!officer_may_move(from, to), "{} is final", from.as_str());
            }
        }
    }

    #[test]
    fn post_is_dispatched_only_when_the_result_is_ready() {
        use DeliveryState::*;
        assert!(!delivery_may_move(Some(Preparing), Dispatched, Processing));
        assert!(delivery_may_move(Some(Preparing), Dispatched, Completed));
        assert!(delivery_may_move(None, Dispatched, Completed));
        assert!(delivery_may_move(Some(Dispatched), Delivered, Completed));
        assert!(delivery_may_move(
            Some(Dispatched),
            ReturnedToSender,
            Completed
        ));
        assert!(delivery_may_move(
            Some(ReturnedToSender),
            Dispatched,
            Completed
        ));
        assert!(!delivery_may_move(Some(Preparing), Delivered, Completed));
        assert!(!delivery_may_move(Some(Delivered), Dispatched, HandedOver));
    }
}
