//! Frozen Python views of the core model types. Each wraps its core value
//! (`inner`) and exposes its fields as read-only attributes; times are
//! timezone-aware `datetime`s in UTC.

use std::hash::{Hash, Hasher};

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PySlice};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::IntoPyErr;

/// The value semantics every class here shares (they are frozen views of
/// core values): `==` and `hash()` by value, and pickling (hence `copy`,
/// `deepcopy` and `multiprocessing`) as MessagePack of the core value.
trait Value: pyo3::PyClass + Into<PyClassInitializer<Self>> {
    type Inner: Serialize + DeserializeOwned;
    /// The class name `_restore` finds it by.
    const CLASS: &'static str;
    fn inner(&self) -> &Self::Inner;
    fn wrap(inner: Self::Inner) -> Self;
}

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

fn opt_repr(v: Option<f64>) -> String {
    v.map_or_else(|| "None".to_owned(), |x| format!("{x}"))
}

fn opt_time_repr(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "None".to_owned(), |t| format!("{:?}", t.to_rfc3339()))
}

fn bool_repr(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

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
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
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
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
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

/// Bars for one symbol and interval, oldest first. `len()` and iteration
/// work on the bars; `to_pandas()` gives a DataFrame.
#[pyclass(module = "tickersense._native", frozen, sequence)]
pub struct History {
    pub inner: tickersense::History,
}

#[pymethods]
impl History {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    #[getter]
    fn interval(&self) -> &'static str {
        self.inner.interval.as_str()
    }
    #[getter]
    fn bars(&self) -> Vec<Bar> {
        self.inner.bars.iter().map(|b| Bar { inner: *b }).collect()
    }
    #[getter]
    fn currency(&self) -> &str {
        &self.inner.currency
    }
    #[getter]
    fn timezone(&self) -> &str {
        &self.inner.timezone
    }
    #[getter]
    fn source(&self) -> &str {
        &self.inner.source
    }
    /// `"provider"`, `"cache"` or `"store"`.
    #[getter]
    fn origin(&self) -> &'static str {
        self.inner.origin.as_str()
    }
    /// Yahoo's instrument type (`EQUITY`, `ETF`, `MUTUALFUND`, ...), or "".
    #[getter]
    fn instrument_type(&self) -> &str {
        &self.inner.instrument_type
    }
    /// Dividends as `(timestamp, amount)`, oldest first.
    #[getter]
    fn dividends(&self) -> Vec<(DateTime<Utc>, f64)> {
        self.inner
            .dividends
            .iter()
            .map(|d| (d.timestamp, d.amount))
            .collect()
    }
    /// Splits as `(timestamp, numerator, denominator)`, oldest first.
    #[getter]
    fn splits(&self) -> Vec<(DateTime<Utc>, f64, f64)> {
        self.inner
            .splits
            .iter()
            .map(|s| (s.timestamp, s.numerator, s.denominator))
            .collect()
    }
    /// Capital gains of funds as `(timestamp, amount)`, oldest first.
    #[getter]
    fn capital_gains(&self) -> Vec<(DateTime<Utc>, f64)> {
        self.inner
            .capital_gains
            .iter()
            .map(|d| (d.timestamp, d.amount))
            .collect()
    }
    /// Start times of rows the provider listed without prices.
    #[getter]
    fn gaps(&self) -> Vec<DateTime<Utc>> {
        self.inner.gaps.clone()
    }
    /// When the provider gave these bars.
    #[getter]
    fn fetched_at(&self) -> DateTime<Utc> {
        self.inner.fetched_at
    }
    /// True when the provider failed and these are the last bars it gave.
    #[getter]
    fn stale(&self) -> bool {
        self.inner.stale
    }
    fn __len__(&self) -> usize {
        self.inner.bars.len()
    }
    /// `h[i]` is a `Bar`; `h[i:j]` (any slice) a `History` of those bars,
    /// with the dividends, splits, capital gains and gaps that fall between
    /// its first and last bar.
    fn __getitem__(&self, py: Python<'_>, index: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let bars = &self.inner.bars;
        if let Ok(slice) = index.downcast::<PySlice>() {
            let indices = slice.indices(bars.len() as isize)?;
            let picked: Vec<tickersense::Bar> = (0..indices.slicelength)
                .map(|k| bars[(indices.start + k as isize * indices.step) as usize])
                .collect();
            let sliced = History {
                inner: sliced(&self.inner, picked),
            };
            return Ok(Bound::new(py, sliced)?.into_any().unbind());
        }
        let index: isize = index.extract()?;
        let len = bars.len() as isize;
        let i = if index < 0 { index + len } else { index };
        if i < 0 || i >= len {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "History index out of range",
            ));
        }
        let bar = Bar {
            inner: bars[i as usize],
        };
        Ok(Bound::new(py, bar)?.into_any().unbind())
    }
    fn __iter__(&self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(PyList::new(py, self.bars())?
            .try_iter()?
            .into_any()
            .unbind())
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
    }
    fn __repr__(&self) -> String {
        let h = &self.inner;
        let span = match (h.bars.first(), h.bars.last()) {
            (Some(a), Some(b)) => format!(
                ", first={:?}, last={:?}",
                a.timestamp.to_rfc3339(),
                b.timestamp.to_rfc3339()
            ),
            _ => String::new(),
        };
        format!(
            "History(symbol={:?}, interval={:?}, bars={}{span}, origin={:?})",
            h.symbol.as_str(),
            h.interval.as_str(),
            h.bars.len(),
            h.origin.as_str()
        )
    }

    /// A pandas DataFrame indexed by bar start in the exchange's time zone
    /// (`Date` for daily and longer bars, `Datetime` for intraday), with
    /// columns Open, High, Low, Close, Adj Close, Volume. Needs pandas.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas").map_err(|_| {
            pyo3::exceptions::PyImportError::new_err(
                "History.to_pandas() needs pandas: pip install pandas",
            )
        })?;
        let bars = &self.inner.bars;
        let columns = PyDict::new(py);
        columns.set_item("Open", bars.iter().map(|b| b.open).collect::<Vec<_>>())?;
        columns.set_item("High", bars.iter().map(|b| b.high).collect::<Vec<_>>())?;
        columns.set_item("Low", bars.iter().map(|b| b.low).collect::<Vec<_>>())?;
        columns.set_item("Close", bars.iter().map(|b| b.close).collect::<Vec<_>>())?;
        columns.set_item(
            "Adj Close",
            bars.iter()
                .map(|b| b.adj_close.unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        )?;
        columns.set_item("Volume", bars.iter().map(|b| b.volume).collect::<Vec<_>>())?;
        let index_name = if self.inner.interval.is_intraday() {
            "Datetime"
        } else {
            "Date"
        };
        let kwargs = PyDict::new(py);
        kwargs.set_item("utc", true)?;
        let mut millis: Vec<i64> = bars
            .iter()
            .map(|b| b.timestamp.timestamp_millis())
            .collect();
        // pandas picks the resolution of an index from its values (seconds
        // for none at all under pandas 3): an empty one is cut from a
        // one-stamp index, so it has the dtype a full one has.
        let empty = millis.is_empty();
        if empty {
            millis.push(0);
        }
        kwargs.set_item("unit", "ms")?;
        let mut index = pandas
            .call_method("to_datetime", (millis,), Some(&kwargs))?
            .call_method1("tz_convert", (self.inner.timezone.as_str(),))?;
        if empty {
            index = index.get_item(PySlice::new(py, 0, 0, 1))?;
        }
        let index = pandas.getattr("DatetimeIndex")?.call1((index,))?;
        index.setattr("name", index_name)?;
        let frame_kwargs = PyDict::new(py);
        frame_kwargs.set_item("index", index)?;
        let frame = pandas
            .getattr("DataFrame")?
            .call((columns,), Some(&frame_kwargs))?;
        // Spelt out so that an empty frame has the dtypes of a full one
        // (pandas makes empty columns `object`).
        let dtypes = PyDict::new(py);
        for column in ["Open", "High", "Low", "Close", "Adj Close"] {
            dtypes.set_item(column, "float64")?;
        }
        dtypes.set_item("Volume", "int64")?;
        frame.call_method1("astype", (dtypes,))
    }
}

/// `history` with `bars` in place of its own, and the events within their span.
fn sliced(history: &tickersense::History, bars: Vec<tickersense::Bar>) -> tickersense::History {
    let span = match (
        bars.iter().map(|b| b.timestamp).min(),
        bars.iter().map(|b| b.timestamp).max(),
    ) {
        (Some(first), Some(last)) => Some(first..=last),
        _ => None,
    };
    let within = |t: &DateTime<Utc>| span.as_ref().is_some_and(|s| s.contains(t));
    let mut out = history.clone();
    out.dividends.retain(|d| within(&d.timestamp));
    out.splits.retain(|d| within(&d.timestamp));
    out.capital_gains.retain(|d| within(&d.timestamp));
    out.gaps.retain(within);
    out.bars = bars;
    out
}

/// Results of `history_many`: converted to a dict from symbol to `History`
/// or to the exception instance that symbol failed with.
pub struct HistoryBySymbol(pub Vec<(String, tickersense::Result<tickersense::History>)>);

impl<'py> IntoPyObject<'py> for HistoryBySymbol {
    type Target = PyDict;
    type Output = Bound<'py, PyDict>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let dict = PyDict::new(py);
        for (symbol, result) in self.0 {
            match result {
                Ok(inner) => dict.set_item(symbol, History { inner })?,
                Err(err) => dict.set_item(symbol, err.into_py_err().into_value(py))?,
            }
        }
        Ok(dict)
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
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
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

/// Sentiment of one platform's posts.
#[pyclass(module = "tickersense._native", frozen)]
pub struct PlatformSentiment {
    pub inner: tickersense::PlatformSentiment,
}

#[pymethods]
impl PlatformSentiment {
    #[getter]
    fn platform(&self) -> &str {
        &self.inner.platform
    }
    #[getter]
    fn sentiment_score(&self) -> f64 {
        self.inner.sentiment_score
    }
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.confidence
    }
    #[getter]
    fn mention_count(&self) -> u32 {
        self.inner.mention_count
    }
    #[getter]
    fn keywords(&self) -> Vec<String> {
        self.inner.keywords.clone()
    }
    #[getter]
    fn source_urls(&self) -> Vec<String> {
        self.inner.source_urls.clone()
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "PlatformSentiment(platform={:?}, sentiment_score={:.4}, mention_count={}, keywords={:?})",
            p.platform, p.sentiment_score, p.mention_count, p.keywords
        )
    }
}

/// The current sentiment of a symbol (the seed's `SentimentAnalysis`).
#[pyclass(module = "tickersense._native", frozen)]
pub struct SentimentAnalysis {
    pub inner: tickersense::SentimentAnalysis,
}

#[pymethods]
impl SentimentAnalysis {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    #[getter]
    fn current_sentiment(&self) -> f64 {
        self.inner.current_sentiment
    }
    /// `"improving"`, `"stable"`, `"declining"` or `"unknown"`.
    #[getter]
    fn sentiment_trend(&self) -> &'static str {
        self.inner.sentiment_trend.as_str()
    }
    #[getter]
    fn mention_volume(&self) -> u32 {
        self.inner.mention_volume
    }
    #[getter]
    fn analysis_timestamp(&self) -> DateTime<Utc> {
        self.inner.analysis_timestamp
    }
    #[getter]
    fn platforms(&self) -> Vec<PlatformSentiment> {
        self.inner
            .platforms
            .iter()
            .map(|p| PlatformSentiment { inner: p.clone() })
            .collect()
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
    }
    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "SentimentAnalysis(symbol={:?}, current_sentiment={:.4}, sentiment_trend={:?}, mention_volume={}, analysis_timestamp={:?})",
            a.symbol.as_str(), a.current_sentiment, a.sentiment_trend.as_str(), a.mention_volume, a.analysis_timestamp.to_rfc3339()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Quote>()?;
    m.add_class::<Bar>()?;
    m.add_class::<History>()?;
    m.add_class::<SearchHit>()?;
    m.add_class::<PlatformSentiment>()?;
    m.add_class::<SentimentAnalysis>()?;
    m.add_class::<NamespaceStats>()?;
    m.add_class::<BackfillStatus>()?;
    m.add_class::<BackfillProgress>()?;
    m.add_class::<BackfillReport>()?;
    m.add_class::<StoredSeries>()?;
    m.add_class::<DailySentiment>()?;
    // Not in __all__: pickle finds it by name, nobody imports it.
    m.setattr("_restore", wrap_pyfunction!(restore_value, m)?)?;
    Ok(())
}

/// What the cache did for one namespace.
#[pyclass(module = "tickersense._native", frozen)]
pub struct NamespaceStats {
    pub inner: tickersense::cache::NamespaceStats,
}

#[pymethods]
impl NamespaceStats {
    #[getter]
    fn namespace(&self) -> &str {
        &self.inner.namespace
    }
    #[getter]
    fn hits(&self) -> u64 {
        self.inner.hits
    }
    #[getter]
    fn misses(&self) -> u64 {
        self.inner.misses
    }
    #[getter]
    fn entries(&self) -> u64 {
        self.inner.entries
    }
    /// Bytes of the values held now.
    #[getter]
    fn bytes(&self) -> u64 {
        self.inner.bytes
    }
    #[getter]
    fn errors(&self) -> u64 {
        self.inner.errors
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
    }
    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "NamespaceStats(namespace={:?}, hits={}, misses={}, entries={}, bytes={}, errors={})",
            s.namespace, s.hits, s.misses, s.entries, s.bytes, s.errors
        )
    }
}

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
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
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
            s.reason.as_ref().map_or_else(|| "None".to_owned(), |r| format!("{r:?}"))
        )
    }
}

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
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
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
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
    }
    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "BackfillReport(symbols={}, failed={}, rejected={}, rows_written={}, stopped={})",
            r.statuses.len(),
            r.failed().count(),
            r.rejected.len(),
            r.rows_written,
            bool_repr(r.stopped)
        )
    }
}

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
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
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

/// Stored sentiment analyses of one symbol summed up over one UTC day.
#[pyclass(module = "tickersense._native", frozen)]
pub struct DailySentiment {
    pub inner: tickersense::DailySentiment,
}

#[pymethods]
impl DailySentiment {
    /// The UTC date.
    #[getter]
    fn date(&self) -> NaiveDate {
        self.inner.date
    }
    /// Per-platform analyses stored that day.
    #[getter]
    fn analyses(&self) -> u32 {
        self.inner.analyses
    }
    /// Posts those analyses scored.
    #[getter]
    fn mentions(&self) -> u64 {
        self.inner.mentions
    }
    /// Mention-weighted mean score, -1 to 1.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }
    /// Mean confidence of the analyses.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.confidence
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyObject {
        value_eq(self, other)
    }
    fn __hash__(&self) -> u64 {
        value_hash(self)
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        value_reduce(self, py)
    }
    fn __repr__(&self) -> String {
        let d = &self.inner;
        format!(
            "DailySentiment(date={:?}, analyses={}, mentions={}, score={:.4}, confidence={:.4})",
            d.date.to_string(),
            d.analyses,
            d.mentions,
            d.score,
            d.confidence
        )
    }
}
