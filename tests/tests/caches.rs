//! The cache backends against the running Redis, and what happens when Redis
//! is not there.

use std::time::Duration;

use tickersense::cache::{Cache, CachePolicies, CachePolicy, CacheUrl, RedisCache};
use tickersense::Tickersense;
use tickersense_tests::service_url;

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// The same checks on every backend: round trip, many keys (more than one
/// `SCAN` page on Redis), stats with bytes, invalidation of a key and of a
/// namespace, and the namespace TTL.
async fn cache_suite(url: &str) {
    let ns = unique("ns");
    let short = unique("short");
    let mut policies = CachePolicies::default();
    policies.set(&short, CachePolicy::new(1, 10));
    let cache = CacheUrl::parse(url).unwrap().connect(policies).unwrap();

    assert_eq!(cache.get(&ns, "k1").await, None);
    for i in 0..1200 {
        cache.set(&ns, &format!("k{i}"), vec![i as u8, 0xff]).await;
    }
    assert_eq!(cache.get(&ns, "k7").await, Some(vec![7, 0xff]));
    let stats = cache.stats().await;
    let mine = stats.iter().find(|s| s.namespace == ns).unwrap();
    assert_eq!(
        (mine.hits, mine.misses, mine.errors),
        (1, 1, 0),
        "{url}: {mine:?}"
    );
    // moka evicts beyond the namespace's 1000 entries (the fallback policy).
    let held = if url.starts_with("memory") {
        1000
    } else {
        1200
    };
    assert!(
        mine.entries <= held && mine.entries >= held - 50,
        "{url}: {mine:?}"
    );
    assert_eq!(mine.bytes, mine.entries * 2, "{url}: {mine:?}");

    cache.invalidate(&ns, Some("k7")).await;
    assert_eq!(cache.get(&ns, "k7").await, None, "{url}");
    cache.invalidate(&ns, None).await;
    assert_eq!(cache.get(&ns, "k8").await, None, "{url}");

    cache.set(&short, "k", vec![1]).await;
    assert!(cache.get(&short, "k").await.is_some());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        cache.get(&short, "k").await,
        None,
        "{url}: the namespace TTL applies"
    );
}

#[tokio::test]
async fn memory_cache_suite() {
    cache_suite("memory://").await;
}

#[tokio::test]
async fn redis_cache_suite() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    RedisCache::new(&url, CachePolicies::default())
        .unwrap()
        .ping()
        .await
        .unwrap();
    cache_suite(&url).await;
}

#[tokio::test]
async fn tiered_cache_suite() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    cache_suite(&format!("tiered+{url}")).await;
}

#[tokio::test]
async fn tiered_cache_serves_from_memory_and_shares_through_redis() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let tiered = format!("tiered+{url}");
    let ns = unique("shared");
    let one = CacheUrl::parse(&tiered)
        .unwrap()
        .connect(CachePolicies::default())
        .unwrap();
    let other = CacheUrl::parse(&tiered)
        .unwrap()
        .connect(CachePolicies::default())
        .unwrap();
    one.set(&ns, "k", b"v".to_vec()).await;
    // Another process's cache finds it in Redis, then in its own memory.
    assert_eq!(other.get(&ns, "k").await.as_deref(), Some(&b"v"[..]));
    let redis = RedisCache::new(&url, CachePolicies::default()).unwrap();
    redis.invalidate(&ns, Some("k")).await;
    assert_eq!(
        other.get(&ns, "k").await.as_deref(),
        Some(&b"v"[..]),
        "the memory tier answers without a round trip"
    );
    let stats = other.stats().await;
    let mine = stats.iter().find(|s| s.namespace == ns).unwrap();
    assert_eq!((mine.hits, mine.misses), (2, 0), "{mine:?}");
}

#[tokio::test]
async fn client_over_redis_serves_repeats_from_it() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let ts = Tickersense::builder()
        .store("memory://")
        .cache(&url)
        .build()
        .unwrap();
    ts.invalidate("stock_history", None).await.unwrap();
    let first = ts
        .history("AAPL", tickersense::Period::Mo1, tickersense::Interval::D1)
        .await
        .unwrap();
    // A second client shares the cache through Redis.
    let other = Tickersense::builder()
        .store("memory://")
        .cache(&url)
        .build()
        .unwrap();
    let second = other
        .history("AAPL", tickersense::Period::Mo1, tickersense::Interval::D1)
        .await
        .unwrap();
    assert_eq!(second.origin, tickersense::Origin::Cache);
    assert_eq!(second.bars, first.bars);
}

#[tokio::test]
async fn unreachable_redis_never_fails_a_call() {
    let cache = CacheUrl::parse("redis://127.0.0.1:1/0")
        .unwrap()
        .connect(CachePolicies::default())
        .unwrap();
    assert_eq!(cache.get("stock_quote", "AAPL").await, None);
    cache.set("stock_quote", "AAPL", vec![1]).await;
    let stats = cache.stats().await;
    assert!(
        stats
            .iter()
            .any(|s| s.namespace == "stock_quote" && s.errors >= 2),
        "{stats:?}"
    );

    let ts = Tickersense::builder()
        .store("memory://")
        .cache("redis://127.0.0.1:1/0")
        .build()
        .unwrap();
    assert!(ts.quote("AAPL").await.unwrap().price > 0.0);
    assert!(ts.sentiment("AAPL").await.unwrap().mention_volume > 0);
}
