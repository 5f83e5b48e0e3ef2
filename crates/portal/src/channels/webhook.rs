//! Any other SMS gateway: a plain JSON webhook. The portal POSTs
//! `{id, to, text, unicode, segments, language}` (the text already folded as `sms_text` says)
//! with the message id also as `Idempotency-Key`; a 2xx answer takes it (its JSON `id`, if
//! any, is kept as the gateway's id), 4xx other than 408 and 429 refuses it, anything else is
//! tried again later.

use std::time::Duration;

use serde::Serialize;

use super::message::{Accepted, Channel, DeliveryError, Message};
use super::sms_text::SmsText;

#[derive(Debug, Clone)]
pub struct Webhook {
    pub url: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<String>,
    pub client: reqwest::Client,
}

#[derive(Debug, Serialize)]
struct Body<'a> {
    id: String,
    to: &'a str,
    text: &'a str,
    unicode: bool,
    segments: usize,
    language: &'a str,
}

impl Webhook {
    pub fn new(url: String, token: Option<String>) -> Webhook {
        Webhook {
            url,
            token,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }
}

#[async_trait::async_trait]
impl Channel for Webhook {
    async fn deliver(&self, message: &Message) -> Result<Accepted, DeliveryError> {
        let sms = SmsText::for_sending(&message.text);
        let mut request = self
            .client
            .post(&self.url)
            .header("Idempotency-Key", message.id.to_string())
            .json(&Body {
                id: message.id.to_string(),
                to: &message.to,
                text: &sms.content,
                unicode: sms.unicode,
                segments: sms.segments,
                language: &message.language,
            });
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|error| DeliveryError::Transient {
                channel: "sms",
                detail: format!("the SMS webhook is unreachable: {error}"),
            })?;
        let status = response.status();
        if status.is_success() {
            let provider_id = response
                .json::<serde_json::Value>()
                .await
                .ok()
                .and_then(|body| body.get("id").and_then(|id| id.as_str().map(str::to_owned)));
            return Ok(Accepted { provider_id });
        }
        let detail = format!("the SMS webhook answered HTTP {status}");
        if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            Err(DeliveryError::Refused {
                channel: "sms",
                detail,
            })
        } else {
            Err(DeliveryError::Transient {
                channel: "sms",
                detail,
            })
        }
    }
}
