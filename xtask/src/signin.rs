//! Signing in a demo citizen against a demo portal, the way a person would: ask for a
//! one-time code, read it from the portal's dev outbox (where demo SMS land), exchange it.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use opendvc_api::{
    DemoAccounts, DemoCitizen, DevMessage, OtpRequest, StaffTokenRequest, StaffTokenResponse,
    TokenRequest, TokenResponse,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ureq::Agent;

use crate::command::CommandLine;

/// How long the one-time code may take to show up in the dev outbox.
const OTP_DEADLINE: Duration = Duration::from_secs(15);

/// A blocking HTTP client for one portal, keeping its connection alive between requests.
#[derive(Debug, Clone)]
pub struct PortalClient {
    agent: Agent,
    base_url: String,
}

impl PortalClient {
    pub fn new(base_url: &str) -> Self {
        let agent: Agent = Agent::config_builder()
            // Statuses are checked by the callers, which know what they expect.
            .http_status_as_error(false)
            // Only loopback is reached: a proxy from the environment must not get in between.
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        PortalClient {
            agent,
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// `GET path`, expecting 200 and JSON of type `T`.
    pub fn get_json<T: DeserializeOwned>(&self, path: &str, bearer: Option<&str>) -> Result<T> {
        let mut request = self.agent.get(self.url(path));
        if let Some(token) = bearer {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request
            .call()
            .with_context(|| format!("GET {path} failed"))?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string()?;
        if status != 200 {
            bail!("GET {path} answered {status}: {body}");
        }
        serde_json::from_str(&body)
            .with_context(|| format!("GET {path} answered JSON of another shape: {body}"))
    }

    /// `POST path` with a JSON body; returns the status and the body text.
    pub fn post_json<B: Serialize>(&self, path: &str, body: &B) -> Result<(u16, String)> {
        let mut response = self
            .agent
            .post(self.url(path))
            .send_json(body)
            .with_context(|| format!("POST {path} failed"))?;
        let status = response.status().as_u16();
        Ok((status, response.body_mut().read_to_string()?))
    }
}

/// The demo accounts, from `opendvc-portal demo-accounts`.
pub fn demo_accounts(portal_binary: &std::path::Path) -> Result<DemoAccounts> {
    let json = CommandLine::new(portal_binary)
        .arg("demo-accounts")
        .output()?;
    serde_json::from_str(&json).context("`opendvc-portal demo-accounts` printed unexpected JSON")
}

/// Signs a staff member (agent, volunteer or officer) in and returns the access token.
pub fn sign_in_staff(client: &PortalClient, code: &str, password: &str) -> Result<String> {
    let (status, body) = client.post_json(
        "/v1/auth/staff-token",
        &StaffTokenRequest {
            code: code.to_owned(),
            password: password.to_owned(),
        },
    )?;
    if status != 200 {
        bail!("POST /v1/auth/staff-token for {code} answered {status}, not 200: {body}");
    }
    let tokens: StaffTokenResponse = serde_json::from_str(&body)
        .with_context(|| format!("the staff token answer has another shape: {body}"))?;
    Ok(tokens.access_token)
}

/// Signs `citizen` in and returns the tokens.
pub fn sign_in_citizen(client: &PortalClient, citizen: &DemoCitizen) -> Result<TokenResponse> {
    let messages: Vec<DevMessage> = client.get_json(DEV_MESSAGES, None)?;
    let messages_before = sms_to(&messages, &citizen.phone).len();
    let (status, body) = client.post_json(
        "/v1/auth/otp",
        &OtpRequest {
            id_number: citizen.id_number.clone(),
        },
    )?;
    if status != 202 {
        bail!("POST /v1/auth/otp answered {status}, not 202: {body}");
    }

    // The code may be "sent" after the answer: wait for a new SMS to the citizen's phone that
    // holds it. Others may arrive meanwhile (the confirmations of applications a benchmark
    // created just before, which the sending worker is still working through).
    let deadline = Instant::now() + OTP_DEADLINE;
    let otp = loop {
        let messages: Vec<DevMessage> = client.get_json(DEV_MESSAGES, None)?;
        let to_citizen = sms_to(&messages, &citizen.phone);
        if let Some(code) = newest_code(to_citizen.get(messages_before..).unwrap_or_default()) {
            break code;
        }
        if Instant::now() >= deadline {
            let newest = to_citizen
                .get(messages_before..)
                .and_then(|new| new.last())
                .map(|message| format!("; the newest was {:?}", message.body))
                .unwrap_or_default();
            bail!(
                "no one-time code reached {} in {DEV_MESSAGES} within {} s{newest}",
                citizen.phone,
                OTP_DEADLINE.as_secs()
            );
        }
        thread::sleep(Duration::from_millis(100));
    };

    let (status, body) = client.post_json(
        "/v1/auth/token",
        &TokenRequest {
            id_number: citizen.id_number.clone(),
            otp,
        },
    )?;
    if status != 200 {
        bail!("POST /v1/auth/token answered {status}, not 200: {body}");
    }
    serde_json::from_str(&body).with_context(|| format!("POST /v1/auth/token answered {body}"))
}

const DEV_MESSAGES: &str = "/v1/dev/messages";

/// The SMS sent to `phone`, oldest first (the outbox lists oldest first).
fn sms_to<'a>(messages: &'a [DevMessage], phone: &str) -> Vec<&'a DevMessage> {
    messages
        .iter()
        .filter(|message| message.channel == "sms" && message.to == phone)
        .collect()
}

/// The code in the newest of `messages` (oldest first) that holds one.
fn newest_code(messages: &[&DevMessage]) -> Option<String> {
    messages
        .iter()
        .rev()
        .find_map(|message| otp_from_message(&message.body))
}

/// The one-time code in an SMS body: its only run of exactly six digits. `None` when there is
/// no such run, or more than one (then the code cannot be told apart).
pub fn otp_from_message(body: &str) -> Option<String> {
    let mut runs = body
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 6);
    let code = runs.next()?;
    match runs.next() {
        Some(_) => None,
        None => Some(code.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sms(body: &str) -> DevMessage {
        DevMessage {
            to: "+84903518246".to_owned(),
            channel: "sms".to_owned(),
            body: body.to_owned(),
            sent_at: chrono::DateTime::parse_from_rfc3339("2026-12-08T09:00:00+07:00")
                .expect("a time"),
        }
    }

    #[test]
    fn the_code_is_found_behind_messages_that_came_after_it() {
        let messages = [
            sms("OpenDVC: mã đăng nhập của bạn là 482913, có hiệu lực 5 phút."),
            sms(
                "OpenDVC: hồ sơ 000.00.48.H17-261208-1199 đã được tiếp nhận, hẹn trả kết quả \
                 ngày 17/12/2026. Tra cứu: http://127.0.0.1:46531/s/000.00.48.H17-261208-1199",
            ),
        ];
        let references: Vec<&DevMessage> = messages.iter().collect();
        assert_eq!(newest_code(&references).as_deref(), Some("482913"));
        assert_eq!(
            newest_code(&references[1..]),
            None,
            "a confirmation is not a code"
        );
    }

    #[test]
    fn otp_is_the_only_six_digit_run() {
        assert_eq!(
            otp_from_message("Mã OTP OpenDVC của bạn là 482913. Hiệu lực 5 phút.").as_deref(),
            Some("482913")
        );
        assert_eq!(otp_from_message("048213").as_deref(), Some("048213"));
    }

    #[test]
    fn longer_and_shorter_digit_runs_are_not_the_code() {
        assert_eq!(
            otp_from_message("Code 123456 for ID 048090001234, valid 10 minutes, call 1022")
                .as_deref(),
            Some("123456")
        );
        assert_eq!(otp_from_message("Your ID 048090001234 has no code"), None);
    }

    #[test]
    fn two_six_digit_runs_are_ambiguous() {
        assert_eq!(otp_from_message("Code 111111 or 222222"), None);
    }

    #[test]
    fn message_without_digits_has_no_code() {
        assert_eq!(otp_from_message("Xin chào"), None);
    }

    #[test]
    fn only_sms_to_the_citizen_count() {
        // Built from JSON, as the portal sends it, so the test needs no time crate of its own.
        let message = |to: &str, channel: &str, body: &str| -> DevMessage {
            serde_json::from_value(serde_json::json!({
                "to": to, "channel": channel, "body": body,
                "sentAt": "2026-11-29T10:00:00+07:00"
            }))
            .expect("a dev message as the portal sends it")
        };
        let messages = vec![
            message("+84905000001", "sms", "111111"),
            message("+84905000002", "sms", "222222"),
            message("+84905000001", "email", "333333"),
            message("+84905000001", "sms", "444444"),
        ];
        let bodies: Vec<&str> = sms_to(&messages, "+84905000001")
            .iter()
            .map(|message| message.body.as_str())
            .collect();
        assert_eq!(bodies, ["111111", "444444"]);
    }
}
