//! Every operation of `Client` and `AsyncClient`, once (see [`operations!`]).

use pyo3::prelude::*;
use tickersense::service::{MAX_BACKFILL_CONCURRENCY, MAX_SEARCH_LIMIT, MAX_SENTIMENT_DAYS};
use tickersense::Interval;

use super::defaults::*;
use super::{count, AsyncClient, BackendHealth, Client, Core, HistoryArgs};
use crate::args::{opt_text, Int, Seconds, Symbols, Text, Time};
use crate::cache::NamespaceStats;
use crate::config::Options;
use crate::model::{
    BackfillStatus, DailySentiment, History, HistoryBySymbol, Quote, SearchHit, SentimentAnalysis,
    Value,
};
use crate::runtime::{Caller, Plain, WithCaller};
use crate::service::{BackfillReport, ProgressCallback};
use crate::store::StoredSeries;

/// Each core value of `values` wrapped as its Python class.
fn all<V: Value>(values: Vec<V::Inner>) -> Vec<V> {
    values.into_iter().map(V::wrap).collect()
}

operations! {
    /// A client for these backends. Arguments left as `None` come from
    /// `TICKERSENSE_*` environment variables, then the defaults. Making one
    /// does no I/O; backends connect on the first call that needs them.
    /// `market_data` may be an object with `quote`, `history` and `search`;
    /// `social` a list of URLs and objects with `platform` and `mentions`;
    /// `analyzer` a callable `text -> float` or an object with `score`
    /// (see `tickersense.MarketDataSource`, `MentionSource`, `Analyzer`).
    new (store=None, cache=None, market_data=None, social=None, analyzer=None, *, timeout=None, retries=None)
    (
        store: Option<Text>,
        cache: Option<Text>,
        market_data: Option<Bound<'_, PyAny>>,
        social: Option<Bound<'_, PyAny>>,
        analyzer: Option<Bound<'_, PyAny>>,
        timeout: Option<Seconds>,
        retries: Option<Int>,
    ) => Core::new(Options::new(store, cache, market_data, social, analyzer, timeout, retries)?)?;

    /// The latest quote of `symbol`.
    fn quote(symbol: Text) -> Quote
    where signature = (symbol), text = "(self, symbol)", defaults = [];
    |ts| {
        Plain(async move { ts.quote(&symbol.0).await.map(Quote::wrap) })
    }

    /// Bars of `interval` over `period`, or from `start` to `end` (yfinance
    /// spellings and rules).
    fn history(
        symbol: Text,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> History
    where
        signature = (
            symbol,
            period = Text::from(DEFAULT_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
        ),
        text = "(self, symbol, period='1mo', interval='1d', start=None, end=None)",
        defaults = [
            text(period = DEFAULT_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
        ];
    |ts| {
        let args = HistoryArgs::new(period, interval, start, end);
        Plain(async move {
            let (range, interval) = args.parse()?;
            ts.history_range(&symbol.0, range, interval).await.map(History::wrap)
        })
    }

    /// Histories of many symbols (any iterable of str), at most
    /// `concurrency` fetched at a time: a dict from symbol to `History`, or
    /// to the `TickersenseError` that symbol failed with.
    fn history_many(
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
    ) -> HistoryBySymbol
    where
        signature = (
            symbols,
            period = Text::from(DEFAULT_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
            concurrency = Int::of(DEFAULT_HISTORY_CONCURRENCY as i64),
        ),
        text = "(self, symbols, period='1mo', interval='1d', start=None, end=None, concurrency=8)",
        defaults = [
            text(period = DEFAULT_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
            int(concurrency = DEFAULT_HISTORY_CONCURRENCY as u64),
        ];
    |ts| {
        let concurrency = count(&concurrency, "concurrency", MAX_BACKFILL_CONCURRENCY)?;
        let args = HistoryArgs::new(period, interval, start, end);
        Plain(async move {
            let (range, interval) = args.parse()?;
            let results = ts.history_many(&symbols.0, range, interval, concurrency).await?;
            Ok::<_, tickersense::Error>(HistoryBySymbol(results))
        })
    }

    /// Instruments matching `query`, best first.
    fn search(query: Text, limit: Int) -> Vec<SearchHit>
    where
        signature = (query, limit = Int::of(DEFAULT_SEARCH_LIMIT as i64)),
        text = "(self, query, limit=10)",
        defaults = [int(limit = DEFAULT_SEARCH_LIMIT as u64)];
    |ts| {
        let limit = count(&limit, "limit", MAX_SEARCH_LIMIT)?;
        Plain(async move { ts.search(&query.0, limit).await.map(all) })
    }

    /// The current social sentiment of `symbol`.
    fn sentiment(symbol: Text) -> SentimentAnalysis
    where signature = (symbol), text = "(self, symbol)", defaults = [];
    |ts| {
        Plain(async move { ts.sentiment(&symbol.0).await.map(SentimentAnalysis::wrap) })
    }

    /// Bars already in the store, without asking the provider: `period`,
    /// `interval`, `start` and `end` as for `history`. A `History` whose
    /// `origin` is `"store"`.
    fn stored_history(
        symbol: Text,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> History
    where
        signature = (
            symbol,
            period = Text::from(DEFAULT_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
        ),
        text = "(self, symbol, period='1mo', interval='1d', start=None, end=None)",
        defaults = [
            text(period = DEFAULT_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
        ];
    |ts| {
        let args = HistoryArgs::new(period, interval, start, end);
        Plain(async move {
            let (range, interval) = args.parse()?;
            ts.stored_history(&symbol.0, range, interval).await.map(History::wrap)
        })
    }

    /// Daily sums of the stored sentiment analyses of `symbol` over the last
    /// `days` days (1 to 3650), oldest first, one entry per UTC day that has any.
    fn sentiment_daily(symbol: Text, days: Int) -> Vec<DailySentiment>
    where
        signature = (symbol, days = Int::of(DEFAULT_SENTIMENT_DAYS as i64)),
        text = "(self, symbol, days=30)",
        defaults = [int(days = DEFAULT_SENTIMENT_DAYS as u64)];
    |ts| {
        let days: u32 = days.within("days", 1, i64::from(MAX_SENTIMENT_DAYS))?;
        Plain(async move { ts.sentiment_daily(&symbol.0, days).await.map(all) })
    }

    /// Fetches the history of `symbols` over `period` (or `start` to `end`)
    /// and keeps it in the store, at most `concurrency` (1 to 64) symbols at
    /// a time. Resumable and idempotent: symbols already stored for the
    /// range are not fetched again, and a run stopped part-way resumes where
    /// it stopped. A symbol the provider fails on is reported failed in the
    /// result (with its `reason`); the others go on.
    ///
    /// `on_progress`, when given, is called with a `BackfillProgress` each
    /// time a symbol changes state, while the run waits for it: it should
    /// return quickly. `lambda p: bar.update(1) if p.state in ("done",
    /// "failed") else None` for tqdm, `lambda p: progress.progress(p.finished
    /// / p.total)` for Streamlit. If it raises, no new symbol starts, those
    /// in flight are put back to pending, and `backfill` raises that
    /// exception; the next run resumes.
    ///
    /// `Client.backfill` calls it on the thread that called `backfill` (so
    /// Streamlit elements and GUI widgets work); it must be a plain function
    /// (an `async def` is refused with `TypeError`). Ctrl-C lands in the
    /// callable when it is running (a clean stop as above); otherwise it
    /// cancels the run at once and raises `KeyboardInterrupt`, and symbols it
    /// left `"running"` are redone next time.
    ///
    /// `AsyncClient.backfill` calls it on a thread other than the event
    /// loop's, with the GIL held (to touch the loop from it, use
    /// `loop.call_soon_threadsafe`); an awaitable it returns (an `async
    /// def`) is awaited on the event loop before the run goes on.
    /// Cancelling the awaiting task drops the run at once.
    fn backfill(
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
        on_progress: Option<Bound<'_, PyAny>>,
    ) -> BackfillReport
    where
        signature = (
            symbols,
            period = Text::from(DEFAULT_BACKFILL_PERIOD.as_str()),
            interval = Text::from(DEFAULT_INTERVAL.as_str()),
            start = None,
            end = None,
            concurrency = Int::of(DEFAULT_BACKFILL_CONCURRENCY as i64),
            on_progress = None,
        ),
        text = "(self, symbols, period='1y', interval='1d', start=None, end=None, concurrency=4, on_progress=None)",
        defaults = [
            text(period = DEFAULT_BACKFILL_PERIOD.as_str()),
            text(interval = DEFAULT_INTERVAL.as_str()),
            int(concurrency = DEFAULT_BACKFILL_CONCURRENCY as u64),
        ];
    |ts, awaits| {
        let concurrency = count(&concurrency, "concurrency", MAX_BACKFILL_CONCURRENCY)?;
        let args = HistoryArgs::new(period, interval, start, end);
        let on_progress = ProgressCallback::new(on_progress, awaits)?;
        WithCaller(move |caller: Caller| async move {
            let (range, interval) = args.parse()?;
            let report = ts
                .backfill(&symbols.0, range, interval, concurrency, &|p| {
                    on_progress.tell(&caller, p)
                })
                .await;
            on_progress.finish(report)
        })
    }

    /// The kept backfill status of every symbol, of `interval` (e.g. `"1d"`)
    /// or of all intervals when None.
    fn backfill_statuses(interval: Option<Text>) -> Vec<BackfillStatus>
    where signature = (interval = None), text = "(self, interval=None)", defaults = [];
    |ts| {
        Plain(async move {
            let interval = interval.map(|i| i.0.parse::<Interval>()).transpose()?;
            ts.backfill_statuses(interval).await.map(all)
        })
    }

    /// Every stored price series with its bar count, extent and coverage.
    fn stored_series() -> Vec<StoredSeries>
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move { ts.stored_series().await.map(all) })
    }

    /// Cache counters per namespace.
    fn cache_stats() -> Vec<NamespaceStats>
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move { ts.cache_stats().await.map(all) })
    }

    /// Drops one cached key, or the whole namespace when `key` is None.
    fn invalidate(namespace: Text, key: Option<Text>) -> ()
    where signature = (namespace, key = None), text = "(self, namespace, key=None)", defaults = [];
    |ts| {
        let key = opt_text(key);
        Plain(async move { ts.invalidate(&namespace.0, key.as_deref()).await })
    }

    /// One line describing the store, without secrets.
    fn describe_store() -> String
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move { ts.describe_store().await })
    }

    /// Each backend's health, one entry per role (one per social source),
    /// in the order `market_data`, `social`, `analyzer`, `cache`,
    /// `price_store`, `sentiment_store`, `backfill_store`, `user_store`.
    /// Backends are independent: one down leaves the calls that do not need
    /// it working. Probes the store opened from the store URL (connecting it
    /// if it was not) and a Redis cache, at once and not while either sits
    /// out its back-off window, so a call costs at most their timeouts; your
    /// objects are reported `"up"`, as given. Once closed, every configured
    /// backend is `"down"`, without I/O.
    fn health() -> Vec<BackendHealth>
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move {
            let reports = ts.health().await;
            Ok::<_, tickersense::Error>(reports.into_iter().map(BackendHealth::of).collect())
        })
    }

    /// Releases the store's pools and the cache's connections, waiting for
    /// connections in use to come back. Later calls that need a backend
    /// raise `UnavailableError`. Idempotent.
    fn close() -> ()
    where signature = (), text = "(self)", defaults = [];
    |ts| {
        Plain(async move {
            ts.close().await;
            Ok::<_, tickersense::Error>(())
        })
    }
}
