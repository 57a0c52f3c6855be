//! `Client`: every call waited for with the GIL released.

use pyo3::prelude::*;

use tickersense::service::{DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_HISTORY_CONCURRENCY};

use super::{Core, HistoryArgs, Options, ProgressCallback};
use crate::args::{Int, Seconds, Symbols, Text, Time};
use crate::model::{
    BackfillReport, BackfillStatus, Bar, DailySentiment, History, HistoryBySymbol, NamespaceStats,
    Quote, SearchHit, SentimentAnalysis, StoredSeries,
};
use crate::runtime::{wait, wait_calling_back};

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
