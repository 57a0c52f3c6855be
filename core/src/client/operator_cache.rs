//! Values an operator keeps in the client's cache by hand (the seed's
//! cache service), under a key scope of their own: they never meet the
//! values the services cache, whatever the keys.

use crate::cache::{namespace, CachePolicy, KeyScope};
use crate::error::{echo, Error, Result};

use super::Tickersense;

/// The longest key an operator value may have, in characters.
pub(crate) const MAX_OPERATOR_KEY_CHARS: usize = 256;

/// What the operator's scope is made from: no service's source identity
/// is this text, so no service key starts with its tag.
const OPERATOR_IDENTITY: &str = "tickersense:operator-values";

/// The full key of an operator's `key` in `namespace`, both checked.
fn operator_key(namespace: &str, key: &str) -> Result<(&'static str, String)> {
    let namespace = namespace::known(namespace)?;
    if key.is_empty() || key.chars().count() > MAX_OPERATOR_KEY_CHARS {
        return Err(Error::invalid_input(format!(
            "a cache key is 1 to {MAX_OPERATOR_KEY_CHARS} characters, not {}",
            echo(key)
        )));
    }
    Ok((namespace, KeyScope::of(OPERATOR_IDENTITY).key(key)))
}

impl Tickersense {
    /// The bytes an operator stored under `key` in `namespace` with
    /// [`Tickersense::cache_set_raw`], if still held. `namespace` must be
    /// one of [`namespace::ALL`] and `key` 1 to 256 characters, else `InvalidInput`. One cache read (counted in
    /// [`Tickersense::cache_stats`] like any other); a cache that is down
    /// reads as a miss.
    pub async fn cache_get_raw(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let (namespace, key) = operator_key(namespace, key)?;
        Ok(self.backends().await?.cache.get(namespace, &key).await)
    }

    /// Stores `value` under `key` in `namespace` for the namespace's TTL
    /// (see [`Tickersense::cache_policy`]), in a key scope of the
    /// operator's own. Checks as [`Tickersense::cache_get_raw`]; one cache
    /// write, dropped (logged) when the cache is down.
    pub async fn cache_set_raw(&self, namespace: &str, key: &str, value: Vec<u8>) -> Result<()> {
        let (namespace, key) = operator_key(namespace, key)?;
        self.backends()
            .await?
            .cache
            .set(namespace, &key, value)
            .await;
        Ok(())
    }

    /// Drops the operator's value under `key` in `namespace`. Checks as
    /// [`Tickersense::cache_get_raw`]; one cache delete.
    pub async fn cache_remove_raw(&self, namespace: &str, key: &str) -> Result<()> {
        let (namespace, key) = operator_key(namespace, key)?;
        self.backends()
            .await?
            .cache
            .invalidate(namespace, Some(&key))
            .await;
        Ok(())
    }

    /// The policy (TTL, most entries) of `namespace` in the cache built
    /// from the cache URL; a cache object given to the builder keeps its
    /// own, which this does not know. No I/O.
    pub fn cache_policy(&self, namespace: &str) -> CachePolicy {
        self.policies.get(namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn operator_values_keep_apart_from_the_services() {
        let ts = Tickersense::builder().store("memory://").build().unwrap();
        ts.cache_set_raw("stock_quote", "AAPL", b"mine".to_vec())
            .await
            .unwrap();
        assert_eq!(
            ts.cache_get_raw("stock_quote", "AAPL").await.unwrap(),
            Some(b"mine".to_vec())
        );
        // The service's quote of AAPL is its own value, not the operator's.
        ts.quote("AAPL").await.unwrap();
        assert_eq!(
            ts.cache_get_raw("stock_quote", "AAPL").await.unwrap(),
            Some(b"mine".to_vec())
        );
        ts.cache_remove_raw("stock_quote", "AAPL").await.unwrap();
        assert_eq!(ts.cache_get_raw("stock_quote", "AAPL").await.unwrap(), None);
        assert!(ts.cache_get_raw("nope", "k").await.is_err());
        assert!(ts.cache_get_raw("stock_quote", "").await.is_err());
        let long = "k".repeat(MAX_OPERATOR_KEY_CHARS + 1);
        assert!(ts
            .cache_set_raw("watchlist", &long, Vec::new())
            .await
            .is_err());
        assert_eq!(ts.cache_policy("stock_quote").ttl.as_secs(), 60);
    }
}
