//! The portal's sender over real channels: each message goes to the SMS gateway or the mail
//! server the configuration names, in the background, tried again with growing waits while the
//! gateway fails for now (never when it refuses). In demo mode every message also lands in the
//! dev outbox, so demo clients and tests still read what was sent.
//!
//! Retries here live in the process: a message being retried when the portal stops is lost.
//! The durable notification outbox of issue 14 (a row per message, written with the change that
//! causes it) is what will replace them.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

use super::esms::Esms;
use super::message::{Channel, DeliveryError, Message};
use super::smtp::Smtp;
use super::webhook::Webhook;
use crate::sender::{LogSender, Outgoing, Sender, masked};
use crate::settings::{Settings, SmsSettings};

/// How long to wait before each retry of a message whose gateway failed for now.
const RETRY_WAITS: [Duration; 4] = [
    Duration::from_secs(2),
    Duration::from_secs(10),
    Duration::from_secs(60),
    Duration::from_secs(300),
];

pub struct GatewaySender {
    sms: Option<Arc<dyn Channel>>,
    email: Option<Arc<dyn Channel>>,
    /// Also given every message (the dev outbox in demo mode).
    also: Option<Arc<dyn Sender>>,
}

impl std::fmt::Debug for GatewaySender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewaySender")
            .field("sms", &self.sms.is_some())
            .field("email", &self.email.is_some())
            .finish_non_exhaustive()
    }
}

impl GatewaySender {
    /// The channels `settings` configure; `also` receives every message too.
    pub fn new(
        settings: &Settings,
        also: Option<Arc<dyn Sender>>,
    ) -> Result<GatewaySender, String> {
        let sms: Option<Arc<dyn Channel>> = match &settings.sms {
            None => None,
            Some(SmsSettings::Esms {
                url,
                api_key,
                secret_key,
                brandname,
                sms_type,
                sandbox,
            }) => {
                let mut esms = Esms::new(
                    url.clone(),
                    api_key.clone(),
                    secret_key.clone(),
                    brandname.clone(),
                );
                esms.sms_type = *sms_type;
                esms.sandbox = *sandbox;
                Some(Arc::new(esms))
            }
            Some(SmsSettings::Webhook { url, token }) => {
                Some(Arc::new(Webhook::new(url.clone(), token.clone())))
            }
        };
        let email: Option<Arc<dyn Channel>> = match &settings.email {
            None => None,
            Some(smtp) => Some(Arc::new(Smtp::new(smtp)?)),
        };
        Ok(GatewaySender { sms, email, also })
    }
}

/// Delivers `message`, trying again after each wait while the channel fails for now.
async fn deliver_with_retries(channel: Arc<dyn Channel>, message: Message, kind: String) {
    let mut waits = RETRY_WAITS.iter();
    loop {
        match channel.deliver(&message).await {
            Ok(accepted) => {
                tracing::info!(
                    kind = %kind,
                    channel = channel.name(),
                    to = %masked(&message.to),
                    message_id = %message.id,
                    provider_id = accepted.provider_id.as_deref().unwrap_or(""),
                    "message delivered to the {} gateway",
                    channel.name()
                );
                return;
            }
            Err(error @ DeliveryError::Refused { .. }) => {
                tracing::error!(kind = %kind, to = %masked(&message.to), message_id = %message.id, %error, "message refused");
                return;
            }
            Err(error) => match waits.next() {
                Some(wait) => {
                    tracing::warn!(kind = %kind, to = %masked(&message.to), message_id = %message.id, %error, "message not delivered yet; trying again in {} s", wait.as_secs());
                    tokio::time::sleep(*wait).await;
                }
                None => {
                    tracing::error!(kind = %kind, to = %masked(&message.to), message_id = %message.id, %error, "message given up after every retry");
                    return;
                }
            },
        }
    }
}

#[async_trait]
impl Sender for GatewaySender {
    async fn send(&self, message: Outgoing, now: DateTime<FixedOffset>) {
        if let Some(also) = &self.also {
            also.send(message.clone(), now).await;
        }
        let channel = match message.channel {
            "sms" => self.sms.clone(),
            "email" => self.email.clone(),
            _ => None,
        };
        let Some(channel) = channel else {
            if self.also.is_none() {
                LogSender.send(message, now).await;
            }
            return;
        };
        let kind = message.kind.clone();
        let outgoing = Message {
            id: Uuid::now_v7(),
            to: message.to,
            subject: message.subject,
            text: message.body,
            language: message.language,
        };
        tokio::spawn(deliver_with_retries(channel, outgoing, kind));
    }
}
