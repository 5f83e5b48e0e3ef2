//! E-mail over SMTP with lettre: STARTTLS, TLS or (for a relay on the same host) plain, with
//! authentication when configured; each message multipart, plain text and HTML, in the
//! person's language. The message id (`Message-ID`) is the portal's own, kept across retries.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::message::{Accepted, Channel, DeliveryError, Message};

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
    /// No encryption: only for a relay on the same machine or network (and tests).
    None,
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of the `Message-ID`s.
    domain: String,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// The mail server settings, secrets already read from the environment.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `Name <address>`.
    pub from: String,
}

impl Smtp {
    pub fn new(settings: &SmtpSettings) -> Result<Smtp, String> {
        let from: Mailbox = settings.from.parse().map_err(|error| {
            format!(
                "the sender address {:?} is not an address: {error}",
                settings.from
            )
        })?;
        let builder = match settings.security {
            Security::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                    .map_err(|error| format!("the mail server {}: {error}", settings.host))?
            }
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
                .map_err(|error| format!("the mail server {}: {error}", settings.host))?,
            Security::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            }
        };
        let mut builder = builder
            .port(settings.port)
            .timeout(Some(std::time::Duration::from_secs(30)));
        if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        let domain = from.email.domain().to_owned();
        Ok(Smtp {
            transport: builder.build(),
            from,
            domain,
        })
    }
}

/// The text as HTML: escaped, a paragraph per blank-line-separated block, lines kept.
pub fn html_of(text: &str, language: &str) -> String {
    let escape = |line: &str| {
        line.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|block| {
            let lines: Vec<String> = block.lines().map(escape).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"></head><body>{}</body></html>",
        escape(language),
        paragraphs.join("")
    )
}

#[async_trait::async_trait]
impl Channel for Smtp {
    async fn deliver(&self, message: &Message) -> Result<Accepted, DeliveryError> {
        let refused = |detail: String| DeliveryError::Refused {
            channel: "email",
            detail,
        };
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|error| refused(format!("the address is not an e-mail address: {error}")))?;
        let message_id = format!("<{}@{}>", message.id, self.domain);
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone().unwrap_or_default())
            .message_id(Some(message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                html_of(&message.text, &message.language),
            ))
            .map_err(|error| refused(format!("the e-mail could not be built: {error}")))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(Accepted {
                provider_id: Some(message_id),
            }),
            Err(error) if error.is_permanent() => Err(refused(error.to_string())),
            Err(error) => Err(DeliveryError::Transient {
                channel: "email",
                detail: error.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_is_the_escaped_text_in_paragraphs_in_the_persons_language() {
        assert_eq!(
            html_of("Hồ sơ <A&B>\ndòng 2\n\nđoạn 2", "vi"),
            "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"></head><body>\
             <p>Hồ sơ &lt;A&amp;B&gt;<br>dòng 2</p><p>đoạn 2</p></body></html>"
        );
    }
}
