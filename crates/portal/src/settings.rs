//! The portal's configuration file (`portal.toml`, path by `--config` or
//! `OPENDVC_PORTAL_CONFIG`): how it reaches people (the SMS gateway, the mail server). Secrets
//! are never in the file and never on the command line: the file names the environment
//! variables that hold them (with defaults), and a file that holds a secret itself is refused.
//!
//! ```toml
//! [sms]
//! gateway = "esms"                 # or "webhook"
//! brandname = "DANANG"             # eSMS: the registered sender name
//! # url = "…"                      # eSMS: its JSON endpoint (default) / webhook: required
//! # sandbox = true                 # eSMS: validate without sending
//! # api_key_env = "OPENDVC_ESMS_API_KEY"        (defaults)
//! # secret_key_env = "OPENDVC_ESMS_SECRET_KEY"
//! # token_env = "OPENDVC_SMS_WEBHOOK_TOKEN"     # webhook: a bearer token, optional
//!
//! [email]
//! host = "smtp.danang.gov.vn"
//! port = 587
//! security = "starttls"            # or "tls", or "none" (a relay on this machine)
//! from = "Cổng dịch vụ công Đà Nẵng <khong-tra-loi@danang.gov.vn>"
//! # username_env = "OPENDVC_SMTP_USERNAME"      (defaults; no authentication if unset)
//! # password_env = "OPENDVC_SMTP_PASSWORD"
//!
//! [[open311.clients]]              # one per client application of Open311 GeoReport v2
//! name = "FixMyStreet Đà Nẵng"
//! api_key_sha256 = "…"             # the SHA-256 of its api_key, 64 hex digits (not the key)
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::channels::smtp::{Security, SmtpSettings};
use crate::open311::keys::{Open311Client, Open311Clients};

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the configuration file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("the configuration file {path} is not valid: {error}")]
    Invalid { path: String, error: String },
    #[error(
        "the configuration needs the secret in the environment variable {variable} ({what}); secrets are never read from the file or the command line"
    )]
    MissingSecret {
        variable: String,
        what: &'static str,
    },
}

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    #[serde(default)]
    pub sms: Option<SmsFile>,
    #[serde(default)]
    pub email: Option<EmailFile>,
    #[serde(default)]
    pub open311: Option<Open311File>,
    #[serde(default)]
    pub vnpay: Option<VnpayFile>,
}

/// VNPay's public sandbox: the payment page.
pub const VNPAY_SANDBOX_PAY_URL: &str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html";
/// VNPay's public sandbox: the merchant API (`querydr`, `refund`).
pub const VNPAY_SANDBOX_API_URL: &str =
    "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction";

/// `[vnpay]`: the merchant's terminal and where VNPay is; the secret only from the environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VnpayFile {
    pub tmn_code: String,
    #[serde(default = "default_vnpay_secret_env")]
    pub secret_env: String,
    #[serde(default)]
    pub pay_url: Option<String>,
    #[serde(default)]
    pub api_url: Option<String>,
}

fn default_vnpay_secret_env() -> String {
    "OPENDVC_VNPAY_SECRET".to_owned()
}

/// VNPay as configured, the secret read (the return URL comes from `--public-url`).
#[derive(Debug, Clone)]
pub struct VnpayAccount {
    pub tmn_code: String,
    pub secret: String,
    pub pay_url: String,
    pub api_url: String,
}

/// `[open311]`: the client applications that may file requests, each by its key's digest.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open311File {
    #[serde(default)]
    pub clients: Vec<Open311ClientFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open311ClientFile {
    pub name: String,
    pub api_key_sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayKind {
    Esms,
    Webhook,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsFile {
    pub gateway: GatewayKind,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub brandname: Option<String>,
    #[serde(default)]
    pub sms_type: Option<u8>,
    #[serde(default)]
    pub sandbox: bool,
    #[serde(default = "default_api_key_env")]
    pub api_key_env: String,
    #[serde(default = "default_secret_key_env")]
    pub secret_key_env: String,
    #[serde(default = "default_token_env")]
    pub token_env: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailFile {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub from: String,
    #[serde(default = "default_username_env")]
    pub username_env: String,
    #[serde(default = "default_password_env")]
    pub password_env: String,
}

fn default_api_key_env() -> String {
    "OPENDVC_ESMS_API_KEY".into()
}
fn default_secret_key_env() -> String {
    "OPENDVC_ESMS_SECRET_KEY".into()
}
fn default_token_env() -> String {
    "OPENDVC_SMS_WEBHOOK_TOKEN".into()
}
fn default_username_env() -> String {
    "OPENDVC_SMTP_USERNAME".into()
}
fn default_password_env() -> String {
    "OPENDVC_SMTP_PASSWORD".into()
}

/// The SMS gateway to use, secrets read.
#[derive(Debug, Clone)]
pub enum SmsSettings {
    Esms {
        url: String,
        api_key: String,
        secret_key: String,
        brandname: String,
        sms_type: u8,
        sandbox: bool,
    },
    Webhook {
        url: String,
        token: Option<String>,
    },
}

/// Everything the configuration says, secrets read.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub sms: Option<SmsSettings>,
    pub email: Option<SmtpSettings>,
    pub open311: Open311Clients,
    pub vnpay: Option<VnpayAccount>,
}

impl Settings {
    /// Reads `path`, taking secrets from `env` (the process environment in production).
    pub fn load(
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| SettingsError::Read {
            path: shown.clone(),
            error,
        })?;
        Settings::parse(&text, env).map_err(|error| match error {
            SettingsError::Invalid { error, .. } => SettingsError::Invalid { path: shown, error },
            other => other,
        })
    }

    /// The settings a file's text gives. A syntax error names the line but never quotes it:
    /// the line may hold a secret someone put in the file by mistake.
    pub fn parse(
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let file: SettingsFile = toml::from_str(text).map_err(|error| {
            let line = error
                .span()
                .map(|span| text.get(..span.start).unwrap_or(text).matches('\n').count() + 1);
            SettingsError::Invalid {
                path: String::new(),
                error: match line {
                    Some(line) => format!("line {line}: {}", error.message()),
                    None => error.message().to_owned(),
                },
            }
        })?;
        Settings::from_file(file, env)
    }

    pub fn from_file(
        file: SettingsFile,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let secret = |variable: &str, what: &'static str| {
            env(variable)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| SettingsError::MissingSecret {
                    variable: variable.to_owned(),
                    what,
                })
        };
        let invalid = |error: &str| SettingsError::Invalid {
            path: String::new(),
            error: error.to_owned(),
        };
        let sms = match file.sms {
            None => None,
            Some(sms) => Some(match sms.gateway {
                GatewayKind::Esms => SmsSettings::Esms {
                    url: sms
                        .url
                        .unwrap_or_else(|| crate::channels::esms::DEFAULT_URL.to_owned()),
                    api_key: secret(&sms.api_key_env, "the eSMS ApiKey")?,
                    secret_key: secret(&sms.secret_key_env, "the eSMS SecretKey")?,
                    brandname: sms
                        .brandname
                        .ok_or_else(|| invalid("[sms] gateway \"esms\" needs its brandname"))?,
                    sms_type: sms.sms_type.unwrap_or(2),
                    sandbox: sms.sandbox,
                },
                GatewayKind::Webhook => SmsSettings::Webhook {
                    url: sms
                        .url
                        .ok_or_else(|| invalid("[sms] gateway \"webhook\" needs its url"))?,
                    token: env(&sms.token_env).filter(|token| !token.is_empty()),
                },
            }),
        };
        let email = file.email.map(|email| SmtpSettings {
            host: email.host,
            port: email.port,
            security: email.security,
            username: env(&email.username_env).filter(|value| !value.is_empty()),
            password: env(&email.password_env).filter(|value| !value.is_empty()),
            from: email.from,
        });
        if let Some(email) = &email
            && email.username.is_some() != email.password.is_some()
        {
            return Err(invalid(
                "[email]: set both the user name and the password variables, or neither",
            ));
        }
        let mut open311 = Vec::new();
        for client in file.open311.unwrap_or_default().clients {
            open311.push(
                Open311Client::from_hex_digest(&client.name, &client.api_key_sha256).ok_or_else(
                    || {
                        invalid(&format!(
                            "[[open311.clients]] {:?}: api_key_sha256 must be the key's SHA-256 in 64 hex digits",
                            client.name
                        ))
                    },
                )?,
            );
        }
        let vnpay = match file.vnpay {
            None => None,
            Some(vnpay) => Some(VnpayAccount {
                secret: secret(&vnpay.secret_env, "the VNPay hash secret")?,
                tmn_code: vnpay.tmn_code,
                pay_url: vnpay
                    .pay_url
                    .unwrap_or_else(|| VNPAY_SANDBOX_PAY_URL.to_owned()),
                api_url: vnpay
                    .api_url
                    .unwrap_or_else(|| VNPAY_SANDBOX_API_URL.to_owned()),
            }),
        };
        Ok(Settings {
            sms,
            email,
            open311: Open311Clients::new(open311),
            vnpay,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, env: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::parse(text, &move |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn esms_keys_come_from_the_environment() {
        let settings = parse(
            "[sms]\ngateway = \"esms\"\nbrandname = \"DANANG\"\nsandbox = true\n",
            &[
                ("OPENDVC_ESMS_API_KEY", "k"),
                ("OPENDVC_ESMS_SECRET_KEY", "s"),
            ],
        )
        .expect("valid");
        let Some(SmsSettings::Esms {
            api_key,
            secret_key,
            sandbox,
            ..
        }) = settings.sms
        else {
            panic!("eSMS configured");
        };
        assert_eq!(
            (api_key.as_str(), secret_key.as_str(), sandbox),
            ("k", "s", true)
        );
    }

    #[test]
    fn a_missing_secret_is_named_and_a_secret_in_the_file_is_refused() {
        let missing = parse("[sms]\ngateway = \"esms\"\nbrandname = \"X\"\n", &[])
            .expect_err("no keys in the environment");
        assert!(
            missing.to_string().contains("OPENDVC_ESMS_API_KEY"),
            "names the variable: {missing}"
        );
        let in_file = parse(
            "[email]\nhost = \"h\"\nport = 25\nsecurity = \"none\"\nfrom = \"a@b.vn\"\npassword = \"hunter2\"\n",
            &[],
        )
        .expect_err("a password in the file");
        assert!(
            !in_file.to_string().contains("hunter2"),
            "the refusal does not repeat the secret: {in_file}"
        );
    }

    #[test]
    fn open311_clients_are_configured_by_their_keys_digest_never_the_key() {
        let digest = "a".repeat(64);
        let settings = parse(
            &format!(
                "[[open311.clients]]\nname = \"FixMyStreet\"\napi_key_sha256 = \"{digest}\"\n"
            ),
            &[],
        )
        .expect("a client with a digest");
        assert!(
            settings.open311 != Open311Clients::default(),
            "the configured client is known"
        );
        let plain_key = parse(
            "[[open311.clients]]\nname = \"FixMyStreet\"\napi_key = \"s3cret\"\n",
            &[],
        )
        .expect_err("a key itself in the file");
        assert!(
            !plain_key.to_string().contains("s3cret"),
            "the refusal does not repeat the key: {plain_key}"
        );
        let bad_digest = parse(
            "[[open311.clients]]\nname = \"FixMyStreet\"\napi_key_sha256 = \"abc\"\n",
            &[],
        )
        .expect_err("a digest too short");
        assert!(
            bad_digest.to_string().contains("64 hex digits"),
            "the refusal says what a digest looks like: {bad_digest}"
        );
    }
}
