//! Caching of fetched values: the [`Cache`] trait, per-namespace
//! [`CachePolicy`], and the backends, chosen by URL through [`CacheUrl`].
//!
//! - `none://` — [`NoCache`]: every read misses.
//! - `memory://` — [`MemoryCache`]: in-process, size-bounded per namespace (moka).
//! - `redis://HOST:PORT/DB` — [`RedisCache`]: shared between processes;
//!   `?prefix=NAME` starts its keys with `NAME` instead of `tickersense`, so
//!   apps sharing one Redis keep apart.
//! - `tiered+redis://HOST:PORT/DB` — [`TieredCache`]: memory in front of Redis.
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
mod redis;
mod scope;
mod tiered;
mod value;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{nothing_after, split_scheme, unknown_scheme};
use crate::error::Result;

pub use self::redis::RedisCache;
pub use memory::MemoryCache;
pub use policy::{namespace, CachePolicies, CachePolicy, NamespaceStats};
pub use scope::KeyScope;
pub use tiered::{TieredCache, NEAR_TTL_CAP};
pub use value::{decode_value, encode_value, VALUE_FORMAT};
pub(crate) use value::{get_value, set_value};

/// A key-value cache split into namespaces, each with its own [`CachePolicy`].
#[async_trait]
pub trait Cache: Send + Sync {
    /// The value under `key` in `namespace`, if present and fresh.
    async fn get(&self, namespace: &str, key: &str) -> Option<Vec<u8>>;

    /// Stores `value` under `key` for the namespace's TTL.
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
    /// namespace and key are taken literally (no pattern).
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
    async fn stats(&self) -> Vec<NamespaceStats>;

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

const ACCEPTED: &str = "none://, memory://, redis://HOST:PORT/DB, tiered+redis://HOST:PORT/DB";

fn checked_redis_url(url: &str) -> Result<String> {
    self::redis::split_key_prefix(url)?;
    Ok(url.to_owned())
}

/// A parsed cache URL. Its `Debug` form hides the password, as
/// [`redact_url`](crate::error::redact_url) does.
#[derive(Clone, PartialEq, Eq)]
pub enum CacheUrl {
    /// `none://`
    None,
    /// `memory://`
    Memory,
    /// `redis://...` or `rediss://...`, kept whole (`?prefix=` included).
    Redis(String),
    /// `tiered+redis://...`: memory in front of the Redis URL kept here
    /// (without the `tiered+` prefix).
    Tiered(String),
}

impl std::fmt::Debug for CacheUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::error::RedactedUrl;
        match self {
            CacheUrl::None => f.write_str("None"),
            CacheUrl::Memory => f.write_str("Memory"),
            CacheUrl::Redis(url) => f.debug_tuple("Redis").field(&RedactedUrl(url)).finish(),
            CacheUrl::Tiered(url) => f.debug_tuple("Tiered").field(&RedactedUrl(url)).finish(),
        }
    }
}

impl CacheUrl {
    /// Parses a cache URL without any I/O.
    pub fn parse(url: &str) -> Result<Self> {
        let (scheme, rest) = split_scheme(url, "cache", ACCEPTED)?;
        match scheme {
            "none" => nothing_after("cache", scheme, rest).map(|()| CacheUrl::None),
            "memory" => nothing_after("cache", scheme, rest).map(|()| CacheUrl::Memory),
            "redis" | "rediss" => Ok(CacheUrl::Redis(checked_redis_url(url.trim())?)),
            "tiered+redis" | "tiered+rediss" => {
                let redis_url = url.trim().trim_start_matches("tiered+");
                Ok(CacheUrl::Tiered(checked_redis_url(redis_url)?))
            }
            other => Err(unknown_scheme("cache", other, ACCEPTED)),
        }
    }

    /// Builds the cache with `policies`. No I/O: Redis connects on first use.
    pub fn connect(&self, policies: CachePolicies) -> Result<Arc<dyn Cache>> {
        Ok(match self {
            CacheUrl::None => Arc::new(NoCache),
            CacheUrl::Memory => Arc::new(MemoryCache::new(policies)),
            CacheUrl::Redis(url) => Arc::new(RedisCache::new(url, policies)?),
            CacheUrl::Tiered(url) => Arc::new(TieredCache::new(url, policies)?),
        })
    }
}
