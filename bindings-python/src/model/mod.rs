//! Frozen Python views of the core model types. Each wraps its core value
//! (`inner`) and exposes its fields as read-only attributes; times are
//! timezone-aware `datetime`s in UTC.

use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::IntoPyErr;

mod backfill;
mod market;
mod sentiment;

pub use backfill::BackfillStatus;
pub use market::{Bar, History, HistoryBySymbol, Quote, SearchHit};
pub use sentiment::{
    posts_argument, AnalyzerAgreement, DailyHistory, DailySentiment, LabelAgreement,
    PlatformSentiment, Post, PostScores, SentimentAgreement, SentimentAnalysis, SentimentHistory,
    SentimentRecord, SourceStatus, TrendReport,
};

use crate::cache::NamespaceStats;
use crate::client::{BackendHealth, Health};
use crate::service::{BackfillProgress, BackfillReport};
use crate::store::StoredSeries;

/// The value semantics every value class shares (they are frozen views of
/// core values): `==` and `hash()` by value, and pickling (hence `copy`,
/// `deepcopy` and `multiprocessing`) as MessagePack of the core value.
pub trait Value: pyo3::PyClass + Into<PyClassInitializer<Self>> {
    type Inner: Serialize + DeserializeOwned;
    /// The class name `_restore` finds it by.
    const CLASS: &'static str;
    fn inner(&self) -> &Self::Inner;
    fn wrap(inner: Self::Inner) -> Self;
}

/// Implements [`Value`] for `$class` and gives it `__eq__`, `__hash__` and
/// `__reduce__` (a second `#[pymethods]` block, pyo3's `multiple-pymethods`).
macro_rules! value {
    ($class:ident, $inner:ty) => {
        impl Value for $class {
            type Inner = $inner;
            const CLASS: &'static str = stringify!($class);
            fn inner(&self) -> &$inner {
                &self.inner
            }
            fn wrap(inner: $inner) -> Self {
                $class { inner }
            }
        }

        #[pymethods]
        impl $class {
            fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
                value_eq(self, other)
            }
            fn __hash__(&self) -> u64 {
                value_hash(self)
            }
            fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
                value_reduce(self, py)
            }
        }
    };
}

/// The core value as JSON, which compares and hashes floats as Python does
/// (`0.0 == -0.0`, with one hash).
fn as_json<T: Value>(this: &T) -> serde_json::Value {
    serde_json::to_value(this.inner()).unwrap_or(serde_json::Value::Null)
}

/// `this == other`: by value for the same class, else NotImplemented.
fn value_eq<T: Value>(this: &T, other: &Bound<'_, PyAny>) -> PyObject {
    let py = other.py();
    match other.downcast::<T>() {
        Ok(other) => (as_json(this) == as_json(&*other.borrow()))
            .into_pyobject(py)
            .map_or_else(
                |_| py.NotImplemented(),
                |b| b.to_owned().into_any().unbind(),
            ),
        Err(_) => py.NotImplemented(),
    }
}

fn value_hash<T: Value>(this: &T) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    T::CLASS.hash(&mut hasher);
    as_json(this).hash(&mut hasher);
    hasher.finish()
}

/// What `__reduce__` gives pickle: `(_restore, (class name, MessagePack))`.
type Reduced<'py> = (Bound<'py, PyAny>, (&'static str, Bound<'py, PyBytes>));

/// `(_restore, (name, bytes))`: what pickle stores.
fn value_reduce<'py, T: Value>(this: &T, py: Python<'py>) -> PyResult<Reduced<'py>> {
    let bytes = rmp_serde::to_vec_named(this.inner()).map_err(|err| {
        tickersense::Error::internal(format!("cannot pickle a {}: {err}", T::CLASS)).into_py_err()
    })?;
    let restore = py.import("tickersense._native")?.getattr("_restore")?;
    Ok((restore, (T::CLASS, PyBytes::new(py, &bytes))))
}

fn restore<T: Value>(py: Python<'_>, bytes: &[u8]) -> PyResult<PyObject> {
    let inner: T::Inner = rmp_serde::from_slice(bytes).map_err(|err| {
        tickersense::Error::invalid_input(format!("not a pickled {}: {err}", T::CLASS))
            .into_py_err()
    })?;
    Ok(Bound::new(py, T::wrap(inner))?.into_any().unbind())
}

/// Unpickles a value `__reduce__` gave: the class `name` from `bytes`.
#[pyfunction]
#[pyo3(name = "_restore")]
fn restore_value(py: Python<'_>, name: &str, bytes: &[u8]) -> PyResult<PyObject> {
    match name {
        Quote::CLASS => restore::<Quote>(py, bytes),
        Bar::CLASS => restore::<Bar>(py, bytes),
        History::CLASS => restore::<History>(py, bytes),
        SearchHit::CLASS => restore::<SearchHit>(py, bytes),
        PlatformSentiment::CLASS => restore::<PlatformSentiment>(py, bytes),
        SentimentAnalysis::CLASS => restore::<SentimentAnalysis>(py, bytes),
        NamespaceStats::CLASS => restore::<NamespaceStats>(py, bytes),
        BackfillStatus::CLASS => restore::<BackfillStatus>(py, bytes),
        BackfillProgress::CLASS => restore::<BackfillProgress>(py, bytes),
        BackfillReport::CLASS => restore::<BackfillReport>(py, bytes),
        StoredSeries::CLASS => restore::<StoredSeries>(py, bytes),
        DailySentiment::CLASS => restore::<DailySentiment>(py, bytes),
        SentimentHistory::CLASS => restore::<SentimentHistory>(py, bytes),
        SentimentRecord::CLASS => restore::<SentimentRecord>(py, bytes),
        SourceStatus::CLASS => restore::<SourceStatus>(py, bytes),
        TrendReport::CLASS => restore::<TrendReport>(py, bytes),
        LabelAgreement::CLASS => restore::<LabelAgreement>(py, bytes),
        AnalyzerAgreement::CLASS => restore::<AnalyzerAgreement>(py, bytes),
        SentimentAgreement::CLASS => restore::<SentimentAgreement>(py, bytes),
        Post::CLASS => restore::<Post>(py, bytes),
        PostScores::CLASS => restore::<PostScores>(py, bytes),
        BackendHealth::CLASS => restore::<BackendHealth>(py, bytes),
        _ => Err(tickersense::Error::invalid_input(format!(
            "no tickersense value is called {}",
            tickersense::error::echo(name)
        ))
        .into_py_err()),
    }
}

value!(Quote, tickersense::Quote);
value!(Bar, tickersense::Bar);
value!(History, tickersense::History);
value!(SearchHit, tickersense::SearchHit);
value!(PlatformSentiment, tickersense::PlatformSentiment);
value!(SentimentAnalysis, tickersense::SentimentAnalysis);
value!(NamespaceStats, tickersense::cache::NamespaceStats);
value!(BackfillStatus, tickersense::BackfillStatus);
value!(BackfillProgress, tickersense::service::BackfillProgress);
value!(BackfillReport, tickersense::service::BackfillReport);
value!(StoredSeries, tickersense::store::StoredSeries);
value!(DailySentiment, tickersense::DailySentiment);
value!(SentimentHistory, sentiment::DailyHistory);
value!(SentimentRecord, tickersense::SentimentRecord);
value!(SourceStatus, tickersense::SourceStatus);
value!(TrendReport, tickersense::TrendReport);
value!(LabelAgreement, tickersense::LabelAgreement);
value!(AnalyzerAgreement, tickersense::AnalyzerAgreement);
value!(SentimentAgreement, tickersense::SentimentAgreement);
value!(Post, tickersense::Post);
value!(PostScores, tickersense::PostScores);
value!(BackendHealth, Health);

pub(crate) fn opt_repr(v: Option<f64>) -> String {
    v.map_or_else(|| "None".to_owned(), |x| format!("{x}"))
}

/// An optional text as a repr shows it: quoted, or `None`.
pub(crate) fn opt_str_repr(v: Option<&str>) -> String {
    v.map_or_else(|| "None".to_owned(), |s| format!("{s:?}"))
}

pub(crate) fn opt_time_repr(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "None".to_owned(), |t| format!("{:?}", t.to_rfc3339()))
}

pub(crate) fn bool_repr(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Quote>()?;
    m.add_class::<Bar>()?;
    m.add_class::<History>()?;
    m.add_class::<SearchHit>()?;
    m.add_class::<PlatformSentiment>()?;
    m.add_class::<SentimentAnalysis>()?;
    m.add_class::<BackfillStatus>()?;
    m.add_class::<DailySentiment>()?;
    m.add_class::<SentimentHistory>()?;
    m.add_class::<SentimentRecord>()?;
    m.add_class::<SourceStatus>()?;
    m.add_class::<TrendReport>()?;
    m.add_class::<LabelAgreement>()?;
    m.add_class::<AnalyzerAgreement>()?;
    m.add_class::<SentimentAgreement>()?;
    m.add_class::<Post>()?;
    m.add_class::<PostScores>()?;
    // Not in __all__: pickle finds it by name, nobody imports it.
    m.setattr("_restore", wrap_pyfunction!(restore_value, m)?)?;
    Ok(())
}
