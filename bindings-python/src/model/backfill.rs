//! A symbol's backfill status, as the store keeps it.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use super::{opt_str_repr, opt_time_repr};

/// One symbol's part in the latest backfill of its interval, as kept in the
/// store.
#[pyclass(module = "tickersense._native", frozen)]
pub struct BackfillStatus {
    pub inner: tickersense::BackfillStatus,
}

#[pymethods]
impl BackfillStatus {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    #[getter]
    fn interval(&self) -> &'static str {
        self.inner.interval.as_str()
    }
    /// `"pending"`, `"running"`, `"done"` or `"failed"`. `"running"` after
    /// the run ended means it was interrupted; the next run redoes it.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }
    /// Bars the latest run wrote for this symbol (0 when nothing was missing).
    #[getter]
    fn rows_written(&self) -> u64 {
        self.inner.rows_written
    }
    #[getter]
    fn first_bar(&self) -> Option<DateTime<Utc>> {
        self.inner.first_bar
    }
    #[getter]
    fn last_bar(&self) -> Option<DateTime<Utc>> {
        self.inner.last_bar
    }
    /// Why the last attempt failed, or None.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.inner.reason.as_deref()
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.inner.updated_at
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "BackfillStatus(symbol={:?}, interval={:?}, state={:?}, rows_written={}, first_bar={}, last_bar={}, reason={})",
            s.symbol.as_str(),
            s.interval.as_str(),
            s.state.as_str(),
            s.rows_written,
            opt_time_repr(s.first_bar),
            opt_time_repr(s.last_bar),
            opt_str_repr(s.reason.as_deref())
        )
    }
}
