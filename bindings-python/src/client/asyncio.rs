//! `AsyncClient`: every call a coroutine.

use pyo3::prelude::*;

use tickersense::service::{DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_HISTORY_CONCURRENCY};

use super::{Core, HistoryArgs, Options, ProgressCallback};
use crate::args::{Int, Seconds, Symbols, Text, Time};
use crate::runtime::{awaitable, awaitable_calling_back};

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
