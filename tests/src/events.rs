//! A citizen's `/v1/events` stream (Server-Sent Events) read frame by frame, for the tests of
//! push across instances and restarts.

use std::time::Duration;

use crate::Portal;
use crate::fixtures::Citizen;

/// One Server-Sent Event: its `event:` name and its `data:` JSON.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub name: String,
    pub data: serde_json::Value,
}

/// A citizen's open `/v1/events` stream, read frame by frame.
#[derive(Debug)]
pub struct EventStream {
    response: reqwest::blocking::Response,
    unread: String,
}

impl EventStream {
    /// Opens the stream of `citizen` on `portal` (an instance, or a proxy's address).
    ///
    /// # Panics
    /// When the stream does not open with 200.
    pub fn open(portal: &Portal, citizen: &Citizen) -> EventStream {
        EventStream::open_with_patience(portal, citizen, Duration::from_secs(90))
    }

    /// Opens the stream, to be read for at most `patience` in all: a safety net for a stream
    /// that never delivers, not a measure.
    ///
    /// # Panics
    /// When the stream does not open with 200.
    pub fn open_with_patience(
        portal: &Portal,
        citizen: &Citizen,
        patience: Duration,
    ) -> EventStream {
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(patience)
            .build()
            .expect("a client");
        let response = client
            .get(format!("{}/v1/events", portal.url()))
            .bearer_auth(&citizen.access_token)
            .send()
            .expect("the event stream opens");
        assert_eq!(response.status(), 200, "the event stream opens");
        EventStream {
            response,
            unread: String::new(),
        }
    }

    /// Reads events until one is about `entity`, returning every event read, that one last.
    pub fn read_until_about(&mut self, entity: uuid::Uuid) -> Vec<SseEvent> {
        let wanted = entity.to_string();
        let mut events = Vec::new();
        loop {
            let event = self.next_event();
            let about = event.data.get("entityId").and_then(|id| id.as_str()) == Some(&wanted);
            events.push(event);
            if about {
                return events;
            }
        }
    }

    /// The next event (heartbeats skipped).
    pub fn next_event(&mut self) -> SseEvent {
        loop {
            if let Some(end) = self.unread.find("\n\n") {
                let frame: String = self.unread.drain(..end + 2).collect();
                let mut name = None;
                let mut data = None;
                for line in frame.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = Some(value.trim().to_owned());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data = serde_json::from_str(value.trim()).ok();
                    }
                }
                // Heartbeats are comment lines: no event, no data.
                if let (Some(name), Some(data)) = (name, data) {
                    return SseEvent { name, data };
                }
                continue;
            }
            let mut buffer = [0_u8; 1024];
            let read = std::io::Read::read(&mut self.response, &mut buffer)
                .expect("the event stream goes on");
            assert!(
                read > 0,
                "the event stream ended early; read so far: {:?}",
                self.unread
            );
            self.unread
                .push_str(&String::from_utf8_lossy(&buffer[..read]));
        }
    }
}
