//! `Client`, the JS face of [`tickersense::Tickersense`]: options in, promises
//! of plain objects out.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use napi_derive::napi;
use tickersense::service::{checked_search_limit, DEFAULT_SEARCH_LIMIT};
use tickersense::{ConfigOverrides, Interval, Period, Tickersense};

use crate::error::{ErrorCode, IntoJsResult, Settled};
use crate::model::{Bar, History, NamespaceStats, Quote, SearchHit, SentimentAnalysis};

/// Backend URLs and analyzer name for a `Client`. Each one left out comes
/// from the `TICKERSENSE_*` environment variable of the same name, then from
/// the default.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Where bars and analyses are kept: `memory://`, `sqlite://PATH`
    /// (default `sqlite://tickersense.db`), `postgres://USER@HOST/DB`.
    pub store: Option<String>,
    /// Where fetched values are cached: `none://`, `memory://` (default), `redis://HOST:PORT/DB`.
    pub cache: Option<String>,
    /// Where quotes, history and search come from: `sample://` (default, offline).
    pub market_data: Option<String>,
    /// Where posts come from, several separated by commas: `sample://` (default).
    pub social: Option<String>,
    /// The sentiment analyzer's name: `textblob` (default, TextBlob 0.20.1's
    /// scores) or `vader` (vaderSentiment 3.3.2's compound score).
    pub analyzer: Option<String>,
}

impl From<ClientOptions> for ConfigOverrides {
    fn from(o: ClientOptions) -> Self {
        ConfigOverrides {
            store: o.store,
            cache: o.cache,
            market_data: o.market_data,
            social: o.social,
            analyzer: o.analyzer,
        }
    }
}

/// Quotes, price history, symbol search and social sentiment, with caching
/// and storage.
///
/// Making one only checks the options: a malformed URL throws here (with
/// `code` `"InvalidInput"`), while a server that is down rejects the first
/// call that needs it (`"Unavailable"`). Every method returns a promise; a
/// failure rejects it with an `Error` whose `code` is the error kind
/// (`"InvalidInput"`, `"NotFound"`, `"Unavailable"`, `"Timeout"`, ...).
/// An argument of the wrong JS type (a number for a symbol, a string for a
/// `Date`) throws synchronously, with napi's own code (`"StringExpected"`, ...).
#[napi]
pub struct Client {
    inner: Arc<Tickersense>,
}

#[napi]
impl Client {
    /// A client for `options`; no I/O happens until the first call.
    // (napi spots a fallible constructor by a return type spelt `Result<..>`,
    // so this names `napi::Result` rather than the `JsResult` alias.)
    #[napi(constructor, catch_unwind)]
    pub fn new(options: Option<ClientOptions>) -> napi::Result<Self, ErrorCode> {
        let overrides = options.unwrap_or_default().into();
        let config = tickersense::Config::resolve(overrides).into_js()?;
        let inner = Tickersense::new(config).into_js()?;
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    /// The latest quote of `symbol`.
    #[napi(catch_unwind, ts_return_type = "Promise<Quote>")]
    pub async fn quote(&self, symbol: String) -> Settled<Quote> {
        let inner = Arc::clone(&self.inner);
        Settled(inner.quote(&symbol).await.map(Quote::from))
    }

    /// Bars of `interval` (default `"1d"`) over `period` (default `"1mo"`),
    /// in yfinance's spelling: periods `1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max`,
    /// intervals `1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo`.
    #[napi(catch_unwind, ts_return_type = "Promise<History>")]
    pub async fn history(
        &self,
        symbol: String,
        period: Option<String>,
        interval: Option<String>,
    ) -> Settled<History> {
        let inner = Arc::clone(&self.inner);
        let result = async {
            let period = period
                .as_deref()
                .map_or(Ok(Period::default()), str::parse::<Period>)?;
            let interval = interval
                .as_deref()
                .map_or(Ok(Interval::default()), str::parse::<Interval>)?;
            inner.history(&symbol, period, interval).await
        };
        Settled(result.await.map(History::from))
    }

    /// Instruments matching `query`, best first, at most `limit` (default 10).
    #[napi(catch_unwind, ts_return_type = "Promise<Array<SearchHit>>")]
    pub async fn search(&self, query: String, limit: Option<i64>) -> Settled<Vec<SearchHit>> {
        let inner = Arc::clone(&self.inner);
        let result = async {
            let limit = limit.map_or(Ok(DEFAULT_SEARCH_LIMIT), checked_search_limit)?;
            inner.search(&query, limit).await
        };
        Settled(
            result
                .await
                .map(|hits| hits.into_iter().map(SearchHit::from).collect()),
        )
    }

    /// The current social sentiment of `symbol`; each analysis is stored, and
    /// the trend compares it with the stored ones of the last days.
    #[napi(catch_unwind, ts_return_type = "Promise<SentimentAnalysis>")]
    pub async fn sentiment(&self, symbol: String) -> Settled<SentimentAnalysis> {
        let inner = Arc::clone(&self.inner);
        Settled(inner.sentiment(&symbol).await.map(SentimentAnalysis::from))
    }

    /// Bars of `interval` (default `"1d"`) already in the store, starting in
    /// `[start, end)` (no lower bound without `start`; `end` defaults to now),
    /// without asking the provider.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<Bar>>")]
    pub async fn stored_history(
        &self,
        symbol: String,
        interval: Option<String>,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> Settled<Vec<Bar>> {
        let inner = Arc::clone(&self.inner);
        let result = async {
            let interval = interval
                .as_deref()
                .map_or(Ok(Interval::default()), str::parse::<Interval>)?;
            inner.stored_history(&symbol, interval, start, end).await
        };
        Settled(
            result
                .await
                .map(|bars| bars.into_iter().map(Bar::from).collect()),
        )
    }

    /// Cache hit, miss, entry and error counts per namespace.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<NamespaceStats>>")]
    pub async fn cache_stats(&self) -> Settled<Vec<NamespaceStats>> {
        let inner = Arc::clone(&self.inner);
        Settled(
            inner
                .cache_stats()
                .await
                .map(|stats| stats.into_iter().map(NamespaceStats::from).collect()),
        )
    }

    /// Drops one cached key of `namespace`, or the whole namespace when `key`
    /// is left out (namespaces: `stock_quote`, `stock_history`, `stock_search`,
    /// `sentiment_current`, ...).
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub async fn invalidate(&self, namespace: String, key: Option<String>) -> Settled<()> {
        let inner = Arc::clone(&self.inner);
        Settled(inner.invalidate(&namespace, key.as_deref()).await)
    }

    /// One line describing the store in use, without secrets.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub async fn describe_store(&self) -> Settled<String> {
        let inner = Arc::clone(&self.inner);
        Settled(inner.describe_store().await)
    }
}
