//! Caching of fetched values: the [`Cache`] trait, per-namespace
//! [`CachePolicy`], and the backends, chosen by URL through [`CacheUrl`].
//!
//! - `none://` — [`NoCache`]: every read misses.
//! - `memory://` — [`MemoryCache`]: in-process, size-bounded per namespace (moka).
//! - `redis://HOST:PORT/DB` — [`RedisCache`]: shared between processes.
//! - `tiered+redis://HOST:PORT/DB` — [`TieredCache`]: memory in front of Redis.
//!
//! A cache never fails a call: a backend error is logged, counted in
//! [`NamespaceStats::errors`], and read as a miss.

mod memory;
mod policy;
mod redis;
mod tiered;

use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::{split_scheme, unknown_scheme};
use crate::error::{redact_url, Error, Result};

pub use self::redis::RedisCache;
pub use memory::MemoryCache;
pub use policy::{namespace, CachePolicies, CachePolicy, NamespaceStats};
pub use tiered::{TieredCache, NEAR_TTL_CAP};

/// A key-value cache split into namespaces, each with its own [`CachePolicy`].
#[async_trait]
pub trait Cache: Send + Sync {
    /// The value under `key` in `namespace`, if present and fresh.
    async fn get(&self, namespace: &str, key: &str) -> Option<Vec<u8>>;

    /// Stores `value` under `key` for the namespace's TTL.
    async fn set(&self, namespace: &str, key: &str, value: Vec<u8>);

    /// Drops one key, or the whole namespace when `key` is `None`.
    async fn invalidate(&self, namespace: &str, key: Option<&str>);

    /// Hit, miss and entry counts per namespace, sorted by namespace.
    async fn stats(&self) -> Vec<NamespaceStats>;
}

/// Typed helpers over [`Cache`]: values travel as JSON.
pub(crate) async fn get_json<T: DeserializeOwned>(
    cache: &dyn Cache,
    namespace: &str,
    key: &str,
) -> Option<T> {
    let bytes = cache.get(namespace, key).await?;
    match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(err) => {
            // A value written by another version: treat as a miss and overwrite later.
            tracing::warn!(namespace, %err, "dropping a cached value that does not decode");
            None
        }
    }
}

pub(crate) async fn set_json<T: Serialize>(
    cache: &dyn Cache,
    namespace: &str,
    key: &str,
    value: &T,
) {
    match serde_json::to_vec(value) {
        Ok(bytes) => cache.set(namespace, key, bytes).await,
        Err(err) => tracing::warn!(namespace, %err, "value not cached: it does not encode"),
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
    async fn invalidate(&self, _: &str, _: Option<&str>) {}
    async fn stats(&self) -> Vec<NamespaceStats> {
        Vec::new()
    }
}

const ACCEPTED: &str = "none://, memory://, redis://HOST:PORT/DB, tiered+redis://HOST:PORT/DB";

fn checked_redis_url(url: &str) -> Result<String> {
    ::redis::Client::open(url)
        .map_err(|_| Error::invalid_input(format!("invalid redis URL {}", redact_url(url))))?;
    Ok(url.to_owned())
}

/// A parsed cache URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheUrl {
    /// `none://`
    None,
    /// `memory://`
    Memory,
    /// `redis://...` or `rediss://...`, kept whole for the client.
    Redis(String),
    /// `tiered+redis://...`: memory in front of the Redis URL kept here
    /// (without the `tiered+` prefix).
    Tiered(String),
}

impl CacheUrl {
    /// Parses a cache URL without any I/O.
    pub fn parse(url: &str) -> Result<Self> {
        let (scheme, _) = split_scheme(url, "cache", ACCEPTED)?;
        match scheme {
            "none" => Ok(CacheUrl::None),
            "memory" => Ok(CacheUrl::Memory),
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
