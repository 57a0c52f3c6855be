//! `Client` (blocking) and `AsyncClient` (asyncio) over one core
//! `Tickersense`. Each operation is written once, as a future returning a
//! Python-ready value; `Client` waits for it, `AsyncClient` awaits it.

use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use tickersense::resilience::checked_timeout;
use tickersense::service::{checked_search_limit, DEFAULT_HISTORY_CONCURRENCY};
use tickersense::{Config, ConfigOverrides, HistoryRange, Interval, Tickersense};

use crate::error::py_result;
use crate::model::{
    Bar, History, HistoryBySymbol, NamespaceStats, Quote, SearchHit, SentimentAnalysis,
};
use crate::runtime::{awaitable, wait};

type Op<T> = tickersense::Result<T>;

/// The core client and the process that made it. Connections belong to the
/// runtime of the process that opened them, so a forked child makes its own.
struct Core {
    config: Config,
    current: Mutex<(u32, Arc<Tickersense>)>,
}

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
