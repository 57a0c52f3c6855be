//! `Client` (blocking) and `AsyncClient` (asyncio) over one core
//! `Tickersense`. Each operation is written once, as a future returning a
//! Python-ready value; `Client` waits for it, `AsyncClient` awaits it.

use std::future::Future;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use tickersense::resilience::checked_timeout;
use tickersense::service::{
    checked_search_limit, DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD,
    DEFAULT_HISTORY_CONCURRENCY,
};
use tickersense::{Config, ConfigOverrides, HistoryRange, Interval, Tickersense};

use crate::error::py_result;
use crate::model::{
    BackfillProgress, BackfillReport, BackfillStatus, Bar, DailySentiment, History,
    HistoryBySymbol, NamespaceStats, Quote, SearchHit, SentimentAnalysis, StoredSeries,
};
use crate::runtime::{awaitable, wait, wait_calling_back, Caller};

type Op<T> = tickersense::Result<T>;

/// The core client and the process that made it. Connections belong to the
/// runtime of the process that opened them, so a forked child makes its own.
struct Core {
    config: Config,
    current: Mutex<(u32, Arc<Tickersense>)>,
}

// The backfill signatures spell core's default period out, so that help()
// shows `period='1y'` rather than `period=...`; this keeps the two equal.
const _: () = assert!(matches!(DEFAULT_BACKFILL_PERIOD, tickersense::Period::Y1));

/// The request knobs every history call takes, in yfinance's spelling.
struct HistoryArgs {
    period: String,
    interval: String,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
}

impl HistoryArgs {
    fn parse(self) -> tickersense::Result<(HistoryRange, Interval)> {
        let range = HistoryRange::from_args(Some(&self.period), self.start, self.end)?;
        Ok((range, self.interval.parse()?))
    }
}

/// The Python callable a backfill reports to. The run calls it once at a
/// time, never from two threads at once.
struct ProgressCallback {
    callable: Option<Arc<Py<PyAny>>>,
    caller: Caller,
    /// The first exception the callable raised: it stopped the run, and
    /// `backfill` raises it once the run has put its unfinished symbols back.
    raised: Mutex<Option<PyErr>>,
}

impl ProgressCallback {
    /// `callable` checked up front, so a wrong argument fails before any
    /// work. It is called on the task's thread until [`Self::calling_on`]
    /// says otherwise.
    fn new(callable: Option<Bound<'_, PyAny>>) -> PyResult<Self> {
        if let Some(f) = &callable {
            if !f.is_callable() {
                return Err(PyTypeError::new_err(format!(
                    "on_progress must be callable, not {}",
                    f.get_type().name()?
                )));
            }
        }
        Ok(ProgressCallback {
            callable: callable.map(|f| Arc::new(f.unbind())),
            caller: Caller::Here,
            raised: Mutex::new(None),
        })
    }

    fn calling_on(self, caller: Caller) -> Self {
        ProgressCallback { caller, ..self }
    }

    fn tell(&self, progress: &tickersense::service::BackfillProgress) -> ControlFlow<()> {
        let Some(callable) = &self.callable else {
            return ControlFlow::Continue(());
        };
        if self.lock_raised().is_some() {
            return ControlFlow::Break(());
        }
        let callable = Arc::clone(callable);
        let progress = BackfillProgress {
            inner: progress.clone(),
        };
        let called = self
            .caller
            .run(move |py| callable.call1(py, (progress,)).map(drop));
        match called {
            Some(Ok(())) => ControlFlow::Continue(()),
            Some(Err(err)) => {
                self.lock_raised().get_or_insert(err);
                ControlFlow::Break(())
            }
            // The caller stopped waiting (Ctrl-C): nobody is left to tell.
            None => ControlFlow::Break(()),
        }
    }

    /// What `backfill` gives back: the callable's exception, if it raised
    /// one, wins over the run's own outcome.
    fn finish(self, report: Op<tickersense::service::BackfillReport>) -> PyResult<BackfillReport> {
        let raised = self.raised.into_inner().unwrap_or_else(|e| e.into_inner());
        match raised {
            Some(err) => Err(err),
            None => py_result(report).map(|inner| BackfillReport { inner }),
        }
    }

    fn lock_raised(&self) -> std::sync::MutexGuard<'_, Option<PyErr>> {
        self.raised.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How hard HTTP providers try, as the constructors take it.
struct Tries {
    timeout: Option<f64>,
    retries: Option<u32>,
}

impl Core {
    fn new(overrides: ConfigOverrides, tries: Tries) -> PyResult<Self> {
        let mut config = py_result(Config::resolve(overrides))?;
        if let Some(secs) = tries.timeout {
            config.resilience.timeout = py_result(checked_timeout(secs))?;
        }
        if let Some(retries) = tries.retries {
            config.resilience.max_retries = retries;
        }
        let client = py_result(Tickersense::new(config.clone()))?;
        Ok(Core {
            config,
            current: Mutex::new((std::process::id(), Arc::new(client))),
        })
    }

    fn client(&self) -> PyResult<Arc<Tickersense>> {
        let pid = std::process::id();
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.0 != pid {
            let fresh = Arc::new(py_result(Tickersense::new(self.config.clone()))?);
            let inherited = std::mem::replace(&mut *current, (pid, fresh));
            // Its pools belong to the parent's runtime; dropping them here could block.
            std::mem::forget(inherited);
        }
        Ok(current.1.clone())
    }

    fn quote(&self, symbol: String) -> PyResult<impl Future<Output = Op<Quote>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move { ts.quote(&symbol).await.map(|inner| Quote { inner }) })
    }

    fn history(
        &self,
        symbol: String,
        args: HistoryArgs,
    ) -> PyResult<impl Future<Output = Op<History>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let (range, interval) = args.parse()?;
            ts.history_range(&symbol, range, interval)
                .await
                .map(|inner| History { inner })
        })
    }

    fn history_many(
        &self,
        symbols: Vec<String>,
        args: HistoryArgs,
        concurrency: usize,
    ) -> PyResult<impl Future<Output = Op<HistoryBySymbol>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let (range, interval) = args.parse()?;
            let results = ts
                .history_many(&symbols, range, interval, concurrency)
                .await?;
            Ok(HistoryBySymbol(results))
        })
    }

    fn search(
        &self,
        query: String,
        limit: i64,
    ) -> PyResult<impl Future<Output = Op<Vec<SearchHit>>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let limit = checked_search_limit(limit)?;
            Ok(ts
                .search(&query, limit)
                .await?
                .into_iter()
                .map(|inner| SearchHit { inner })
                .collect())
        })
    }

    fn sentiment(
        &self,
        symbol: String,
    ) -> PyResult<impl Future<Output = Op<SentimentAnalysis>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            ts.sentiment(&symbol)
                .await
                .map(|inner| SentimentAnalysis { inner })
        })
    }

    fn stored_history(
        &self,
        symbol: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> PyResult<impl Future<Output = Op<Vec<Bar>>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let interval: Interval = interval.parse()?;
            Ok(ts
                .stored_history(&symbol, interval, start, end)
                .await?
                .into_iter()
                .map(|inner| Bar { inner })
                .collect())
        })
    }

    fn backfill(
        &self,
        symbols: Vec<String>,
        args: HistoryArgs,
        concurrency: usize,
        on_progress: ProgressCallback,
    ) -> PyResult<impl Future<Output = PyResult<BackfillReport>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let (range, interval) = py_result(args.parse())?;
            let report = ts
                .backfill(&symbols, range, interval, concurrency, &|p| {
                    on_progress.tell(p)
                })
                .await;
            on_progress.finish(report)
        })
    }

    fn backfill_statuses(
        &self,
        interval: Option<String>,
    ) -> PyResult<impl Future<Output = Op<Vec<BackfillStatus>>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            let interval = interval
                .as_deref()
                .map(str::parse::<Interval>)
                .transpose()?;
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
        symbol: String,
        days: u32,
    ) -> PyResult<impl Future<Output = Op<Vec<DailySentiment>>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move {
            Ok(ts
                .sentiment_daily(&symbol, days)
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
        namespace: String,
        key: Option<String>,
    ) -> PyResult<impl Future<Output = Op<()>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move { ts.invalidate(&namespace, key.as_deref()).await })
    }

    fn describe_store(&self) -> PyResult<impl Future<Output = Op<String>> + Send + 'static> {
        let ts = self.client()?;
        Ok(async move { ts.describe_store().await })
    }

    fn repr(&self, class: &str) -> String {
        let c = &self.config;
        format!(
            "{class}(store={:?}, cache={:?}, market_data={:?}, social={:?}, analyzer={:?})",
            tickersense::error::redact_url(&c.store),
            tickersense::error::redact_url(&c.cache),
            tickersense::error::redact_url(&c.market_data),
            tickersense::error::redact_url(&c.social),
            c.analyzer
        )
    }
}

fn overrides(
    store: Option<String>,
    cache: Option<String>,
    market_data: Option<String>,
    social: Option<String>,
    analyzer: Option<String>,
) -> ConfigOverrides {
    ConfigOverrides {
        store,
        cache,
        market_data,
        social,
        analyzer,
    }
}

/// Blocking client. Arguments left as `None` come from `TICKERSENSE_*`
/// environment variables, then the defaults (`sqlite://tickersense.db`,
/// `memory://`, `sample://`, `sample://`, `textblob`). Making one does no
/// I/O; backends connect on the first call. Calls release the GIL, work
/// inside a running asyncio loop, and raise `KeyboardInterrupt` on Ctrl-C.
#[pyclass(module = "tickersense._native", frozen)]
pub struct Client {
    core: Core,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (store=None, cache=None, market_data=None, social=None, analyzer=None, *, timeout=None, retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        store: Option<String>,
        cache: Option<String>,
        market_data: Option<String>,
        social: Option<String>,
        analyzer: Option<String>,
        timeout: Option<f64>,
        retries: Option<u32>,
    ) -> PyResult<Self> {
        Ok(Client {
            core: Core::new(
                overrides(store, cache, market_data, social, analyzer),
                Tries { timeout, retries },
            )?,
        })
    }

    /// The latest quote of `symbol`.
    fn quote(&self, py: Python<'_>, symbol: String) -> PyResult<Quote> {
        wait(py, self.core.quote(symbol)?)
    }

    /// Bars of `interval` over `period`, or from `start` to `end` (yfinance
    /// spellings and rules).
    #[pyo3(signature = (symbol, period="1mo".to_owned(), interval="1d".to_owned(), start=None, end=None))]
    fn history(
        &self,
        py: Python<'_>,
        symbol: String,
        period: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> PyResult<History> {
        let args = HistoryArgs {
            period,
            interval,
            start,
            end,
        };
        wait(py, self.core.history(symbol, args)?)
    }

    /// Histories of many symbols, at most `concurrency` fetched at a time: a
    /// dict from symbol to `History`, or to the `TickersenseError` that symbol
    /// failed with.
    #[pyo3(signature = (symbols, period="1mo".to_owned(), interval="1d".to_owned(), start=None, end=None, concurrency=DEFAULT_HISTORY_CONCURRENCY))]
    #[allow(clippy::too_many_arguments)]
    fn history_many(
        &self,
        py: Python<'_>,
        symbols: Vec<String>,
        period: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        concurrency: usize,
    ) -> PyResult<HistoryBySymbol> {
        let args = HistoryArgs {
            period,
            interval,
            start,
            end,
        };
        wait(py, self.core.history_many(symbols, args, concurrency)?)
    }

    /// Instruments matching `query`, best first.
    #[pyo3(signature = (query, limit=10))]
    fn search(&self, py: Python<'_>, query: String, limit: i64) -> PyResult<Vec<SearchHit>> {
        wait(py, self.core.search(query, limit)?)
    }

    /// The current social sentiment of `symbol`.
    fn sentiment(&self, py: Python<'_>, symbol: String) -> PyResult<SentimentAnalysis> {
        wait(py, self.core.sentiment(symbol)?)
    }

    /// Bars already in the store, without asking the provider.
    #[pyo3(signature = (symbol, interval="1d".to_owned(), start=None, end=None))]
    fn stored_history(
        &self,
        py: Python<'_>,
        symbol: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> PyResult<Vec<Bar>> {
        wait(py, self.core.stored_history(symbol, interval, start, end)?)
    }

    /// Daily sums of the stored sentiment analyses of `symbol` over the last
    /// `days` days (1 to 3650), oldest first, one entry per UTC day that has any.
    #[pyo3(signature = (symbol, days=30))]
    fn sentiment_daily(
        &self,
        py: Python<'_>,
        symbol: String,
        days: u32,
    ) -> PyResult<Vec<DailySentiment>> {
        wait(py, self.core.sentiment_daily(symbol, days)?)
    }

    /// Fetches the history of `symbols` over `period` (or `start` to `end`)
    /// and keeps it in the store, at most `concurrency` symbols at a time.
    /// Resumable and idempotent: symbols already stored for the range are
    /// not fetched again, and a run stopped part-way resumes where it
    /// stopped. A symbol the provider fails on is reported failed in the
    /// result (with its `reason`); the others go on.
    ///
    /// `on_progress`, when given, is called with a `BackfillProgress` each
    /// time a symbol changes state, on the thread that called `backfill`
    /// (so Streamlit elements and GUI widgets work), while the run waits for
    /// it: it should return quickly.
    /// `lambda p: bar.update(1) if p.state in ("done", "failed") else None`
    /// for tqdm, `lambda p: progress.progress(p.finished / p.total)` for
    /// Streamlit. If it raises, no new symbol starts, those in flight are put
    /// back to pending, and `backfill` raises that exception; the next run
    /// resumes. Ctrl-C lands in the callable when it is running (a clean
    /// stop as above); otherwise it cancels the run at once and raises
    /// `KeyboardInterrupt`, and symbols it left `"running"` are redone next time.
    #[pyo3(signature = (symbols, period="1y".to_owned(), interval="1d".to_owned(), start=None, end=None, concurrency=DEFAULT_BACKFILL_CONCURRENCY, on_progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn backfill(
        &self,
        py: Python<'_>,
        symbols: Vec<String>,
        period: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        concurrency: usize,
        on_progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<BackfillReport> {
        let args = HistoryArgs {
            period,
            interval,
            start,
            end,
        };
        let on_progress = ProgressCallback::new(on_progress)?;
        wait_calling_back(py, |caller| {
            let on_progress = on_progress.calling_on(caller);
            self.core.backfill(symbols, args, concurrency, on_progress)
        })
    }

    /// The kept backfill status of every symbol, of `interval` (e.g. `"1d"`)
    /// or of all intervals when None.
    #[pyo3(signature = (interval=None))]
    fn backfill_statuses(
        &self,
        py: Python<'_>,
        interval: Option<String>,
    ) -> PyResult<Vec<BackfillStatus>> {
        wait(py, self.core.backfill_statuses(interval)?)
    }

    /// Every stored price series with its bar count, extent and coverage.
    fn stored_series(&self, py: Python<'_>) -> PyResult<Vec<StoredSeries>> {
        wait(py, self.core.stored_series()?)
    }

    /// Cache counters per namespace.
    fn cache_stats(&self, py: Python<'_>) -> PyResult<Vec<NamespaceStats>> {
        wait(py, self.core.cache_stats()?)
    }

    /// Drops one cached key, or the whole namespace when `key` is None.
    #[pyo3(signature = (namespace, key=None))]
    fn invalidate(&self, py: Python<'_>, namespace: String, key: Option<String>) -> PyResult<()> {
        wait(py, self.core.invalidate(namespace, key)?)
    }

    /// One line describing the store, without secrets.
    fn describe_store(&self, py: Python<'_>) -> PyResult<String> {
        wait(py, self.core.describe_store()?)
    }

    fn __repr__(&self) -> String {
        self.core.repr("Client")
    }
}

/// asyncio client: the same methods as `Client`, as coroutines.
#[pyclass(module = "tickersense._native", frozen)]
pub struct AsyncClient {
    core: Core,
}

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (store=None, cache=None, market_data=None, social=None, analyzer=None, *, timeout=None, retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        store: Option<String>,
        cache: Option<String>,
        market_data: Option<String>,
        social: Option<String>,
        analyzer: Option<String>,
        timeout: Option<f64>,
        retries: Option<u32>,
    ) -> PyResult<Self> {
        Ok(AsyncClient {
            core: Core::new(
                overrides(store, cache, market_data, social, analyzer),
                Tries { timeout, retries },
            )?,
        })
    }

    /// The latest quote of `symbol`.
    fn quote<'py>(&self, py: Python<'py>, symbol: String) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.quote(symbol)?)
    }

    /// Bars of `interval` over `period`, or from `start` to `end` (yfinance
    /// spellings and rules).
    #[pyo3(signature = (symbol, period="1mo".to_owned(), interval="1d".to_owned(), start=None, end=None))]
    fn history<'py>(
        &self,
        py: Python<'py>,
        symbol: String,
        period: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = HistoryArgs {
            period,
            interval,
            start,
            end,
        };
        awaitable(py, self.core.history(symbol, args)?)
    }

    /// Histories of many symbols: a dict from symbol to `History` or to the
    /// `TickersenseError` that symbol failed with.
    #[pyo3(signature = (symbols, period="1mo".to_owned(), interval="1d".to_owned(), start=None, end=None, concurrency=DEFAULT_HISTORY_CONCURRENCY))]
    #[allow(clippy::too_many_arguments)]
    fn history_many<'py>(
        &self,
        py: Python<'py>,
        symbols: Vec<String>,
        period: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        concurrency: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = HistoryArgs {
            period,
            interval,
            start,
            end,
        };
        awaitable(py, self.core.history_many(symbols, args, concurrency)?)
    }

    /// Instruments matching `query`, best first.
    #[pyo3(signature = (query, limit=10))]
    fn search<'py>(
        &self,
        py: Python<'py>,
        query: String,
        limit: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.search(query, limit)?)
    }

    /// The current social sentiment of `symbol`.
    fn sentiment<'py>(&self, py: Python<'py>, symbol: String) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.sentiment(symbol)?)
    }

    /// Bars already in the store, without asking the provider.
    #[pyo3(signature = (symbol, interval="1d".to_owned(), start=None, end=None))]
    fn stored_history<'py>(
        &self,
        py: Python<'py>,
        symbol: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.stored_history(symbol, interval, start, end)?)
    }

    /// Daily sums of the stored sentiment analyses of `symbol` over the last
    /// `days` days (1 to 3650), oldest first.
    #[pyo3(signature = (symbol, days=30))]
    fn sentiment_daily<'py>(
        &self,
        py: Python<'py>,
        symbol: String,
        days: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.sentiment_daily(symbol, days)?)
    }

    /// As `Client.backfill`, but `on_progress` is called on a thread other
    /// than the event loop's, with the GIL held. It must be a plain function,
    /// not a coroutine function: it is called, not awaited. To touch the loop
    /// from it, use `loop.call_soon_threadsafe`. Cancelling the awaiting task drops the
    /// run at once, as Ctrl-C does for `Client.backfill`.
    #[pyo3(signature = (symbols, period="1y".to_owned(), interval="1d".to_owned(), start=None, end=None, concurrency=DEFAULT_BACKFILL_CONCURRENCY, on_progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn backfill<'py>(
        &self,
        py: Python<'py>,
        symbols: Vec<String>,
        period: String,
        interval: String,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        concurrency: usize,
        on_progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = HistoryArgs {
            period,
            interval,
            start,
            end,
        };
        let on_progress = ProgressCallback::new(on_progress)?;
        awaitable(
            py,
            self.core
                .backfill(symbols, args, concurrency, on_progress)?,
        )
    }

    /// The kept backfill status of every symbol, of `interval` or of all.
    #[pyo3(signature = (interval=None))]
    fn backfill_statuses<'py>(
        &self,
        py: Python<'py>,
        interval: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.backfill_statuses(interval)?)
    }

    /// Every stored price series with its bar count, extent and coverage.
    fn stored_series<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.stored_series()?)
    }

    /// Cache counters per namespace.
    fn cache_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.cache_stats()?)
    }

    /// Drops one cached key, or the whole namespace when `key` is None.
    #[pyo3(signature = (namespace, key=None))]
    fn invalidate<'py>(
        &self,
        py: Python<'py>,
        namespace: String,
        key: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.invalidate(namespace, key)?)
    }

    /// One line describing the store, without secrets.
    fn describe_store<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.core.describe_store()?)
    }

    fn __repr__(&self) -> String {
        self.core.repr("AsyncClient")
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<AsyncClient>()?;
    Ok(())
}
