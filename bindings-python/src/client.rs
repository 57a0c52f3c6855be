//! `Client` (blocking) and `AsyncClient` (asyncio) over one core
//! `Tickersense`. Each operation is written once, as a future returning a
//! Python-ready value; `Client` waits for it, `AsyncClient` awaits it.

use std::future::Future;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyTypeError;
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
    BackfillProgress, BackfillReport, BackfillStatus, Bar, DailySentiment, History,
    HistoryBySymbol, NamespaceStats, Quote, SearchHit, SentimentAnalysis, StoredSeries,
};
use crate::runtime::{awaitable, awaitable_calling_back, guarded, wait, wait_calling_back, Caller};

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

/// The Python callable a backfill reports to. The run calls it once at a
/// time, never from two threads at once.
struct ProgressCallback {
    callable: Option<Arc<Py<PyAny>>>,
    /// The first exception the callable raised: it stopped the run, and
    /// `backfill` raises it once the run has put its unfinished symbols back.
    raised: Mutex<Option<PyErr>>,
}

impl ProgressCallback {
    /// `callable` checked up front, so a wrong argument fails before any
    /// work; `awaitable` says whether the caller can await what it returns.
    fn new(callable: Option<Bound<'_, PyAny>>, awaitable: bool) -> PyResult<Self> {
        if let Some(f) = &callable {
            if !f.is_callable() {
                return Err(PyTypeError::new_err(format!(
                    "on_progress must be callable, not {}",
                    f.get_type().name()?
                )));
            }
            if !awaitable && is_async_callable(f)? {
                return Err(PyTypeError::new_err(
                    "on_progress is an async function, which Client.backfill cannot await: \
                     pass a plain function, or use AsyncClient.backfill, which awaits it",
                ));
            }
        }
        Ok(ProgressCallback {
            callable: callable.map(|f| Arc::new(f.unbind())),
            raised: Mutex::new(None),
        })
    }

    fn tell(
        &self,
        caller: &Caller,
        progress: &tickersense::service::BackfillProgress,
    ) -> ControlFlow<()> {
        let Some(callable) = &self.callable else {
            return ControlFlow::Continue(());
        };
        if self.lock_raised().is_some() {
            return ControlFlow::Break(());
        }
        let progress = BackfillProgress {
            inner: progress.clone(),
        };
        match caller.call(Arc::clone(callable), progress) {
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
    fn finish(
        self,
        report: Op<tickersense::service::BackfillReport>,
    ) -> Result<BackfillReport, CallError> {
        let raised = self.raised.into_inner().unwrap_or_else(|e| e.into_inner());
        match raised {
            Some(err) => Err(CallError::Python(err)),
            None => Ok(BackfillReport { inner: report? }),
        }
    }

    fn lock_raised(&self) -> std::sync::MutexGuard<'_, Option<PyErr>> {
        self.raised.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `async def` functions, and objects whose `__call__` is one.
fn is_async_callable(f: &Bound<'_, PyAny>) -> PyResult<bool> {
    let inspect = f.py().import("inspect")?;
    if inspect
        .call_method1("iscoroutinefunction", (f,))?
        .is_truthy()?
    {
        return Ok(true);
    }
    match f.getattr("__call__") {
        Ok(call) => inspect
            .call_method1("iscoroutinefunction", (call,))?
            .is_truthy(),
        Err(_) => Ok(false),
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
        let mut config = guarded(|| Config::resolve(options.overrides))?;
        if let Some(Seconds(secs)) = options.timeout {
            config.resilience.timeout = py_result(checked_timeout(secs))?;
        }
        if let Some(retries) = options.retries {
            config.resilience.max_retries = retries.within("retries", 0, i64::from(u32::MAX))?;
        }
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
            Ok(ts
                .stored_history(&symbol.0, interval, start, end)
                .await?
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
            tickersense::error::redact_url(&c.store),
            tickersense::error::redact_url(&c.cache),
            tickersense::error::redact_url(&c.market_data),
            tickersense::error::redact_url(&c.social),
            c.analyzer
        )
    }
}

type BackfillFuture =
    std::pin::Pin<Box<dyn Future<Output = Result<BackfillReport, CallError>> + Send + 'static>>;

/// Blocking client. Arguments left as `None` come from `TICKERSENSE_*`
/// environment variables, then the defaults (`sqlite://tickersense.db`,
/// `memory://`, `sample://`, `sample://`, `textblob`). Making one does no
/// I/O; backends connect on the first call. Calls release the GIL, work
/// inside a running asyncio loop, and raise `KeyboardInterrupt` on Ctrl-C.
///
/// Times (`start`, `end`) are datetimes in any time zone, dates, or
/// `"YYYY-MM-DD"` strings; a naive datetime is read as UTC. Symbol lists are
/// any iterable of str. `with Client(...) as c:` closes it at the end
/// (`close()`): its pools and connections are released then.
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
        store: Option<Text>,
        cache: Option<Text>,
        market_data: Option<Text>,
        social: Option<Text>,
        analyzer: Option<Text>,
        timeout: Option<Seconds>,
        retries: Option<Int>,
    ) -> PyResult<Self> {
        Ok(Client {
            core: Core::new(Options::new(
                store,
                cache,
                market_data,
                social,
                analyzer,
                timeout,
                retries,
            ))?,
        })
    }

    /// The latest quote of `symbol`.
    fn quote(&self, py: Python<'_>, symbol: Text) -> PyResult<Quote> {
        wait(py, self.core.quote(symbol)?)
    }

    /// Bars of `interval` over `period`, or from `start` to `end` (yfinance
    /// spellings and rules).
    #[pyo3(
        signature = (symbol, period=Text::from("1mo"), interval=Text::from("1d"), start=None, end=None),
        text_signature = "(self, symbol, period='1mo', interval='1d', start=None, end=None)"
    )]
    fn history(
        &self,
        py: Python<'_>,
        symbol: Text,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> PyResult<History> {
        let args = HistoryArgs::new(period, interval, start, end);
        wait(py, self.core.history(symbol, args)?)
    }

    /// Histories of many symbols (any iterable of str), at most
    /// `concurrency` fetched at a time: a dict from symbol to `History`, or
    /// to the `TickersenseError` that symbol failed with.
    #[pyo3(
        signature = (symbols, period=Text::from("1mo"), interval=Text::from("1d"), start=None, end=None, concurrency=Int::of(DEFAULT_HISTORY_CONCURRENCY as i64)),
        text_signature = "(self, symbols, period='1mo', interval='1d', start=None, end=None, concurrency=8)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn history_many(
        &self,
        py: Python<'_>,
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
    ) -> PyResult<HistoryBySymbol> {
        let args = HistoryArgs::new(period, interval, start, end);
        wait(py, self.core.history_many(symbols, args, concurrency)?)
    }

    /// Instruments matching `query`, best first.
    #[pyo3(signature = (query, limit=Int::of(10)), text_signature = "(self, query, limit=10)")]
    fn search(&self, py: Python<'_>, query: Text, limit: Int) -> PyResult<Vec<SearchHit>> {
        wait(py, self.core.search(query, limit)?)
    }

    /// The current social sentiment of `symbol`.
    fn sentiment(&self, py: Python<'_>, symbol: Text) -> PyResult<SentimentAnalysis> {
        wait(py, self.core.sentiment(symbol)?)
    }

    /// Bars already in the store, without asking the provider.
    #[pyo3(
        signature = (symbol, interval=Text::from("1d"), start=None, end=None),
        text_signature = "(self, symbol, interval='1d', start=None, end=None)"
    )]
    fn stored_history(
        &self,
        py: Python<'_>,
        symbol: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> PyResult<Vec<Bar>> {
        wait(py, self.core.stored_history(symbol, interval, start, end)?)
    }

    /// Daily sums of the stored sentiment analyses of `symbol` over the last
    /// `days` days (1 to 3650), oldest first, one entry per UTC day that has any.
    #[pyo3(signature = (symbol, days=Int::of(30)), text_signature = "(self, symbol, days=30)")]
    fn sentiment_daily(
        &self,
        py: Python<'_>,
        symbol: Text,
        days: Int,
    ) -> PyResult<Vec<DailySentiment>> {
        wait(py, self.core.sentiment_daily(symbol, days)?)
    }

    /// Fetches the history of `symbols` over `period` (or `start` to `end`)
    /// and keeps it in the store, at most `concurrency` (1 to 64) symbols at
    /// a time. Resumable and idempotent: symbols already stored for the
    /// range are not fetched again, and a run stopped part-way resumes where
    /// it stopped. A symbol the provider fails on is reported failed in the
    /// result (with its `reason`); the others go on.
    ///
    /// `on_progress`, when given, is called with a `BackfillProgress` each
    /// time a symbol changes state, on the thread that called `backfill`
    /// (so Streamlit elements and GUI widgets work), while the run waits for
    /// it: it should return quickly. It must be a plain function (an
    /// `async def` is refused with `TypeError`: use `AsyncClient.backfill`).
    /// `lambda p: bar.update(1) if p.state in ("done", "failed") else None`
    /// for tqdm, `lambda p: progress.progress(p.finished / p.total)` for
    /// Streamlit. If it raises, no new symbol starts, those in flight are put
    /// back to pending, and `backfill` raises that exception; the next run
    /// resumes. Ctrl-C lands in the callable when it is running (a clean
    /// stop as above); otherwise it cancels the run at once and raises
    /// `KeyboardInterrupt`, and symbols it left `"running"` are redone next time.
    #[pyo3(
        signature = (symbols, period=Text::from("1y"), interval=Text::from("1d"), start=None, end=None, concurrency=Int::of(DEFAULT_BACKFILL_CONCURRENCY as i64), on_progress=None),
        text_signature = "(self, symbols, period='1y', interval='1d', start=None, end=None, concurrency=4, on_progress=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn backfill(
        &self,
        py: Python<'_>,
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
        on_progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<BackfillReport> {
        let args = HistoryArgs::new(period, interval, start, end);
        let on_progress = ProgressCallback::new(on_progress, false)?;
        let make = self
            .core
            .backfill(symbols, args, concurrency, on_progress)?;
        wait_calling_back(py, make)
    }

    /// The kept backfill status of every symbol, of `interval` (e.g. `"1d"`)
    /// or of all intervals when None.
    #[pyo3(signature = (interval=None))]
    fn backfill_statuses(
        &self,
        py: Python<'_>,
        interval: Option<Text>,
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
    fn invalidate(&self, py: Python<'_>, namespace: Text, key: Option<Text>) -> PyResult<()> {
        wait(py, self.core.invalidate(namespace, key)?)
    }

    /// One line describing the store, without secrets.
    fn describe_store(&self, py: Python<'_>) -> PyResult<String> {
        wait(py, self.core.describe_store()?)
    }

    /// Releases the store's pools and the cache's connections, waiting for
    /// connections in use to come back. Later calls that need a backend
    /// raise `UnavailableError`. Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        wait(py, self.core.close()?)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the client; an exception raised in the block goes on.
    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        self.close(py)
    }

    fn __repr__(&self) -> String {
        self.core.repr("Client")
    }
}

/// asyncio client: the same methods as `Client`, as coroutines. A
/// coroutine does nothing until awaited; cancelling its task (as
/// `asyncio.run` does to tasks left over at its end, or `wait_for` on
/// timeout) drops the work under way. `async with AsyncClient(...) as c:`
/// closes it at the end.
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
        store: Option<Text>,
        cache: Option<Text>,
        market_data: Option<Text>,
        social: Option<Text>,
        analyzer: Option<Text>,
        timeout: Option<Seconds>,
        retries: Option<Int>,
    ) -> PyResult<Self> {
        Ok(AsyncClient {
            core: Core::new(Options::new(
                store,
                cache,
                market_data,
                social,
                analyzer,
                timeout,
                retries,
            ))?,
        })
    }

    /// The latest quote of `symbol`.
    fn quote<'py>(&self, py: Python<'py>, symbol: Text) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, "AsyncClient.quote", self.core.quote(symbol)?)
    }

    /// Bars of `interval` over `period`, or from `start` to `end` (yfinance
    /// spellings and rules).
    #[pyo3(
        signature = (symbol, period=Text::from("1mo"), interval=Text::from("1d"), start=None, end=None),
        text_signature = "(self, symbol, period='1mo', interval='1d', start=None, end=None)"
    )]
    fn history<'py>(
        &self,
        py: Python<'py>,
        symbol: Text,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = HistoryArgs::new(period, interval, start, end);
        awaitable(py, "AsyncClient.history", self.core.history(symbol, args)?)
    }

    /// Histories of many symbols: a dict from symbol to `History` or to the
    /// `TickersenseError` that symbol failed with.
    #[pyo3(
        signature = (symbols, period=Text::from("1mo"), interval=Text::from("1d"), start=None, end=None, concurrency=Int::of(DEFAULT_HISTORY_CONCURRENCY as i64)),
        text_signature = "(self, symbols, period='1mo', interval='1d', start=None, end=None, concurrency=8)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn history_many<'py>(
        &self,
        py: Python<'py>,
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = HistoryArgs::new(period, interval, start, end);
        awaitable(
            py,
            "AsyncClient.history_many",
            self.core.history_many(symbols, args, concurrency)?,
        )
    }

    /// Instruments matching `query`, best first.
    #[pyo3(signature = (query, limit=Int::of(10)), text_signature = "(self, query, limit=10)")]
    fn search<'py>(&self, py: Python<'py>, query: Text, limit: Int) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, "AsyncClient.search", self.core.search(query, limit)?)
    }

    /// The current social sentiment of `symbol`.
    fn sentiment<'py>(&self, py: Python<'py>, symbol: Text) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, "AsyncClient.sentiment", self.core.sentiment(symbol)?)
    }

    /// Bars already in the store, without asking the provider.
    #[pyo3(
        signature = (symbol, interval=Text::from("1d"), start=None, end=None),
        text_signature = "(self, symbol, interval='1d', start=None, end=None)"
    )]
    fn stored_history<'py>(
        &self,
        py: Python<'py>,
        symbol: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(
            py,
            "AsyncClient.stored_history",
            self.core.stored_history(symbol, interval, start, end)?,
        )
    }

    /// Daily sums of the stored sentiment analyses of `symbol` over the last
    /// `days` days (1 to 3650), oldest first.
    #[pyo3(signature = (symbol, days=Int::of(30)), text_signature = "(self, symbol, days=30)")]
    fn sentiment_daily<'py>(
        &self,
        py: Python<'py>,
        symbol: Text,
        days: Int,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(
            py,
            "AsyncClient.sentiment_daily",
            self.core.sentiment_daily(symbol, days)?,
        )
    }

    /// As `Client.backfill`, but `on_progress` is called on a thread other
    /// than the event loop's, with the GIL held (to touch the loop from it,
    /// use `loop.call_soon_threadsafe`). When it returns an awaitable (it is
    /// an `async def`), that is awaited on the event loop before the run goes
    /// on. Cancelling the awaiting task drops the run at once, as Ctrl-C
    /// does for `Client.backfill`.
    #[pyo3(
        signature = (symbols, period=Text::from("1y"), interval=Text::from("1d"), start=None, end=None, concurrency=Int::of(DEFAULT_BACKFILL_CONCURRENCY as i64), on_progress=None),
        text_signature = "(self, symbols, period='1y', interval='1d', start=None, end=None, concurrency=4, on_progress=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn backfill<'py>(
        &self,
        py: Python<'py>,
        symbols: Symbols,
        period: Text,
        interval: Text,
        start: Option<Time>,
        end: Option<Time>,
        concurrency: Int,
        on_progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = HistoryArgs::new(period, interval, start, end);
        let on_progress = ProgressCallback::new(on_progress, true)?;
        let make = self
            .core
            .backfill(symbols, args, concurrency, on_progress)?;
        awaitable_calling_back(py, "AsyncClient.backfill", make)
    }

    /// The kept backfill status of every symbol, of `interval` or of all.
    #[pyo3(signature = (interval=None))]
    fn backfill_statuses<'py>(
        &self,
        py: Python<'py>,
        interval: Option<Text>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(
            py,
            "AsyncClient.backfill_statuses",
            self.core.backfill_statuses(interval)?,
        )
    }

    /// Every stored price series with its bar count, extent and coverage.
    fn stored_series<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, "AsyncClient.stored_series", self.core.stored_series()?)
    }

    /// Cache counters per namespace.
    fn cache_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, "AsyncClient.cache_stats", self.core.cache_stats()?)
    }

    /// Drops one cached key, or the whole namespace when `key` is None.
    #[pyo3(signature = (namespace, key=None))]
    fn invalidate<'py>(
        &self,
        py: Python<'py>,
        namespace: Text,
        key: Option<Text>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(
            py,
            "AsyncClient.invalidate",
            self.core.invalidate(namespace, key)?,
        )
    }

    /// One line describing the store, without secrets.
    fn describe_store<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(
            py,
            "AsyncClient.describe_store",
            self.core.describe_store()?,
        )
    }

    /// Releases the store's pools and the cache's connections (see
    /// `Client.close`). Idempotent.
    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, "AsyncClient.close", self.core.close()?)
    }

    fn __aenter__(slf: Py<Self>, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        awaitable(py, "AsyncClient.__aenter__", async move {
            Ok::<_, tickersense::Error>(slf)
        })
    }

    /// Closes the client; an exception raised in the block goes on.
    #[pyo3(signature = (*_args))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _args: &Bound<'py, pyo3::types::PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, "AsyncClient.__aexit__", self.core.close()?)
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
