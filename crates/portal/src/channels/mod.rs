//! Reaching people outside the app: SMS through an HTTP gateway (eSMS, or any gateway behind a
//! JSON webhook) and e-mail over SMTP, each behind `message::Channel`. Vietnamese SMS are folded to
//! plain letters when diacritics would cost more than one segment (`sms_text`).
//!
//! `message` the channel trait and its types (imports nothing of the crate); `sms_text` the
//! folding and segment count; `esms`, `webhook`, `smtp` the channels; `gateway` the channels as
//! configured (with the dev outbox in demo mode), through which the notification outbox
//! (`crate::notifications`) delivers each message; the retries are the outbox's.

pub mod esms;
pub mod gateway;
pub mod message;
pub mod sms_text;
pub mod smtp;
pub mod webhook;
