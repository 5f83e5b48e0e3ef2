//! A change to an application as domain logic decides it (`ApplicationChange`), and the
//! decision itself (`ChangeDecision`), run by a store inside its transaction: a room of its own,
//! so that the store's rooms (applications, payments) use it without importing their parent.

use opendvc_api::{Actor, Application, ApplicationStatus, Delivery, InboxItem, Rating, Supplement};

use super::access::AccessEntry;
use super::notifications::NewNotice;
use crate::error::ApiError;

/// A change to an application, computed from its current state by domain logic.
#[derive(Debug, Clone, Default)]
pub struct ApplicationChange {
    /// Timeline entries to append, in order: status, actor and note. The last one's status
    /// becomes the application's status.
    pub entries: Vec<(ApplicationStatus, Actor, Option<String>)>,
    pub delivery: Option<Delivery>,
    pub supplement: Option<Supplement>,
    pub rating: Option<Rating>,
    /// The officer (code) the application is now assigned to.
    pub assigned_to: Option<String>,
    pub inbox: Vec<InboxItem>,
    /// The access log entry of a follow-up made by staff, written in the same transaction.
    pub access: Option<AccessEntry>,
    /// SMS and e-mail the change causes, written into the notification outbox in the same
    /// transaction, so a change is never without its messages nor a message without its change.
    pub notices: Vec<NewNotice>,
}

/// Domain logic deciding a change from the current application, run inside the transaction.
pub type ChangeDecision =
    Box<dyn FnOnce(&Application) -> Result<ApplicationChange, ApiError> + Send>;
