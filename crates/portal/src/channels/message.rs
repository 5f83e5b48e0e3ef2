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
    async fn deliver(&self, message: &Message) -> Result<Accepted, DeliveryError>;
}

/// A recipient as logs and operators may see it: the last two digits of a phone number, the
/// domain of an e-mail address.
pub fn masked(recipient: &str) -> String {
    if let Some((_, domain)) = recipient.rsplit_once('@') {
        return format!("…@{domain}");
    }
    let digits: Vec<char> = recipient.chars().filter(char::is_ascii_digit).collect();
    let shown: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("…{shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_masked() {
        assert_eq!(masked("+84905123456"), "…56");
        assert_eq!(masked("lan.nguyen@example.invalid"), "…@example.invalid");
        assert_eq!(masked(""), "…");
    }
}
