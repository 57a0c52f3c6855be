//! Backends given to the builder as objects are guarded: a call they never
//! answer fails within the resilience timeout and the object sits out a
//! back-off window that health shows; their error messages lose URL
//! credentials; and two objects of one name never share cached values.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tickersense::cache::{Cache, CachePolicies, MemoryCache};
use tickersense::provider::MarketData;
use tickersense::resilience::ResiliencePolicy;
use tickersense::sentiment::Analyzer;
use tickersense::social::MentionSource;
use tickersense::{
    BackendHealth, BackendRole, BackendStatus, Error, ErrorKind, History, HistoryRange, Interval,
    Post, Quote, Result, Score, SearchHit, Symbol, Tickersense,
};

const TIMEOUT: Duration = Duration::from_millis(300);

fn short_timeout() -> ResiliencePolicy {
    ResiliencePolicy {
        timeout: TIMEOUT,
        ..ResiliencePolicy::default()
    }
}

/// A provider of the user's named `name`: quotes at `price`, or never
/// answers when `price` is `None`; a quote of `FAIL` fails with `failure`.
struct Provider {
    name: &'static str,
    price: Option<f64>,
}

#[async_trait]
impl MarketData for Provider {
    fn name(&self) -> &str {
        self.name
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        if symbol.as_str() == "FAIL" {
            let cause = std::io::Error::other("the original exception");
            return Err(Error::new(
                ErrorKind::NotFound,
                "no such symbol in postgres://u:sekrit@h/db, sorry",
            )
            .with_source(cause));
        }
        match self.price {
            Some(price) => Ok(Quote::new(symbol.clone(), price, price, self.name)),
            None => std::future::pending().await,
        }
    }

    async fn history(
        &self,
        _symbol: &Symbol,
        _range: HistoryRange,
        _interval: Interval,
    ) -> Result<History> {
        std::future::pending().await
    }

    async fn search(&self, _query: &str, _limit: usize) -> Result<Vec<SearchHit>> {
        std::future::pending().await
    }
}

fn entry(health: &[BackendHealth], role: BackendRole, name: &str) -> BackendHealth {
    health
        .iter()
        .find(|h| h.role == role && h.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {role} {name} in {health:?}"))
}

#[tokio::test]
async fn a_provider_that_never_answers_times_out_then_sits_out_its_window() {
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("memory://")
        .resilience(short_timeout())
        .with_market_data(Arc::new(Provider {
            name: "hang",
            price: None,
        }))
        .build()
        .unwrap();
    assert_eq!(
        entry(&ts.health().await, BackendRole::MarketData, "user:hang").status,
        BackendStatus::Up
    );

    // Two callers of one quote (single flight) both get the timeout.
    let started = Instant::now();
    let (first, second) = tokio::join!(ts.quote("AAPL"), ts.quote("AAPL"));
    let waited = started.elapsed();
    for err in [first.unwrap_err(), second.unwrap_err()] {
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(
            err.message()
                .contains("user market data \"hang\" gave no answer to quote within 300ms"),
            "{err}"
        );
    }
    assert!(waited >= TIMEOUT - Duration::from_millis(50), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");

    // Inside the window, the provider is not asked: the call fails at once.
    let started = Instant::now();
    let err = ts.quote("MSFT").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(200));
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(
        err.message().contains("user market data \"hang\" is down"),
        "{err}"
    );
    let err = ts
        .search("apple", 5)
        .await
        .expect_err("search is skipped too");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");

    let market = entry(&ts.health().await, BackendRole::MarketData, "user:hang");
    match &market.status {
        BackendStatus::Down {
            reason,
            retry_in_ms,
        } => {
            assert_eq!(reason, "no answer to quote within 300ms");
            assert!(
                retry_in_ms.is_some_and(|ms| ms > 0 && ms <= 2000),
                "{market:?}"
            );
        }
        other => panic!("not down: {other:?}"),
    }
    assert_eq!(market.failures, 1, "one timeout per window: {market:?}");
}

/// A mention source of the user's that never answers.
struct HungSource;

#[async_trait]
impl MentionSource for HungSource {
    fn platform(&self) -> &str {
        "forum"
    }

    async fn mentions(
        &self,
        _symbol: &Symbol,
        _since: DateTime<Utc>,
        _limit: usize,
    ) -> Result<Vec<Post>> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_hung_mention_source_is_left_out_like_a_failing_one() {
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .social("sample://")
        .resilience(short_timeout())
        .with_mention_source(Arc::new(HungSource))
        .build()
        .unwrap();
    let started = Instant::now();
    let analysis = ts.sentiment("AAPL").await.unwrap();
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert!(!analysis.platforms.is_empty());
    assert!(analysis.platforms.iter().all(|p| p.platform != "forum"));

    let health = ts.health().await;
    let forum = entry(&health, BackendRole::Social, "user:forum");
    assert!(
        matches!(&forum.status, BackendStatus::Down { reason, .. }
            if reason == "no answer to mentions within 300ms"),
        "{forum:?}"
    );
    assert_eq!(
        entry(&health, BackendRole::Social, "sample://").status,
        BackendStatus::Up
    );

    // Inside the window the source is skipped without waiting.
    let started = Instant::now();
    ts.sentiment("AAPL").await.unwrap();
    assert!(started.elapsed() < TIMEOUT, "{:?}", started.elapsed());
}

/// An analyzer of the user's, called `<lambda>` as Python names a lambda:
/// scores every text `polarity`, after `delay`; fails with a message
/// holding a password when `polarity` is NaN.
struct Lambda {
    polarity: f64,
    delay: Duration,
}

impl Analyzer for Lambda {
    fn name(&self) -> &str {
        "<lambda>"
    }

    fn score(&self, _text: &str) -> Score {
        Score {
            polarity: self.polarity,
        }
    }

    fn try_score_many(&self, texts: &[&str]) -> Result<Vec<Score>> {
        std::thread::sleep(self.delay);
        if self.polarity.is_nan() {
            return Err(Error::new(
                ErrorKind::Unavailable,
                "model at https://bot:sekrit@models.example/v1 refused",
            ));
        }
        Ok(self.score_many(texts))
    }
}

#[tokio::test]
async fn a_slow_analyzer_times_out_and_its_thread_is_left_to_finish() {
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .resilience(short_timeout())
        .with_analyzer(Arc::new(Lambda {
            polarity: 0.5,
            delay: Duration::from_millis(1200),
        }))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = ts.sentiment("AAPL").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1000));
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        err.message()
            .contains("user analyzer \"<lambda>\" gave no answer to score within 300ms"),
        "{err}"
    );
    let err = ts.sentiment("AAPL").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    let analyzer = entry(&ts.health().await, BackendRole::Analyzer, "user:<lambda>");
    assert!(
        matches!(analyzer.status, BackendStatus::Down { .. }),
        "{analyzer:?}"
    );
    assert_eq!(analyzer.failures, 1);
}

#[tokio::test]
async fn user_errors_keep_their_kind_and_source_but_lose_credentials() {
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .with_market_data(Arc::new(Provider {
            name: "fine",
            price: Some(1.0),
        }))
        .build()
        .unwrap();
    let err = ts.quote("FAIL").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(!err.message().contains("sekrit"), "{err}");
    assert!(err.message().contains("postgres://u:***@h/db"), "{err}");
    let source = std::error::Error::source(&err).expect("the original error is kept");
    assert_eq!(source.to_string(), "the original exception");
    let market = entry(&ts.health().await, BackendRole::MarketData, "user:fine");
    assert_eq!(market.status, BackendStatus::Up, "it answered");

    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .with_analyzer(Arc::new(Lambda {
            polarity: f64::NAN,
            delay: Duration::ZERO,
        }))
        .build()
        .unwrap();
    let err = ts.sentiment("AAPL").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(!err.message().contains("sekrit"), "{err}");
    assert!(err.message().contains("refused"), "{err}");
}

#[tokio::test]
async fn objects_of_one_name_never_read_each_others_cached_values() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new(CachePolicies::default()));
    let client = |price: f64, polarity: f64| {
        Tickersense::builder()
            .store("memory://")
            .with_cache(cache.clone())
            .with_market_data(Arc::new(Provider {
                name: "LegacySource",
                price: Some(price),
            }))
            .with_analyzer(Arc::new(Lambda {
                polarity,
                delay: Duration::ZERO,
            }))
            .build()
            .unwrap()
    };
    let (first, second) = (client(10.0, 0.5), client(20.0, -0.5));
    assert_eq!(first.quote("AAPL").await.unwrap().price, 10.0);
    assert_eq!(second.quote("AAPL").await.unwrap().price, 20.0);
    let mine = first.sentiment("AAPL").await.unwrap();
    let theirs = second.sentiment("AAPL").await.unwrap();
    assert!(mine.current_sentiment > 0.0, "{mine:?}");
    assert!(theirs.current_sentiment < 0.0, "{theirs:?}");
    // Each still reads its own from the cache.
    assert_eq!(first.quote("AAPL").await.unwrap().price, 10.0);
    assert_eq!(
        first.sentiment("AAPL").await.unwrap().analysis_timestamp,
        mine.analysis_timestamp
    );
}

#[tokio::test]
async fn describe_store_fails_while_the_store_is_down() {
    let ts = Tickersense::builder()
        .store("postgres://ts:hunter2@127.0.0.1:1/none")
        .build()
        .unwrap();
    let err = ts.describe_store().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(!err.message().contains("hunter2"), "{err}");
}
