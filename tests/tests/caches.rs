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
/// namespace, batches (more keys than one `MGET` names on Redis), and the
/// namespace TTL.
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

    // Writes and reads made at once (gathered into shared pipelines and
    // MGETs on Redis) each land on and get their own key's value, across
    // namespaces, hits and misses mixed.
    let (at_once, other) = (unique("at_once"), unique("other"));
    let writes = (0..100u8).map(|i| {
        let (cache, at_once) = (cache.clone(), at_once.clone());
        tokio::spawn(async move { cache.set(&at_once, &format!("k{i}"), vec![i, 1]).await })
    });
    for write in writes.collect::<Vec<_>>() {
        write.await.unwrap();
    }
    cache.set(&other, "k3", b"other".to_vec()).await;
    let reads = (0..300u32).map(|i| {
        let (cache, at_once, other) = (cache.clone(), at_once.clone(), other.clone());
        tokio::spawn(async move {
            let n = (i % 100) as u8;
            match i % 3 {
                0 => cache.get(&at_once, &format!("k{n}")).await == Some(vec![n, 1]),
                1 => cache.get(&at_once, &format!("absent{i}")).await.is_none(),
                _ => cache.get(&other, "k3").await.as_deref() == Some(&b"other"[..]),
            }
        })
    });
    for (i, read) in reads.enumerate() {
        assert!(read.await.unwrap(), "{url}: concurrent read {i}");
    }
    let stats = cache.stats().await;
    let counted = stats.iter().find(|s| s.namespace == at_once).unwrap();
    assert_eq!(
        (counted.hits, counted.misses),
        (100, 100),
        "{url}: {counted:?}"
    );

    cache.invalidate(&ns, Some("k7")).await;
    assert_eq!(cache.get(&ns, "k7").await, None, "{url}");
    cache.invalidate(&ns, None).await;
    assert_eq!(cache.get(&ns, "k8").await, None, "{url}");

    let batch = unique("batch");
    let names: Vec<String> = (0..1100).map(|i| format!("b{i}")).collect();
    let keys: Vec<&str> = names.iter().map(String::as_str).collect();
    let every_other = || -> Vec<(&str, Vec<u8>)> {
        keys.iter()
            .step_by(2)
            .map(|k| (*k, k.as_bytes().to_vec()))
            .collect()
    };
    cache.set_many(&batch, every_other()).await;
    let expected: Vec<Option<Vec<u8>>> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (i % 2 == 0).then(|| k.as_bytes().to_vec()))
        .collect();
    assert_eq!(
        cache.get_many(&batch, &keys).await,
        expected,
        "{url}: one answer per key, in order"
    );
    assert_eq!(cache.get(&batch, "b2").await.as_deref(), Some(&b"b2"[..]));
    assert!(cache.get_many(&batch, &[]).await.is_empty(), "{url}");
    cache.set_many(&batch, Vec::new()).await;
    let stats = cache.stats().await;
    let mine = stats.iter().find(|s| s.namespace == batch).unwrap();
    assert_eq!(
        (mine.hits, mine.misses, mine.entries, mine.errors),
        (551, 550, 550, 0),
        "{url}: counted per key: {mine:?}"
    );

    cache.set(&short, "k", vec![1]).await;
    assert!(cache.get(&short, "k").await.is_some());
    cache.set_many(&short, vec![("m", vec![2])]).await;
    assert_eq!(cache.get_many(&short, &["m"]).await, vec![Some(vec![2])]);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        cache.get(&short, "k").await,
        None,
        "{url}: the namespace TTL applies"
    );
    assert_eq!(
        cache.get_many(&short, &["m"]).await,
        vec![None],
        "{url}: the namespace TTL applies to batches"
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
async fn tiered_batches_fill_memory_from_redis() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let tiered = format!("tiered+{url}");
    let ns = unique("shared_batch");
    let connect = || {
        CacheUrl::parse(&tiered)
            .unwrap()
            .connect(CachePolicies::default())
            .unwrap()
    };
    let (one, other) = (connect(), connect());
    one.set_many(&ns, vec![("a", b"1".to_vec()), ("b", b"2".to_vec())])
        .await;
    other.set(&ns, "c", b"3".to_vec()).await;
    // "c" from memory, "a" and "b" from Redis in one round trip, "d" nowhere.
    let want = vec![
        Some(b"1".to_vec()),
        Some(b"2".to_vec()),
        Some(b"3".to_vec()),
        None,
    ];
    assert_eq!(other.get_many(&ns, &["a", "b", "c", "d"]).await, want);
    let redis = RedisCache::new(&url, CachePolicies::default()).unwrap();
    redis.invalidate(&ns, None).await;
    assert_eq!(
        other.get_many(&ns, &["a", "b", "c", "d"]).await,
        want,
        "values found in Redis filled the memory tier"
    );
    let stats = other.stats().await;
    let mine = stats.iter().find(|s| s.namespace == ns).unwrap();
    assert_eq!((mine.hits, mine.misses), (6, 2), "{mine:?}");
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
    assert_eq!(
        cache.get_many("stock_quote", &["AAPL", "MSFT"]).await,
        vec![None, None]
    );
    cache
        .set_many("stock_quote", vec![("AAPL", vec![1]), ("MSFT", vec![2])])
        .await;
    let stats = cache.stats().await;
    assert!(
        stats
            .iter()
            .any(|s| s.namespace == "stock_quote" && s.errors >= 4 && s.misses >= 3),
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
