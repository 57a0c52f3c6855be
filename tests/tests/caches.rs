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

#[tokio::test]
async fn redis_cache_round_trip_ttl_scan_and_stats() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let ns = unique("ns");
    let short = unique("short");
    let mut policies = CachePolicies::default();
    policies.set(&short, CachePolicy::new(1, 10));
    let cache = RedisCache::new(&url, policies).unwrap();
    cache.ping().await.unwrap();

    assert_eq!(cache.get(&ns, "k1").await, None);
    for i in 0..1200 {
        cache.set(&ns, &format!("k{i}"), vec![i as u8, 0xff]).await;
    }
    assert_eq!(cache.get(&ns, "k7").await, Some(vec![7, 0xff]));
    let stats = cache.stats().await;
    let mine = stats.iter().find(|s| s.namespace == ns).unwrap();
    assert_eq!(
        (mine.hits, mine.misses, mine.entries, mine.errors),
        (1, 1, 1200, 0),
        "SCAN walks more than one page"
    );

    cache.invalidate(&ns, Some("k7")).await;
    assert_eq!(cache.get(&ns, "k7").await, None);
    cache.invalidate(&ns, None).await;
    assert_eq!(cache.get(&ns, "k8").await, None);

    cache.set(&short, "k", vec![1]).await;
    assert!(cache.get(&short, "k").await.is_some());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        cache.get(&short, "k").await,
        None,
        "the namespace TTL applies"
    );
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
