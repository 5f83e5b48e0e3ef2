//! The portal's channels as configured: the SMS gateway and the mail server of `portal.toml`,
//! the dev outbox in demo mode, and, with neither, a log line that a message would have gone
//! out. The notification outbox (`crate::notifications`) delivers each round of rows through
//! [`Channels::deliver_all`] and keeps the retries; nothing here waits or tries again.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use opendvc_api::DevMessage;

use super::esms::Esms;
use super::message::{Accepted, Channel, DeliveryError, Message, masked};
use super::smtp::Smtp;
use super::webhook::Webhook;
use crate::settings::{Settings, SmsSettings};
use crate::store::{Notice, Store};

/// Demo mode: what the portal sends is listed at `GET /v1/dev/messages`.
#[derive(Clone)]
pub struct DevOutbox {
    pub store: Arc<dyn Store>,
}

impl DevOutbox {
    /// Records `notices` as sent at `now`, in one write.
    async fn record(&self, notices: &[&Notice], now: DateTime<FixedOffset>) -> Result<(), String> {
        let records: Vec<DevMessage> = notices
            .iter()
            .map(|notice| DevMessage {
                to: notice.recipient.clone(),
                channel: notice.channel.clone(),
                body: notice.body.clone(),
                sent_at: now,
            })
            .collect();
        self.store
            .record_messages(&records)
            .await
            .map_err(|error| error.to_string())
    }
}

/// Every way out the configuration gives.
#[derive(Default)]
pub struct Channels {
    sms: Option<Arc<dyn Channel>>,
    email: Option<Arc<dyn Channel>>,
    /// The dev outbox, given each message at its first attempt (demo mode).
    dev: Option<DevOutbox>,
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels")
            .field("sms", &self.sms.is_some())
            .field("email", &self.email.is_some())
            .field("dev", &self.dev.is_some())
            .finish()
    }
}

impl Channels {
    /// The channels `settings` configure (none without a file), and the dev outbox in demo
    /// mode.
    pub fn new(settings: Option<&Settings>, dev: Option<DevOutbox>) -> Result<Channels, String> {
        let Some(settings) = settings else {
            return Ok(Channels {
                dev,
                ..Channels::default()
            });
        };
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
        Ok(Channels { sms, email, dev })
    }

    /// One attempt at each of `notices`, answered in their order. The dev outbox records the
    /// round's first attempts in one write; then each goes to the configured gateway of its
    /// channel (with the row's id as the message id), all at once. Without a gateway the dev
    /// outbox's record is the delivery, and without either a log line (kind, channel, masked
    /// recipient; never the text) is.
    pub async fn deliver_all(
        &self,
        notices: &[Notice],
        now: DateTime<FixedOffset>,
    ) -> Vec<Result<Accepted, DeliveryError>> {
        let first_attempt = |notice: &Notice| self.dev.is_some() && notice.attempts <= 1;
        let firsts: Vec<&Notice> = notices.iter().filter(|n| first_attempt(n)).collect();
        let recorded = match &self.dev {
            Some(dev) if !firsts.is_empty() => dev.record(&firsts, now).await,
            _ => Ok(()),
        };
        futures_util::future::join_all(notices.iter().map(|notice| async {
            match &recorded {
                Err(detail) if first_attempt(notice) => Err(DeliveryError::Transient {
                    channel: "dev",
                    detail: detail.clone(),
                }),
                _ => self.deliver(notice).await,
            }
        }))
        .await
    }

    /// One attempt at `notice` through its channel's gateway.
    async fn deliver(&self, notice: &Notice) -> Result<Accepted, DeliveryError> {
        let gateway = match notice.channel.as_str() {
            "sms" => self.sms.as_ref(),
            "email" => self.email.as_ref(),
            _ => None,
        };
        match gateway {
            Some(gateway) => {
                gateway
                    .deliver(&Message {
                        id: notice.id,
                        to: notice.recipient.clone(),
                        subject: notice.subject.clone(),
                        text: notice.body.clone(),
                        language: notice.language.clone(),
                    })
                    .await
            }
            None => {
                if self.dev.is_none() {
                    tracing::info!(
                        kind = %notice.kind,
                        channel = %notice.channel,
                        to = %masked(&notice.recipient),
                        "sent {} by {} (no gateway configured: not delivered)",
                        notice.kind,
                        notice.channel,
                    );
                }
                Ok(Accepted::default())
            }
        }
    }
}
