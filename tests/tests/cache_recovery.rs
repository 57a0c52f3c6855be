//! Redis dropping the library's connection mid-run (`CLIENT KILL`): every
//! call keeps succeeding from the provider, and the cache is used again
//! without a restart. A file of its own, so no other test's Redis
//! connections are killed with it.

use std::time::{Duration, Instant};

use tickersense::cache::{namespace, CachePolicies, RedisCache};
use tickersense::Tickersense;
use tickersense_tests::service_url;

/// Kills every normal client connection but the one sending the command.
async fn kill_clients(url: &str) -> u64 {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("CLIENT")
        .arg("KILL")
        .arg("TYPE")
        .arg("normal")
        .arg("SKIPME")
        .arg("yes")
        .query_async(&mut conn)
        .await
        .unwrap()
}

fn stats_of(stats: &[tickersense::cache::NamespaceStats], ns: &str) -> (u64, u64, u64) {
    stats
        .iter()
        .find(|s| s.namespace == ns)
        .map_or((0, 0, 0), |s| (s.hits, s.misses, s.errors))
}

/// One test, so no kill lands in the middle of another's checks.
#[tokio::test]
async fn redis_connections_killed_mid_run() {
    let Some(url) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    calls_survive_and_the_cache_comes_back(&url).await;
    a_killed_connection_reads_again(&url).await;
}

async fn calls_survive_and_the_cache_comes_back(url: &str) {
    for cache in [url.to_owned(), format!("tiered+{url}")] {
        let ts = Tickersense::builder()
            .store("memory://")
            .cache(&cache)
            .build()
            .unwrap();
        ts.invalidate(namespace::STOCK_QUOTE, None).await.unwrap();
        let first = ts.quote("MSFT").await.unwrap();
        assert_eq!(
            ts.quote("MSFT").await.unwrap(),
            first,
            "{cache}: served from the cache"
        );

        assert!(
            kill_clients(url).await >= 1,
            "{cache}: our connection was killed"
        );
        // Every call right after the kill still answers.
        for _ in 0..20 {
            assert_eq!(ts.quote("MSFT").await.unwrap().symbol.as_str(), "MSFT");
        }

        // The connection manager reconnects by itself: a value written now is
        // read back from Redis, with no new client.
        ts.invalidate(namespace::STOCK_QUOTE, None).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let recovered = loop {
            let before = stats_of(&ts.cache_stats().await.unwrap(), namespace::STOCK_QUOTE);
            ts.quote("AAPL").await.unwrap();
            ts.quote("AAPL").await.unwrap();
            let after = stats_of(&ts.cache_stats().await.unwrap(), namespace::STOCK_QUOTE);
            if after.0 > before.0 && after.2 == before.2 {
                break true;
            }
            if Instant::now() > deadline {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(recovered, "{cache}: the cache is used again after the kill");
    }
}

async fn a_killed_connection_reads_again(url: &str) {
    use tickersense::cache::Cache;
    let cache = RedisCache::new(url, CachePolicies::default()).unwrap();
    let ns = format!("recovery_{}", std::process::id());
    cache.set(&ns, "k", vec![1, 2, 3]).await;
    assert_eq!(cache.get(&ns, "k").await, Some(vec![1, 2, 3]));
    kill_clients(url).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while cache.get(&ns, "k").await.is_none() {
        assert!(Instant::now() < deadline, "never read again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cache.invalidate(&ns, None).await;
}
