//! `Client`, the JS face of [`tickersense::Tickersense`]: options in, promises
//! of plain objects out.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::Either;
use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi::Status;
use napi_derive::napi;
use tickersense::resilience::checked_timeout;
use tickersense::service::{
    checked_search_limit, DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD,
    DEFAULT_HISTORY_CONCURRENCY, DEFAULT_SEARCH_LIMIT,
};
use tickersense::{Config, ConfigOverrides, HistoryRange, Interval, Tickersense};

use crate::error::{ErrorCode, IntoJsResult, Settled};
use crate::model::{
    BackfillProgress, BackfillReport, BackfillStatus, Bar, DailySentiment, History, HistoryResult,
    NamespaceStats, Quote, SearchHit, SentimentAnalysis, StoredSeries,
};

/// Backend URLs, analyzer name and how hard to try HTTP providers, for a
/// `Client`. Each URL or name left out comes from the `TICKERSENSE_*`
/// environment variable of the same name, then from the default.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Where bars and analyses are kept: `memory://`, `sqlite://PATH`
    /// (default `sqlite://tickersense.db`), `postgres://USER@HOST/DB`.
    pub store: Option<String>,
    /// Where fetched values are cached: `none://`, `memory://` (default), `redis://HOST:PORT/DB`.
    pub cache: Option<String>,
    /// Where quotes, history and search come from: `sample://` (default,
    /// offline), `yahoo://`, `yahoo+http://HOST:PORT` (Yahoo's protocol at
    /// another address), `csv://DIR`.
    pub market_data: Option<String>,
    /// Where posts come from, several separated by commas: `sample://` (default).
    pub social: Option<String>,
    /// The sentiment analyzer's name: `textblob` (default, TextBlob 0.20.1's
    /// scores) or `vader` (vaderSentiment 3.3.2's compound score).
    pub analyzer: Option<String>,
    /// Longest wait for one request to an HTTP provider, in seconds
    /// (default 10): a positive, finite number, else the constructor throws
    /// `"InvalidInput"`. A request that takes longer fails (`"Timeout"`) and
    /// is retried like any other failed request.
    pub timeout: Option<f64>,
    /// Retries of a failed request to an HTTP provider after the first
    /// attempt (default 3, `0` to never retry): a whole number from 0 to
    /// 2^32 - 1, else the constructor throws `"InvalidInput"`. Only timeouts,
    /// unreachable servers, 5xx answers and 429s are retried.
    pub retries: Option<f64>,
}

impl ClientOptions {
    /// The core configuration these options ask for: the URLs resolved
    /// against the environment and defaults, then `timeout` and `retries`
    /// set on its resilience policy.
    fn into_config(self) -> tickersense::Result<Config> {
        let mut config = Config::resolve(ConfigOverrides {
            store: self.store,
            cache: self.cache,
            market_data: self.market_data,
            social: self.social,
            analyzer: self.analyzer,
        })?;
        if let Some(secs) = self.timeout {
            config.resilience.timeout = checked_timeout(secs)?;
        }
        if let Some(retries) = self.retries {
            config.resilience.max_retries = whole_number("retries", retries)?;
        }
        Ok(config)
    }
}

/// The range and bar width of a `history` or `historyMany` call.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// How far back from now (or from `end`), in yfinance's spelling:
    /// `1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max` (default `"1mo"`).
    pub period: Option<String>,
    /// The width of each bar: `1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo`
    /// (default `"1d"`).
    pub interval: Option<String>,
    /// First instant included; with it, `period` is not used and the range
    /// runs to `end` (default now).
    pub start: Option<DateTime<Utc>>,
    /// First instant excluded; without `start`, the range is `period`
    /// counted back from `end`.
    pub end: Option<DateTime<Utc>>,
}

/// The range and bar width of a `historyMany` call, and how many symbols
/// are fetched at once.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct HistoryManyOptions {
    /// As in `HistoryOptions` (default `"1mo"`).
    pub period: Option<String>,
    /// As in `HistoryOptions` (default `"1d"`).
    pub interval: Option<String>,
    /// As in `HistoryOptions`: first instant included.
    pub start: Option<DateTime<Utc>>,
    /// As in `HistoryOptions`: first instant excluded.
    pub end: Option<DateTime<Utc>>,
    /// Most symbols fetched at a time (default 8; 0 counts as 1): a whole
    /// number from 0 to 2^32 - 1, else the call rejects with `"InvalidInput"`.
    pub concurrency: Option<f64>,
}

/// The range, bar width and parallelism of a `backfill` call.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct BackfillOptions {
    /// As in `HistoryOptions`, but the default is `"1y"`.
    pub period: Option<String>,
    /// As in `HistoryOptions` (default `"1d"`).
    pub interval: Option<String>,
    /// As in `HistoryOptions`: first instant included.
    pub start: Option<DateTime<Utc>>,
    /// As in `HistoryOptions`: first instant excluded.
    pub end: Option<DateTime<Utc>>,
    /// Most symbols fetched at a time, 1 to 64 (default 4); anything else
    /// rejects with `"InvalidInput"`.
    pub concurrency: Option<f64>,
}

/// The JS `onProgress` callback of a backfill: called with the progress
/// alone (no error-first argument), and weak, so it never keeps the process
/// alive by itself.
type ProgressCallback =
    ThreadsafeFunction<BackfillProgress, UnknownReturnValue, BackfillProgress, Status, false, true>;

/// Hands each backfill progress to the JS callback without waiting for it
/// (the run never waits on the JS thread), and counts what it queued so the
/// promise can settle only after every progress has been delivered.
struct ProgressRelay {
    callback: Option<ProgressCallback>,
    queued: AtomicUsize,
    delivered: mpsc::Sender<()>,
}

impl ProgressRelay {
    fn new(callback: Option<ProgressCallback>) -> (Self, mpsc::Receiver<()>) {
        let (delivered, receiver) = mpsc::channel();
        let relay = ProgressRelay {
            callback,
            queued: AtomicUsize::new(0),
            delivered,
        };
        (relay, receiver)
    }

    fn tell(&self, progress: &tickersense::service::BackfillProgress) -> ControlFlow<()> {
        if let Some(callback) = &self.callback {
            let delivered = self.delivered.clone();
            // Called with a completion so that napi catches what the callback
            // throws and hands it here, where it is dropped: a plain call would
            // rethrow it as an uncaught exception and end the process.
            let status = callback.call_with_return_value(
                BackfillProgress::from(progress.clone()),
                ThreadsafeFunctionCallMode::NonBlocking,
                move |_returned, _env| {
                    let _ = delivered.send(());
                    Ok(())
                },
            );
            if status == Status::Ok {
                self.queued.fetch_add(1, Ordering::Relaxed);
            }
        }
        ControlFlow::Continue(())
    }

    /// Resolves once the JS thread has run every call queued, or once the
    /// callback is torn down with its environment (its queue then never runs).
    async fn delivered(self, receiver: mpsc::Receiver<()>) {
        let ProgressRelay {
            callback,
            queued,
            delivered,
        } = self;
        drop(delivered);
        let (Some(callback), queued) = (callback, queued.into_inner()) else {
            return;
        };
        if queued == 0 {
            return;
        }
        // The wait is a blocking receive, kept off the async workers.
        let _ = napi::bindgen_prelude::spawn_blocking(move || {
            let mut left = queued;
            while left > 0 && !callback.aborted() {
                match receiver.recv_timeout(Duration::from_millis(100)) {
                    Ok(()) => left -= 1,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        })
        .await;
    }
}

impl HistoryOptions {
    /// The core range and interval: yfinance's spellings parsed, and
    /// `period`, `start` and `end` resolved by [`HistoryRange::resolve`].
    fn parse(self) -> tickersense::Result<(HistoryRange, Interval)> {
        let range = HistoryRange::from_args(self.period.as_deref(), self.start, self.end)?;
        let interval = self
            .interval
            .as_deref()
            .map_or(Ok(Interval::default()), str::parse::<Interval>)?;
        Ok((range, interval))
    }

    /// The options of `history(symbol, periodOrOptions, interval)`: a period
    /// string followed by an interval string (the older call shape), or an
    /// options object alone.
    fn from_args(
        period_or_options: Option<Either<String, HistoryOptions>>,
        interval: Option<String>,
    ) -> tickersense::Result<Self> {
        match period_or_options {
            Some(Either::B(_)) if interval.is_some() => Err(tickersense::Error::invalid_input(
                "history takes an options object or a period and an interval, not both: \
                     put `interval` in the options",
            )),
            Some(Either::B(options)) => Ok(options),
            Some(Either::A(period)) => Ok(HistoryOptions {
                period: Some(period),
                interval,
                ..HistoryOptions::default()
            }),
            None => Ok(HistoryOptions {
                interval,
                ..HistoryOptions::default()
            }),
        }
    }
}

/// `value` as a count from 0 to 2^32 - 1 in the type wanted (`u32`,
/// `usize`), or `InvalidInput` naming the option. Counts arrive as JS
/// numbers (`f64`): napi's own integer conversions would wrap -1 round to
/// 2^32 - 1 and read 2.5 as 2 or `NaN` as 0 without a word.
fn whole_number<T: TryFrom<u32>>(name: &str, value: f64) -> tickersense::Result<T> {
    let max = u32::MAX;
    let whole = value.is_finite() && value >= 0.0 && value.fract() == 0.0;
    if whole && value <= f64::from(max) {
        // Exact: `value` is a whole number within u32's range.
        if let Ok(count) = T::try_from(value as u32) {
            return Ok(count);
        }
    }
    Err(tickersense::Error::invalid_input(format!(
        "{name} must be a whole number from 0 to {max}, not {value}"
    )))
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
        let config = options.unwrap_or_default().into_config().into_js()?;
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

    /// Bars of `symbol`, oldest first. `periodOrOptions` is either an
    /// options object (`period`, `interval`, `start`, `end`) or, as in the
    /// older call shape `history(symbol, period, interval)`, the period
    /// string followed by the interval string. Defaults: the last `"1mo"` of
    /// `"1d"` bars. The range follows yfinance's rules: `start` (to `end` or
    /// now) wins over `period`; `end` alone takes `period` back from `end`.
    /// Passing both an options object and an `interval` string rejects with
    /// `"InvalidInput"`.
    #[napi(catch_unwind, ts_return_type = "Promise<History>")]
    pub async fn history(
        &self,
        symbol: String,
        period_or_options: Option<Either<String, HistoryOptions>>,
        interval: Option<String>,
    ) -> Settled<History> {
        let inner = Arc::clone(&self.inner);
        let result = async {
            let options = HistoryOptions::from_args(period_or_options, interval)?;
            let (range, interval) = options.parse()?;
            inner.history_range(&symbol, range, interval).await
        };
        Settled(result.await.map(History::from))
    }

    /// Histories of many symbols (yfinance's `download`), at most
    /// `concurrency` (default 8) fetched at a time: one entry per distinct
    /// symbol, in the order given, holding either its `history` or the
    /// `error` it failed with (`code`, `message`, `retryAfter`). A bad or
    /// failing symbol fails only its own entry; the promise itself rejects
    /// only for bad options or a store that cannot be reached.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<HistoryResult>>")]
    pub async fn history_many(
        &self,
        symbols: Vec<String>,
        options: Option<HistoryManyOptions>,
    ) -> Settled<Vec<HistoryResult>> {
        let inner = Arc::clone(&self.inner);
        let result = async {
            let options = options.unwrap_or_default();
            let concurrency = options
                .concurrency
                .map_or(Ok(DEFAULT_HISTORY_CONCURRENCY), |n| {
                    whole_number("concurrency", n)
                })?;
            let (range, interval) = HistoryOptions {
                period: options.period,
                interval: options.interval,
                start: options.start,
                end: options.end,
            }
            .parse()?;
            inner
                .history_many(&symbols, range, interval, concurrency)
                .await
        };
        Settled(
            result
                .await
                .map(|results| results.into_iter().map(HistoryResult::from).collect()),
        )
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

    /// Per-UTC-day sums of the stored sentiment analyses of `symbol` over the
    /// last `days` days (default 30; 1 to 3650, else `"InvalidInput"`),
    /// oldest first, one entry per day that has any.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<DailySentiment>>")]
    pub async fn sentiment_daily(
        &self,
        symbol: String,
        days: Option<f64>,
    ) -> Settled<Vec<DailySentiment>> {
        let inner = Arc::clone(&self.inner);
        let result = async {
            let days = days.map_or(Ok(30), |n| whole_number("days", n))?;
            inner.sentiment_daily(&symbol, days).await
        };
        Settled(
            result
                .await
                .map(|days| days.into_iter().map(DailySentiment::from).collect()),
        )
    }

    /// Fetches the history of `symbols` and keeps it in the store, at most
    /// `concurrency` (default 4) at a time, over `period` (default `"1y"`)
    /// or `start` to `end`. Resumable and idempotent: symbols already stored
    /// for the range are not fetched again (a rerun writes nothing), and a
    /// run cut short resumes where it stopped. A symbol the provider fails
    /// on is reported in `failed` with its `reason`; the others go on. The
    /// promise rejects only for bad arguments or a store that cannot be
    /// reached.
    ///
    /// `onProgress`, when given, is called on the JS thread with a
    /// `BackfillProgress` each time a symbol changes state, and every call is
    /// made before the promise settles. The run does not wait for it, and it
    /// cannot stop the run: its return value is ignored, and so is anything
    /// it throws. Arguments of the wrong JS type (an `onProgress` that is not
    /// a function, options that are not an object) throw synchronously with
    /// `code` `"InvalidArg"`.
    #[napi(catch_unwind, strict, ts_return_type = "Promise<BackfillReport>")]
    pub async fn backfill(
        &self,
        symbols: Vec<String>,
        options: Option<BackfillOptions>,
        #[napi(ts_arg_type = "((progress: BackfillProgress) => void) | undefined | null")]
        on_progress: Option<ProgressCallback>,
    ) -> Settled<BackfillReport> {
        let inner = Arc::clone(&self.inner);
        let (relay, delivered) = ProgressRelay::new(on_progress);
        let result = async {
            let options = options.unwrap_or_default();
            let concurrency = options
                .concurrency
                .map_or(Ok(DEFAULT_BACKFILL_CONCURRENCY), |n| {
                    whole_number("concurrency", n)
                })?;
            let (range, interval) = HistoryOptions {
                period: Some(
                    options
                        .period
                        .unwrap_or_else(|| DEFAULT_BACKFILL_PERIOD.as_str().to_owned()),
                ),
                interval: options.interval,
                start: options.start,
                end: options.end,
            }
            .parse()?;
            inner
                .backfill(&symbols, range, interval, concurrency, &|p| relay.tell(p))
                .await
        }
        .await;
        relay.delivered(delivered).await;
        Settled(result.map(BackfillReport::from))
    }

    /// The kept backfill status of every symbol, of `interval` (e.g. `"1d"`)
    /// or of every interval when left out.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<BackfillStatus>>")]
    pub async fn backfill_statuses(
        &self,
        interval: Option<String>,
    ) -> Settled<Vec<BackfillStatus>> {
        let inner = Arc::clone(&self.inner);
        let result = async {
            let interval = interval
                .as_deref()
                .map(str::parse::<Interval>)
                .transpose()?;
            inner.backfill_statuses(interval).await
        };
        Settled(
            result
                .await
                .map(|statuses| statuses.into_iter().map(BackfillStatus::from).collect()),
        )
    }

    /// Every stored price series with its bar count, extent and coverage.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<StoredSeries>>")]
    pub async fn stored_series(&self) -> Settled<Vec<StoredSeries>> {
        let inner = Arc::clone(&self.inner);
        Settled(
            inner
                .stored_series()
                .await
                .map(|series| series.into_iter().map(StoredSeries::from).collect()),
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
