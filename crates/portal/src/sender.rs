//! What the portal "sends": one-time codes and notices. A city plugs its SMS gateway and
//! mail server in here; the demo writes to the dev outbox. The default, without a gateway,
//! only logs that a message went out: its kind, channel and a masked recipient, never the
//! text (a one-time code would be readable by anyone who reads the logs) nor the phone
//! number or address.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use opendvc_api::DevMessage;

use crate::store::Store;

/// A message on its way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Phone number or e-mail address.
    pub to: String,
    /// `sms` or `email`.
    pub channel: &'static str,
    /// What the message is, for logs: its Fluent message id (`otp-sms`, `status-email` …).
    pub kind: String,
    /// The e-mail's subject (`None` for SMS).
    pub subject: Option<String>,
    pub body: String,
    /// The recipient's language (`vi`, `en`, `id`).
    pub language: String,
}

/// Delivers messages. A failure is logged, never fatal to the request that caused the
/// message. Async, like the store, so a gateway's client (or the dev outbox's store) is awaited
/// rather than blocking a worker thread.
#[async_trait]
pub trait Sender: Send + Sync {
    async fn send(&self, message: Outgoing, now: DateTime<FixedOffset>);
}

/// Demo mode: messages land in the dev outbox (`GET /v1/dev/messages`).
#[derive(Clone)]
pub struct DevOutbox {
    pub store: Arc<dyn Store>,
}

impl std::fmt::Debug for DevOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DevOutbox")
    }
}

#[async_trait]
impl Sender for DevOutbox {
    async fn send(&self, message: Outgoing, now: DateTime<FixedOffset>) {
        let record = DevMessage {
            to: message.to,
            channel: message.channel.to_owned(),
            body: message.body,
            sent_at: now,
        };
        if let Err(error) = self.store.record_message(&record).await {
            tracing::error!(%error, "dev outbox: could not record a message");
        }
    }
}

/// Without a gateway: a line on stderr says that a message went out, with its kind, channel
/// and masked recipient; the text and the full recipient are never written.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogSender;

#[async_trait]
impl Sender for LogSender {
    async fn send(&self, message: Outgoing, now: DateTime<FixedOffset>) {
        tracing::info!(
            kind = %message.kind,
            channel = %message.channel,
            to = %masked(&message.to),
            at = %now.to_rfc3339(),
            "sent {} by {} (no gateway configured: not delivered)",
            message.kind,
            message.channel,
        );
    }
}

/// A recipient as logs may show it: the last two digits of a phone number, the domain of an
/// e-mail address.
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
