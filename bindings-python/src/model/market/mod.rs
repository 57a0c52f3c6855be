//! Quotes, bars, histories and search hits (core `model::market`).

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use super::opt_repr;

mod history;

pub use history::{History, HistoryBySymbol};

/// The latest price of a symbol.
#[pyclass(module = "tickersense._native", frozen)]
pub struct Quote {
    pub inner: tickersense::Quote,
}

#[pymethods]
impl Quote {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    #[getter]
    fn price(&self) -> f64 {
        self.inner.price
    }
    #[getter]
    fn previous_close(&self) -> f64 {
        self.inner.previous_close
    }
    #[getter]
    fn change(&self) -> f64 {
        self.inner.change
    }
    #[getter]
    fn change_percent(&self) -> f64 {
        self.inner.change_percent
    }
    #[getter]
    fn volume(&self) -> u64 {
        self.inner.volume
    }
    #[getter]
    fn market_cap(&self) -> Option<f64> {
        self.inner.market_cap
    }
    #[getter]
    fn pe_ratio(&self) -> Option<f64> {
        self.inner.pe_ratio
    }
    #[getter]
    fn currency(&self) -> &str {
        &self.inner.currency
    }
    #[getter]
    fn exchange(&self) -> &str {
        &self.inner.exchange
    }
    #[getter]
    fn market_time(&self) -> DateTime<Utc> {
        self.inner.market_time
    }
    #[getter]
    fn source(&self) -> &str {
        &self.inner.source
    }
    /// When the provider gave this quote.
    #[getter]
    fn fetched_at(&self) -> DateTime<Utc> {
        self.inner.fetched_at
    }
    /// True when the provider failed and this is the last quote it gave.
    #[getter]
    fn stale(&self) -> bool {
        self.inner.stale
    }
    fn __repr__(&self) -> String {
        let q = &self.inner;
        format!(
            "Quote(symbol={:?}, price={}, change={:.4}, change_percent={:.4}, volume={}, currency={:?}, market_time={:?}, source={:?})",
            q.symbol.as_str(), q.price, q.change, q.change_percent, q.volume, q.currency, q.market_time.to_rfc3339(), q.source
        )
    }
}

/// One OHLCV bar.
#[pyclass(module = "tickersense._native", frozen)]
#[derive(Clone)]
pub struct Bar {
    pub inner: tickersense::Bar,
}

#[pymethods]
impl Bar {
    #[getter]
    fn timestamp(&self) -> DateTime<Utc> {
        self.inner.timestamp
    }
    #[getter]
    fn open(&self) -> f64 {
        self.inner.open
    }
    #[getter]
    fn high(&self) -> f64 {
        self.inner.high
    }
    #[getter]
    fn low(&self) -> f64 {
        self.inner.low
    }
    #[getter]
    fn close(&self) -> f64 {
        self.inner.close
    }
    #[getter]
    fn adj_close(&self) -> Option<f64> {
        self.inner.adj_close
    }
    #[getter]
    fn volume(&self) -> u64 {
        self.inner.volume
    }
    fn __repr__(&self) -> String {
        let b = &self.inner;
        format!(
            "Bar(timestamp={:?}, open={}, high={}, low={}, close={}, adj_close={}, volume={})",
            b.timestamp.to_rfc3339(),
            b.open,
            b.high,
            b.low,
            b.close,
            opt_repr(b.adj_close),
            b.volume
        )
    }
}

/// One symbol search result.
#[pyclass(module = "tickersense._native", frozen)]
pub struct SearchHit {
    pub inner: tickersense::SearchHit,
}

#[pymethods]
impl SearchHit {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    #[getter]
    fn kind(&self) -> &str {
        &self.inner.kind
    }
    #[getter]
    fn exchange(&self) -> &str {
        &self.inner.exchange
    }
    fn __repr__(&self) -> String {
        let h = &self.inner;
        format!(
            "SearchHit(symbol={:?}, name={:?}, kind={:?}, exchange={:?})",
            h.symbol.as_str(),
            h.name,
            h.kind,
            h.exchange
        )
    }
}
