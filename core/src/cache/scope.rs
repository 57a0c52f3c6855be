//! Which source a cached value came from, as a short tag in its key.

/// The identity of what made a cached value (a market-data provider named
/// by its URL, a set of social sources), hashed into a 16-hex-digit tag
/// that starts every key a service writes: clients on different providers
/// sharing one cache (a Redis, say) never read each other's values, and
/// keys stay short whatever the URL. The identity should be redacted
/// ([`crate::url::redact_url`]); the tag holds nothing of it readable.
///
/// The hash is 64-bit FNV-1a, fixed here rather than taken from the
/// standard library (whose hasher may change between Rust releases), so
/// processes built apart agree on the keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyScope(String);

impl KeyScope {
    /// The scope of `identity`.
    pub fn of(identity: &str) -> Self {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in identity.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        KeyScope(format!("{hash:016x}"))
    }

    /// The full key of `rest` in this scope: `TAG:rest`.
    pub fn key(&self, rest: &str) -> String {
        let mut key = String::with_capacity(self.0.len() + 1 + rest.len());
        key.push_str(&self.0);
        key.push(':');
        key.push_str(rest);
        key
    }

    /// The tag itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_stable_short_and_distinct() {
        // Pinned: a change would make every cached value a miss.
        assert_eq!(KeyScope::of("").as_str(), "cbf29ce484222325");
        assert_eq!(KeyScope::of("sample://").key("AAPL").len(), 16 + 1 + 4);
        assert_ne!(
            KeyScope::of("sample://"),
            KeyScope::of("yahoo+http://127.0.0.1:8080")
        );
    }
}
