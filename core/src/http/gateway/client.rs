//! Who a request comes from: the peer address, or the address a trusted
//! proxy says it forwarded for, and the rate-limit key made from it.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};

/// Most `X-Forwarded-For` entries looked at, from the right: a trusted
/// chain is a handful of hops, and a longer list is the client's own
/// text, not worth the walk.
const MAX_FORWARDED_HOPS: usize = 32;

/// The address a request comes from, as the gateway resolved it: the TCP
/// peer, or, when the peer is one of
/// [`ServerSettings::trusted_proxies`](crate::http::ServerSettings::trusted_proxies),
/// the rightmost `X-Forwarded-For` address that is not itself a trusted
/// proxy. `None` when the connection's address is not known (a router
/// called in process without `ConnectInfo`).
///
/// The gateway puts it in every request's extensions, so later layers
/// (the proxy's `X-Forwarded-For`, logs, auth) read the same answer:
/// `request.extensions().get::<ClientAddr>()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The address, `None` when unknown.
    pub fn ip(self) -> Option<IpAddr> {
        self.0
    }
}

impl fmt::Display for ClientAddr {
    /// The address, or `unknown`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(ip) => write!(f, "{ip}"),
            None => f.write_str("unknown"),
        }
    }
}

/// The client of `request` as the gateway believes it (see [`ClientAddr`]).
/// Cost: one extension lookup, and for a trusted peer one pass over at
/// most [`MAX_FORWARDED_HOPS`] `X-Forwarded-For` entries; no allocation.
pub(crate) fn resolve<B>(request: &Request<B>, trusted: &[IpAddr]) -> ClientAddr {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_canonical());
    match peer {
        Some(peer) if is_trusted(peer, trusted) => {
            ClientAddr(Some(forwarded_for(request.headers(), peer, trusted)))
        }
        peer => ClientAddr(peer),
    }
}

fn is_trusted(ip: IpAddr, trusted: &[IpAddr]) -> bool {
    trusted.iter().any(|t| t.to_canonical() == ip)
}

/// Walks `X-Forwarded-For` from the right (the entry the trusted `peer`
/// appended) past trusted proxies. An entry that is not an address stops
/// the walk at the last trusted hop: what lies left of it was written by
/// someone no proxy vouches for.
fn forwarded_for(headers: &HeaderMap, peer: IpAddr, trusted: &[IpAddr]) -> IpAddr {
    let mut believed = peer;
    // Several header lines are one list, in order.
    let entries = headers
        .get_all("x-forwarded-for")
        .iter()
        .rev()
        .flat_map(|value| value.to_str().unwrap_or("").rsplit(','))
        .take(MAX_FORWARDED_HOPS);
    for entry in entries {
        let Some(ip) = parse_forwarded(entry.trim()) else {
            return believed;
        };
        if !is_trusted(ip, trusted) {
            return ip;
        }
        believed = ip;
    }
    believed
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`
/// or `[2001:db8::1]:5678`.
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    entry
        .parse::<SocketAddr>()
        .ok()
        .map(|addr| addr.ip().to_canonical())
}

/// Whose budget a request spends: one budget per key and route group.
///
/// Now the key is the client address, IPv6 addresses taken by their /64
/// (one host usually holds a whole /64, so per-address keys would let it
/// mint budgets). The auth issue adds the token subject here, as a
/// variant built by [`RateKey::for_request`]: an authenticated request
/// then spends its subject's budget wherever it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RateKey(KeyOf);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyOf {
    Addr(IpAddr),
    /// No address known (in-process calls): one shared budget.
    Unknown,
    /// The budget every new client shares while the in-process limiter
    /// holds as many keys as it may (see `memory.rs`).
    Overflow,
}

impl RateKey {
    /// The key of a client address. O(1), no allocation.
    pub fn client(client: ClientAddr) -> Self {
        match client.0 {
            Some(IpAddr::V6(v6)) => {
                let [a, b, c, d, ..] = v6.segments();
                RateKey(KeyOf::Addr(IpAddr::V6(Ipv6Addr::new(
                    a, b, c, d, 0, 0, 0, 0,
                ))))
            }
            Some(ip) => RateKey(KeyOf::Addr(ip)),
            None => RateKey(KeyOf::Unknown),
        }
    }

    /// The key `request` spends, its client already resolved. The seam for
    /// the token subject: it will be read here from what the auth layer
    /// leaves in the request's extensions.
    pub(crate) fn for_request<B>(client: ClientAddr, request: &Request<B>) -> Self {
        let _ = request;
        RateKey::client(client)
    }

    pub(super) const fn overflow() -> Self {
        RateKey(KeyOf::Overflow)
    }
}

impl fmt::Display for RateKey {
    /// The key as it appears in Redis key names and logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            KeyOf::Addr(ip) => write!(f, "{ip}"),
            KeyOf::Unknown => f.write_str("unknown"),
            KeyOf::Overflow => f.write_str("overflow"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: Option<&str>, xff: &[&str]) -> Request<()> {
        let mut builder = Request::builder().uri("/api/v1/stocks/AAPL/quote");
        for value in xff {
            builder = builder.header("x-forwarded-for", *value);
        }
        let mut request = builder.body(()).unwrap();
        if let Some(peer) = peer {
            let addr: SocketAddr = peer.parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(addr));
        }
        request
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_peer() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let untrusted = request(Some("203.0.113.9:4000"), &["198.51.100.7"]);
        assert_eq!(
            resolve(&untrusted, &trusted),
            ClientAddr(Some(ip("203.0.113.9")))
        );

        let direct = request(Some("10.0.0.1:4000"), &["198.51.100.7, 10.0.0.2"]);
        assert_eq!(
            resolve(&direct, &trusted),
            ClientAddr(Some(ip("198.51.100.7")))
        );

        // A spoofed left part is passed over: the rightmost untrusted entry wins.
        let spoofed = request(Some("10.0.0.1:1"), &["1.1.1.1", "198.51.100.7:99"]);
        assert_eq!(
            resolve(&spoofed, &trusted),
            ClientAddr(Some(ip("198.51.100.7")))
        );

        let garbage = request(Some("10.0.0.1:1"), &["nonsense, 10.0.0.2"]);
        assert_eq!(
            resolve(&garbage, &trusted),
            ClientAddr(Some(ip("10.0.0.2")))
        );

        let none = request(Some("10.0.0.1:1"), &[]);
        assert_eq!(resolve(&none, &trusted), ClientAddr(Some(ip("10.0.0.1"))));

        let v6 = request(Some("[::ffff:10.0.0.1]:1"), &["[2001:db8::5]:80"]);
        assert_eq!(resolve(&v6, &trusted), ClientAddr(Some(ip("2001:db8::5"))));

        assert_eq!(
            resolve(&request(None, &["1.1.1.1"]), &trusted),
            ClientAddr(None)
        );
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() {
        let a = RateKey::client(ClientAddr(Some(ip("2001:db8:1:2::5"))));
        let b = RateKey::client(ClientAddr(Some(ip("2001:db8:1:2:ffff::1"))));
        let c = RateKey::client(ClientAddr(Some(ip("2001:db8:1:3::5"))));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.to_string(), "2001:db8:1:2::");
        assert_eq!(RateKey::client(ClientAddr(None)).to_string(), "unknown");
    }
}
