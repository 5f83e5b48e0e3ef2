//! What the portal "sends": one-time codes and notices. A city plugs its SMS gateway and
//! mail server in here; the demo writes to the dev outbox, the default logs to stderr.

use std::sync::Arc;

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
    pub body: String,
}

/// Delivers messages. Called on the blocking pool; a failure is logged, never fatal to the
/// request that caused the message.
pub trait Sender: Send + Sync {
    fn send(&self, message: Outgoing, now: DateTime<FixedOffset>);
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

impl Sender for DevOutbox {
    fn send(&self, message: Outgoing, now: DateTime<FixedOffset>) {
        let record = DevMessage {
            to: message.to,
            channel: message.channel.to_owned(),
            body: message.body,
            sent_at: now,
        };
        if let Err(error) = self.store.record_message(&record) {
            eprintln!("dev outbox: could not record a message: {error}");
        }
    }
}

/// Without a gateway: messages are written to stderr for the operator.
#[derive(Debug, Clone, Copy, Default)]
pub struct StderrSender;

impl Sender for StderrSender {
    fn send(&self, message: Outgoing, now: DateTime<FixedOffset>) {
        eprintln!(
            "send {} to {} at {}: {}",
            message.channel,
            message.to,
            now.to_rfc3339(),
            message.body
        );
    }
}
