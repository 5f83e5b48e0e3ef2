//! What a channel delivers and how a delivery can fail.

use uuid::Uuid;

/// One message to one person on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Unique per message and kept across retries: the gateway's request id, so a resend after
    /// a crash is not delivered twice where the gateway deduplicates.
    pub id: Uuid,
    /// Phone number (`+84…`) or e-mail address.
    pub to: String,
    /// The e-mail's subject (unused by SMS).
    pub subject: Option<String>,
    /// The text, in the person's language.
    pub text: String,
    /// The person's language (`vi`, `en`, `id`): the e-mail's `lang`.
    pub language: String,
}

/// What the gateway said when it took the message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Accepted {
    /// The gateway's id of the message, when it gives one.
    pub provider_id: Option<String>,
}

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeliveryError {
    /// Worth trying again later: the gateway or the network failed, or asked to wait.
    #[error("the {channel} gateway failed for now (try again): {detail}")]
    Transient {
        channel: &'static str,
        detail: String,
    },
    /// Trying again cannot help: the gateway refused this message or the configuration.
    #[error("the {channel} gateway refused the message: {detail}")]
    Refused {
        channel: &'static str,
        detail: String,
    },
}

/// A way to reach people: an SMS gateway or a mail server.
#[async_trait::async_trait]
pub trait Channel: Send + Sync {
    /// `sms` or `email`.
    fn name(&self) -> &'static str;
    async fn deliver(&self, message: &Message) -> Result<Accepted, DeliveryError>;
}
