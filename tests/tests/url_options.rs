//! Backend options read from URLs reach the real backends: PostgreSQL's
//! pool size, connect timeout and driver parameters, Redis's connect
//! timeout and percent-decoded key prefix.

use std::time::{Duration, Instant};

use redis::AsyncCommands;
use tickersense::cache::{namespace, Cache, CachePolicies, RedisCache};
use tickersense::store::StoreUrl;
use tickersense::ErrorKind;
use tickersense_tests::{service_url, unique, PgSchema};

/// A TCP server on loopback that accepts connections and never answers,
/// held open until the returned handle is dropped with the runtime.
async fn silent_server() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        // Bounded: a test makes a handful of connections.
        for _ in 0..64 {
            match listener.accept().await {
                Ok((socket, _)) => held.push(socket),
                Err(_) => break,
            }
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_pool_size_and_driver_parameters_come_from_the_url() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let app = unique("ts_pool");
    let url = format!(
        "{}&pool=2&connect_timeout=3s&application_name={app}",
        schema.url()
    );
    let store = StoreUrl::parse(&url).unwrap().connect().await.unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.stored_series().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap();
    // The probing connection made before the pool may take a moment to
    // leave the server's list after it closed.
    let mut open = 0;
    for _ in 0..30 {
        open = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
        )
        .bind(&app)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        if open <= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        (1..=2).contains(&open),
        "{open} connections named {app} with ?pool=2"
    );
    store.close().await;
    schema.drop_now().await;
}

#[tokio::test]
async fn a_postgres_connect_timeout_bounds_a_silent_server() {
    let addr = silent_server().await;
    let url = format!("postgres://u@{addr}/db?connect_timeout=300ms");
    let started = Instant::now();
    let err = StoreUrl::parse(&url)
        .unwrap()
        .connect()
        .await
        .err()
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("300ms"), "{err}");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
}

#[tokio::test]
async fn bad_postgres_options_fail_before_any_io() {
    for (query, needle) in [
        ("pool=0", "pool"),
        ("pool=100000", "pool"),
        ("connect_timeout=soon", "connect_timeout"),
        ("migrations=later", "apply or check"),
        (
            "sslmod=require",
            "known: pool, connect_timeout, migrations, sslmode",
        ),
        ("pool=2&pool=3", "twice"),
    ] {
        let url = format!("postgres://u:hunter2@127.0.0.1:1/db?{query}");
        let err = StoreUrl::parse(&url).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{query}");
        assert!(err.message().contains(needle), "{query}: {err}");
        assert!(!err.message().contains("hunter2"), "{err}");
    }
}

#[tokio::test]
async fn a_redis_connect_timeout_bounds_a_silent_server() {
    let addr = silent_server().await;
    let url = format!("redis://{addr}/0?connect_timeout=200ms&timeout=200ms");
    let cache = RedisCache::new(&url, CachePolicies::default()).unwrap();
    let started = Instant::now();
    assert_eq!(cache.get(namespace::STOCK_QUOTE, "AAPL").await, None);
    let waited = started.elapsed();
    assert!(waited < Duration::from_millis(1500), "{waited:?}");
    let err = cache.ping().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Unavailable | ErrorKind::Timeout),
        "{err}"
    );
}

#[tokio::test]
async fn a_percent_encoded_redis_prefix_is_decoded_before_use() {
    let Some(base) = service_url("TICKERSENSE_TEST_REDIS_URL") else {
        return;
    };
    let prefix = unique("ts-url");
    // `-` written as %2D: the key prefix is the decoded text.
    let encoded = prefix.replace('-', "%2D");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}prefix={encoded}");
    let cache = RedisCache::new(&url, CachePolicies::default()).unwrap();
    cache
        .set(namespace::STOCK_QUOTE, "AAPL", b"value".to_vec())
        .await;
    let client = redis::Client::open(base.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let stored: Option<Vec<u8>> = conn
        .get(format!("{prefix}:{}:AAPL", namespace::STOCK_QUOTE))
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(&b"value"[..]));
    cache.invalidate(namespace::STOCK_QUOTE, None).await;
}
