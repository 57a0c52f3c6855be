//! The conformance kit catches broken backends: each deliberately wrong
//! one below fails the check of the clause it breaks, and only such checks,
//! while a panic inside a backend fails its check without ending the suite.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tickersense::cache::{Cache, CachePolicies, MemoryCache, NamespaceStats};
use tickersense::model::{PostQuery, StoredPost};
use tickersense::provider::{MarketData, Sample};
use tickersense::store::{Coverage, MemoryStore, PriceStore, SentimentStore, StoredSeries};
use tickersense::testkit::{self, CacheSuiteOptions, Report};
use tickersense::{
    Bar, History, HistoryRange, Interval, Quote, SearchHit, SentimentRecord, Symbol,
};

/// The names of the checks that failed.
fn failed(report: &Report) -> Vec<&str> {
    report.failures().iter().map(|c| c.name.as_str()).collect()
}

/// A price store that answers reads wrongly in one of two ways.
struct WrongPrices {
    inner: MemoryStore,
    fault: PriceFault,
}

#[derive(Clone, Copy)]
enum PriceFault {
    /// Bars come back newest first.
    Unsorted,
    /// `bars` returns the whole series whatever the range.
    IgnoresRange,
}

#[async_trait]
impl PriceStore for WrongPrices {
    async fn upsert_bars(&self, s: &Symbol, i: Interval, bars: &[Bar]) -> tickersense::Result<u64> {
        self.inner.upsert_bars(s, i, bars).await
    }
    async fn bars(
        &self,
        s: &Symbol,
        i: Interval,
        start: Option<DateTime<Utc>>,
        end: DateTime<Utc>,
    ) -> tickersense::Result<Vec<Bar>> {
        match self.fault {
            PriceFault::Unsorted => {
                let mut bars = self.inner.bars(s, i, start, end).await?;
                bars.reverse();
                Ok(bars)
            }
            PriceFault::IgnoresRange => self.inner.bars(s, i, None, DateTime::<Utc>::MAX_UTC).await,
        }
    }
    async fn latest_bar(&self, s: &Symbol, i: Interval) -> tickersense::Result<Option<Bar>> {
        self.inner.latest_bar(s, i).await
    }
    async fn coverage(&self, s: &Symbol, i: Interval) -> tickersense::Result<Option<Coverage>> {
        self.inner.coverage(s, i).await
    }
    async fn extend_coverage(
        &self,
        s: &Symbol,
        i: Interval,
        c: Coverage,
    ) -> tickersense::Result<()> {
        self.inner.extend_coverage(s, i, c).await
    }
    async fn stored_series(&self) -> tickersense::Result<Vec<StoredSeries>> {
        self.inner.stored_series().await
    }
}

#[tokio::test]
async fn a_store_returning_bars_unsorted_fails_the_order_check() {
    let store = Arc::new(WrongPrices {
        inner: MemoryStore::new(),
        fault: PriceFault::Unsorted,
    });
    let report = testkit::price_store(store).await;
    assert!(!report.passed(), "{report}");
    let failed = failed(&report);
    assert!(
        failed.contains(&"price_store.bars_oldest_first"),
        "{report}"
    );
    assert!(
        !failed.contains(&"price_store.coverage_widens")
            && !failed.contains(&"price_store.latest_bar"),
        "only checks that read bars fail: {report}"
    );
    let message = report
        .check("price_store.bars_oldest_first")
        .unwrap()
        .failure()
        .unwrap();
    assert!(message.contains("read back as"), "{message}");
    let panic = std::panic::catch_unwind(|| report.assert_passed()).unwrap_err();
    let listed = panic.downcast_ref::<String>().unwrap();
    assert!(
        listed.contains("price_store.bars_oldest_first: "),
        "{listed}"
    );
}

#[tokio::test]
async fn a_store_ignoring_the_range_fails_the_range_checks() {
    let store = Arc::new(WrongPrices {
        inner: MemoryStore::new(),
        fault: PriceFault::IgnoresRange,
    });
    let report = testkit::price_store(store).await;
    let failed = failed(&report);
    for check in [
        "price_store.range_is_half_open",
        "price_store.empty_reversed_and_future_ranges_hold_nothing",
    ] {
        assert!(failed.contains(&check), "{check}: {report}");
    }
    assert!(
        !failed.contains(&"price_store.bars_oldest_first"),
        "{report}"
    );
}

/// A sentiment store that hands records back newest first.
struct NewestFirst(MemoryStore);

#[async_trait]
impl SentimentStore for NewestFirst {
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> tickersense::Result<()> {
        self.0.insert_sentiment(records).await
    }
    async fn sentiment_since(
        &self,
        s: &Symbol,
        since: DateTime<Utc>,
    ) -> tickersense::Result<Vec<SentimentRecord>> {
        let mut records = self.0.sentiment_since(s, since).await?;
        records.reverse();
        Ok(records)
    }
    async fn upsert_posts(&self, posts: &[StoredPost]) -> tickersense::Result<u64> {
        self.0.upsert_posts(posts).await
    }
    async fn posts(&self, query: &PostQuery) -> tickersense::Result<Vec<StoredPost>> {
        self.0.posts(query).await
    }
}

#[tokio::test]
async fn a_sentiment_store_out_of_order_fails_its_check() {
    let report = testkit::sentiment_store(Arc::new(NewestFirst(MemoryStore::new()))).await;
    assert_eq!(
        failed(&report),
        ["sentiment_store.records_come_back_oldest_first_whole"],
        "{report}"
    );
}

/// A sentiment store whose post reads ignore the query's limit.
struct NoLimit(MemoryStore);

#[async_trait]
impl SentimentStore for NoLimit {
    async fn insert_sentiment(&self, records: &[SentimentRecord]) -> tickersense::Result<()> {
        self.0.insert_sentiment(records).await
    }
    async fn sentiment_since(
        &self,
        s: &Symbol,
        since: DateTime<Utc>,
    ) -> tickersense::Result<Vec<SentimentRecord>> {
        self.0.sentiment_since(s, since).await
    }
    async fn upsert_posts(&self, posts: &[StoredPost]) -> tickersense::Result<u64> {
        self.0.upsert_posts(posts).await
    }
    async fn posts(&self, query: &PostQuery) -> tickersense::Result<Vec<StoredPost>> {
        let unlimited = PostQuery {
            limit: tickersense::model::MAX_POSTS_READ,
            ..query.clone()
        };
        self.0.posts(&unlimited).await
    }
}

#[tokio::test]
async fn a_post_store_ignoring_the_limit_fails_the_filter_check_alone() {
    let report = testkit::sentiment_store(Arc::new(NoLimit(MemoryStore::new()))).await;
    assert_eq!(
        failed(&report),
        ["sentiment_store.post_filters"],
        "{report}"
    );
    let message = report
        .check("sentiment_store.post_filters")
        .unwrap()
        .failure()
        .unwrap();
    assert!(message.contains("a limit of 0"), "{message}");
}

/// The sample provider with a NaN price on every quote.
struct NanPrice(Sample);

#[async_trait]
impl MarketData for NanPrice {
    fn name(&self) -> &str {
        "nan prices"
    }
    async fn quote(&self, symbol: &Symbol) -> tickersense::Result<Quote> {
        let quote = self.0.quote(symbol).await?;
        Ok(Quote {
            price: f64::NAN,
            ..quote
        })
    }
    async fn history(
        &self,
        s: &Symbol,
        r: HistoryRange,
        i: Interval,
    ) -> tickersense::Result<History> {
        self.0.history(s, r, i).await
    }
    async fn search(&self, query: &str, limit: usize) -> tickersense::Result<Vec<SearchHit>> {
        self.0.search(query, limit).await
    }
}

#[tokio::test]
async fn a_nan_price_fails_the_price_check_alone() {
    let report = testkit::market_data(
        Arc::new(NanPrice(Sample::new())),
        "AAPL".into(),
        "ZZZZ9".into(),
        "apple".into(),
    )
    .await;
    assert_eq!(report.backend, "nan prices");
    assert_eq!(
        failed(&report),
        ["market_data.quote_price_is_finite_and_positive"],
        "{report}"
    );
    let message = report.failures()[0].failure().unwrap();
    assert!(message.contains("price is NaN"), "{message}");
    let shown = report.to_string();
    assert!(
        shown.contains("FAIL market_data.quote_price_is_finite_and_positive: "),
        "{shown}"
    );
    assert!(
        shown.contains("ok   market_data.history_bars_oldest_first"),
        "{shown}"
    );
    // What a binding hands over: the same report as JSON.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["suite"], "market_data");
    assert!(json["checks"].as_array().unwrap().iter().any(|c| c["name"]
        == "market_data.quote_price_is_finite_and_positive"
        && c["status"] == "failed"));
}

/// A memory cache that panics on prefix invalidation and answers batches
/// in reverse order.
struct Shaky(MemoryCache);

#[async_trait]
impl Cache for Shaky {
    async fn get(&self, ns: &str, key: &str) -> Option<Vec<u8>> {
        self.0.get(ns, key).await
    }
    async fn set(&self, ns: &str, key: &str, value: Vec<u8>) {
        self.0.set(ns, key, value).await
    }
    async fn get_many(&self, ns: &str, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        let mut values = self.0.get_many(ns, keys).await;
        values.reverse();
        values
    }
    async fn invalidate(&self, ns: &str, key: Option<&str>) {
        self.0.invalidate(ns, key).await
    }
    async fn invalidate_prefix(&self, _: &str, _: &str) {
        panic!("prefixes are not supported");
    }
    async fn stats(&self) -> Vec<NamespaceStats> {
        self.0.stats().await
    }
}

#[tokio::test]
async fn a_panicking_cache_fails_that_check_and_the_suite_goes_on() {
    let cache = Arc::new(Shaky(MemoryCache::new(CachePolicies::default())));
    let report = testkit::cache(cache, CacheSuiteOptions::default()).await;
    assert_eq!(
        failed(&report),
        [
            "cache.invalidate_prefix_drops_the_prefixed_keys",
            "cache.batches_agree_with_single_calls"
        ],
        "{report}"
    );
    let panicked = report.failures()[0].failure().unwrap();
    assert!(
        panicked.contains("panicked") && panicked.contains("prefixes are not supported"),
        "{panicked}"
    );
}

#[tokio::test]
async fn the_built_in_analyzers_and_mention_source_pass() {
    for name in ["vader", "textblob"] {
        let analyzer = tickersense::sentiment::analyzer_by_name(name).unwrap();
        let report = testkit::analyzer(analyzer).await;
        report.assert_passed();
        assert_eq!(report.backend, name);
    }
    let sample = Arc::new(tickersense::social::Sample::new());
    let report = testkit::mention_source(sample, "AAPL".into()).await;
    report.assert_passed();
    assert_eq!(report.backend, "sample");
}

/// VADER, with scores doubled past [-1, 1] and a batch that fails.
struct Overexcited(tickersense::sentiment::Vader);

impl tickersense::sentiment::Analyzer for Overexcited {
    fn name(&self) -> &str {
        "overexcited"
    }
    fn score(&self, text: &str) -> tickersense::Score {
        let tickersense::Score { polarity } = self.0.score(text);
        tickersense::Score {
            polarity: polarity * 2.0,
        }
    }
    fn try_score_many(&self, _: &[&str]) -> tickersense::Result<Vec<tickersense::Score>> {
        Err(tickersense::Error::unavailable(
            "the scoring service is down",
        ))
    }
}

#[tokio::test]
async fn an_analyzer_out_of_range_or_failing_fails_those_checks() {
    let report = testkit::analyzer(Arc::new(Overexcited(Default::default()))).await;
    assert_eq!(
        failed(&report),
        [
            "analyzer.scores_are_finite_and_in_range",
            "analyzer.try_score_many_agrees_with_score",
            "analyzer.an_empty_batch_gives_nothing"
        ],
        "{report}"
    );
    let message = report.failures()[1].failure().unwrap();
    assert!(message.contains("the scoring service is down"), "{message}");
}

/// The sample posts, ignoring the limit and the bound, oldest first.
struct Careless(tickersense::social::Sample);

#[async_trait]
impl tickersense::social::MentionSource for Careless {
    fn platform(&self) -> &str {
        self.0.platform()
    }
    async fn mentions(
        &self,
        symbol: &Symbol,
        _since: DateTime<Utc>,
        _limit: usize,
    ) -> tickersense::Result<Vec<tickersense::Post>> {
        let now = Utc::now();
        let mut posts = self
            .0
            .mentions(symbol, now - chrono::Duration::days(30), 100)
            .await?;
        posts.reverse();
        Ok(posts)
    }
}

#[tokio::test]
async fn a_careless_mention_source_fails_the_limit_order_and_since_checks() {
    let report =
        testkit::mention_source(Arc::new(Careless(Default::default())), "AAPL".into()).await;
    let failed = failed(&report);
    for check in [
        "mention_source.at_most_limit_posts",
        "mention_source.newest_first",
        "mention_source.nothing_before_since",
        "mention_source.a_future_since_gives_nothing",
    ] {
        assert!(failed.contains(&check), "{check}: {report}");
    }
    assert!(!failed.contains(&"mention_source.finds_posts"), "{report}");
}
