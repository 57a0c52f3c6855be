use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;

use super::{Cache, CachePolicies, CachePolicy, MemoryCache, NamespaceStats};
use super::{RedisCache, RedisOptions};
use crate::error::Result;

/// Longest a value stays in the memory tier. Other processes share the
/// Redis tier; a value they replace or invalidate there is seen here at
/// most this late.
pub const NEAR_TTL_CAP: Duration = Duration::from_secs(10);

/// Memory in front of Redis (`tiered+redis://HOST:PORT/DB`): reads try the
/// process's own memory first (no round trip), then Redis, filling memory on
/// a Redis hit; writes and invalidations go to both. Memory keeps each value
/// at most [`NEAR_TTL_CAP`] (less when the namespace's TTL is shorter), so
/// processes sharing the Redis tier agree within that time.
pub struct TieredCache {
    near: MemoryCache,
    far: RedisCache,
}

impl TieredCache {
    /// A memory tier over the Redis at `url` (a `redis://` URL with the
    /// options of [`RedisOptions`]), both under `policies`. No I/O.
    pub fn new(url: &str, policies: CachePolicies) -> Result<Self> {
        Self::with_options(&RedisOptions::parse(url)?, policies)
    }

    /// A memory tier over the Redis `options` name, both under `policies`. No I/O.
    pub fn with_options(options: &RedisOptions, policies: CachePolicies) -> Result<Self> {
        let mut near = policies.clone();
        let names: Vec<String> = policies.namespaces().map(str::to_owned).collect();
        for name in names {
            let policy = policies.get(&name);
            near.set(&name, capped(policy));
        }
        near.set_fallback(capped(policies.fallback()));
        Ok(TieredCache {
            near: MemoryCache::new(near),
            far: RedisCache::with_options(options, policies)?,
        })
    }
}

fn capped(policy: CachePolicy) -> CachePolicy {
    CachePolicy {
        ttl: policy.ttl.min(NEAR_TTL_CAP),
        ..policy
    }
}

#[async_trait]
impl Cache for TieredCache {
    async fn get(&self, namespace: &str, key: &str) -> Option<Vec<u8>> {
        if let Some(value) = self.near.get(namespace, key).await {
            return Some(value);
        }
        let value = self.far.get(namespace, key).await?;
        self.near.set(namespace, key, value.clone()).await;
        Some(value)
    }

    async fn set(&self, namespace: &str, key: &str, value: Vec<u8>) {
        self.near.set(namespace, key, value.clone()).await;
        self.far.set(namespace, key, value).await;
    }

    /// Memory first; the keys it misses go to Redis in one round trip, and
    /// the values found there fill memory.
    async fn get_many(&self, namespace: &str, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        let mut values = self.near.get_many(namespace, keys).await;
        let missed: Vec<usize> = (0..keys.len()).filter(|&i| values[i].is_none()).collect();
        if missed.is_empty() {
            return values;
        }
        let far_keys: Vec<&str> = missed.iter().map(|&i| keys[i]).collect();
        let found = self.far.get_many(namespace, &far_keys).await;
        let mut fill = Vec::new();
        for (i, value) in missed.into_iter().zip(found) {
            if let Some(value) = value {
                fill.push((keys[i], value.clone()));
                values[i] = Some(value);
            }
        }
        self.near.set_many(namespace, fill).await;
        values
    }

    async fn set_many(&self, namespace: &str, entries: Vec<(&str, Vec<u8>)>) {
        self.near.set_many(namespace, entries.clone()).await;
        self.far.set_many(namespace, entries).await;
    }

    async fn invalidate(&self, namespace: &str, key: Option<&str>) {
        self.near.invalidate(namespace, key).await;
        self.far.invalidate(namespace, key).await;
    }

    async fn invalidate_prefix(&self, namespace: &str, prefix: &str) {
        self.near.invalidate_prefix(namespace, prefix).await;
        self.far.invalidate_prefix(namespace, prefix).await;
    }

    async fn close(&self) {
        self.near.close().await;
        self.far.close().await;
    }

    /// Redis's `PING`: the memory tier always answers.
    async fn ping(&self) -> Result<()> {
        self.far.ping().await
    }

    fn outage(&self) -> Option<&crate::resilience::Outage> {
        self.far.outage()
    }

    /// Per namespace: hits of either tier; misses, entries, bytes and errors
    /// of Redis (a read that misses memory but hits Redis is a hit).
    async fn stats(&self) -> Vec<NamespaceStats> {
        merge_tiers(self.far.stats().await, self.near.stats().await)
    }

    /// As [`TieredCache::stats`], from each tier's counters (no `SCAN`).
    async fn counters(&self) -> Vec<NamespaceStats> {
        merge_tiers(self.far.counters().await, self.near.counters().await)
    }
}

/// Per namespace: hits of either tier; misses, entries, bytes and errors
/// of the far tier.
fn merge_tiers(far: Vec<NamespaceStats>, near: Vec<NamespaceStats>) -> Vec<NamespaceStats> {
    let mut merged: BTreeMap<String, NamespaceStats> =
        far.into_iter().map(|s| (s.namespace.clone(), s)).collect();
    for near in near {
        let entry = merged
            .entry(near.namespace.clone())
            .or_insert_with(|| NamespaceStats {
                namespace: near.namespace.clone(),
                ..NamespaceStats::default()
            });
        entry.hits += near.hits;
    }
    merged.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_tier_never_outlives_the_cap() {
        assert_eq!(
            capped(CachePolicy::new(3600, 9)),
            CachePolicy {
                ttl: NEAR_TTL_CAP,
                max_entries: 9
            }
        );
        assert_eq!(capped(CachePolicy::new(2, 5)).ttl, Duration::from_secs(2));
    }
}
