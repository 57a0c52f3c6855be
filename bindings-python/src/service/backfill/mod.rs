//! What a backfill reports (core `service::backfill`): its progress, its
//! report, and the Python callable the progress goes to.

use pyo3::prelude::*;

use crate::model::{bool_repr, BackfillStatus};

mod progress;

pub use progress::ProgressCallback;

/// What a backfill's `on_progress` callable is given each time a symbol
/// changes state.
#[pyclass(module = "tickersense._native", frozen)]
pub struct BackfillProgress {
    pub inner: tickersense::service::BackfillProgress,
}

#[pymethods]
impl BackfillProgress {
    /// The symbol that changed.
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.status.symbol.as_str()
    }
    /// Its new state: `"pending"`, `"running"`, `"done"` or `"failed"`.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.status.state.as_str()
    }
    /// Symbols finished (done, failed, or found done already) so far.
    #[getter]
    fn finished(&self) -> usize {
        self.inner.finished
    }
    /// Symbols in the run.
    #[getter]
    fn total(&self) -> usize {
        self.inner.total
    }
    /// Bars written so far by the whole run.
    #[getter]
    fn rows_written(&self) -> u64 {
        self.inner.rows_written
    }
    /// The symbol's full new status.
    #[getter]
    fn status(&self) -> BackfillStatus {
        BackfillStatus {
            inner: self.inner.status.clone(),
        }
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "BackfillProgress(symbol={:?}, state={:?}, finished={}, total={}, rows_written={})",
            p.status.symbol.as_str(),
            p.status.state.as_str(),
            p.finished,
            p.total,
            p.rows_written
        )
    }
}

/// How a backfill ended.
#[pyclass(module = "tickersense._native", frozen)]
pub struct BackfillReport {
    pub inner: tickersense::service::BackfillReport,
}

#[pymethods]
impl BackfillReport {
    /// The last status of every symbol, in the order asked.
    #[getter]
    fn statuses(&self) -> Vec<BackfillStatus> {
        self.inner
            .statuses
            .iter()
            .map(|s| BackfillStatus { inner: s.clone() })
            .collect()
    }
    /// Bars written by this run.
    #[getter]
    fn rows_written(&self) -> u64 {
        self.inner.rows_written
    }
    /// True when the run was stopped before every symbol finished.
    #[getter]
    fn stopped(&self) -> bool {
        self.inner.stopped
    }
    /// The statuses of the symbols that failed, each with its `reason`.
    #[getter]
    fn failed(&self) -> Vec<BackfillStatus> {
        self.inner
            .failed()
            .map(|s| BackfillStatus { inner: s.clone() })
            .collect()
    }
    /// The entries that are no valid symbol, as `(position, text, reason)`
    /// in the order asked: never fetched, while the rest of the run went on.
    #[getter]
    fn rejected(&self) -> Vec<(usize, String, String)> {
        self.inner
            .rejected
            .iter()
            .map(|r| (r.position, r.symbol.clone(), r.reason.clone()))
            .collect()
    }
    /// The symbols another run (in this process or another instance on the
    /// same database) was backfilling when this one reached them, in the
    /// order asked: nothing was fetched or written for them here, and their
    /// entry in `statuses` is the one that run last wrote.
    #[getter]
    fn claimed_elsewhere(&self) -> Vec<&str> {
        self.inner
            .claimed_elsewhere
            .iter()
            .map(|s| s.as_str())
            .collect()
    }
    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "BackfillReport(symbols={}, failed={}, rejected={}, claimed_elsewhere={}, rows_written={}, stopped={})",
            r.statuses.len(),
            r.failed().count(),
            r.rejected.len(),
            r.claimed_elsewhere.len(),
            r.rows_written,
            bool_repr(r.stopped)
        )
    }
}
