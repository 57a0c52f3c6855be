//! Caching of fetched values: the [`Cache`] trait, per-namespace
//! [`CachePolicy`], and the backends, chosen by URL through [`CacheUrl`].
//!
//! - `none://` — [`NoCache`]: every read misses. Takes no options.
//! - `memory://` — [`MemoryCache`]: in-process, size-bounded per namespace
//!   (moka). Takes no options.
//! - `redis://HOST:PORT/DB` (`rediss://` for TLS) — `RedisCache` (feature
//!   `redis`): shared between processes. Options (`RedisOptions`):
//!   `?prefix=NAME` starts its keys with `NAME` instead of `tickersense`, so
//!   apps sharing one Redis keep apart; `?timeout=DURATION` (default `2s`)
//!   bounds each command's wait for its answer; `?connect_timeout=DURATION`
//!   (default `500ms`) bounds connecting; `?protocol=resp3` is handed to
//!   the client.
//! - `tiered+redis://HOST:PORT/DB` — `TieredCache` (feature `redis`):
//!   memory in front of Redis, with the same options.
//!
//! An option a backend does not read is `InvalidInput` naming the ones it
//! does; durations are written `500ms`, `2s`, `1.5s` or as bare seconds.
//!
//! The services start each key with the [`KeyScope`] of the source that
//! made the value (the market-data provider's URL, the social sources and
//! analyzer), so clients on different sources sharing a cache never read
//! each other's values.
//!
//! A cache never fails a call: a backend error is logged, counted in
//! [`NamespaceStats::errors`], and read as a miss.
//!
//! Backends hold bytes; the services store their values in the form
//! [`encode_value`] writes (a format byte, then MessagePack with field
//! names), so a value written by another version reads as a miss.

mod memory;
mod policy;
#[cfg(feature = "redis")]
mod redis;
mod scope;
#[cfg(feature = "redis")]
mod tiered;
mod value;

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::url::{BackendKind, BackendUrl, Parsed};

#[cfg(feature = "redis")]
pub use self::redis::{
    RedisCache, RedisOptions, DEFAULT_CONNECT_TIMEOUT, DEFAULT_KEY_PREFIX,
    DEFAULT_RESPONSE_TIMEOUT, MAX_PREFIX_CHARS,
};
pub use memory::MemoryCache;
pub use policy::{namespace, CachePolicies, CachePolicy, NamespaceStats};
pub use scope::KeyScope;
#[cfg(feature = "redis")]
pub use tiered::{TieredCache, NEAR_TTL_CAP};
pub use value::{decode_value, encode_value, VALUE_FORMAT};
pub(crate) use value::{get_value, set_value};

/// A key-value cache split into namespaces, each with its own [`CachePolicy`].
#[async_trait]
pub trait Cache: Send + Sync {
    /// The value under `key` in `namespace`, if present and fresh. O(1) in
    /// memory; one round trip to Redis.
    async fn get(&self, namespace: &str, key: &str) -> Option<Vec<u8>>;

    /// Stores `value` under `key` for the namespace's TTL. O(1) in memory;
    /// one round trip to Redis.
    async fn set(&self, namespace: &str, key: &str, value: Vec<u8>);

    /// The values under `keys` in `namespace`, in the order of `keys`, with
    /// `None` for each miss; hits and misses are counted per key.
    ///
    /// The default asks [`Cache::get`] once per key, one after another;
    /// Redis answers the whole batch in one round trip (`MGET`), so a
    /// caller with many keys at hand pays one network wait, not one a key.
    async fn get_many(&self, namespace: &str, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            values.push(self.get(namespace, key).await);
        }
        values
    }

    /// Stores each `(key, value)` of `entries` for the namespace's TTL.
    ///
    /// The default calls [`Cache::set`] once per entry, one after another;
    /// Redis sends them all as one pipeline (one round trip).
    async fn set_many(&self, namespace: &str, entries: Vec<(&str, Vec<u8>)>) {
        for (key, value) in entries {
            self.set(namespace, key, value).await;
        }
    }

    /// Drops one key, or the whole namespace when `key` is `None`. The
    /// namespace and key are taken literally (no pattern). One key: O(1),
    /// one round trip to Redis; a namespace: at most a walk over its keys.
    async fn invalidate(&self, namespace: &str, key: Option<&str>);

    /// Drops every key of `namespace` that starts with `prefix` (taken
    /// literally, no pattern). Costs a walk over the namespace's keys.
    ///
    /// The default drops the whole namespace: more than asked, never less.
    async fn invalidate_prefix(&self, namespace: &str, prefix: &str) {
        let _ = prefix;
        self.invalidate(namespace, None).await;
    }

    /// Hit, miss and entry counts per namespace, sorted by namespace.
    /// Hits and misses are counted in this process; the entries are read
    /// from the cache: O(entries) in memory, a scan of each namespace's
    /// keys on Redis.
    async fn stats(&self) -> Vec<NamespaceStats>;

    /// The counters of [`Cache::stats`] without reading the cache: hits,
    /// misses and errors per namespace, sorted by namespace; `entries` and
    /// `bytes` as far as they are known without I/O (0 on Redis). O(namespaces),
    /// no I/O, so a metrics scrape may call it every time. The default is
    /// [`Cache::stats`].
    async fn counters(&self) -> Vec<NamespaceStats> {
        self.stats().await
    }

    /// Drops connections and held values; afterwards reads miss and writes
    /// are dropped, without any I/O. Idempotent; the default does nothing.
    async fn close(&self) {}

    /// Checks that the backend answers, cheaply (Redis: one `PING`, bounded
    /// by its timeouts, and none while it is in its back-off window); for
    /// health reports. The default, for caches in the process, answers `Ok`.
    async fn ping(&self) -> Result<()> {
        Ok(())
    }

    /// The backend's outage tracker, when it has one (Redis): whether it is
    /// in a back-off window, why, and how many calls failed. For health
    /// reports; the default has none.
    fn outage(&self) -> Option<&crate::resilience::Outage> {
        None
    }
}

/// A cache that holds nothing (`none://`).
#[derive(Debug, Default)]
pub struct NoCache;

#[async_trait]
impl Cache for NoCache {
    async fn get(&self, _: &str, _: &str) -> Option<Vec<u8>> {
        None
    }
    async fn set(&self, _: &str, _: &str, _: Vec<u8>) {}
    async fn get_many(&self, _: &str, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        vec![None; keys.len()]
    }
    async fn set_many(&self, _: &str, _: Vec<(&str, Vec<u8>)>) {}
    async fn invalidate(&self, _: &str, _: Option<&str>) {}
    async fn invalidate_prefix(&self, _: &str, _: &str) {}
    async fn stats(&self) -> Vec<NamespaceStats> {
        Vec::new()
    }
}

/// A parsed cache URL: `none://`, `memory://`, `redis://...` or
/// `tiered+redis://...`, with the Redis options read and checked
/// (`RedisOptions`, feature `redis`). Parsing does no I/O. `Display` and `Debug` show the
/// URL without its password; [`Parsed::as_str`] gives it as written.
pub type CacheUrl = Parsed<CacheBackend>;

/// The backend a [`CacheUrl`] names, with its options. Without the
/// `redis` feature the Redis variants are gone and their URLs are
/// `InvalidInput` naming the feature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheBackend {
    /// `none://`: [`NoCache`].
    None,
    /// `memory://`: [`MemoryCache`].
    Memory,
    /// `redis://...` or `rediss://...`: [`RedisCache`].
    #[cfg(feature = "redis")]
    Redis(RedisOptions),
    /// `tiered+redis://...` (or `tiered+rediss://`): memory in front of
    /// Redis, [`TieredCache`].
    #[cfg(feature = "redis")]
    Tiered(RedisOptions),
}

impl BackendKind for CacheBackend {
    const TYPE_NAME: &'static str = "CacheUrl";
    const ROLE: &'static str = "cache";
    const ACCEPTED: &'static str =
        "none://, memory://, redis://HOST:PORT/DB, tiered+redis://HOST:PORT/DB";

    fn from_url(url: &BackendUrl) -> Result<Self> {
        Ok(match url.scheme() {
            "none" => {
                url.expect_nothing_after("cache")?;
                CacheBackend::None
            }
            "memory" => {
                url.expect_nothing_after("cache")?;
                CacheBackend::Memory
            }
            #[cfg(feature = "redis")]
            "redis" | "rediss" => CacheBackend::Redis(RedisOptions::from_url(url)?),
            #[cfg(feature = "redis")]
            "tiered+redis" | "tiered+rediss" => {
                let redis_text = url.as_str().trim_start_matches("tiered+");
                let redis_url = BackendUrl::parse(redis_text, Self::ROLE, Self::ACCEPTED)?;
                CacheBackend::Tiered(RedisOptions::from_url(&redis_url)?)
            }
            #[cfg(not(feature = "redis"))]
            "redis" | "rediss" | "tiered+redis" | "tiered+rediss" => {
                return Err(url.compiled_out("cache", "redis"))
            }
            _ => return Err(url.unknown_scheme("cache", Self::ACCEPTED)),
        })
    }
}

impl CacheUrl {
    /// Builds the cache with `policies`. No I/O: Redis connects on first use.
    pub fn connect(&self, policies: CachePolicies) -> Result<Arc<dyn Cache>> {
        Ok(match self.backend() {
            CacheBackend::None => Arc::new(NoCache),
            CacheBackend::Memory => Arc::new(MemoryCache::new(policies)),
            #[cfg(feature = "redis")]
            CacheBackend::Redis(options) => Arc::new(RedisCache::with_options(options, policies)?),
            #[cfg(feature = "redis")]
            CacheBackend::Tiered(options) => {
                Arc::new(TieredCache::with_options(options, policies)?)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn cache_urls_parse_and_refuse_what_follows_memory() {
        assert_eq!(
            CacheUrl::parse("none://").unwrap().backend(),
            &CacheBackend::None
        );
        assert_eq!(
            CacheUrl::parse(" memory:// ").unwrap().as_str(),
            "memory://"
        );
        for bad in ["memory://x", "none://?a=1", "memcached://h"] {
            assert_eq!(
                CacheUrl::parse(bad).unwrap_err().kind(),
                ErrorKind::InvalidInput,
                "{bad}"
            );
        }
    }

    #[cfg(feature = "redis")]
    #[test]
    fn a_tiered_url_reads_the_redis_options() {
        let url =
            CacheUrl::parse("tiered+redis://:hunter2@h:6379/0?prefix=app&timeout=1s").unwrap();
        match url.backend() {
            CacheBackend::Tiered(options) => {
                assert_eq!(options.prefix, "app");
                assert_eq!(options.timeout, std::time::Duration::from_secs(1));
                assert_eq!(options.client_url(), "redis://:hunter2@h:6379/0");
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(!url.to_string().contains("hunter2"));
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn a_redis_url_names_the_feature_it_needs() {
        for url in ["redis://h/0", "tiered+redis://h/0"] {
            let err = CacheUrl::parse(url).unwrap_err();
            assert!(err.message().contains("`redis` feature"), "{err}");
        }
    }
}
