//! What the sender hands a transport for one item, and what comes back. The real transport
//! is the portal client ([`crate::client::PortalClient`]); tests use scripted ones.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use opendvc_api::{
    Application, Attachment, DeliveryChoice, Document, Feedback, FeedbackCreated, NewApplication,
    NewDocument, NewFeedback, NewSupplement, Rating, ReopenFeedback, WithdrawRequest,
};
use serde::Serialize;
use uuid::Uuid;

use crate::client::errors::ClientError;

/// Reports how many bytes of an upload have gone out so far.
#[derive(Clone)]
pub struct UploadProgress(Arc<dyn Fn(u64) + Send + Sync>);

impl UploadProgress {
    pub fn new(report: impl Fn(u64) + Send + Sync + 'static) -> Self {
        UploadProgress(Arc::new(report))
    }

    pub fn report(&self, bytes_sent: u64) {
        (self.0)(bytes_sent);
    }
}

impl fmt::Debug for UploadProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UploadProgress")
    }
}

/// Listens to upload progress of any item: `(item id, bytes sent, bytes in all)`.
pub type ProgressListener = Arc<dyn Fn(Uuid, u64, u64) + Send + Sync>;

/// A request the sender makes for one item.
#[derive(Debug, Clone)]
pub enum OutboundRequest {
    Upload {
        bytes: Vec<u8>,
        content_type: String,
        file_name: Option<String>,
        /// Called as the body goes out, for large uploads.
        progress: Option<UploadProgress>,
    },
    Create(NewApplication),
    Supplement {
        application_id: Uuid,
        body: NewSupplement,
    },
    DeliveryChange {
        application_id: Uuid,
        body: DeliveryChoice,
    },
    Withdraw {
        application_id: Uuid,
        body: WithdrawRequest,
    },
    Rating {
        application_id: Uuid,
        body: Rating,
    },
    FileFeedback(NewFeedback),
    RateFeedback {
        feedback_id: Uuid,
        body: Rating,
    },
    ReopenFeedback {
        feedback_id: Uuid,
        body: ReopenFeedback,
    },
    AddDocument(NewDocument),
}

/// What the server answered to an item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ServerAnswer {
    Attachment(Attachment),
    Application(Box<Application>),
    /// `POST /v1/feedback`'s 201.
    FeedbackCreated(FeedbackCreated),
    /// A feedback follow-up's answer: the item as it is now.
    Feedback(Box<Feedback>),
    /// `POST /v1/documents`'s 201: the document as the portal's wallet holds it.
    Document(Box<Document>),
}

/// Sends one item's request to the portal with the item's `Idempotency-Key`.
/// [`crate::client::PortalClient`] is the real one; tests use scripted ones.
pub trait Transport: Send + Sync {
    fn deliver(
        &self,
        idempotency_key: Uuid,
        request: OutboundRequest,
    ) -> impl Future<Output = Result<ServerAnswer, ClientError>> + Send;
}
