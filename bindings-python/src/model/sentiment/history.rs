//! What the store keeps of a symbol's sentiment: the per-analysis records,
//! and the daily figures from its distinct stored posts (sliced like a
//! list and read into pandas).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySlice};
use serde::{Deserialize, Serialize};

use super::{opt_str_repr, PlatformSentiment};

/// One stored per-platform analysis (a row of the seed's `sentiment_data`).
#[pyclass(module = "tickersense._native", frozen)]
pub struct SentimentRecord {
    pub inner: tickersense::SentimentRecord,
}

#[pymethods]
impl SentimentRecord {
    #[getter]
    fn symbol(&self) -> &str {
        self.inner.symbol.as_str()
    }
    /// When the analysis was made.
    #[getter]
    fn timestamp(&self) -> DateTime<Utc> {
        self.inner.timestamp
    }
    /// The platform's figures.
    #[getter]
    fn detail(&self) -> PlatformSentiment {
        PlatformSentiment {
            inner: self.inner.detail.clone(),
        }
    }
    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "SentimentRecord(symbol={:?}, timestamp={:?}, platform={:?}, sentiment_score={:.4}, mention_count={})",
            r.symbol.as_str(),
            r.timestamp.to_rfc3339(),
            r.detail.platform,
            r.detail.sentiment_score,
            r.detail.mention_count
        )
    }
}

/// The distinct stored posts of one symbol made on one UTC day.
#[pyclass(module = "tickersense._native", frozen)]
pub struct DailySentiment {
    pub inner: tickersense::DailySentiment,
}

#[pymethods]
impl DailySentiment {
    /// The UTC date the posts were made.
    #[getter]
    fn date(&self) -> NaiveDate {
        self.inner.date
    }
    /// Distinct posts made that day.
    #[getter]
    fn mentions(&self) -> u64 {
        self.inner.mentions
    }
    /// Mean score of those posts, -1 to 1.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }
    /// `abs(score)`, the seed's confidence.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.confidence
    }
    /// Posts by platform.
    #[getter]
    fn platforms(&self) -> BTreeMap<String, u64> {
        self.inner.platforms.clone()
    }
    fn __repr__(&self) -> String {
        let d = &self.inner;
        format!(
            "DailySentiment(date={:?}, mentions={}, score={:.4}, confidence={:.4}, platforms={:?})",
            d.date.to_string(),
            d.mentions,
            d.score,
            d.confidence,
            d.platforms
        )
    }
}

/// What [`SentimentHistory`] wraps: the days and what was asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyHistory {
    pub symbol: String,
    pub days: u32,
    pub platform: Option<String>,
    pub daily: Vec<tickersense::DailySentiment>,
}

/// The daily sentiment of one symbol over the days asked, oldest first,
/// one entry per UTC day with stored posts. `len()`, indexing and
/// iteration work on the days; `to_pandas()` gives a DataFrame.
#[pyclass(module = "tickersense._native", frozen, sequence)]
pub struct SentimentHistory {
    pub inner: DailyHistory,
}

#[pymethods]
impl SentimentHistory {
    #[getter]
    fn symbol(&self) -> &str {
        &self.inner.symbol
    }
    /// The days looked back.
    #[getter]
    fn days(&self) -> u32 {
        self.inner.days
    }
    /// The platform asked for, or None for all.
    #[getter]
    fn platform(&self) -> Option<&str> {
        self.inner.platform.as_deref()
    }
    /// The days with stored posts, oldest first.
    #[getter]
    fn daily(&self) -> Vec<DailySentiment> {
        self.inner
            .daily
            .iter()
            .map(|d| DailySentiment { inner: d.clone() })
            .collect()
    }
    fn __len__(&self) -> usize {
        self.inner.daily.len()
    }
    /// `h[i]` is a `DailySentiment`; `h[i:j]` (any slice) a `SentimentHistory`.
    fn __getitem__(&self, py: Python<'_>, index: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let daily = &self.inner.daily;
        if let Ok(slice) = index.downcast::<PySlice>() {
            let indices = slice.indices(daily.len() as isize)?;
            let picked = (0..indices.slicelength)
                .map(|k| daily[(indices.start + k as isize * indices.step) as usize].clone())
                .collect();
            let sliced = SentimentHistory {
                inner: DailyHistory {
                    daily: picked,
                    ..self.inner.clone()
                },
            };
            return Ok(Bound::new(py, sliced)?.into_any().unbind());
        }
        let index: isize = index.extract()?;
        let len = daily.len() as isize;
        let i = if index < 0 { index + len } else { index };
        if i < 0 || i >= len {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "SentimentHistory index out of range",
            ));
        }
        let day = DailySentiment {
            inner: daily[i as usize].clone(),
        };
        Ok(Bound::new(py, day)?.into_any().unbind())
    }
    fn __iter__(&self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(PyList::new(py, self.daily())?
            .try_iter()?
            .into_any()
            .unbind())
    }
    fn __repr__(&self) -> String {
        let h = &self.inner;
        let span = match (h.daily.first(), h.daily.last()) {
            (Some(a), Some(b)) => format!(
                ", first={:?}, last={:?}",
                a.date.to_string(),
                b.date.to_string()
            ),
            _ => String::new(),
        };
        format!(
            "SentimentHistory(symbol={:?}, days={}, platform={}, entries={}{span})",
            h.symbol,
            h.days,
            opt_str_repr(h.platform.as_deref()),
            h.daily.len()
        )
    }

    /// A pandas DataFrame indexed by the UTC day (`date`, midnight UTC,
    /// tz-aware), with columns `mentions`, `score`, `confidence` and one
    /// `mentions_<platform>` column per platform seen (0 on days without
    /// its posts), platforms by name. Needs pandas. O(days x platforms).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas").map_err(|_| {
            pyo3::exceptions::PyImportError::new_err(
                "SentimentHistory.to_pandas() needs pandas: pip install pandas",
            )
        })?;
        let daily = &self.inner.daily;
        let columns = PyDict::new(py);
        let dtypes = PyDict::new(py);
        columns.set_item(
            "mentions",
            daily.iter().map(|d| d.mentions).collect::<Vec<_>>(),
        )?;
        dtypes.set_item("mentions", "int64")?;
        columns.set_item("score", daily.iter().map(|d| d.score).collect::<Vec<_>>())?;
        dtypes.set_item("score", "float64")?;
        columns.set_item(
            "confidence",
            daily.iter().map(|d| d.confidence).collect::<Vec<_>>(),
        )?;
        dtypes.set_item("confidence", "float64")?;
        let platforms: BTreeSet<&str> = daily
            .iter()
            .flat_map(|d| d.platforms.keys().map(String::as_str))
            .collect();
        for platform in platforms {
            let name = format!("mentions_{platform}");
            let counts: Vec<u64> = daily
                .iter()
                .map(|d| d.platforms.get(platform).copied().unwrap_or(0))
                .collect();
            columns.set_item(&name, counts)?;
            dtypes.set_item(&name, "int64")?;
        }
        // Midnight UTC of each day, in milliseconds: one stamp kept for an
        // empty index, so it has the dtype a full one has (as `History`).
        let mut millis: Vec<i64> = daily
            .iter()
            .map(|d| {
                d.date
                    .and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    .timestamp_millis()
            })
            .collect();
        let empty = millis.is_empty();
        if empty {
            millis.push(0);
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("utc", true)?;
        kwargs.set_item("unit", "ms")?;
        let mut index = pandas.call_method("to_datetime", (millis,), Some(&kwargs))?;
        if empty {
            index = index.get_item(PySlice::new(py, 0, 0, 1))?;
        }
        let index = pandas.getattr("DatetimeIndex")?.call1((index,))?;
        index.setattr("name", "date")?;
        let frame_kwargs = PyDict::new(py);
        frame_kwargs.set_item("index", index)?;
        let frame = pandas
            .getattr("DataFrame")?
            .call((columns,), Some(&frame_kwargs))?;
        frame.call_method1("astype", (dtypes,))
    }
}
