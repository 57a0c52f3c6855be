//! Backends given to the builder as objects: they serve their role through
//! the client, their cached values stay theirs, and store roles are
//! filled one by one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use tickersense::cache::{Cache, CachePolicies, MemoryCache};
use tickersense::provider::MarketData;
use tickersense::sentiment::Analyzer;
use tickersense::social::MentionSource;
use tickersense::store::{MemoryStore, PriceStore, SentimentStore};
use tickersense::{
    BackendRole, BackendStatus, Bar, Error, ErrorKind, History, HistoryRange, Interval, Origin,
    Period, Post, Quote, Result, Score, SearchHit, Symbol, Tickersense,
};

/// A provider of the user's: one fixed price, one bar a day, one hit, and
/// a count of the calls that reached it.
struct FixedPrices {
    calls: AtomicUsize,
}

const FIXED_PRICE: f64 = 4242.5;

impl FixedPrices {
    fn new() -> Arc<Self> {
        Arc::new(FixedPrices {
            calls: AtomicUsize::new(0),
        })
    }
}

#[async_trait]
impl MarketData for FixedPrices {
    fn name(&self) -> &str {
        // A URL's text on purpose: a user name never shares a URL's scope.
        "sample://"
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Quote::new(symbol.clone(), FIXED_PRICE, 4000.0, self.name()))
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let (start, end) = range.bounds(Utc::now());
        let first = start.unwrap_or(end - Duration::days(10));
        let mut day = Utc.from_utc_datetime(&first.date_naive().and_hms_opt(0, 0, 0).unwrap())
            + Duration::days(1);
        let mut bars = Vec::new();
        while day < end {
            bars.push(Bar {
                timestamp: day,
                open: FIXED_PRICE,
                high: FIXED_PRICE,
                low: FIXED_PRICE,
                close: FIXED_PRICE,
                adj_close: Some(FIXED_PRICE),
                volume: 7,
            });
            day += Duration::days(1);
        }
        Ok(History {
            bars,
            ..History::empty(symbol.clone(), interval, self.name())
        })
    }

    async fn search(&self, query: &str, _limit: usize) -> Result<Vec<SearchHit>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(vec![SearchHit {
            symbol: Symbol::parse("FIXD").unwrap(),
            name: format!("Fixed for {query}"),
            kind: "EQUITY".into(),
            exchange: "NMS".into(),
        }])
    }
}

fn memory_cache() -> Arc<dyn Cache> {
    Arc::new(MemoryCache::new(CachePolicies::default()))
}

#[tokio::test]
async fn a_user_provider_serves_the_client_and_its_cached_values_stay_its_own() {
    let provider = FixedPrices::new();
    let cache = memory_cache();
    let mine = Tickersense::builder()
        .store("memory://")
        .with_market_data(provider.clone())
        .with_cache(cache.clone())
        .build()
        .unwrap();
    let quote = mine.quote("AAPL").await.unwrap();
    assert_eq!(quote.price, FIXED_PRICE);
    let history = mine
        .history("AAPL", Period::Mo1, Interval::D1)
        .await
        .unwrap();
    assert!(!history.bars.is_empty());
    assert!(history.bars.iter().all(|b| b.close == FIXED_PRICE));
    let hits = mine.search("anything", 5).await.unwrap();
    assert_eq!(hits[0].symbol.as_str(), "FIXD");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 3);

    // Served from the shared cache now: the provider is not asked again.
    assert_eq!(mine.quote("AAPL").await.unwrap().price, FIXED_PRICE);
    let again = mine
        .history("AAPL", Period::Mo1, Interval::D1)
        .await
        .unwrap();
    assert_eq!(again.origin, Origin::Cache);
    assert_eq!(provider.calls.load(Ordering::SeqCst), 3);

    // A client on sample:// sharing the cache object reads none of it.
    let sample = Tickersense::builder()
        .store("memory://")
        .market_data("sample://")
        .with_cache(cache.clone())
        .build()
        .unwrap();
    let theirs = sample.quote("AAPL").await.unwrap();
    assert_ne!(theirs.price, FIXED_PRICE);
    assert_ne!(theirs.source, quote.source);
    let their_history = sample
        .history("AAPL", Period::Mo1, Interval::D1)
        .await
        .unwrap();
    assert_eq!(their_history.origin, Origin::Provider);
    assert!(their_history.bars.iter().any(|b| b.close != FIXED_PRICE));
    let their_hits = sample.search("anything", 5).await.unwrap();
    assert!(their_hits.iter().all(|h| h.symbol.as_str() != "FIXD"));

    // Closing the clients leaves the user's cache working.
    mine.close().await;
    sample.close().await;
    cache.set("probe", "k", b"v".to_vec()).await;
    assert_eq!(cache.get("probe", "k").await, Some(b"v".to_vec()));
}

/// An analyzer whose batch fails, as a model behind a call might.
struct Broken;

impl Analyzer for Broken {
    fn name(&self) -> &str {
        "broken"
    }
    fn score(&self, _text: &str) -> Score {
        Score { polarity: 0.0 }
    }
    fn try_score_many(&self, _texts: &[&str]) -> Result<Vec<Score>> {
        Err(Error::new(
            ErrorKind::Unavailable,
            "the model server is down",
        ))
    }
}

#[tokio::test]
async fn a_failing_user_analyzer_fails_sentiment_with_its_error() {
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .with_analyzer(Arc::new(Broken))
        .build()
        .unwrap();
    let err = ts.sentiment("AAPL").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("model server is down"), "{err}");
    assert!(ts.sentiment_analyses("AAPL", 7).await.unwrap().is_empty());
}

/// A source of the user's: two posts, one inside the window, one a month old.
struct TwoPosts;

#[async_trait]
impl MentionSource for TwoPosts {
    fn platform(&self) -> &str {
        "forum"
    }
    async fn mentions(
        &self,
        symbol: &Symbol,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Post>> {
        let now = Utc::now();
        let post = |id: &str, text: &str, at: DateTime<Utc>| {
            Post::new(
                "forum",
                id,
                format!("{text} ${symbol}"),
                format!("https://example.invalid/{id}"),
                at,
            )
        };
        let mut posts = vec![
            post("new", "great wonderful excellent", now - Duration::hours(1)),
            post("old", "terrible awful", now - Duration::days(30)),
        ];
        posts.retain(|p| p.created_at >= since);
        posts.truncate(limit);
        Ok(posts)
    }
}

#[tokio::test]
async fn object_sources_alone_need_no_social_url_and_get_the_window_start() {
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .social("")
        .with_mention_source(Arc::new(TwoPosts))
        .build()
        .unwrap();
    let analysis = ts.sentiment("AAPL").await.unwrap();
    assert_eq!(analysis.platforms.len(), 1);
    assert_eq!(analysis.platforms[0].platform, "forum");
    assert_eq!(
        analysis.mention_volume, 1,
        "the month-old post is outside the window"
    );
    assert!(analysis.current_sentiment > 0.0);

    let err = Tickersense::builder().social("").build().err().unwrap();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_user_price_store_gets_the_bars_while_sentiment_goes_to_the_url_store() {
    let prices = Arc::new(MemoryStore::new());
    let ts = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .with_price_store(prices.clone())
        .build()
        .unwrap();
    let history = ts.history("AAPL", Period::Mo1, Interval::D1).await.unwrap();
    assert!(!history.bars.is_empty());
    let symbol = Symbol::parse("AAPL").unwrap();
    let kept = prices
        .bars(&symbol, Interval::D1, None, Utc::now())
        .await
        .unwrap();
    assert_eq!(kept, history.bars);
    let series = ts.stored_series().await.unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].bars, history.bars.len() as u64);
    assert!(ts.describe_store().await.unwrap().contains("user-defined"));

    ts.sentiment("AAPL").await.unwrap();
    let since = Utc::now() - Duration::days(1);
    assert!(
        prices
            .sentiment_since(&symbol, since)
            .await
            .unwrap()
            .is_empty(),
        "the price store object keeps no sentiment"
    );
    assert_eq!(ts.sentiment_analyses("AAPL", 1).await.unwrap().len(), 1);

    // The object outlives the client's close.
    ts.close().await;
    assert_eq!(
        prices
            .bars(&symbol, Interval::D1, None, Utc::now())
            .await
            .unwrap(),
        history.bars
    );
}

#[tokio::test]
async fn stored_history_reads_the_store_after_history() {
    let ts = Tickersense::builder().store("memory://").build().unwrap();
    let range = HistoryRange::Period(Period::Mo3);
    let empty = ts
        .stored_history("MSFT", range, Interval::D1)
        .await
        .unwrap();
    assert!(empty.bars.is_empty());
    assert_eq!(empty.origin, Origin::Store);

    let fetched = ts.history_range("MSFT", range, Interval::D1).await.unwrap();
    let stored = ts
        .stored_history("msft", range, Interval::D1)
        .await
        .unwrap();
    assert_eq!(stored.origin, Origin::Store);
    assert_eq!(stored.source, "store");
    assert_eq!(stored.symbol.as_str(), "MSFT");
    assert_eq!(stored.bars, fetched.bars);

    let start = fetched.bars[1].timestamp;
    let end = fetched.bars[3].timestamp;
    let between = ts
        .stored_history("MSFT", HistoryRange::Between { start, end }, Interval::D1)
        .await
        .unwrap();
    assert_eq!(between.bars, fetched.bars[1..3]);
    let backwards = ts
        .stored_history(
            "MSFT",
            HistoryRange::Between {
                start: end,
                end: start,
            },
            Interval::D1,
        )
        .await
        .unwrap_err();
    assert_eq!(backwards.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn health_reports_each_role_and_debug_hides_the_objects() {
    let builder = Tickersense::builder()
        .store("memory://")
        .cache("none://")
        .with_market_data(FixedPrices::new())
        .with_sentiment_store(Arc::new(MemoryStore::new()));
    let shown = format!("{builder:?}");
    assert!(shown.contains("<user MarketData \"sample://\">"), "{shown}");
    assert!(shown.contains("<user SentimentStore>"), "{shown}");
    let ts = builder.build().unwrap();
    let health = ts.health().await;
    let status = |role| {
        health
            .iter()
            .find(|h| h.role == role)
            .map(|h| (h.name.clone(), h.status.clone()))
            .unwrap()
    };
    assert_eq!(
        status(BackendRole::MarketData),
        ("user:sample://".into(), BackendStatus::Up)
    );
    assert_eq!(status(BackendRole::Cache).1, BackendStatus::NotConfigured);
    assert_eq!(
        status(BackendRole::SentimentStore),
        ("user-defined".into(), BackendStatus::Up)
    );
    assert_eq!(
        status(BackendRole::PriceStore),
        ("memory://".into(), BackendStatus::Up)
    );

    let down = Tickersense::builder()
        .store("postgres://ts:hunter2@127.0.0.1:1/none")
        .build()
        .unwrap();
    let health = down.health().await;
    let store = health
        .iter()
        .find(|h| h.role == BackendRole::PriceStore)
        .unwrap();
    assert!(matches!(store.status, BackendStatus::Down { .. }));
    assert!(!format!("{health:?}").contains("hunter2"));
}
