//! The client applications allowed to file requests through Open311, each with its own
//! `api_key`. The portal keeps only each key's SHA-256 (the configuration file holds no
//! secret), and compares a presented key's digest with every client's in constant time, so the
//! answer's timing tells nothing about how close a guess was or which client it matched.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// One client application: its name (for the logs and the timeline) and its key's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Client {
    pub name: String,
    pub key_sha256: [u8; 32],
}

impl Open311Client {
    /// A client from the hex SHA-256 of its key, as the configuration file writes it.
    pub fn from_hex_digest(name: &str, digest: &str) -> Option<Open311Client> {
        let bytes = hex::decode(digest.trim()).ok()?;
        Some(Open311Client {
            name: name.to_owned(),
            key_sha256: bytes.try_into().ok()?,
        })
    }

    #[cfg(test)]
    pub fn from_key(name: &str, key: &str) -> Open311Client {
        Open311Client {
            name: name.to_owned(),
            key_sha256: Sha256::digest(key.as_bytes()).into(),
        }
    }
}

/// Every client the portal knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Open311Clients {
    clients: Vec<Open311Client>,
}

impl Open311Clients {
    pub fn new(clients: Vec<Open311Client>) -> Open311Clients {
        Open311Clients { clients }
    }

    /// The client whose key `key` is. Every client's digest is compared, whichever matches.
    pub fn identify(&self, key: &str) -> Option<&Open311Client> {
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let mut found = None;
        for client in &self.clients {
            if bool::from(client.key_sha256.ct_eq(&digest)) {
                found = Some(client);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_known_by_its_key_and_by_no_other() {
        let clients = Open311Clients::new(vec![
            Open311Client::from_key("FixMyStreet Đà Nẵng", "key-one"),
            Open311Client::from_hex_digest("Zalo OA", &hex::encode(Sha256::digest(b"key-two")))
                .expect("a 64-digit hex digest"),
        ]);
        assert_eq!(
            clients
                .identify("key-two")
                .map(|client| client.name.as_str()),
            Some("Zalo OA"),
            "a key written as its digest in the configuration is recognised"
        );
        assert_eq!(
            clients
                .identify("key-one")
                .map(|client| client.name.as_str()),
            Some("FixMyStreet Đà Nẵng")
        );
        assert!(
            clients.identify("key-on").is_none(),
            "a near miss is unknown"
        );
        assert!(clients.identify("").is_none(), "an empty key is unknown");
        assert!(
            Open311Client::from_hex_digest("short", "abcd").is_none(),
            "a digest that is no SHA-256 is refused"
        );
    }
}
