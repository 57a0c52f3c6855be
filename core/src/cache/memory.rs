use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use super::{Cache, CachePolicies, NamespaceStats};

struct Namespace {
    values: moka::future::Cache<String, Arc<[u8]>>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Bytes held: added on insert, taken off by the eviction listener
    /// (replaced, expired, evicted or invalidated values alike).
    bytes: Arc<AtomicU64>,
}

impl Namespace {
    /// The value under `key`, counted as a hit or a miss.
    async fn read(&self, key: &str) -> Option<Vec<u8>> {
        let value = self.values.get(key).await.map(|v| v.to_vec());
        let counter = if value.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        value
    }

    async fn write(&self, key: &str, value: Vec<u8>) {
        self.bytes.fetch_add(value.len() as u64, Ordering::Relaxed);
        self.values.insert(key.to_owned(), value.into()).await;
    }
}

/// In-process cache (`memory://`): one moka cache per namespace, bounded by
/// the namespace's `max_entries` and expiring after its `ttl`. A hit costs a
/// hash look-up and a copy of the value.
pub struct MemoryCache {
    policies: CachePolicies,
    namespaces: RwLock<HashMap<String, Arc<Namespace>>>,
    /// Set by `close`: reads miss and writes are dropped from then on, so a
    /// call still running cannot fill the cache again.
    closed: AtomicBool,
}

impl MemoryCache {
    /// An empty cache governed by `policies`.
    pub fn new(policies: CachePolicies) -> Self {
        MemoryCache {
            policies,
            namespaces: RwLock::new(HashMap::new()),
            closed: AtomicBool::new(false),
        }
    }

    fn existing(&self, name: &str) -> Option<Arc<Namespace>> {
        self.namespaces
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned()
    }

    fn namespace(&self, name: &str) -> Option<Arc<Namespace>> {
        if self.closed.load(Ordering::Relaxed) {
            return None;
        }
        if let Some(ns) = self.existing(name) {
            return Some(ns);
        }
        let mut map = self.namespaces.write().unwrap_or_else(|e| e.into_inner());
        map.entry(name.to_owned())
            .or_insert_with(|| {
                let policy = self.policies.get(name);
                let bytes = Arc::new(AtomicU64::new(0));
                let held = bytes.clone();
                Arc::new(Namespace {
                    values: moka::future::Cache::builder()
                        .max_capacity(policy.max_entries)
                        .time_to_live(policy.ttl)
                        .eviction_listener(move |_key, value: Arc<[u8]>, _cause| {
                            held.fetch_sub(value.len() as u64, Ordering::Relaxed);
                        })
                        .build(),
                    hits: AtomicU64::new(0),
                    misses: AtomicU64::new(0),
                    bytes,
                })
            })
            .clone()
            .into()
    }
}

#[async_trait]
impl Cache for MemoryCache {
    async fn get(&self, namespace: &str, key: &str) -> Option<Vec<u8>> {
        self.namespace(namespace)?.read(key).await
    }

    async fn set(&self, namespace: &str, key: &str, value: Vec<u8>) {
        if let Some(ns) = self.namespace(namespace) {
            ns.write(key, value).await;
        }
    }

    /// The namespace is looked up once for the batch, not once a key.
    async fn get_many(&self, namespace: &str, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        let Some(ns) = self.namespace(namespace) else {
            return vec![None; keys.len()];
        };
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            values.push(ns.read(key).await);
        }
        values
    }

    async fn set_many(&self, namespace: &str, entries: Vec<(&str, Vec<u8>)>) {
        let Some(ns) = self.namespace(namespace) else {
            return;
        };
        for (key, value) in entries {
            ns.write(key, value).await;
        }
    }

    /// Touches only a namespace that exists: invalidating an unknown one
    /// creates nothing.
    async fn invalidate(&self, namespace: &str, key: Option<&str>) {
        let Some(ns) = self.existing(namespace) else {
            return;
        };
        match key {
            Some(key) => ns.values.invalidate(key).await,
            None => ns.values.invalidate_all(),
        }
    }

    /// Walks the namespace's keys (at most its `max_entries`).
    async fn invalidate_prefix(&self, namespace: &str, prefix: &str) {
        let Some(ns) = self.existing(namespace) else {
            return;
        };
        let doomed: Vec<Arc<String>> = ns
            .values
            .iter()
            .filter(|(key, _)| key.starts_with(prefix))
            .map(|(key, _)| key)
            .collect();
        for key in doomed {
            ns.values.invalidate(key.as_str()).await;
        }
    }

    /// Drops every namespace and the values it holds.
    async fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        let dropped =
            std::mem::take(&mut *self.namespaces.write().unwrap_or_else(|e| e.into_inner()));
        drop(dropped);
    }

    /// As [`MemoryCache::stats`] without running moka's pending
    /// maintenance first, so `entries` may lag by the last few writes.
    async fn counters(&self) -> Vec<NamespaceStats> {
        let mut out: Vec<NamespaceStats> = self
            .namespaces
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(name, ns)| NamespaceStats {
                namespace: name.clone(),
                hits: ns.hits.load(Ordering::Relaxed),
                misses: ns.misses.load(Ordering::Relaxed),
                entries: ns.values.entry_count(),
                bytes: ns.bytes.load(Ordering::Relaxed),
                errors: 0,
            })
            .collect();
        out.sort_by(|a, b| a.namespace.cmp(&b.namespace));
        out
    }

    async fn stats(&self) -> Vec<NamespaceStats> {
        let namespaces: Vec<(String, Arc<Namespace>)> = self
            .namespaces
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut out = Vec::with_capacity(namespaces.len());
        for (name, ns) in namespaces {
            ns.values.run_pending_tasks().await;
            out.push(NamespaceStats {
                namespace: name,
                hits: ns.hits.load(Ordering::Relaxed),
                misses: ns.misses.load(Ordering::Relaxed),
                entries: ns.values.entry_count(),
                bytes: ns.bytes.load(Ordering::Relaxed),
                errors: 0,
            });
        }
        out.sort_by(|a, b| a.namespace.cmp(&b.namespace));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::CachePolicy;
    use std::time::Duration;

    #[tokio::test]
    async fn a_closed_cache_misses_and_drops_writes() {
        let cache = MemoryCache::new(CachePolicies::default());
        cache.set("stock_quote", "AAPL", vec![1]).await;
        cache.close().await;
        cache.set("stock_quote", "AAPL", vec![2]).await;
        cache.set_many("stock_quote", vec![("MSFT", vec![3])]).await;
        assert_eq!(cache.get("stock_quote", "AAPL").await, None);
        assert_eq!(cache.get_many("stock_quote", &["MSFT"]).await, vec![None]);
        assert!(cache.stats().await.is_empty());
    }

    #[tokio::test]
    async fn hits_misses_ttl_bounds_and_invalidation() {
        let mut policies = CachePolicies::default();
        policies.set(
            "short",
            CachePolicy {
                ttl: Duration::from_millis(50),
                max_entries: 10,
            },
        );
        policies.set("tiny", CachePolicy::new(60, 2));
        let cache = MemoryCache::new(policies);
        assert_eq!(cache.get("short", "a").await, None);
        cache.set("short", "a", b"1".to_vec()).await;
        assert_eq!(cache.get("short", "a").await.as_deref(), Some(&b"1"[..]));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(cache.get("short", "a").await, None, "expired");

        for i in 0..50 {
            cache.set("tiny", &i.to_string(), vec![i]).await;
        }
        let stats = cache.stats().await;
        let tiny = stats.iter().find(|s| s.namespace == "tiny").unwrap();
        assert!(tiny.entries <= 2, "{tiny:?}");
        assert_eq!(tiny.bytes, tiny.entries, "one byte a value: {tiny:?}");
        let short = stats.iter().find(|s| s.namespace == "short").unwrap();
        assert_eq!((short.hits, short.misses), (1, 2));

        cache.set("x", "k", vec![1, 2, 3]).await;
        cache.set("x", "k", vec![1, 2]).await;
        let x =
            |stats: Vec<NamespaceStats>| stats.into_iter().find(|s| s.namespace == "x").unwrap();
        assert_eq!(
            x(cache.stats().await).bytes,
            2,
            "a replaced value's bytes are taken off"
        );
        cache.invalidate("x", Some("k")).await;
        assert_eq!(x(cache.stats().await).bytes, 0);
        assert_eq!(cache.get("x", "k").await, None);
        cache.set("x", "k", vec![1]).await;
        cache.invalidate("x", None).await;
        assert_eq!(cache.get("x", "k").await, None);
    }
}
