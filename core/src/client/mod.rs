//! [`Tickersense`], the entry point: one value holding every backend named by
//! a [`Config`], with the platform's calls as methods.

mod builder;
mod guard;
mod health;
mod lazy;
mod open;
mod operator_cache;
mod probe;

use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::cache::namespace;
use crate::cache::{CachePolicies, NamespaceStats};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{
    BackfillStatus, DailySentiment, History, HistoryRange, Interval, Period, Quote, SearchHit,
    SentimentAnalysis, SentimentRecord, Symbol,
};
use crate::service::{
    checked_concurrency, BackfillReport, BackfillRequest, ProgressFn, RejectedSymbol,
    SentimentService, StockService,
};
use crate::store::{StoredSeries, UserStore};

pub use builder::TickersenseBuilder;
use builder::UserBackends;
pub use health::{BackendHealth, BackendRole, BackendStatus};
use open::Backends;

/// The library's entry point.
///
/// Making one ([`Tickersense::new`]) only parses the configuration and
/// builds the backends without I/O; each backend connects on its own, on
/// the first call that needs it, so a client can be made anywhere (inside
/// or outside an async runtime) and a server that is down fails only the
/// calls that need it, with `Unavailable`, rather than the constructor:
/// with the store down, quotes, history and search are still served (the
/// bars not kept) and a sentiment analysis comes back marked unstored; a
/// Redis cache that is down reads as misses. A backend that failed to
/// connect or stopped answering is skipped for a back-off window
/// ([`OUTAGE_WINDOW`](crate::resilience::OUTAGE_WINDOW), growing while it
/// stays down) and retried by a later call; [`Tickersense::health`] shows
/// which are down. Share one value (it is `Send + Sync`); every method
/// takes `&self`. [`Tickersense::close`] releases the connections before
/// the value is dropped.
///
/// Backends may also be the caller's own objects (a [`MarketData`](crate::provider::MarketData)
/// of theirs, say): see [`TickersenseBuilder`] for how they mix with URLs.
///
/// ```no_run
/// # async fn demo() -> tickersense::Result<()> {
/// let ts = tickersense::Tickersense::builder().store("memory://").build()?;
/// let quote = ts.quote("AAPL").await?;
/// println!("{} {:.2} {}", quote.symbol, quote.price, quote.currency);
/// # Ok(()) }
/// ```
pub struct Tickersense {
    config: Config,
    /// The cache policies the cache built from the cache URL keeps.
    policies: CachePolicies,
    objects: UserBackends,
    backends: Arc<Backends>,
    closed: AtomicBool,
}

impl Tickersense {
    /// A builder starting from [`Config::default`].
    pub fn builder() -> TickersenseBuilder {
        TickersenseBuilder::new()
    }

    /// A client for `config` with the default cache policies. No I/O (the
    /// URLs in `config` are parsed already).
    pub fn new(config: Config) -> Result<Self> {
        Self::assemble(config, CachePolicies::default(), UserBackends::default())
    }

    fn assemble(config: Config, policies: CachePolicies, objects: UserBackends) -> Result<Self> {
        open::validate(&config, &objects)?;
        let backends = Arc::new(Backends::assemble(&config, &policies, &objects)?);
        Ok(Tickersense {
            config,
            policies,
            objects,
            backends,
            closed: AtomicBool::new(false),
        })
    }

    /// A client for `config` whose backends are connected before it returns.
    pub async fn connect(config: Config) -> Result<Self> {
        let ts = Self::new(config)?;
        ts.ready().await?;
        Ok(ts)
    }

    /// Connects the store built from the store URL now (migrating it) if
    /// not done yet, failing as that connect does; the other backends
    /// connect per call. See [`Tickersense::health`] to check them all.
    pub async fn ready(&self) -> Result<()> {
        if let Some(store) = &self.backends().await?.built_store {
            store.get().await?;
        }
        Ok(())
    }

    /// The configuration in force (the URLs; roles given objects do not use theirs).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Releases every connection the client made: closes the pools of the
    /// store built from the store URL (waiting for connections in use to
    /// come back) and drops the connections and tasks of the cache built
    /// from the cache URL. Objects given to the builder are the caller's to
    /// close: they are only let go of. Afterwards every call that needs a backend fails with
    /// `Unavailable` ("this client is closed"), and nothing of the client
    /// keeps running once calls already under way finish. Idempotent; a
    /// client that never connected has nothing to release.
    pub async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.backends.close().await;
    }

    /// True once [`Tickersense::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The backends; `Err` once closed.
    async fn backends(&self) -> Result<Arc<Backends>> {
        if self.is_closed() {
            return Err(closed());
        }
        Ok(self.backends.clone())
    }

    /// Each backend's role, what it is (redacted) and whether it answers:
    /// `Up`, `Down` (with the reason, no secret, and when it is tried
    /// again) or `NotConfigured` (the `none://` cache). One entry per
    /// role, one per social source, in [`BackendRole::ALL`] order. The
    /// store built from the store URL is probed (connected if it was not,
    /// then `SELECT 1`) and a Redis cache gets a `PING`, at once and not
    /// while either sits out its back-off window; so a call costs at most
    /// their timeouts. A user's market data, mention source or analyzer
    /// is `Down` after a call it gave no answer to within the resilience
    /// timeout, until one it answers (it is not called here); other user
    /// objects are reported `Up`, as given: their own calls say when they
    /// fail. Once closed, every configured
    /// backend is `Down` ("this client is closed"), without I/O.
    pub async fn health(&self) -> Vec<BackendHealth> {
        let roles = open::roles(&self.config, &self.objects, &self.backends.user_outages);
        self.backends.health(roles, self.is_closed()).await
    }

    /// The stock service (quotes, history, search). No I/O: the first call
    /// of the client builds its backends, which connect when first used.
    pub async fn stocks(&self) -> Result<ServiceRef<StockService>> {
        Ok(ServiceRef {
            backends: self.backends().await?,
            pick: |b| &b.stocks,
        })
    }

    /// The sentiment service. No I/O, as [`Tickersense::stocks`].
    pub async fn sentiment_service(&self) -> Result<ServiceRef<SentimentService>> {
        Ok(ServiceRef {
            backends: self.backends().await?,
            pick: |b| &b.sentiment,
        })
    }

    /// The latest quote of `symbol`: a cache read, and on a miss one
    /// provider request and a cache write. See [`StockService::quote`].
    pub async fn quote(&self, symbol: &str) -> Result<Quote> {
        let symbol = Symbol::parse(symbol)?;
        self.stocks().await?.quote(&symbol).await
    }

    /// Bars of `interval` over `period`, as yfinance's `Ticker.history`:
    /// a cache read, and on a miss one provider request and the bars
    /// written to the cache and the store. See [`StockService::history`].
    pub async fn history(
        &self,
        symbol: &str,
        period: Period,
        interval: Interval,
    ) -> Result<History> {
        let symbol = Symbol::parse(symbol)?;
        self.stocks()
            .await?
            .history(&symbol, HistoryRange::Period(period), interval)
            .await
    }

    /// Bars of `interval` over `range` (a period, or start and end; see
    /// [`HistoryRange::resolve`] for yfinance's rules). Costs as
    /// [`Tickersense::history`].
    pub async fn history_range(
        &self,
        symbol: &str,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        let symbol = Symbol::parse(symbol)?;
        self.stocks().await?.history(&symbol, range, interval).await
    }

    /// Bars of `interval` starting in `[start, end)`. Costs as
    /// [`Tickersense::history`].
    pub async fn history_between(
        &self,
        symbol: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        interval: Interval,
    ) -> Result<History> {
        let symbol = Symbol::parse(symbol)?;
        self.stocks()
            .await?
            .history(&symbol, HistoryRange::Between { start, end }, interval)
            .await
    }

    /// Histories of many symbols at once (yfinance's `download`): at most
    /// `concurrency` (1 to [`MAX_CONCURRENCY`](crate::service::MAX_CONCURRENCY),
    /// checked by [`checked_concurrency`]) fetched at a time, one result per distinct
    /// symbol in the order each first appears (`"aapl"` repeats `"AAPL"`; an
    /// invalid entry repeats when its trimmed text does); a bad or failing
    /// symbol fails only its own entry, named as normalised (valid) or as
    /// given (invalid). `range` is a period or start/end, as for one symbol.
    pub async fn history_many<S: AsRef<str>>(
        &self,
        symbols: &[S],
        range: HistoryRange,
        interval: Interval,
        concurrency: usize,
    ) -> Result<Vec<(String, Result<History>)>> {
        checked_concurrency(i64::try_from(concurrency).unwrap_or(i64::MAX))?;
        let stocks = self.stocks().await?;
        let (parsed, entries) = distinct_symbols(symbols);
        let mut fetched: Vec<Option<Result<History>>> = stocks
            .history_many(&parsed, range, interval, concurrency)
            .await
            .into_iter()
            .map(|(_, result)| Some(result))
            .collect();
        Ok(entries
            .into_iter()
            .map(|entry| match entry {
                Entry::Valid(i) => {
                    let result = fetched
                        .get_mut(i)
                        .and_then(Option::take)
                        .unwrap_or_else(|| Err(Error::internal("a symbol's history went missing")));
                    (parsed[i].as_str().to_owned(), result)
                }
                Entry::Invalid { raw, error, .. } => (raw, Err(error)),
            })
            .collect())
    }

    /// The bars the price store holds for `symbol` over `range`, without
    /// asking the provider or the cache, as a [`History`] with origin
    /// [`Origin::Store`](crate::Origin::Store): one store query, O(bars).
    /// See [`StockService::stored_history`].
    pub async fn stored_history(
        &self,
        symbol: &str,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        let symbol = Symbol::parse(symbol)?;
        self.stocks()
            .await?
            .stored_history(&symbol, range, interval)
            .await
    }

    /// Instruments matching `query`: a cache read, and on a miss one
    /// provider request. See [`StockService::search`].
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.stocks().await?.search(query, limit).await
    }

    /// The current social sentiment of `symbol`: a cache read, and on a
    /// miss one request per social source, every post scored (O(posts))
    /// and the analysis stored and cached. See [`SentimentService::current`].
    pub async fn sentiment(&self, symbol: &str) -> Result<SentimentAnalysis> {
        let symbol = Symbol::parse(symbol)?;
        self.sentiment_service().await?.current(&symbol).await
    }

    /// Stored per-platform analyses of the last `days` days (1 to 3650),
    /// oldest first: one store query, no provider or source call.
    pub async fn sentiment_analyses(
        &self,
        symbol: &str,
        days: u32,
    ) -> Result<Vec<SentimentRecord>> {
        let symbol = Symbol::parse(symbol)?;
        self.sentiment_service()
            .await?
            .analyses(&symbol, days)
            .await
    }

    /// The seed's sentiment history: the stored posts of the last `days`
    /// days (1 to 3650) per UTC day (mentions, mean score, confidence,
    /// posts per platform), only `platform`'s when given. Distinct posts:
    /// analysing again never changes a day. One store read. See
    /// [`SentimentService::daily`].
    pub async fn sentiment_history(
        &self,
        symbol: &str,
        days: u32,
        platform: Option<&str>,
    ) -> Result<Vec<DailySentiment>> {
        let symbol = Symbol::parse(symbol)?;
        self.sentiment_service()
            .await?
            .daily(&symbol, days, platform)
            .await
    }

    /// The trend of `symbol` from its stored posts (the last 24 hours
    /// against the 7 days before). One store read. See
    /// [`SentimentService::trend`].
    pub async fn sentiment_trend(&self, symbol: &str) -> Result<crate::model::TrendReport> {
        let symbol = Symbol::parse(symbol)?;
        self.sentiment_service().await?.trend(&symbol).await
    }

    /// How often each analyzer agrees with StockTwits authors' own
    /// Bullish/Bearish labels on the stored posts of the last `days` days,
    /// of `symbol` or (with `None`) of every symbol. One store read. See
    /// [`SentimentService::agreement`].
    pub async fn sentiment_agreement(
        &self,
        symbol: Option<&str>,
        days: u32,
    ) -> Result<crate::model::SentimentAgreement> {
        let symbol = symbol.map(Symbol::parse).transpose()?;
        self.sentiment_service()
            .await?
            .agreement(symbol.as_ref(), days)
            .await
    }

    /// Scores posts the caller brings (their own texts), as an analysis
    /// would: one polarity per post and the per-platform report. Nothing
    /// is stored or cached. See [`SentimentService::score_posts`].
    pub async fn score_posts(
        &self,
        posts: Vec<crate::model::Post>,
    ) -> Result<crate::model::PostScores> {
        self.sentiment_service().await?.score_posts(posts).await
    }

    /// Up to `limit` (1 to 1,000) posts from each configured social source
    /// mentioning `symbol`, made in the last `days` days (1 to 3650), newest
    /// first, each once: what an analysis would score, unscored, nothing
    /// stored or cached. One request (or page run) per source, all at once.
    /// See [`SentimentService::mentions`].
    pub async fn mentions(
        &self,
        symbol: &str,
        days: u32,
        limit: usize,
    ) -> Result<Vec<crate::model::Post>> {
        let symbol = Symbol::parse(symbol)?;
        self.sentiment_service()
            .await?
            .mentions(&symbol, days, limit)
            .await
    }

    /// Fetches the history of many symbols and keeps it in the store, at
    /// most `concurrency` (1 to [`MAX_CONCURRENCY`](crate::service::MAX_CONCURRENCY)) at a time, calling
    /// `on_progress` on each change. Resumable and idempotent: see
    /// [`Backfill`](crate::service::Backfill). An entry that is no valid symbol is listed in
    /// [`BackfillReport::rejected`] and the rest go on, as a symbol the
    /// provider fails on is reported failed; a bad `concurrency` or range
    /// fails the call before anything starts.
    pub async fn backfill<S: AsRef<str>>(
        &self,
        symbols: &[S],
        range: HistoryRange,
        interval: Interval,
        concurrency: usize,
        on_progress: &ProgressFn<'_>,
    ) -> Result<BackfillReport> {
        let (symbols, entries) = distinct_symbols(symbols);
        let request = BackfillRequest {
            symbols,
            range,
            interval,
            concurrency,
        };
        let mut report = self
            .backends()
            .await?
            .backfill
            .run(&request, on_progress)
            .await?;
        report.rejected = entries
            .into_iter()
            .filter_map(|entry| match entry {
                Entry::Valid(_) => None,
                Entry::Invalid {
                    position,
                    raw,
                    error,
                } => Some(RejectedSymbol {
                    position,
                    symbol: raw,
                    reason: error.to_string(),
                }),
            })
            .collect();
        Ok(report)
    }

    /// The kept backfill status of every symbol, of `interval` or of all:
    /// one store query, O(symbols) rows.
    pub async fn backfill_statuses(
        &self,
        interval: Option<Interval>,
    ) -> Result<Vec<BackfillStatus>> {
        self.backends().await?.backfill.statuses(interval).await
    }

    /// Every series the price store holds (the user's, when one was given)
    /// with its bar count, extent and coverage.
    pub async fn stored_series(&self) -> Result<Vec<StoredSeries>> {
        self.backends().await?.prices.stored_series().await
    }

    /// The user store in use (the user's object, when one was given, else
    /// the store URL's). Holding it keeps the backend alive, but a store the
    /// client built stops answering (`Unavailable`) once the client is closed.
    pub async fn user_store(&self) -> Result<Arc<dyn UserStore>> {
        Ok(self.backends().await?.users.clone())
    }

    /// Cache counters per namespace, as [`Cache::stats`](crate::cache::Cache::stats)
    /// counts them (on Redis, a scan of each namespace's keys).
    pub async fn cache_stats(&self) -> Result<Vec<NamespaceStats>> {
        Ok(self.backends().await?.cache.stats().await)
    }

    /// The cache's hit, miss and error counters per namespace, without
    /// reading the cache (no `SCAN` on Redis; `entries` and `bytes` 0
    /// there): O(namespaces), no I/O, cheap enough for every metrics
    /// scrape. See [`Cache::counters`](crate::cache::Cache::counters).
    pub async fn cache_counters(&self) -> Result<Vec<NamespaceStats>> {
        Ok(self.backends().await?.cache.counters().await)
    }

    /// Drops a whole cache namespace (`key` `None`: every provider's
    /// values), or the values under one key as the calls name it: a symbol
    /// for the quote, history and sentiment namespaces (`"aapl"` drops
    /// AAPL's quote, or every cached history of AAPL), a query for
    /// `stock_search`, this client's provider only. `namespace` must be
    /// one of [`namespace::ALL`] (else `InvalidInput` listing them); names
    /// and keys are never patterns. A whole namespace costs a walk over
    /// its keys (`SCAN` on Redis); a history or search key, the same walk.
    pub async fn invalidate(&self, namespace: &str, key: Option<&str>) -> Result<()> {
        let namespace = namespace::known(namespace)?;
        let backends = self.backends().await?;
        match (namespace, key) {
            (_, None) => backends.cache.invalidate(namespace, None).await,
            (
                namespace::STOCK_QUOTE
                | namespace::STOCK_QUOTE_LAST
                | namespace::STOCK_HISTORY
                | namespace::STOCK_HISTORY_LAST
                | namespace::STOCK_SEARCH,
                Some(key),
            ) => backends.stocks.invalidate(namespace, key).await?,
            (namespace::SENTIMENT_CURRENT | namespace::SENTIMENT_HISTORY, Some(key)) => {
                backends.sentiment.invalidate(namespace, key).await?
            }
            (_, Some(key)) => backends.cache.invalidate(namespace, Some(key.trim())).await,
        }
        Ok(())
    }

    /// One line describing the stores in use, without secrets: the store
    /// URL's description, `user-defined` where a user object serves (the
    /// price store, or all of them), and which other roles are the user's.
    /// Connects the store built from the store URL when not yet connected,
    /// so it fails with `Unavailable` while that store is down, as the other
    /// calls that need the store do.
    pub async fn describe_store(&self) -> Result<String> {
        self.backends().await?.describe_store().await
    }
}

/// One distinct entry of a many-symbol call's list.
enum Entry {
    /// The symbol at this index of the parsed list.
    Valid(usize),
    /// No symbol: the text as given, where it first was, and why.
    Invalid {
        position: usize,
        raw: String,
        error: Error,
    },
}

/// The distinct valid symbols of `symbols`, and every distinct entry in the
/// order each first appears. Valid symbols are the same when they parse the
/// same (`"aapl"` is `"AAPL"`), invalid ones when their trimmed text is.
fn distinct_symbols<S: AsRef<str>>(symbols: &[S]) -> (Vec<Symbol>, Vec<Entry>) {
    let mut parsed = Vec::with_capacity(symbols.len());
    let mut entries = Vec::with_capacity(symbols.len());
    let mut seen_valid = std::collections::HashSet::new();
    let mut seen_invalid = std::collections::HashSet::new();
    for (position, raw) in symbols.iter().enumerate() {
        let raw = raw.as_ref();
        match Symbol::parse(raw) {
            Ok(symbol) => {
                if seen_valid.insert(symbol.clone()) {
                    entries.push(Entry::Valid(parsed.len()));
                    parsed.push(symbol);
                }
            }
            Err(error) => {
                if seen_invalid.insert(raw.trim()) {
                    entries.push(Entry::Invalid {
                        position,
                        raw: raw.to_owned(),
                        error,
                    });
                }
            }
        }
    }
    (parsed, entries)
}

fn closed() -> Error {
    Error::unavailable("this client is closed")
}

/// One service of a connected [`Tickersense`], used through `Deref`. It
/// keeps the client's backends alive while held, so hold it for a call,
/// not for good: [`Tickersense::close`] waits for the store connections
/// such a call uses.
pub struct ServiceRef<T> {
    backends: Arc<Backends>,
    pick: fn(&Backends) -> &T,
}

impl<T> Deref for ServiceRef<T> {
    type Target = T;

    fn deref(&self) -> &T {
        (self.pick)(&self.backends)
    }
}
