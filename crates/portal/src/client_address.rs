//! Who is on the other end of a request: the client address the rate limits count.
//!
//! The address is the TCP peer's, unless the peer is a trusted proxy (a city's load balancer,
//! `serve --trusted-proxy ADDR_OR_CIDR`): then it is read from `X-Forwarded-For`, from the
//! right, skipping the trusted proxies, because each proxy appends the address it saw and
//! only what trusted proxies appended can be believed. A header from any other peer is
//! ignored: a client cannot escape its limits by naming a new address in every request.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::error::ApiError;

/// The header load balancers append the client's address to.
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// The proxies whose `X-Forwarded-For` is believed; shared, so the extractor's copy of the
/// state's list costs a reference count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(proxies: Vec<IpNet>) -> Self {
        TrustedProxies(proxies.into())
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            // A hop that is no address (a garbled header) ends what can be believed: the last
            // trusted proxy is as far as the chain is known.
            let Ok(address) = hop.parse::<IpAddr>() else {
                break;
            };
            client = canonical(address);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// Parses `--trusted-proxy` values: an address (`10.0.0.5`, `::1`) or a CIDR block.
pub fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a CIDR block"))
}

/// An IPv4 address mapped into IPv6 (`::ffff:203.0.113.7`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client address of a request, as the rate limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The part of a limit's key that names the client. An IPv6 client counts by its /64
    /// network: one subscriber usually holds a whole /64, and could otherwise take a new
    /// address for every request.
    pub fn limit_key(&self) -> String {
        match self.0 {
            None => "unknown".to_owned(),
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => IpNet::new(IpAddr::V6(v6), 64)
                .map(|net| net.trunc().to_string())
                .unwrap_or_else(|_| v6.to_string()),
        }
    }
}

/// Any state that names the trusted proxies gives the client address; the portal's
/// `AppState` does (`state.rs`), so this module need not know it.
impl<S> FromRequestParts<S> for ClientAddress
where
    S: Send + Sync,
    TrustedProxies: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let proxies = TrustedProxies::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(ClientAddress(
            peer.map(|peer| proxies.client(peer, &parts.headers)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append(
                FORWARDED_FOR,
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::new(vec![
            parse_proxy("10.0.0.0/8").expect("a block"),
            parse_proxy("192.0.2.1").expect("an address"),
        ]);
        let spoofed = headers(&["198.51.100.9"]);
        assert_eq!(
            proxies.client(ip("203.0.113.5"), &spoofed),
            ip("203.0.113.5"),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &headers(&["198.51.100.9, 203.0.113.7"])),
            ip("203.0.113.7"),
            "the address the trusted proxy appended counts, not what the client prepended"
        );
        assert_eq!(
            proxies.client(
                ip("10.1.2.3"),
                &headers(&["203.0.113.7", "192.0.2.1, 10.9.9.9"])
            ),
            ip("203.0.113.7"),
            "a chain of trusted proxies is walked back to the first untrusted hop"
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &headers(&[])),
            ip("10.1.2.3"),
            "without the header the proxy itself is the client"
        );
        assert_eq!(
            proxies.client(ip("::ffff:10.1.2.3"), &headers(&["garbage, 203.0.113.7"])),
            ip("203.0.113.7"),
            "a mapped IPv4 peer is the IPv4 address; garbage beyond the last hop is not read"
        );
        assert!(parse_proxy("not an address").is_err());
    }

    #[test]
    fn ipv6_clients_count_by_their_64_network() {
        let first = ClientAddress(Some(ip("2001:db8:1:2:aaaa::1")));
        let second = ClientAddress(Some(ip("2001:db8:1:2:bbbb::9")));
        let other = ClientAddress(Some(ip("2001:db8:1:3::1")));
        assert_eq!(first.limit_key(), second.limit_key());
        assert_ne!(first.limit_key(), other.limit_key());
        assert_eq!(
            ClientAddress(Some(ip("203.0.113.7"))).limit_key(),
            "203.0.113.7"
        );
    }
}
