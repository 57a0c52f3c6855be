use std::sync::Arc;

use chrono::Utc;

use super::flight::Flights;
use crate::cache::{get_value, namespace, set_value, Cache, KeyScope};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Bar, History, HistoryRange, Interval, Origin, Quote, SearchHit, Symbol};
use crate::provider::MarketData;
use crate::store::{Coverage, PriceStore};

/// Quotes, history and search with a read-through cache, and history kept in
/// the store so that a range fetched once is only topped up afterwards.
///
/// Stale-on-error: every quote and history the provider gives is also kept
/// for a day (namespaces [`namespace::STOCK_QUOTE_LAST`] and
/// [`namespace::STOCK_HISTORY_LAST`]). When the provider then fails (timeout,
/// down, rate limited, bad answer), that copy is served with `stale: true`;
/// with none, the call fails with `Unavailable` naming the cause
/// (`RateLimited`, with the wait, when the provider rate-limited it).
///
/// Cache keys start with the provider's [`KeyScope`], so clients on other
/// providers sharing the cache never read these values. Concurrent
/// identical cache misses make one provider request (single flight, per
/// service and its clones, whatever the cache backend): the callers of a
/// quote, history or search already being fetched wait for that answer.
#[derive(Clone)]
pub struct StockService {
    provider: Arc<dyn MarketData>,
    cache: Arc<dyn Cache>,
    prices: Arc<dyn PriceStore>,
    scope: KeyScope,
    flights: Arc<StockFlights>,
}

#[derive(Default)]
struct StockFlights {
    quotes: Flights<Quote>,
    histories: Flights<History>,
    searches: Flights<Vec<SearchHit>>,
}

/// Longest search query accepted.
pub const MAX_QUERY_LEN: usize = 100;
/// Most search results returned.
pub const MAX_SEARCH_LIMIT: usize = 100;
/// Symbols `history_many` fetches at once when the caller does not say.
pub const DEFAULT_HISTORY_CONCURRENCY: usize = 8;
/// Search results returned when the caller does not say.
pub const DEFAULT_SEARCH_LIMIT: usize = 10;

/// Checks a search limit given as a signed number (as Python and JS pass
/// it): 1 to [`MAX_SEARCH_LIMIT`], else `InvalidInput`.
pub fn checked_search_limit(requested: i64) -> Result<usize> {
    match usize::try_from(requested) {
        Ok(limit) if (1..=MAX_SEARCH_LIMIT).contains(&limit) => Ok(limit),
        _ => Err(Error::invalid_input(format!(
            "search limit must be 1 to {MAX_SEARCH_LIMIT}, not {requested}"
        ))),
    }
}

/// `query` trimmed, when it is 1 to [`MAX_QUERY_LEN`] characters.
fn checked_query(query: &str) -> Result<&str> {
    let query = query.trim();
    if query.is_empty() {
        return Err(Error::invalid_input("search query is empty"));
    }
    if query.chars().count() > MAX_QUERY_LEN {
        return Err(Error::invalid_input(format!(
            "search query is longer than {MAX_QUERY_LEN} characters"
        )));
    }
    Ok(query)
}

/// The start of every search key of `query` (lowercased), the limit
/// following: its length first, so no query's keys start another's.
fn search_key_start(query: &str) -> String {
    format!("{}:{query}:", query.len())
}

impl StockService {
    /// A service over these backends.
    pub fn new(
        provider: Arc<dyn MarketData>,
        cache: Arc<dyn Cache>,
        prices: Arc<dyn PriceStore>,
    ) -> Self {
        let scope = KeyScope::of(provider.name());
        StockService {
            provider,
            cache,
            prices,
            scope,
            flights: Arc::default(),
        }
    }

    /// The same service with cache keys scoped by `identity` (the
    /// provider's redacted URL, say) instead of the provider's name: two
    /// providers of one kind at different places must not share values.
    pub fn with_cache_scope(mut self, identity: &str) -> Self {
        self.scope = KeyScope::of(identity);
        self
    }

    /// Drops the cached values of `namespace` (one of the stock
    /// namespaces) for `key` as the calls name it: a symbol (normalised as
    /// [`Symbol::parse`] does; every range and interval of a history) or,
    /// for [`namespace::STOCK_SEARCH`], a query (trimmed, case ignored;
    /// every limit). Only this service's provider scope is touched. Other
    /// namespaces are `InvalidInput`.
    pub async fn invalidate(&self, namespace: &str, key: &str) -> Result<()> {
        let cache = self.cache.as_ref();
        match namespace {
            namespace::STOCK_QUOTE | namespace::STOCK_QUOTE_LAST => {
                let key = self.quote_key(&Symbol::parse(key)?);
                cache.invalidate(namespace, Some(&key)).await;
            }
            namespace::STOCK_HISTORY | namespace::STOCK_HISTORY_LAST => {
                let symbol = Symbol::parse(key)?;
                let prefix = self.scope.key(&format!("{symbol}:"));
                cache.invalidate_prefix(namespace, &prefix).await;
            }
            namespace::STOCK_SEARCH => {
                let query = checked_query(key)?.to_lowercase();
                let prefix = self.scope.key(&search_key_start(&query));
                cache.invalidate_prefix(namespace, &prefix).await;
            }
            other => {
                return Err(Error::invalid_input(format!(
                    "{} is not a stock cache namespace",
                    crate::error::echo(other)
                )))
            }
        }
        Ok(())
    }

    fn quote_key(&self, symbol: &Symbol) -> String {
        self.scope.key(symbol.as_str())
    }

    /// The latest quote: from the cache while fresh (`stock_quote` policy),
    /// else from the provider, else the last one it gave, marked stale.
    pub async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        let key = &self.quote_key(symbol);
        let cache = self.cache.as_ref();
        let fetched = self
            .flights
            .quotes
            .read_through(
                key,
                || get_value::<Quote>(cache, namespace::STOCK_QUOTE, key),
                || async {
                    let quote = self.provider.quote(symbol).await?;
                    set_value(cache, namespace::STOCK_QUOTE, key, &quote).await;
                    set_value(cache, namespace::STOCK_QUOTE_LAST, key, &quote).await;
                    Ok(quote)
                },
            )
            .await;
        match fetched {
            Ok(quote) => Ok(quote),
            Err(err) => {
                let what = format!("a quote of {symbol}");
                let mut quote: Quote = self
                    .last_good(namespace::STOCK_QUOTE_LAST, key, err, &what)
                    .await?;
                quote.stale = true;
                Ok(quote)
            }
        }
    }

    /// After the provider failed with `err`: the last good value under
    /// `key`, or the error to give. Errors that say the request itself is
    /// wrong (not found, bad input) are given as they are.
    async fn last_good<T: serde::de::DeserializeOwned>(
        &self,
        namespace: &str,
        key: &str,
        err: Error,
        what: &str,
    ) -> Result<T> {
        if !err.kind().is_upstream_fault() {
            return Err(err);
        }
        if let Some(value) = get_value::<T>(self.cache.as_ref(), namespace, key).await {
            tracing::warn!(key, kind = %err.kind(), "provider failed, serving the last good value marked stale: {}", err.message());
            return Ok(value);
        }
        // Rate limits and timeouts keep their kind (what callers catch:
        // RateLimitedError to wait, TimeoutError, a builtin's subclass in
        // Python); every other failure of the provider is Unavailable here.
        let kind = match err.kind() {
            kind @ (ErrorKind::RateLimited | ErrorKind::Timeout) => kind,
            _ => ErrorKind::Unavailable,
        };
        let failed = Error::new(
            kind,
            format!(
                "no earlier copy of {what} is cached, and the provider ({}) failed: {}",
                self.provider.name(),
                err.message()
            ),
        );
        Err(match err.retry_after() {
            Some(after) => failed.with_retry_after(after),
            None => failed,
        }
        .with_source(err))
    }

    /// Bars covering `range`. Served from the cache while fresh; otherwise, when
    /// the provider's bars are final ([`MarketData::bars_are_final`]) and the
    /// store already covers the start of the range, only the bars from the
    /// newest stored one onwards are fetched, and the rest is read from the
    /// store ([`Origin::Store`]); otherwise the whole range is fetched and stored.
    /// A failing store never fails the call: it is logged and bypassed.
    pub async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        if let HistoryRange::Between { start, end } = range {
            if start >= end {
                return Err(Error::invalid_input(format!(
                    "start {start} is not before end {end}"
                )));
            }
        }
        let key = self.scope.key(&match range {
            HistoryRange::Period(p) => format!("{symbol}:{p}:{interval}"),
            HistoryRange::Between { start, end } => {
                format!(
                    "{symbol}:{}-{}:{interval}",
                    start.timestamp_millis(),
                    end.timestamp_millis()
                )
            }
        });
        let cache = self.cache.as_ref();
        let cached = || async {
            let mut history = get_value::<History>(cache, namespace::STOCK_HISTORY, &key).await?;
            history.origin = Origin::Cache;
            Some(history)
        };
        let fetched = self
            .flights
            .histories
            .read_through(&key, cached, || async {
                let history = self.history_uncached(symbol, range, interval).await?;
                set_value(cache, namespace::STOCK_HISTORY, &key, &history).await;
                set_value(cache, namespace::STOCK_HISTORY_LAST, &key, &history).await;
                Ok(history)
            })
            .await;
        match fetched {
            Ok(history) => Ok(history),
            Err(err) => {
                let what = format!("this history of {symbol}");
                let mut history: History = self
                    .last_good(namespace::STOCK_HISTORY_LAST, &key, err, &what)
                    .await?;
                history.stale = true;
                history.origin = Origin::Cache;
                Ok(history)
            }
        }
    }

    /// [`StockService::history`] past the cache: store and provider.
    async fn history_uncached(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        let now = Utc::now();
        let (start, end) = range.bounds(now);
        let coverage = self.prices.coverage(symbol, interval).await.unwrap_or_else(|err| {
            tracing::warn!(%symbol, kind = %err.kind(), "price store unreadable, fetching everything: {}", err.message());
            None
        });
        // Topping up is right only when what was fetched before begins at or
        // before the range and reaches into it: then the newest bars complete it.
        let reaches_into_range =
            |c: &Coverage| c.starts_by(start) && start.is_none_or(|start| c.to >= start);
        // Day periods count trading sessions, which only the provider knows:
        // the calendar window read back from the store would lose the last
        // session over a weekend, so those always ask the provider.
        let counts_sessions = matches!(range, HistoryRange::Period(p) if p.sessions().is_some());
        let top_up = self.provider.bars_are_final() && !counts_sessions;
        let history = match coverage.filter(|c| top_up && reaches_into_range(c)) {
            Some(_) => self.top_up(symbol, start, end, interval).await?,
            None => {
                let fetched = self.provider.history(symbol, range, interval).await?;
                self.keep(
                    symbol,
                    interval,
                    &fetched.bars,
                    Coverage {
                        from: start,
                        to: end.min(now),
                    },
                    coverage,
                )
                .await;
                fetched
            }
        };
        Ok(history)
    }

    /// Histories of many symbols (yfinance's `download`), fetched at most
    /// `concurrency` at a time, each through [`StockService::history`]: one
    /// result per distinct symbol, in the order given, a failure affecting
    /// only its own symbol.
    pub async fn history_many(
        &self,
        symbols: &[Symbol],
        range: HistoryRange,
        interval: Interval,
        concurrency: usize,
    ) -> Vec<(Symbol, Result<History>)> {
        use futures::StreamExt;
        let mut seen = std::collections::HashSet::new();
        let distinct: Vec<Symbol> = symbols
            .iter()
            .filter(|s| seen.insert(*s))
            .cloned()
            .collect();
        futures::stream::iter(distinct)
            .map(|symbol| async move {
                let result = self.history(&symbol, range, interval).await;
                (symbol, result)
            })
            .buffered(concurrency.max(1))
            .collect()
            .await
    }

    /// Fetches from the newest stored bar (or the range start, if later) on,
    /// stores it, and reads the range back.
    async fn top_up(
        &self,
        symbol: &Symbol,
        start: Option<chrono::DateTime<Utc>>,
        end: chrono::DateTime<Utc>,
        interval: Interval,
    ) -> Result<History> {
        let now = Utc::now();
        // From the newest stored bar (it may have been partial), but never
        // before the range: bars before it are not asked for, and an intraday
        // fetch must stay inside the provider's look-back limit.
        let tail_start = match self.prices.latest_bar(symbol, interval).await {
            Ok(Some(bar)) => start.map_or(bar.timestamp, |start| bar.timestamp.max(start)),
            Ok(None) => start.unwrap_or(now),
            Err(err) => {
                tracing::warn!(%symbol, kind = %err.kind(), "price store unreadable, fetching the whole range: {}", err.message());
                start.unwrap_or(now)
            }
        };
        let tail_range = HistoryRange::Between {
            start: tail_start,
            end: now.max(tail_start + chrono::Duration::seconds(1)),
        };
        let tail = self.provider.history(symbol, tail_range, interval).await?;
        let covered = Coverage {
            from: Some(tail_start),
            to: now,
        };
        if let Err(err) = self.prices.upsert_bars(symbol, interval, &tail.bars).await {
            tracing::warn!(%symbol, kind = %err.kind(), "price store write failed: {}", err.message());
        } else if let Err(err) = self.prices.extend_coverage(symbol, interval, covered).await {
            tracing::warn!(%symbol, kind = %err.kind(), "price coverage write failed: {}", err.message());
        }
        let bars: Vec<Bar> = match self.prices.bars(symbol, interval, start, end).await {
            Ok(bars) => bars,
            Err(err) => {
                tracing::warn!(%symbol, kind = %err.kind(), "price store read failed, fetching the range: {}", err.message());
                let range = HistoryRange::Between {
                    start: start.unwrap_or(tail_start),
                    end,
                };
                return self.provider.history(symbol, range, interval).await;
            }
        };
        Ok(History {
            bars,
            origin: Origin::Store,
            ..tail
        })
    }

    /// Stores freshly fetched bars and, when the fetch touches what was
    /// covered before, widens the coverage (a gap must never be recorded as covered).
    async fn keep(
        &self,
        symbol: &Symbol,
        interval: Interval,
        bars: &[Bar],
        fetched: Coverage,
        before: Option<Coverage>,
    ) {
        let contiguous = before.is_none_or(|b| {
            let fetched_from = fetched.from.map_or(i64::MIN, |t| t.timestamp_millis());
            let before_from = b.from.map_or(i64::MIN, |t| t.timestamp_millis());
            fetched_from <= b.to.timestamp_millis() && fetched.to.timestamp_millis() >= before_from
        });
        let result = async {
            self.prices.upsert_bars(symbol, interval, bars).await?;
            if contiguous {
                self.prices
                    .extend_coverage(symbol, interval, fetched)
                    .await?;
            }
            Ok::<_, Error>(())
        }
        .await;
        if let Err(err) = result {
            tracing::warn!(%symbol, kind = %err.kind(), "price store write failed: {}", err.message());
        }
    }

    /// Instruments matching `query`, best first. The query must be 1 to
    /// [`MAX_QUERY_LEN`] characters and `limit` 1 to [`MAX_SEARCH_LIMIT`].
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let query = checked_query(query)?;
        let limit = checked_search_limit(i64::try_from(limit).unwrap_or(i64::MAX))?;
        let key = self.scope.key(&format!(
            "{}{limit}",
            search_key_start(&query.to_lowercase())
        ));
        let cache = self.cache.as_ref();
        self.flights
            .searches
            .read_through(
                &key,
                || get_value(cache, namespace::STOCK_SEARCH, &key),
                || async {
                    let hits = self.provider.search(query, limit).await?;
                    set_value(cache, namespace::STOCK_SEARCH, &key, &hits).await;
                    Ok(hits)
                },
            )
            .await
    }

    /// The bars of `interval` the price store holds over `range`, without
    /// asking the provider or the cache: the range resolved as
    /// [`StockService::history`] resolves it (a period counts back from now,
    /// by the calendar: a day period is that many days here, not sessions),
    /// then one [`PriceStore::bars`] read and one [`PriceStore::coverage`]
    /// read. The history has `origin` [`Origin::Store`] and `source`
    /// `"store"`; the store keeps no currency, time zone, instrument type or
    /// events, so those are empty; `fetched_at` is where the recorded
    /// coverage reaches (now when none is recorded). A start not before the
    /// end is `InvalidInput`; a failing store fails the call.
    pub async fn stored_history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        if let HistoryRange::Between { start, end } = range {
            if start >= end {
                return Err(Error::invalid_input(format!(
                    "start {start} is not before end {end}"
                )));
            }
        }
        let now = Utc::now();
        let (start, end) = range.bounds(now);
        let bars = self.prices.bars(symbol, interval, start, end).await?;
        let fetched_at = self
            .prices
            .coverage(symbol, interval)
            .await?
            .map_or(now, |c| c.to);
        Ok(History {
            currency: String::new(),
            timezone: String::new(),
            bars,
            origin: Origin::Store,
            fetched_at,
            ..History::empty(symbol.clone(), interval, STORE_SOURCE)
        })
    }
}

/// The `source` of a history read from the store alone.
pub const STORE_SOURCE: &str = "store";
