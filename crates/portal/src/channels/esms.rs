//! eSMS (esms.vn), a Vietnamese SMS gateway, over its JSON API: `ApiKey`, `SecretKey`,
//! `Phone`, `Content`, `Brandname`, `SmsType`, `IsUnicode`, `RequestId` (and `Sandbox`, which
//! validates without sending); success is `CodeResult` 100, with the gateway's `SMSID`.
//! `RequestId` is the message's own id, so a resend of the same message is not delivered
//! twice.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::message::{Accepted, Channel, DeliveryError, Message};
use super::sms_text::SmsText;

/// The gateway's endpoint for one message as JSON.
pub const DEFAULT_URL: &str =
    "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/";

/// An eSMS account.
#[derive(Debug, Clone)]
pub struct Esms {
    pub url: String,
    pub api_key: String,
    pub secret_key: String,
    /// The registered sender name shown on the phone.
    pub brandname: String,
    /// eSMS's message type (2: customer care with a brand name).
    pub sms_type: u8,
    /// Validate only, send nothing.
    pub sandbox: bool,
    pub client: reqwest::Client,
}

/// The request eSMS takes (its field names).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Request<'a> {
    api_key: &'a str,
    secret_key: &'a str,
    phone: String,
    content: &'a str,
    brandname: &'a str,
    sms_type: String,
    /// "1" when the content is sent with diacritics (UCS-2).
    is_unicode: &'static str,
    request_id: String,
    /// "1": validate without sending.
    sandbox: &'static str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reply {
    code_result: serde_json::Value,
    #[serde(default, rename = "SMSID")]
    sms_id: Option<serde_json::Value>,
    #[serde(default)]
    error_message: Option<String>,
}

/// eSMS's codes that say the request itself is wrong (a resend cannot help): bad keys, a
/// brand name not registered, a blocked number, a content template not approved.
const REFUSALS: &[&str] = &[
    "101", "102", "103", "104", "118", "119", "131", "132", "146",
];

impl Esms {
    pub fn new(url: String, api_key: String, secret_key: String, brandname: String) -> Esms {
        Esms {
            url,
            api_key,
            secret_key,
            brandname,
            sms_type: 2,
            sandbox: false,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }
}

/// eSMS writes numbers in the national form (`0905…`).
fn national(phone: &str) -> String {
    match phone.strip_prefix("+84") {
        Some(rest) => format!("0{rest}"),
        None => phone.to_owned(),
    }
}

fn code_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[async_trait::async_trait]
impl Channel for Esms {
    async fn deliver(&self, message: &Message) -> Result<Accepted, DeliveryError> {
        let transient = |detail: String| DeliveryError::Transient {
            channel: "sms",
            detail,
        };
        let sms = SmsText::for_sending(&message.text);
        let request = Request {
            api_key: &self.api_key,
            secret_key: &self.secret_key,
            phone: national(&message.to),
            content: &sms.content,
            brandname: &self.brandname,
            sms_type: self.sms_type.to_string(),
            is_unicode: if sms.unicode { "1" } else { "0" },
            request_id: message.id.to_string(),
            sandbox: if self.sandbox { "1" } else { "0" },
        };
        let response = self
            .client
            .post(&self.url)
            .json(&request)
            .send()
            .await
            .map_err(|error| transient(format!("eSMS unreachable: {error}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(transient(format!("eSMS answered HTTP {status}")));
        }
        let reply: Reply = response.json().await.map_err(|error| {
            transient(format!(
                "eSMS answered something else than its JSON: {error}"
            ))
        })?;
        let code = code_text(&reply.code_result);
        let detail = || {
            format!(
                "eSMS code {code}: {}",
                reply.error_message.clone().unwrap_or_default()
            )
        };
        match code.as_str() {
            "100" => Ok(Accepted {
                provider_id: reply.sms_id.as_ref().map(code_text),
            }),
            refused if REFUSALS.contains(&refused) => Err(DeliveryError::Refused {
                channel: "sms",
                detail: detail(),
            }),
            _ => Err(transient(detail())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_go_to_esms_in_the_national_form() {
        assert_eq!(national("+84905123456"), "0905123456");
        assert_eq!(national("0905123456"), "0905123456");
    }

    #[test]
    fn the_request_has_esms_field_names() {
        let request = Request {
            api_key: "k",
            secret_key: "s",
            phone: "0905123456".into(),
            content: "x",
            brandname: "DANANG",
            sms_type: "2".into(),
            is_unicode: "0",
            request_id: "id".into(),
            sandbox: "1",
        };
        let value = serde_json::to_value(&request).expect("serialises");
        for field in [
            "ApiKey",
            "SecretKey",
            "Phone",
            "Content",
            "Brandname",
            "SmsType",
            "IsUnicode",
            "RequestId",
            "Sandbox",
        ] {
            assert!(value.get(field).is_some(), "eSMS's field {field} is sent");
        }
    }
}
