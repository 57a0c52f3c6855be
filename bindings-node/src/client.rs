//! `Client`, the JS face of [`tickersense::Tickersense`]: options in, promises
//! of plain objects out.
//!
//! Options objects are read by hand ([`crate::args`]): a misspelt key, a
//! field of the wrong type, an invalid `Date` or a count that is not a whole
//! number is refused naming the option, and `null` counts as left out. The
//! option structs below only declare the JS shapes (napi's typegen writes
//! them into `index.d.ts`); napi never converts them itself.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Env, PromiseRaw, Unknown};
use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi::{Status, ValueType};
use napi_derive::napi;
use tickersense::resilience::checked_timeout;
use tickersense::service::{
    checked_search_limit, DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD,
    DEFAULT_HISTORY_CONCURRENCY, DEFAULT_SEARCH_LIMIT,
};
use tickersense::{Config, ConfigOverrides, HistoryRange, Interval, Tickersense};

use crate::args::{self, whole_number, Options, Refusal, Signal};
use crate::error::{coded_rejection, guard};
use crate::model::{
    BackfillProgress, BackfillReport, BackfillStatus, Bar, DailySentiment, History, HistoryResult,
    NamespaceStats, Quote, SearchHit, SentimentAnalysis, StoredSeries,
};
use crate::promise;

/// Backend URLs, analyzer name and how hard to try HTTP providers, for a
/// `Client`. Each URL or name left out (or `null`) comes from the
/// `TICKERSENSE_*` environment variable of the same name, then from the
/// default. Any other key throws `"InvalidInput"`, so a misspelt one is not
/// silently ignored.
#[napi(object, object_from_js = false, object_to_js = false)]
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
    /// (default 10; fractions allowed): a positive, finite number, else the
    /// constructor throws `"InvalidInput"`. A request that takes longer fails
    /// (`"Timeout"`) and is retried like any other failed request.
    pub timeout: Option<f64>,
    /// Retries of a failed request to an HTTP provider after the first
    /// attempt (default 3, `0` to never retry): a whole number from 0 to
    /// 2^32 - 1, else the constructor throws `"InvalidInput"`. Only timeouts,
    /// unreachable servers, 5xx answers and 429s are retried.
    pub retries: Option<u32>,
}

impl ClientOptions {
    /// The JS names of the options.
    const KEYS: &'static [&'static str] = &[
        "store",
        "cache",
        "marketData",
        "social",
        "analyzer",
        "timeout",
        "retries",
    ];

    /// The options given to `new Client(options)`.
    fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        let Some(options) = Options::read(env, value, "new Client", Self::KEYS)? else {
            return Ok(ClientOptions::default());
        };
        Ok(ClientOptions {
            store: options.string("store")?,
            cache: options.string("cache")?,
            market_data: options.string("marketData")?,
            social: options.string("social")?,
            analyzer: options.string("analyzer")?,
            timeout: options.number("timeout")?,
            retries: options.count("retries")?,
        })
    }

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
            config.resilience.max_retries = retries;
        }
        Ok(config)
    }
}

/// The range and bar width of a `history` call, and the signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct HistoryOptions {
    /// How far back from now (or from `end`), in yfinance's spelling:
    /// `1d 5d 1mo 3mo 6mo 1y 2y 5y 10y ytd max` (default `"1mo"`).
    #[napi(ts_type = "Period")]
    pub period: Option<String>,
    /// The width of each bar: `1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo`
    /// (default `"1d"`).
    #[napi(ts_type = "Interval")]
    pub interval: Option<String>,
    /// First instant included; with it, `period` is not used and the range
    /// runs to `end` (default now). An invalid `Date` rejects with
    /// `"InvalidInput"`.
    pub start: Option<DateTime<Utc>>,
    /// First instant excluded; without `start`, the range is `period`
    /// counted back from `end`. An invalid `Date` rejects with `"InvalidInput"`.
    pub end: Option<DateTime<Utc>>,
    /// Aborts the call: the promise rejects at once with the signal's
    /// `reason` (a `DOMException` named `"AbortError"` for a plain
    /// `controller.abort()`), as `fetch` does, and the work in core stops.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

impl HistoryOptions {
    /// The JS names of the options.
    const KEYS: &'static [&'static str] = &["period", "interval", "start", "end", "signal"];

    /// The range, interval and signal in `options` (read by any call that
    /// takes them).
    fn read(options: &Options<'_>) -> Result<Self, Refusal> {
        Ok(HistoryOptions {
            period: options.string("period")?,
            interval: options.string("interval")?,
            start: options.date("start")?,
            end: options.date("end")?,
            signal: options.signal("signal")?,
        })
    }

    /// The core range and interval: yfinance's spellings parsed, and
    /// `period`, `start` and `end` resolved by [`HistoryRange::from_args`].
    fn parse(&self) -> tickersense::Result<(HistoryRange, Interval)> {
        let range = HistoryRange::from_args(self.period.as_deref(), self.start, self.end)?;
        let interval = parse_interval(self.interval.as_deref())?;
        Ok((range, interval))
    }

    /// The options of `history(symbol, periodOrOptions, interval)`: a period
    /// string followed by an interval string (the older call shape), or an
    /// options object alone.
    fn from_args(
        env: &Env,
        period_or_options: Option<Unknown<'_>>,
        interval: Option<String>,
    ) -> Result<Self, Refusal> {
        let given = match &period_or_options {
            Some(value) => value.get_type()?,
            None => ValueType::Undefined,
        };
        match given {
            ValueType::Undefined | ValueType::Null => Ok(HistoryOptions {
                interval,
                ..HistoryOptions::default()
            }),
            ValueType::String => Ok(HistoryOptions {
                period: period_or_options
                    .map(|p| args::string("history: period", &p))
                    .transpose()?,
                interval,
                ..HistoryOptions::default()
            }),
            ValueType::Object if interval.is_some() => Err(tickersense::Error::invalid_input(
                "history takes an options object or a period and an interval, not both: \
                 put `interval` in the options",
            )
            .into()),
            _ => {
                let options = Options::read(env, period_or_options, "history", Self::KEYS)?;
                options.map_or(Ok(HistoryOptions::default()), |o| Self::read(&o))
            }
        }
    }
}

/// The range and bar width of a `historyMany` call, how many symbols are
/// fetched at once, and the signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct HistoryManyOptions {
    /// As in `HistoryOptions` (default `"1mo"`).
    #[napi(ts_type = "Period")]
    pub period: Option<String>,
    /// As in `HistoryOptions` (default `"1d"`).
    #[napi(ts_type = "Interval")]
    pub interval: Option<String>,
    /// As in `HistoryOptions`: first instant included.
    pub start: Option<DateTime<Utc>>,
    /// As in `HistoryOptions`: first instant excluded.
    pub end: Option<DateTime<Utc>>,
    /// Most symbols fetched at a time, 1 to 64 (default 8); anything else
    /// rejects with `"InvalidInput"`.
    pub concurrency: Option<u32>,
    /// As in `HistoryOptions`: aborts every fetch of the call.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

/// The range, bar width and parallelism of a `backfill` call, and the
/// signal that aborts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct BackfillOptions {
    /// As in `HistoryOptions`, but the default is `"1y"`.
    #[napi(ts_type = "Period")]
    pub period: Option<String>,
    /// As in `HistoryOptions` (default `"1d"`).
    #[napi(ts_type = "Interval")]
    pub interval: Option<String>,
    /// As in `HistoryOptions`: first instant included.
    pub start: Option<DateTime<Utc>>,
    /// As in `HistoryOptions`: first instant excluded.
    pub end: Option<DateTime<Utc>>,
    /// Most symbols fetched at a time, 1 to 64 (default 4); anything else
    /// rejects with `"InvalidInput"`.
    pub concurrency: Option<u32>,
    /// As in `HistoryOptions`: aborts the run; what was written stays, and
    /// a symbol cut short shows `"running"` until the next run redoes it.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

/// The JS names of the options of `historyMany` and `backfill`.
const BATCH_KEYS: &[&str] = &[
    "period",
    "interval",
    "start",
    "end",
    "concurrency",
    "signal",
];

/// The options of a batch call (`historyMany`, `backfill`): those of
/// `history` and `concurrency`.
fn read_batch(
    env: &Env,
    value: Option<Unknown<'_>>,
    call: &'static str,
) -> Result<(HistoryOptions, Option<u32>), Refusal> {
    match Options::read(env, value, call, BATCH_KEYS)? {
        Some(options) => Ok((
            HistoryOptions::read(&options)?,
            options.count("concurrency")?,
        )),
        None => Ok((HistoryOptions::default(), None)),
    }
}

impl HistoryManyOptions {
    /// The options given to `historyMany(symbols, options)`.
    fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        let (h, concurrency) = read_batch(env, value, "historyMany")?;
        Ok(HistoryManyOptions {
            period: h.period,
            interval: h.interval,
            start: h.start,
            end: h.end,
            concurrency,
            signal: h.signal,
        })
    }
}

impl BackfillOptions {
    /// The options given to `backfill(symbols, options)`.
    fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Self, Refusal> {
        let (h, concurrency) = read_batch(env, value, "backfill")?;
        Ok(BackfillOptions {
            period: h.period,
            interval: h.interval,
            start: h.start,
            end: h.end,
            concurrency,
            signal: h.signal,
        })
    }
}

/// An interval in yfinance's spelling, `"1d"` when left out.
fn parse_interval(interval: Option<&str>) -> tickersense::Result<Interval> {
    interval.map_or(Ok(Interval::default()), str::parse::<Interval>)
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

/// Quotes, price history, symbol search and social sentiment, with caching
/// and storage.
///
/// Making one only checks the options: a malformed URL, an unknown option
/// or one of the wrong type throws here (with `code` `"InvalidInput"`; a
/// `TypeError` for a wrong type), while a server that is down rejects the
/// first call that needs it (`"Unavailable"`). Calling `Client` without
/// `new` throws a `TypeError`. Every method returns a promise; a failure
/// rejects it with an `Error` whose `code` is the error kind
/// (`"InvalidInput"`, `"NotFound"`, `"Unavailable"`, `"Timeout"`, ...), and
/// so does a bad options object (a `TypeError` for a wrong type). A symbol
/// or other positional argument of the wrong JS type (a number for a
/// symbol) throws synchronously, with napi's own code (`"StringExpected"`, ...).
///
/// `close()` (or `await using`, through `Symbol.asyncDispose`) releases the
/// client's connections at once instead of at garbage collection; calls
/// made afterwards reject with `"Unavailable"`.
#[napi]
pub struct Client {
    inner: Arc<Tickersense>,
}

#[napi]
impl Client {
    /// A client for `options`; no I/O happens until the first call.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "ClientOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        let options = ClientOptions::read(&env, options).map_err(|r| r.into_js(&env))?;
        let inner = guard(|| options.into_config().and_then(Tickersense::new))
            .map_err(|e| coded_rejection(env, e))?;
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    /// The latest quote of `symbol`.
    #[napi(ts_return_type = "Promise<Quote>")]
    pub fn quote<'env>(
        &self,
        env: &'env Env,
        symbol: String,
    ) -> napi::Result<PromiseRaw<'env, Quote>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move {
            inner.quote(&symbol).await.map(Quote::from)
        })
    }

    /// Bars of `symbol`, oldest first. `periodOrOptions` is either an
    /// options object (`period`, `interval`, `start`, `end`, `signal`) or, as
    /// in the older call shape `history(symbol, period, interval)`, the
    /// period string followed by the interval string. Defaults: the last
    /// `"1mo"` of `"1d"` bars. The range follows yfinance's rules: `start`
    /// (to `end` or now) wins over `period`; `end` alone takes `period` back
    /// from `end`. Passing both an options object and an `interval` string
    /// rejects with `"InvalidInput"`.
    #[napi(ts_return_type = "Promise<History>")]
    pub fn history<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "Period | HistoryOptions | undefined | null")]
        period_or_options: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "Interval | undefined | null")] interval: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, History>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let mut options = HistoryOptions::from_args(env, period_or_options, interval)?;
            let (range, interval) = options.parse()?;
            let work = async move {
                inner
                    .history_range(&symbol, range, interval)
                    .await
                    .map(History::from)
            };
            Ok((options.signal.take(), work))
        })
    }

    /// Histories of many symbols (yfinance's `download`), at most
    /// `concurrency` (default 8) fetched at a time: one entry per distinct
    /// symbol, in the order given, holding either its `history` or the
    /// `error` it failed with (`code`, `message`, `retryAfter`). A bad or
    /// failing symbol fails only its own entry; the promise itself rejects
    /// only for bad options, an aborted `signal` or a store that cannot be
    /// reached.
    #[napi(ts_return_type = "Promise<Array<HistoryResult>>")]
    pub fn history_many<'env>(
        &self,
        env: &'env Env,
        symbols: Vec<String>,
        #[napi(ts_arg_type = "HistoryManyOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<HistoryResult>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let mut options = HistoryManyOptions::read(env, options)?;
            let concurrency = options
                .concurrency
                .map_or(DEFAULT_HISTORY_CONCURRENCY, |n| n as usize);
            let (range, interval) = HistoryOptions {
                period: options.period.take(),
                interval: options.interval.take(),
                start: options.start,
                end: options.end,
                signal: None,
            }
            .parse()?;
            let work = async move {
                let results = inner
                    .history_many(&symbols, range, interval, concurrency)
                    .await?;
                Ok(results.into_iter().map(HistoryResult::from).collect())
            };
            Ok((options.signal.take(), work))
        })
    }

    /// Instruments matching `query`, best first, at most `limit` (default
    /// 10; a whole number from 1 to core's maximum, else `"InvalidInput"`).
    #[napi(ts_return_type = "Promise<Array<SearchHit>>")]
    pub fn search<'env>(
        &self,
        env: &'env Env,
        query: String,
        limit: Option<f64>,
    ) -> napi::Result<PromiseRaw<'env, Vec<SearchHit>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let limit = match limit {
                Some(n) => checked_search_limit(whole_number("search: limit", n)?)?,
                None => DEFAULT_SEARCH_LIMIT,
            };
            let work = async move {
                let hits = inner.search(&query, limit).await?;
                Ok(hits.into_iter().map(SearchHit::from).collect())
            };
            Ok((None, work))
        })
    }

    /// The current social sentiment of `symbol`; each analysis is stored, and
    /// the trend compares it with the stored ones of the last days.
    #[napi(ts_return_type = "Promise<SentimentAnalysis>")]
    pub fn sentiment<'env>(
        &self,
        env: &'env Env,
        symbol: String,
    ) -> napi::Result<PromiseRaw<'env, SentimentAnalysis>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move {
            inner.sentiment(&symbol).await.map(SentimentAnalysis::from)
        })
    }

    /// Bars of `interval` (default `"1d"`) already in the store, starting in
    /// `[start, end)` (no lower bound without `start`; `end` defaults to now),
    /// without asking the provider. An invalid `Date` rejects with
    /// `"InvalidInput"`.
    #[napi(ts_return_type = "Promise<Array<Bar>>")]
    pub fn stored_history<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        #[napi(ts_arg_type = "Interval | undefined | null")] interval: Option<String>,
        #[napi(ts_arg_type = "Date | undefined | null")] start: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "Date | undefined | null")] end: Option<Unknown<'_>>,
    ) -> napi::Result<PromiseRaw<'env, Vec<Bar>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let interval = parse_interval(interval.as_deref())?;
            let start = args::optional_date("storedHistory: start", start)?;
            let end = args::optional_date("storedHistory: end", end)?;
            let work = async move {
                let bars = inner.stored_history(&symbol, interval, start, end).await?;
                Ok(bars.into_iter().map(Bar::from).collect())
            };
            Ok((None, work))
        })
    }

    /// Per-UTC-day sums of the stored sentiment analyses of `symbol` over the
    /// last `days` days (default 30; 1 to 3650, else `"InvalidInput"`),
    /// oldest first, one entry per day that has any.
    #[napi(ts_return_type = "Promise<Array<DailySentiment>>")]
    pub fn sentiment_daily<'env>(
        &self,
        env: &'env Env,
        symbol: String,
        days: Option<f64>,
    ) -> napi::Result<PromiseRaw<'env, Vec<DailySentiment>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let days = days.map_or(Ok(30), |n| whole_number("sentimentDaily: days", n))?;
            let work = async move {
                let days = inner.sentiment_daily(&symbol, days).await?;
                Ok(days.into_iter().map(DailySentiment::from).collect())
            };
            Ok((None, work))
        })
    }

    /// Fetches the history of `symbols` and keeps it in the store, at most
    /// `concurrency` (default 4) at a time, over `period` (default `"1y"`)
    /// or `start` to `end`. Resumable and idempotent: symbols already stored
    /// for the range are not fetched again (a rerun writes nothing), and a
    /// run cut short (by an aborted `signal`, say) resumes where it stopped.
    /// A symbol the provider fails on is reported in `failed` with its
    /// `reason`; the others go on. The promise rejects only for bad
    /// arguments, an aborted `signal` or a store that cannot be reached.
    ///
    /// `onProgress`, when given, is called on the JS thread with a
    /// `BackfillProgress` each time a symbol changes state, and every call is
    /// made before the promise settles. The run does not wait for it, and it
    /// cannot stop the run: its return value is ignored, and so is anything
    /// it throws. An `onProgress` that is not a function throws synchronously
    /// with `code` `"InvalidArg"`.
    #[napi(strict, ts_return_type = "Promise<BackfillReport>")]
    pub fn backfill<'env>(
        &self,
        env: &'env Env,
        symbols: Vec<String>,
        #[napi(ts_arg_type = "BackfillOptions | undefined | null")] options: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "((progress: BackfillProgress) => void) | undefined | null")]
        on_progress: Option<ProgressCallback>,
    ) -> napi::Result<PromiseRaw<'env, BackfillReport>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let mut options = BackfillOptions::read(env, options)?;
            let concurrency = options
                .concurrency
                .map_or(DEFAULT_BACKFILL_CONCURRENCY, |n| n as usize);
            let (range, interval) = HistoryOptions {
                period: Some(
                    options
                        .period
                        .take()
                        .unwrap_or_else(|| DEFAULT_BACKFILL_PERIOD.as_str().to_owned()),
                ),
                interval: options.interval.take(),
                start: options.start,
                end: options.end,
                signal: None,
            }
            .parse()?;
            let (relay, delivered) = ProgressRelay::new(on_progress);
            let work = async move {
                let result = inner
                    .backfill(&symbols, range, interval, concurrency, &|p| relay.tell(p))
                    .await;
                relay.delivered(delivered).await;
                result.map(BackfillReport::from)
            };
            Ok((options.signal.take(), work))
        })
    }

    /// The kept backfill status of every symbol, of `interval` (e.g. `"1d"`)
    /// or of every interval when left out.
    #[napi(ts_return_type = "Promise<Array<BackfillStatus>>")]
    pub fn backfill_statuses<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Interval | undefined | null")] interval: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Vec<BackfillStatus>>> {
        let inner = Arc::clone(&self.inner);
        promise::call(env, || {
            let interval = interval
                .as_deref()
                .map(str::parse::<Interval>)
                .transpose()?;
            let work = async move {
                let statuses = inner.backfill_statuses(interval).await?;
                Ok(statuses.into_iter().map(BackfillStatus::from).collect())
            };
            Ok((None, work))
        })
    }

    /// Every stored price series with its bar count, extent and coverage.
    #[napi(ts_return_type = "Promise<Array<StoredSeries>>")]
    pub fn stored_series<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Vec<StoredSeries>>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move {
            let series = inner.stored_series().await?;
            Ok(series.into_iter().map(StoredSeries::from).collect())
        })
    }

    /// Cache hit, miss, entry and error counts per namespace.
    #[napi(ts_return_type = "Promise<Array<NamespaceStats>>")]
    pub fn cache_stats<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Vec<NamespaceStats>>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move {
            let stats = inner.cache_stats().await?;
            Ok(stats.into_iter().map(NamespaceStats::from).collect())
        })
    }

    /// Drops one cached key of `namespace`, or the whole namespace when `key`
    /// is left out (namespaces: `stock_quote`, `stock_history`, `stock_search`,
    /// `sentiment_current`, ...; any other rejects with `"InvalidInput"`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn invalidate<'env>(
        &self,
        env: &'env Env,
        namespace: String,
        key: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move {
            inner.invalidate(&namespace, key.as_deref()).await
        })
    }

    /// One line describing the store in use, without secrets.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn describe_store<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move { inner.describe_store().await })
    }

    /// Releases the client's connections (store pools, cache connections)
    /// now rather than at garbage collection, waiting for connections in
    /// use to come back. Calls made afterwards reject with `"Unavailable"`.
    /// Idempotent; also run by `await using` (`Symbol.asyncDispose`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let inner = Arc::clone(&self.inner);
        promise::spawn(env, None, async move {
            inner.close().await;
            Ok(())
        })
    }
}
