//! What the store holds (core `store`).

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::model::opt_time_repr;

/// One stored price series and how far it reaches.
#[pyclass(module = "tickersense._native", frozen)]
pub struct StoredSeries {
    pub inner: tickersense::store::StoredSeries,
}

#[pymethods]
impl StoredSeries {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    #[getter]
    fn interval(&self) -> &'static str {
        self.inner.interval.as_str()
    }
    /// Bars stored.
    #[getter]
    fn bars(&self) -> u64 {
        self.inner.bars
    }
    /// Start of the oldest stored bar.
    #[getter]
    fn first_bar(&self) -> Option<DateTime<Utc>> {
        self.inner.first_bar
    }
    /// Start of the newest stored bar.
    #[getter]
    fn last_bar(&self) -> Option<DateTime<Utc>> {
        self.inner.last_bar
    }
    /// First instant fetched from the provider; None when fetched from the
    /// very beginning or when nothing is recorded (see `covered_to`).
    #[getter]
    fn covered_from(&self) -> Option<DateTime<Utc>> {
        self.inner.coverage.and_then(|c| c.from)
    }
    /// The instant the last fetch reached; None when no fetch is recorded.
    #[getter]
    fn covered_to(&self) -> Option<DateTime<Utc>> {
        self.inner.coverage.map(|c| c.to)
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "StoredSeries(symbol={:?}, interval={:?}, bars={}, first_bar={}, last_bar={}, covered_from={}, covered_to={})",
            s.symbol.as_str(),
            s.interval.as_str(),
            s.bars,
            opt_time_repr(s.first_bar),
            opt_time_repr(s.last_bar),
            opt_time_repr(s.coverage.and_then(|c| c.from)),
            opt_time_repr(s.coverage.map(|c| c.to))
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<StoredSeries>()
}
