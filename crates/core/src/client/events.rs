//! Reading `GET /v1/events`: a Server-Sent Events stream, parsed as it arrives.

use std::time::Duration;

use opendvc_api::{EVENTS_HEARTBEAT_SECONDS, PushEvent};
use reqwest::{Response, StatusCode};

use super::PortalClient;
use super::errors::ClientError;
use super::request::{decode, error_for};

/// The longest a stream may stay silent (no event, no heartbeat) before it counts as cut:
/// three missed heartbeats.
pub const IDLE_LIMIT: Duration = Duration::from_secs(3 * EVENTS_HEARTBEAT_SECONDS);

/// Longest line accepted on a stream; a portal sending more is broken.
const MAX_LINE: usize = 64 * 1024;

/// One event as the SSE format delivers it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

/// An incremental parser of the `text/event-stream` format (the WHATWG HTML standard,
/// "Server-sent events"): bytes in, complete events out. Comment lines (heartbeats) are
/// skipped.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    current: SseEvent,
    has_data: bool,
    last_was_cr: bool,
}

impl SseParser {
    /// Feeds `bytes`; returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, ClientError> {
        let mut events = Vec::new();
        for &byte in bytes {
            if byte == b'\n' && self.last_was_cr {
                self.last_was_cr = false;
                continue;
            }
            self.last_was_cr = byte == b'\r';
            if byte == b'\n' || byte == b'\r' {
                let line = std::mem::take(&mut self.line);
                if let Some(event) = self.line_done(&line) {
                    events.push(event);
                }
            } else {
                if self.line.len() >= MAX_LINE {
                    return Err(ClientError::Malformed {
                        what: "event stream: a line longer than 64 KiB".to_owned(),
                    });
                }
                self.line.push(byte);
            }
        }
        Ok(events)
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.current);
            let had_data = std::mem::take(&mut self.has_data);
            return (had_data || event.id.is_some()).then_some(event);
        }
        if line.starts_with(b":") {
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "id" => self.current.id = Some(value.to_owned()),
            "event" => self.current.event = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        None
    }
}

/// An open event stream.
#[derive(Debug)]
pub struct EventStream {
    response: Response,
    parser: SseParser,
    ready: std::collections::VecDeque<SseEvent>,
}

impl EventStream {
    /// The next event; `Ok(None)` when the portal closed the stream. A stream silent for
    /// longer than [`IDLE_LIMIT`] is an error ([`ClientError::Timeout`]).
    pub async fn next(&mut self) -> Result<Option<PushEvent>, ClientError> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                let mut push: PushEvent = decode("push event", event.data.as_bytes())?;
                if push.id.is_empty()
                    && let Some(id) = event.id
                {
                    push.id = id;
                }
                return Ok(Some(push));
            }
            let chunk = tokio::time::timeout(IDLE_LIMIT, self.response.chunk())
                .await
                .map_err(|_| ClientError::Timeout)?
                .map_err(ClientError::from_reqwest)?;
            match chunk {
                Some(bytes) => self.ready.extend(self.parser.feed(&bytes)?),
                None => return Ok(None),
            }
        }
    }
}

/// How long one stream may stay open before the request times out; the idle limit ends a
/// dead stream much sooner.
const STREAM_LIFETIME: Duration = Duration::from_secs(24 * 3600);

impl PortalClient {
    /// Opens `GET /v1/events`, resuming after `last_event_id`. A refused token is refreshed
    /// once, as for every other request.
    pub async fn open_events(
        &self,
        last_event_id: Option<&str>,
    ) -> Result<EventStream, ClientError> {
        let url = self.url("/v1/events");
        let build = |access: &str| {
            let request = self
                .http
                .get(&url)
                .timeout(STREAM_LIFETIME)
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .bearer_auth(access);
            match last_event_id {
                Some(id) => request.header("Last-Event-ID", id),
                None => request,
            }
        };
        let tokens = self
            .tokens
            .current()
            .map_err(|error| ClientError::Unreachable(format!("token store: {error}")))?
            .ok_or(ClientError::NotSignedIn)?;
        let mut response = self.send_plain(build(&tokens.access_token)).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            let access = self.refresh(&tokens.access_token).await?;
            response = self.send_plain(build(&access)).await?;
        }
        if !response.status().is_success() {
            let (status, headers, body) = self.read_body(response).await?;
            return Err(error_for(status, &headers, &body));
        }
        Ok(EventStream {
            response,
            parser: SseParser::default(),
            ready: std::collections::VecDeque::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_are_parsed_once_complete() {
        let mut parser = SseParser::default();
        assert!(
            parser
                .feed(b": heartbeat\n\nid: 7\nevent: appl")
                .expect("feed")
                .is_empty()
        );
        let events = parser
            .feed(b"ication\ndata: {\"id\":\"7\"}\r\n\r\n")
            .expect("feed");
        assert_eq!(
            events,
            vec![SseEvent {
                id: Some("7".into()),
                event: Some("application".into()),
                data: "{\"id\":\"7\"}".into(),
            }]
        );
    }

    #[test]
    fn multi_line_data_is_joined_with_newlines_and_comments_are_skipped() {
        let mut parser = SseParser::default();
        let events = parser.feed(b"data: a\n:x\ndata: b\n\n:\n\n").expect("feed");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "a\nb");
    }

    #[test]
    fn an_endless_line_is_refused() {
        let mut parser = SseParser::default();
        let long = vec![b'a'; MAX_LINE + 1];
        assert!(parser.feed(&long).is_err());
    }
}
