//! Reading what user methods return: dicts (or objects with attributes)
//! keyed by the library's own field names, lists of them, and pandas
//! DataFrames. A value that cannot be used is `UpstreamError` naming the
//! method and the field, with the value echoed truncated.

use chrono::{DateTime, Utc};
use pyo3::ffi::c_str;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use tickersense::error::echo;
use tickersense::{Error, ErrorKind, Result};

use crate::args::Time;

/// `repr(value)`, truncated.
pub fn shown(value: &Bound<'_, PyAny>) -> String {
    echo(
        &value
            .repr()
            .map_or_else(|_| "?".to_owned(), |r| r.to_string_lossy().into_owned()),
    )
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// The `UpstreamError` for a bad value `site` returned.
pub fn bad(site: &str, what: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Upstream, format!("{site} returned {what}"))
}

/// The items of `value`, which must be a list or a tuple.
pub fn items<'py>(site: &str, value: &Bound<'py, PyAny>) -> Result<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.downcast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = value.downcast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    Err(bad(
        site,
        format_args!(
            "a value of type {} where a list was expected: {}",
            type_name(value),
            shown(value)
        ),
    ))
}

/// True for a pandas DataFrame (or anything shaped like one).
pub fn is_frame(value: &Bound<'_, PyAny>) -> bool {
    value.hasattr("itertuples").unwrap_or(false) && value.hasattr("columns").unwrap_or(false)
}

/// The rows of a DataFrame as dicts: column names lower-cased with spaces
/// as `_` (`"Adj Close"` is `adj_close`), the index as `timestamp` unless a
/// column is called so.
pub fn frame_rows<'py>(site: &str, frame: &Bound<'py, PyAny>) -> Result<Vec<Bound<'py, PyAny>>> {
    let py = frame.py();
    let rows = frame_helper(py)
        .and_then(|f| f.bind(py).call1((frame,)))
        .map_err(|err| {
            bad(
                site,
                format_args!(
                    "a DataFrame that cannot be read: {}",
                    echo(&err.to_string())
                ),
            )
        })?;
    items(site, &rows)
}

const FRAME_ROWS: &std::ffi::CStr = c_str!(
    r#"
def frame_rows(frame):
    columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    stamps = None if "timestamp" in columns else list(frame.index)
    rows = []
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        row = dict(zip(columns, values))
        if stamps is not None:
            row["timestamp"] = stamps[position]
        rows.append(row)
    return rows
"#
);

fn frame_helper(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    static HELPER: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
    HELPER.get_or_try_init(py, || {
        let m = PyModule::from_code(
            py,
            FRAME_ROWS,
            c_str!("tickersense/_frames.py"),
            c_str!("tickersense._frames"),
        )?;
        Ok(m.getattr("frame_rows")?.unbind())
    })
}

/// The fields of one record a user method returned.
pub struct Fields<'a, 'py> {
    value: &'a Bound<'py, PyAny>,
    /// What returned it, e.g. `"Legacy.quote()"` or `"Legacy.history()[3]"`.
    site: String,
}

impl<'a, 'py> Fields<'a, 'py> {
    /// `value`'s fields: a dict, a mapping, or an object with attributes
    /// (a dataclass, a named tuple). A str, number, list or None is refused.
    pub fn of(site: String, value: &'a Bound<'py, PyAny>, what: &str) -> Result<Self> {
        let plain = value.is_none()
            || value.is_instance_of::<PyString>()
            || value.is_instance_of::<PyList>()
            || value.is_instance_of::<pyo3::types::PyFloat>()
            || value.is_instance_of::<pyo3::types::PyInt>();
        if plain {
            return Err(bad(
                &site,
                format_args!(
                    "a value of type {} where a dict of {what} fields was expected: {}",
                    type_name(value),
                    shown(value)
                ),
            ));
        }
        Ok(Fields { value, site })
    }

    /// The field `key`, or `None` when missing (or `None`).
    fn get(&self, key: &str) -> Option<Bound<'py, PyAny>> {
        let found = if let Ok(dict) = self.value.downcast::<PyDict>() {
            dict.get_item(key).ok().flatten()
        } else if self.value.hasattr("keys").unwrap_or(false) {
            self.value.get_item(key).ok()
        } else {
            self.value.getattr(key).ok()
        };
        found.filter(|v| !v.is_none())
    }

    fn missing(&self, key: &str) -> Error {
        bad(
            &self.site,
            format_args!("no '{key}': {}", shown(self.value)),
        )
    }

    fn wrong(&self, key: &str, expected: &str, value: &Bound<'_, PyAny>) -> Error {
        bad(
            &self.site,
            format_args!("a '{key}' that is not {expected}: {}", shown(value)),
        )
    }

    /// A number, or `None` when missing or NaN (pandas' missing value).
    pub fn opt_number(&self, key: &str) -> Result<Option<f64>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        if value.is_instance_of::<PyString>() {
            return Err(self.wrong(key, "a number", &value));
        }
        let number: f64 = value
            .extract()
            .map_err(|_| self.wrong(key, "a number", &value))?;
        if number.is_nan() {
            return Ok(None);
        }
        if number.is_infinite() {
            return Err(self.wrong(key, "a finite number", &value));
        }
        Ok(Some(number))
    }

    /// A finite number that must be there.
    pub fn number(&self, key: &str) -> Result<f64> {
        match self.get(key) {
            None => Err(self.missing(key)),
            Some(value) => self
                .opt_number(key)?
                .ok_or_else(|| self.wrong(key, "a number (it is NaN)", &value)),
        }
    }

    /// A whole number of at least 0, 0 when missing or NaN; a float with
    /// no fraction (a pandas column with gaps) is taken.
    pub fn count(&self, key: &str) -> Result<u64> {
        let Some(value) = self.get(key) else {
            return Ok(0);
        };
        if let Ok(n) = value.extract::<u64>() {
            return Ok(n);
        }
        match self.opt_number(key)? {
            None => Ok(0),
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n < u64::MAX as f64 => Ok(n as u64),
            Some(_) => Err(self.wrong(key, "a whole number of at least 0", &value)),
        }
    }

    /// A text, or `None` when missing.
    pub fn opt_text(&self, key: &str) -> Result<Option<String>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let text = value
            .downcast::<PyString>()
            .map_err(|_| self.wrong(key, "a str", &value))?;
        Ok(Some(text.to_string_lossy().into_owned()))
    }

    /// A text that must be there; a whole number (an id) is taken as its digits.
    pub fn text(&self, key: &str) -> Result<String> {
        let value = self.get(key).ok_or_else(|| self.missing(key))?;
        if let Ok(n) = value.extract::<i64>() {
            if value.is_instance_of::<pyo3::types::PyInt>() {
                return Ok(n.to_string());
            }
        }
        self.opt_text(key)?.ok_or_else(|| self.missing(key))
    }

    /// A time (datetime in any zone, naive read as UTC; date; ISO text),
    /// or `None` when missing.
    pub fn opt_time(&self, key: &str) -> Result<Option<DateTime<Utc>>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value
            .extract::<Time>()
            .map(|t| Some(t.0))
            .map_err(|_| self.wrong(key, "a datetime", &value))
    }

    /// A time that must be there.
    pub fn time(&self, key: &str) -> Result<DateTime<Utc>> {
        self.opt_time(key)?.ok_or_else(|| self.missing(key))
    }
}
