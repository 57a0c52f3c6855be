//! `Client` (blocking) and `AsyncClient` (asyncio) over one core
//! `Tickersense`. Each operation is written once here, as a future
//! returning a Python-ready value; `Client` ([`blocking`]) waits for it,
//! `AsyncClient` ([`asyncio`]) awaits it.

use std::future::Future;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use tickersense::resilience::checked_timeout;
use tickersense::service::{
    DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD, DEFAULT_HISTORY_CONCURRENCY,
    MAX_BACKFILL_CONCURRENCY, MAX_SEARCH_LIMIT, MAX_SENTIMENT_DAYS,
};
use tickersense::{Config, ConfigOverrides, HistoryRange, Interval, Tickersense};

use crate::args::{opt_text, opt_time, Int, Seconds, Symbols, Text, Time};
use crate::error::{py_result, IntoPyErr};
use crate::model::{
    BackfillReport, BackfillStatus, Bar, DailySentiment, History, HistoryBySymbol, NamespaceStats,
    Quote, SearchHit, SentimentAnalysis, StoredSeries,
};
use crate::runtime::{guarded, Caller};

mod asyncio;
mod blocking;
mod progress;

pub use asyncio::AsyncClient;
pub use blocking::Client;
use progress::ProgressCallback;

type Op<T> = tickersense::Result<T>;

/// The core client and the process that made it. Connections belong to the
/// runtime of the process that opened them, so a forked child makes its own.
struct Core {
    config: Config,
    current: Mutex<(u32, Arc<Tickersense>)>,
}

// The signatures below spell core's defaults out (text_signature), so that
// help() shows `period='1y'` and `concurrency=8` rather than `...`; these
// keep the two equal.
const _: () = assert!(matches!(DEFAULT_BACKFILL_PERIOD, tickersense::Period::Y1));
const _: () = assert!(DEFAULT_BACKFILL_CONCURRENCY == 4);
const _: () = assert!(DEFAULT_HISTORY_CONCURRENCY == 8);
const _: () = assert!(tickersense::service::DEFAULT_SEARCH_LIMIT == 10);

/// A count argument given to the core as `usize`: beyond `usize` it is
/// refused here, naming the argument and the core's range.
fn count(value: &Int, name: &str, max: usize) -> PyResult<usize> {
    value.within(name, 1, i64::try_from(max).unwrap_or(i64::MAX))
}

/// The request knobs every history call takes, in yfinance's spelling.
struct HistoryArgs {
    period: String,
    interval: String,
    start: Option<chrono::DateTime<chrono::Utc>>,
    end: Option<chrono::DateTime<chrono::Utc>>,
}

impl HistoryArgs {
    fn new(period: Text, interval: Text, start: Option<Time>, end: Option<Time>) -> Self {
        HistoryArgs {
            period: period.0,
            interval: interval.0,
            start: opt_time(start),
            end: opt_time(end),
        }
    }

    fn parse(self) -> tickersense::Result<(HistoryRange, Interval)> {
        let range = HistoryRange::from_args(Some(&self.period), self.start, self.end)?;
        Ok((range, self.interval.parse()?))
    }
}

/// Why a call that runs Python code failed: in the core, or in that code.
enum CallError {
    Core(tickersense::Error),
    Python(PyErr),
}

impl From<tickersense::Error> for CallError {
    fn from(err: tickersense::Error) -> Self {
        CallError::Core(err)
    }
}

impl IntoPyErr for CallError {
    fn into_py_err(self) -> PyErr {
        match self {
            CallError::Core(err) => err.into_py_err(),
            CallError::Python(err) => err,
        }
    }
}

/// The constructors' arguments.
struct Options {
    overrides: ConfigOverrides,
    timeout: Option<Seconds>,
    retries: Option<Int>,
}

impl Options {
    fn new(
        store: Option<Text>,
        cache: Option<Text>,
        market_data: Option<Text>,
        social: Option<Text>,
        analyzer: Option<Text>,
        timeout: Option<Seconds>,
        retries: Option<Int>,
    ) -> Self {
        Options {
            overrides: ConfigOverrides {
                store: opt_text(store),
                cache: opt_text(cache),
                market_data: opt_text(market_data),
                social: opt_text(social),
                analyzer: opt_text(analyzer),
                ..ConfigOverrides::default()
            },
            timeout,
            retries,
        }
    }
}

/// The core client for `config`. Runs on the caller's thread, not in a
/// task: [`guarded`] makes a panic in it `InternalError` all the same.
fn open(config: Config) -> PyResult<Tickersense> {
    guarded(|| Tickersense::new(config))
}

impl Core {
    fn new(options: Options) -> PyResult<Self> {
        let mut overrides = options.overrides;
        if let Some(Seconds(secs)) = options.timeout {
            overrides.timeout = Some(py_result(checked_timeout(secs))?);
        }
        if let Some(retries) = options.retries {
            overrides.retries = Some(retries.within("retries", 0, i64::from(u32::MAX))?);
        }
        let config = guarded(|| Config::resolve(overrides))?;
        let client = open(config.clone())?;
        Ok(Core {
            config,
            current: Mutex::new((std::process::id(), Arc::new(client))),
        })
    }

    fn client(&self) -> PyResult<Arc<Tickersense>> {
        let pid = std::process::id();
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.0 != pid {
            let fresh = Arc::new(open(self.config.clone())?);
            let inherited = std::mem::replace(&mut *current, (pid, fresh));
            // Its pools belong to the parent's runtime; dropping them here could block.
            std::mem::forget(inherited);
        }
        Ok(current.1.clone())
    }

    fn close(&self) -> PyResult<impl Future<Output = Op<()>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            ts.close().await;
            Ok(())
        })
    }

    fn quote(&self, symbol: Text) -> PyResult<impl Future<Output = Op<Quote>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move { ts.quote(&symbol.0).await.map(|inner| Quote { inner }) })
    }

    fn history(
        &self,
        symbol: Text,
        args: HistoryArgs,
    ) -> PyResult<impl Future<Output = Op<History>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let (range, interval) = args.parse()?;
            ts.history_range(&symbol.0, range, interval)
                .await
                .map(|inner| History { inner })
        })
    }

    fn history_many(
        &self,
        symbols: Symbols,
        args: HistoryArgs,
        concurrency: Int,
    ) -> PyResult<impl Future<Output = Op<HistoryBySymbol>> + Send + 'static> {
        let concurrency = count(&concurrency, "concurrency", MAX_BACKFILL_CONCURRENCY)?;
        let ts = self.client()?;
        Ok(async move {
            let (range, interval) = args.parse()?;
            let results = ts
                .history_many(&symbols.0, range, interval, concurrency)
                .await?;
            Ok(HistoryBySymbol(results))
        })
    }

    fn search(
        &self,
        query: Text,
        limit: Int,
    ) -> PyResult<impl Future<Output = Op<Vec<SearchHit>>> + Send + 'static> {
        let limit: usize = limit.within("limit", 1, MAX_SEARCH_LIMIT as i64)?;
        let ts = self.client()?;
        Ok(async move {
            Ok(ts
                .search(&query.0, limit)
                .await?
                .into_iter()
                .map(|inner| SearchHit { inner })
                .collect())
        })
    }

    fn sentiment(
        &self,
        symbol: Text,
    ) -> PyResult<impl Future<Output = Op<SentimentAnalysis>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            ts.sentiment(&symbol.0)
                .await
                .map(|inner| SentimentAnalysis { inner })
        })
    }

    fn stored_history(
        &self,
        symbol: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> PyResult<impl Future<Output = Op<Vec<Bar>>> + Send + 'static> {
        let ts = self.client()?;
        let (start, end) = (opt_time(start), opt_time(end));
        Ok(async move {
            let interval: Interval = interval.0.parse()?;
            // No lower bound without `start`: everything stored up to `end`.
            let range = tickersense::HistoryRange::resolve(
                tickersense::Period::Max,
                start,
                end,
                chrono::Utc::now(),
            );
            Ok(ts
                .stored_history(&symbol.0, range, interval)
                .await?
                .bars
                .into_iter()
                .map(|inner| Bar { inner })
                .collect())
        })
    }

    /// The backfill, as a future made from the [`Caller`] that runs its
    /// progress callable.
    fn backfill(
        &self,
        symbols: Symbols,
        args: HistoryArgs,
        concurrency: Int,
        on_progress: ProgressCallback,
    ) -> PyResult<impl FnOnce(Caller) -> BackfillFuture + Send + 'static> {
        let concurrency = count(&concurrency, "concurrency", MAX_BACKFILL_CONCURRENCY)?;
        let ts = self.client()?;
        Ok(move |caller: Caller| -> BackfillFuture {
            Box::pin(async move {
                let (range, interval) = args.parse()?;
                let report = ts
                    .backfill(&symbols.0, range, interval, concurrency, &|p| {
                        on_progress.tell(&caller, p)
                    })
                    .await;
                on_progress.finish(report)
            })
        })
    }

    fn backfill_statuses(
        &self,
        interval: Option<Text>,
    ) -> PyResult<impl Future<Output = Op<Vec<BackfillStatus>>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let interval = interval.map(|i| i.0.parse::<Interval>()).transpose()?;
            Ok(ts
                .backfill_statuses(interval)
                .await?
                .into_iter()
                .map(|inner| BackfillStatus { inner })
                .collect())
        })
    }

    fn stored_series(
        &self,
    ) -> PyResult<impl Future<Output = Op<Vec<StoredSeries>>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            Ok(ts
                .stored_series()
                .await?
                .into_iter()
                .map(|inner| StoredSeries { inner })
                .collect())
        })
    }

    fn sentiment_daily(
        &self,
        symbol: Text,
        days: Int,
    ) -> PyResult<impl Future<Output = Op<Vec<DailySentiment>>> + Send + 'static> {
        let days: u32 = days.within("days", 1, i64::from(MAX_SENTIMENT_DAYS))?;
        let ts = self.client()?;
        Ok(async move {
            Ok(ts
                .sentiment_daily(&symbol.0, days)
                .await?
                .into_iter()
                .map(|inner| DailySentiment { inner })
                .collect())
        })
    }

    fn cache_stats(
        &self,
    ) -> PyResult<impl Future<Output = Op<Vec<NamespaceStats>>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            Ok(ts
                .cache_stats()
                .await?
                .into_iter()
                .map(|inner| NamespaceStats { inner })
                .collect())
        })
    }

    fn invalidate(
        &self,
        namespace: Text,
        key: Option<Text>,
    ) -> PyResult<impl Future<Output = Op<()>> + Send + 'static> {
        let ts = self.client()?;
        let key = opt_text(key);
        Ok(async move { ts.invalidate(&namespace.0, key.as_deref()).await })
    }

    fn describe_store(&self) -> PyResult<impl Future<Output = Op<String>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move { ts.describe_store().await })
    }

    fn repr(&self, class: &str) -> String {
        let c = &self.config;
        format!(
            "{class}(store={:?}, cache={:?}, market_data={:?}, social={:?}, analyzer={:?})",
            c.store.to_string(),
            c.cache.to_string(),
            c.market_data.to_string(),
            c.social_display(),
            c.analyzer.as_str()
        )
    }
}

type BackfillFuture =
    std::pin::Pin<Box<dyn Future<Output = Result<BackfillReport, CallError>> + Send + 'static>>;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<AsyncClient>()?;
    Ok(())
}
