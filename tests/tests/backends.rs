//! Backends that are down fail only the calls that need them: quotes,
//! history and search are served with the store or Redis unreachable or
//! frozen, each broken backend costing at most one timeout per back-off
//! window; `health()` names it without secrets; `close()` leaves no
//! connection open.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tickersense::model::Score;
use tickersense::resilience::OUTAGE_WINDOW;
use tickersense::sentiment::Analyzer;
use tickersense::{
    BackendHealth, BackendRole, BackendStatus, ErrorKind, HistoryRange, Interval, Origin, Period,
    Tickersense,
};
use tickersense_tests::{service_url, unique, PgSchema};

fn status_of(health: &[BackendHealth], role: BackendRole) -> &BackendHealth {
    health
        .iter()
        .find(|h| h.role == role)
        .unwrap_or_else(|| panic!("no {role} in {health:?}"))
}

fn is_down(health: &BackendHealth) -> bool {
    matches!(health.status, BackendStatus::Down { .. })
}

fn reason(health: &BackendHealth) -> &str {
    match &health.status {
        BackendStatus::Down { reason, .. } => reason,
        other => panic!("{} is {other:?}, not down", health.role),
    }
}

/// Quote, history and search of one client, each asserted to succeed; the
/// history's origin.
async fn market_calls_succeed(ts: &Tickersense) -> Origin {
    let quote = ts.quote("AAPL").await.expect("quote");
    assert_eq!(quote.symbol.as_str(), "AAPL");
    let history = ts
        .history("MSFT", Period::Mo1, Interval::D1)
        .await
        .expect("history");
    assert!(!history.bars.is_empty());
    let hits = ts.search("apple", 5).await.expect("search");
    assert!(!hits.is_empty());
    history.origin
}

#[tokio::test]
async fn market_calls_are_served_with_the_store_unreachable() {
    for store in [
        "postgres://postgres:hunter2@127.0.0.1:1/test",
        "sqlite:///nonexistent-dir/x.db",
    ] {
        let ts = Tickersense::builder()
            .store(store)
            .cache("none://")
            .build()
            .unwrap();
        let started = Instant::now();
        for _ in 0..3 {
            let origin = market_calls_succeed(&ts).await;
            assert_eq!(origin, Origin::Provider, "nothing came from the store");
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{store}: {:?}",
            started.elapsed()
        );

        // What needs the store fails, as Unavailable, saying when it is tried again.
        let range = HistoryRange::Period(Period::Mo1);
        let err = ts
            .stored_history("AAPL", range, Interval::D1)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{store}: {err}");
        assert!(err.message().contains("tried again in"), "{err}");
        assert!(!err.message().contains("hunter2"), "{err}");
        let none = |_: &tickersense::service::BackfillProgress| std::ops::ControlFlow::Continue(());
        let err = ts
            .backfill(&["AAPL"], range, Interval::D1, 2, &none)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
        let err = ts.stored_series().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
        let err = ts.sentiment_analyses("AAPL", 7).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");

        // The analysis is returned, saying it was not stored.
        let analysis = ts.sentiment("AAPL").await.expect("sentiment");
        assert!(!analysis.stored, "{store}");
        assert!(analysis.mention_volume > 0);

        let health = ts.health().await;
        for role in [
            BackendRole::PriceStore,
            BackendRole::SentimentStore,
            BackendRole::BackfillStore,
            BackendRole::UserStore,
        ] {
            let store_health = status_of(&health, role);
            assert!(is_down(store_health), "{store}: {store_health:?}");
            assert!(
                !reason(store_health).contains("hunter2"),
                "{store_health:?}"
            );
            assert!(!store_health.name.contains("hunter2"), "{store_health:?}");
            assert!(store_health.failures > 0, "{store_health:?}");
        }
        assert_eq!(
            status_of(&health, BackendRole::MarketData).status,
            BackendStatus::Up
        );
        assert_eq!(
            status_of(&health, BackendRole::Cache).status,
            BackendStatus::NotConfigured
        );
        let json = serde_json::to_string(&health).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        ts.close().await;
    }
}

#[tokio::test]
async fn a_silent_postgres_costs_one_connect_timeout_per_window() {
    // A server that takes connections and never answers, as a frozen one does.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let ts = Tickersense::builder()
        .store(format!("postgres://postgres:hunter2@127.0.0.1:{port}/test"))
        .cache("none://")
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        ts.history("AAPL", Period::Mo1, Interval::D1)
            .await
            .expect("history with the store silent");
    }
    ts.quote("AAPL").await.unwrap();
    let elapsed = started.elapsed();
    // The connect timeout is 5 s: one for the whole run, not one a call.
    assert!(
        elapsed < Duration::from_secs(9),
        "5 histories took {elapsed:?}"
    );
    let health = ts.health().await;
    let store = status_of(&health, BackendRole::PriceStore);
    assert!(is_down(store), "{store:?}");
    assert!(!reason(store).contains("hunter2"), "{store:?}");
    silent.abort();
}

#[tokio::test]
async fn market_calls_are_served_with_redis_refused() {
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("redis://:hunter2@127.0.0.1:1/0")
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        let _ = market_calls_succeed(&ts).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let health = ts.health().await;
    let cache = status_of(&health, BackendRole::Cache);
    assert!(is_down(cache), "{cache:?}");
    assert!(!reason(cache).contains("hunter2"), "{cache:?}");
    assert!(!cache.name.contains("hunter2"), "{cache:?}");
    assert!(cache.failures > 0, "{cache:?}");
    assert_eq!(
        status_of(&health, BackendRole::PriceStore).status,
        BackendStatus::Up
    );
    // The store is up: the analysis is kept.
    assert!(ts.sentiment("AAPL").await.unwrap().stored);
}

/// A `redis-server` of the test's own, killed on drop.
struct OwnRedis {
    child: Child,
    port: u16,
}

impl OwnRedis {
    fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--requirepass",
                "hunter2",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match child {
            Ok(child) => Some(OwnRedis { child, port }),
            // CI has redis-server; elsewhere the test says why it did nothing.
            Err(err) if std::env::var_os("CI").is_none() => {
                eprintln!("SKIPPED: cannot start redis-server: {err}");
                None
            }
            Err(err) => panic!("cannot start redis-server: {err}"),
        }
    }

    /// Its URL, password included.
    fn url(&self) -> String {
        format!("redis://:hunter2@127.0.0.1:{}/0", self.port)
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {signal}");
    }

    /// The clients connected, as `CLIENT LIST` counts them (the asking one included).
    async fn clients(&self) -> usize {
        let client = redis::Client::open(self.url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let list: String = redis::cmd("CLIENT")
            .arg("LIST")
            .query_async(&mut conn)
            .await
            .unwrap();
        list.lines().filter(|l| !l.trim().is_empty()).count()
    }

    async fn wait_until_up(&self) {
        for _ in 0..100 {
            if let Ok(client) = redis::Client::open(self.url()) {
                if let Ok(mut conn) = client.get_multiplexed_async_connection().await {
                    let pong: redis::RedisResult<String> =
                        redis::cmd("PING").query_async(&mut conn).await;
                    if pong.is_ok() {
                        return;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the test's redis-server did not start");
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_frozen_redis_costs_one_timeout_per_window_and_is_used_again_after() {
    let Some(redis) = OwnRedis::start() else {
        return;
    };
    redis.wait_until_up().await;
    let ts = Tickersense::builder()
        .store("memory://")
        .cache(redis.url())
        .build()
        .unwrap();
    let _ = market_calls_succeed(&ts).await;
    assert_eq!(
        status_of(&ts.health().await, BackendRole::Cache).status,
        BackendStatus::Up
    );

    redis.signal("-STOP");
    let started = Instant::now();
    for symbol in [
        "AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOG", "META", "IBM", "KO", "PEP",
    ] {
        ts.quote(symbol).await.expect("quote with redis frozen");
    }
    let elapsed = started.elapsed();
    eprintln!("10 quotes with redis frozen: {elapsed:?}");
    // Redis's response timeout is 2 s: one timeout opens the window and the
    // rest of the run skips Redis (10 quotes make 30 cache operations).
    assert!(
        elapsed < Duration::from_secs(6),
        "10 quotes took {elapsed:?}"
    );
    let _ = market_calls_succeed(&ts).await;
    let health = ts.health().await;
    let cache = status_of(&health, BackendRole::Cache);
    assert!(is_down(cache), "{cache:?}");
    assert!(reason(cache).contains("down"), "{cache:?}");
    assert!(reason(cache).contains("no answer within"), "{cache:?}");
    assert!(!reason(cache).contains("hunter2"), "{cache:?}");
    assert!(!cache.name.contains("hunter2"), "{cache:?}");
    eprintln!("{cache:?}");

    redis.signal("-CONT");
    // Used again once its window has passed.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let health = ts.health().await;
        if status_of(&health, BackendRole::Cache).status == BackendStatus::Up {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "redis never came back: {health:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ts.invalidate("stock_quote", None).await.unwrap();
    ts.quote("AAPL").await.unwrap();
    ts.quote("AAPL").await.unwrap();
    let stats = ts.cache_stats().await.unwrap();
    let quotes = stats.iter().find(|s| s.namespace == "stock_quote").unwrap();
    assert!(quotes.hits >= 1 && quotes.entries >= 1, "{quotes:?}");

    // Closing drops the client's connection to Redis.
    assert!(redis.clients().await >= 2);
    ts.close().await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while redis.clients().await > 1 {
        assert!(Instant::now() < deadline, "a connection outlived close");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let err = ts.quote("AAPL").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("closed"), "{err}");
}

#[tokio::test]
async fn a_store_that_comes_back_is_used_once_its_window_passed() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("later");
    let url = format!("sqlite://{}/x.db", folder.display());
    let ts = Tickersense::builder()
        .store(url)
        .cache("none://")
        .build()
        .unwrap();
    let _ = market_calls_succeed(&ts).await;
    assert!(ts.stored_series().await.is_err());
    std::fs::create_dir(&folder).unwrap();
    let err = ts.stored_series().await.unwrap_err();
    assert!(err.message().contains("tried again in"), "skipped: {err}");
    let wait = err.retry_after().expect("the wait");
    assert!(wait <= OUTAGE_WINDOW * 2, "{wait:?}");
    tokio::time::sleep(wait + Duration::from_millis(100)).await;

    let history = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    let series = ts.stored_series().await.expect("the store is back");
    assert!(
        series.iter().any(|s| s.symbol.as_str() == "AAPL"),
        "{series:?}"
    );
    let stored = ts
        .stored_history("AAPL", HistoryRange::Period(Period::Mo1), Interval::D1)
        .await
        .unwrap();
    assert!(!stored.bars.is_empty() && stored.bars.len() <= history.bars.len());
    assert!(ts.sentiment("AAPL").await.unwrap().stored);
    let health = ts.health().await;
    assert_eq!(
        status_of(&health, BackendRole::PriceStore).status,
        BackendStatus::Up
    );
    ts.close().await;
}

async fn connections_named(admin: &str, name: &str) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
    sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn close_leaves_no_postgres_connection_open() {
    let Some(base) = service_url("TICKERSENSE_TEST_POSTGRES_URL") else {
        return;
    };
    let schema = PgSchema::create(&base).await;
    let name = unique("ts_close");
    let ts = Tickersense::builder()
        .store(format!("{}&application_name={name}", schema.url()))
        .cache("none://")
        .build()
        .unwrap();
    ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    assert!(ts.sentiment("AAPL").await.unwrap().stored);
    let health = ts.health().await;
    assert_eq!(
        status_of(&health, BackendRole::PriceStore).status,
        BackendStatus::Up
    );
    assert!(
        connections_named(&base, &name).await > 0,
        "connected before close"
    );

    ts.close().await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while connections_named(&base, &name).await > 0 {
        assert!(Instant::now() < deadline, "a connection outlived close");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let err = ts.stored_series().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("this client is closed"), "{err}");
    let health = ts.health().await;
    assert!(is_down(status_of(&health, BackendRole::PriceStore)));
    schema.drop_now().await;
}

/// An analyzer that blocks its thread while scoring, as one calling into
/// Python or JS does, counting its calls.
struct Blocking(AtomicU64);

impl Analyzer for Blocking {
    fn name(&self) -> &str {
        "blocking"
    }
    fn score(&self, _text: &str) -> Score {
        std::thread::sleep(Duration::from_millis(20));
        Score { polarity: 0.5 }
    }
    fn try_score_many(&self, texts: &[&str]) -> tickersense::Result<Vec<Score>> {
        self.0.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(300));
        Ok(texts.iter().map(|_| Score { polarity: 0.5 }).collect())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_user_analyzer_never_blocks_the_runtime() {
    let analyzer = Arc::new(Blocking(AtomicU64::new(0)));
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .with_analyzer(analyzer.clone())
        .build()
        .unwrap();
    // One runtime thread: were scoring done on it, the ticker would stall.
    let ticks = Arc::new(AtomicU64::new(0));
    let ticker = tokio::spawn({
        let ticks = ticks.clone();
        async move {
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let analysis = ts.sentiment("AAPL").await.unwrap();
    ticker.abort();
    assert!(analysis.stored);
    assert!((analysis.current_sentiment - 0.5).abs() < 1e-9);
    let calls = analyzer.0.load(Ordering::Relaxed);
    assert!(calls >= 1);
    // Each batch blocks 300 ms: the ticker ran meanwhile.
    assert!(
        ticks.load(Ordering::Relaxed) >= 10 * calls,
        "ticks {ticks:?}"
    );
}
