//! A symbol's history: its bars and events, sliced like a list and read
//! into pandas.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySlice};

use super::Bar;
use crate::error::IntoPyErr;

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

    /// A pandas DataFrame indexed by bar start in the exchange's time zone,
    /// or UTC when the history names none, as a stored one does (`Date` for
    /// daily and longer bars, `Datetime` for intraday), with columns Open,
    /// High, Low, Close, Adj Close, Volume. Needs pandas.
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
        // A history that names no zone (the store keeps none) is shown in UTC.
        let zone = match self.inner.timezone.as_str() {
            "" => "UTC",
            zone => zone,
        };
        let mut index = pandas
            .call_method("to_datetime", (millis,), Some(&kwargs))?
            .call_method1("tz_convert", (zone,))?;
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
