//! The conformance kit's cache suite on every cache backend (memory, the
//! running Redis, tiered), what only one backend does, and what happens
//! when Redis is not there.

use std::time::Duration;

use tickersense::cache::{Cache, CachePolicies, CachePolicy, CacheUrl, RedisCache};
use tickersense::testkit::{self, CacheSuiteOptions};
use tickersense::{ErrorKind, Interval, Origin, Period, Tickersense};
use tickersense_replay::{Fault, ReplayServer};
use tickersense_tests::{replay_client, service_url, unique};

/// The conformance kit's cache suite on the backend at `url` (with a
/// namespace of a 1 s TTL, so values are seen to expire), then what differs
/// by backend: how many of 1,200 values a namespace holds.
async fn cache_suite(url: &str) {
    let short = unique("short");
    let mut policies = CachePolicies::default();
    policies.set(&short, CachePolicy::new(1, 10));
    let cache = CacheUrl::parse(url).unwrap().connect(policies).unwrap();
    let options = CacheSuiteOptions {
        expiring: Some((short, Duration::from_secs(1))),
    };
    testkit::cache(cache.clone(), options).await.assert_passed();

    let ns = unique("ns");
    for i in 0..1200 {
        cache.set(&ns, &format!("k{i}"), vec![i as u8, 0xff]).await;
    }
    let stats = cache.stats().await;
    let mine = stats.iter().find(|s| s.namespace == ns).unwrap();
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

/// The cache URLs every client-level test runs on: memory, and Redis plain
/// and tiered (each with a key prefix of its own) when Redis is there.
fn client_caches() -> Vec<String> {
    let mut caches = vec!["memory://".to_owned()];
    if let Some(redis) = service_url("TICKERSENSE_TEST_REDIS_URL") {
        caches.push(tickersense_tests::redis_with_own_prefix(&redis));
        caches.push(format!(
            "tiered+{}",
            tickersense_tests::redis_with_own_prefix(&redis)
        ));
    }
    caches
}

fn chart_requests(server: &ReplayServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.starts_with("/v8/"))
        .count()
}

#[tokio::test]
async fn invalidate_takes_only_known_namespaces_and_keys_as_the_calls_name_them() {
    for cache in client_caches() {
        let server = ReplayServer::start().await.unwrap();
        let ts = replay_client(&server, &cache);
        for bad in ["*", "stock_[hq]*", "stock_quote*", "ns1", ""] {
            let err = ts.invalidate(bad, None).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{cache} {bad:?}");
            assert!(err.message().contains("stock_quote, "), "{err}");
        }
        assert_eq!(
            ts.invalidate("stock_quote", Some("not a symbol!"))
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidInput
        );

        ts.quote("AAPL").await.unwrap();
        ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
        ts.quote("AAPL").await.unwrap();
        assert_eq!(chart_requests(&server), 2, "{cache}: served from the cache");
        // Keys are normalised as the calls do: "aapl" is AAPL.
        ts.invalidate("stock_quote", Some(" aapl")).await.unwrap();
        ts.quote("AAPL").await.unwrap();
        assert_eq!(chart_requests(&server), 3, "{cache}: AAPL's quote dropped");
        let h = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
        assert_eq!(h.origin, Origin::Cache, "{cache}: the history stays");
        ts.invalidate("stock_history", Some("aapl")).await.unwrap();
        let h = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
        assert_eq!(
            h.origin,
            Origin::Provider,
            "{cache}: every AAPL history dropped"
        );
        ts.search("Apple", 5).await.unwrap();
        ts.invalidate("stock_search", Some("APPLE ")).await.unwrap();
        let before = server.requests().len();
        ts.search("apple", 5).await.unwrap();
        assert_eq!(
            server.requests().len(),
            before + 1,
            "{cache}: search dropped"
        );
    }
}

#[tokio::test]
async fn unknown_namespaces_create_nothing_on_the_memory_cache() {
    let cache = CacheUrl::parse("memory://")
        .unwrap()
        .connect(CachePolicies::default())
        .unwrap();
    for i in 0..20_000 {
        cache.invalidate(&format!("ns{i}"), None).await;
        cache.invalidate_prefix(&format!("ns{i}"), "k").await;
    }
    assert!(cache.stats().await.is_empty(), "no namespace was made");
    // Through a client whose cache is in use: the refused names leave
    // nothing behind beside the namespaces its calls made.
    let ts = Tickersense::builder().store("memory://").build().unwrap();
    ts.quote("AAPL").await.unwrap();
    for i in 0..1000 {
        let err = ts.invalidate(&format!("ns{i}"), None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
    let names: Vec<String> = ts
        .cache_stats()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.namespace)
        .collect();
    assert!(names.iter().any(|n| n == "stock_quote"), "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| tickersense::cache::namespace::ALL.contains(&n.as_str())),
        "{names:?}"
    );
}

#[tokio::test]
async fn redis_namespaces_and_keys_are_literal_never_patterns() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    for cache_url in [
        tickersense_tests::redis_with_own_prefix(&url),
        format!("tiered+{}", tickersense_tests::redis_with_own_prefix(&url)),
    ] {
        let cache = CacheUrl::parse(&cache_url)
            .unwrap()
            .connect(CachePolicies::default())
            .unwrap();
        for ns in ["stock_quote", "stock_history", "stock_quote_last"] {
            cache.set(ns, "AAPL", b"v".to_vec()).await;
        }
        cache.set("a*", "k", b"v".to_vec()).await;
        cache.invalidate("*", None).await;
        cache.invalidate("stock_[hq]*", None).await;
        cache.invalidate("stock_*", None).await;
        cache.invalidate_prefix("stock_quote", "*").await;
        cache.invalidate_prefix("stock_quote", "AA?L").await;
        for ns in ["stock_quote", "stock_history", "stock_quote_last"] {
            assert!(cache.get(ns, "AAPL").await.is_some(), "{cache_url}: {ns}");
        }
        cache.invalidate("a*", None).await;
        assert_eq!(cache.get("a*", "k").await, None, "{cache_url}");
        cache.invalidate_prefix("stock_quote", "AA").await;
        assert_eq!(cache.get("stock_quote", "AAPL").await, None, "{cache_url}");
        assert!(cache.get("stock_history", "AAPL").await.is_some());
    }
}

/// Two clients on one Redis database, one on `sample://` and one on the
/// Yahoo protocol: neither reads the other's values. And `?prefix=` keeps
/// two apps on one Redis apart even on the same provider.
#[tokio::test]
async fn clients_on_other_providers_or_prefixes_never_share_values() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    for cache in [
        tickersense_tests::redis_with_own_prefix(&url),
        format!("tiered+{}", tickersense_tests::redis_with_own_prefix(&url)),
    ] {
        let server = ReplayServer::start().await.unwrap();
        let sample = Tickersense::builder()
            .store("memory://")
            .cache(&cache)
            .build()
            .unwrap();
        let yahoo = replay_client(&server, &cache);
        let sampled = sample.quote("AAPL").await.unwrap();
        let sampled_history = sample.history("AAPL", Period::Mo1, Interval::D1).await;
        assert_eq!(sampled_history.unwrap().origin, Origin::Provider);
        let quote = yahoo.quote("AAPL").await.unwrap();
        assert_ne!(quote.source, sampled.source, "{cache}");
        let history = yahoo
            .history("AAPL", Period::Mo1, Interval::D1)
            .await
            .unwrap();
        assert_eq!(history.origin, Origin::Provider, "{cache}");
        assert_eq!(chart_requests(&server), 2, "{cache}: both asked of Yahoo");
        // A second client on the same provider and prefix does share.
        let again = replay_client(&server, &cache);
        let history = again
            .history("AAPL", Period::Mo1, Interval::D1)
            .await
            .unwrap();
        assert_eq!(history.origin, Origin::Cache, "{cache}");

        // The same protocol at another base URL is another provider: the
        // key names the base URL, not only the provider's kind.
        let elsewhere = ReplayServer::start().await.unwrap();
        let history = replay_client(&elsewhere, &cache)
            .history("AAPL", Period::Mo1, Interval::D1)
            .await
            .unwrap();
        assert_eq!(history.origin, Origin::Provider, "{cache}");
        assert_eq!(
            chart_requests(&elsewhere),
            1,
            "{cache}: asked of the other server"
        );
    }

    // Same provider, other prefix: nothing shared.
    let one = tickersense_tests::redis_with_own_prefix(&url);
    let other = tickersense_tests::redis_with_own_prefix(&url);
    let client = |cache: &str| {
        Tickersense::builder()
            .store("memory://")
            .cache(cache)
            .build()
            .unwrap()
    };
    let first = client(&one)
        .history("MSFT", Period::Mo1, Interval::D1)
        .await;
    assert_eq!(first.unwrap().origin, Origin::Provider);
    let same = client(&one)
        .history("MSFT", Period::Mo1, Interval::D1)
        .await;
    assert_eq!(same.unwrap().origin, Origin::Cache);
    let apart = client(&other)
        .history("MSFT", Period::Mo1, Interval::D1)
        .await;
    assert_eq!(apart.unwrap().origin, Origin::Provider);
    // The keys on the server start with the prefix.
    let prefix = one.rsplit_once("prefix=").unwrap().1;
    let mut conn = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        keys.iter()
            .any(|k| k.starts_with(&format!("{prefix}:stock_history:"))),
        "{keys:?}"
    );
    for bad in [
        "prefix=",
        "prefix=a%20b",
        "prefix=a*",
        "prefix=a:b",
        "prefx=a",
    ] {
        let err = CacheUrl::parse(&format!("{url}?{bad}")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
    }
    CacheUrl::parse(&format!("{url}?protocol=resp3&prefix=a")).unwrap();
}

/// 200 concurrent identical quotes and histories on a cold cache make one
/// upstream request each, on every cache backend; a failed flight is
/// forgotten (that its callers share the failure is pinned in core).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_identical_misses_make_one_upstream_request() {
    for cache in client_caches() {
        let server = ReplayServer::start().await.unwrap();
        let ts = std::sync::Arc::new(replay_client(&server, &cache));
        // Slow answers, so every call arrives while the first is out.
        server.inject("/v8/", Fault::Delay(Duration::from_millis(300)), 2);
        let quotes = (0..200).map(|_| {
            let ts = ts.clone();
            tokio::spawn(async move { ts.quote("AAPL").await })
        });
        let histories = (0..200).map(|_| {
            let ts = ts.clone();
            tokio::spawn(async move { ts.history("AAPL", Period::Y1, Interval::D1).await })
        });
        let quotes: Vec<_> = quotes.collect();
        let histories: Vec<_> = histories.collect();
        for quote in quotes {
            quote.await.unwrap().unwrap();
        }
        for history in histories {
            history.await.unwrap().unwrap();
        }
        assert_eq!(
            chart_requests(&server),
            2,
            "{cache}: one request for the quotes, one for the histories: {:?}",
            server.requests()
        );

        // A failed flight is not kept: the next call asks again.
        server.inject("/v8/", Fault::Status(500), 1);
        assert!(ts.history("NVDA", Period::Mo1, Interval::D1).await.is_err());
        assert_eq!(chart_requests(&server), 3, "{cache}");
        ts.history("NVDA", Period::Mo1, Interval::D1).await.unwrap();
        assert_eq!(chart_requests(&server), 4, "{cache}: and then forgotten");
    }
}

/// Single flight costs a lone miss no second cache read: the counts stay
/// one miss per miss.
#[tokio::test]
async fn a_lone_miss_is_counted_once() {
    for cache in client_caches() {
        let ts = Tickersense::builder()
            .store("memory://")
            .cache(&cache)
            .build()
            .unwrap();
        ts.quote("AAPL").await.unwrap();
        ts.quote("AAPL").await.unwrap();
        let stats = ts.cache_stats().await.unwrap();
        let quotes = stats.iter().find(|s| s.namespace == "stock_quote").unwrap();
        assert_eq!((quotes.hits, quotes.misses), (1, 1), "{cache}: {quotes:?}");
    }
}
