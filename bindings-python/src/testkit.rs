//! `tickersense.testkit` (core `testkit`): the conformance suites the
//! built-in backends pass, run on a backend written in Python.

use std::sync::Arc;

use pyo3::exceptions::PyAssertionError;
use pyo3::prelude::*;

use crate::args::Text;
use crate::runtime::wait;
use crate::user::{PyAnalyzer, PyMarketData, PyMentionSource};

/// What a suite found: every check of one trait's contract, by name.
#[pyclass(module = "tickersense._native", frozen)]
pub struct Report {
    inner: tickersense::testkit::Report,
}

#[pymethods]
impl Report {
    /// The suite, e.g. `"market_data"`.
    #[getter]
    fn suite(&self) -> &str {
        &self.inner.suite
    }
    /// The backend it ran on, by name.
    #[getter]
    fn backend(&self) -> &str {
        &self.inner.backend
    }
    /// True when every check passed.
    #[getter]
    fn passed(&self) -> bool {
        self.inner.passed()
    }
    /// Every check as `(name, message)`, the message None when it passed.
    #[getter]
    fn checks(&self) -> Vec<(String, Option<String>)> {
        self.inner
            .checks
            .iter()
            .map(|c| (c.name.clone(), c.failure().map(str::to_owned)))
            .collect()
    }
    /// The checks that failed, as `(name, message)`.
    #[getter]
    fn failures(&self) -> Vec<(String, String)> {
        self.inner
            .failures()
            .into_iter()
            .map(|c| (c.name.clone(), c.failure().unwrap_or_default().to_owned()))
            .collect()
    }
    /// Raises `AssertionError` listing the failures, if any.
    fn assert_passed(&self) -> PyResult<()> {
        if self.inner.passed() {
            return Ok(());
        }
        Err(PyAssertionError::new_err(self.inner.to_string()))
    }
    fn __str__(&self) -> String {
        self.inner.to_string()
    }
    fn __repr__(&self) -> String {
        format!(
            "Report(suite={:?}, backend={:?}, checks={}, failures={})",
            self.inner.suite,
            self.inner.backend,
            self.inner.checks.len(),
            self.inner.failures().len()
        )
    }
}

/// Runs the market-data suite on `provider` (an object with `quote`,
/// `history` and `search`): `known` a symbol it serves, `unknown` a valid
/// symbol it does not, `query` a search that finds something. Blocks (the
/// GIL released) while the suite runs; Ctrl-C stops it.
#[pyfunction]
#[pyo3(signature = (provider, *, known, unknown, query))]
fn check_market_data(
    py: Python<'_>,
    provider: &Bound<'_, PyAny>,
    known: Text,
    unknown: Text,
    query: Text,
) -> PyResult<Report> {
    let provider = Arc::new(PyMarketData::new(provider)?);
    wait(py, async move {
        let inner = tickersense::testkit::market_data(provider, known.0, unknown.0, query.0).await;
        Ok::<_, tickersense::Error>(Report { inner })
    })
}

/// Runs the mention-source suite on `source` (an object with `platform`
/// and `mentions`), asking for posts about `symbol`.
#[pyfunction]
#[pyo3(signature = (source, *, symbol = Text::from("AAPL")), text_signature = "(source, *, symbol='AAPL')")]
fn check_mention_source(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    symbol: Text,
) -> PyResult<Report> {
    let source = Arc::new(PyMentionSource::new(source)?);
    wait(py, async move {
        let inner = tickersense::testkit::mention_source(source, symbol.0).await;
        Ok::<_, tickersense::Error>(Report { inner })
    })
}

/// Runs the analyzer suite on `analyzer` (a callable `text -> float`, or an
/// object with `score` and optionally `score_many`).
#[pyfunction]
fn check_analyzer(py: Python<'_>, analyzer: &Bound<'_, PyAny>) -> PyResult<Report> {
    let analyzer = Arc::new(PyAnalyzer::new(analyzer)?);
    wait(py, async move {
        let inner = tickersense::testkit::analyzer(analyzer).await;
        Ok::<_, tickersense::Error>(Report { inner })
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Report>()?;
    m.add_function(wrap_pyfunction!(check_market_data, m)?)?;
    m.add_function(wrap_pyfunction!(check_mention_source, m)?)?;
    m.add_function(wrap_pyfunction!(check_analyzer, m)?)
}
