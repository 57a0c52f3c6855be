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
use tickersense::model::limits::MAX_FIELD_CHARS;
use tickersense::{Error, ErrorKind, Result};

use crate::args::Time;

/// `repr(value)`, truncated, made by `reprlib` so that a huge str, bytes,
/// list or dict is cut before it is copied: a few hundred characters of
/// work whatever its size (an object's own `__repr__` excepted).
pub fn shown(value: &Bound<'_, PyAny>) -> String {
    let py = value.py();
    let bounded = bounded_repr(py).and_then(|r| r.bind(py).call_method1("repr", (value,)));
    echo(&bounded.map_or_else(
        |_| "?".to_owned(),
        |r| {
            r.downcast::<PyString>()
                .map_or_else(|_| "?".to_owned(), |r| r.to_string_lossy().into_owned())
        },
    ))
}

/// One `reprlib.Repr` whose bounds are about what [`echo`] keeps.
fn bounded_repr(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    static REPR: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
    REPR.get_or_try_init(py, || {
        let repr = py.import("reprlib")?.getattr("Repr")?.call0()?;
        for (bound, value) in [
            ("maxstring", 160),
            ("maxother", 160),
            ("maxlong", 60),
            ("maxlevel", 3),
        ] {
            repr.setattr(bound, value)?;
        }
        Ok(repr.unbind())
    })
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

/// The `UpstreamError` for an answer of `site` holding `count` `what`,
/// more than the `limit` one answer may hold.
pub fn too_many(site: &str, count: usize, what: &str, limit: usize) -> Error {
    bad(
        site,
        format_args!("{count} {what}, more than the {limit} one answer may hold"),
    )
}

/// The items of `value`, which must be a list or a tuple of at most
/// `limit` items (else `UpstreamError` naming `what` and the limit, before
/// any is looked at).
pub fn items<'py>(
    site: &str,
    value: &Bound<'py, PyAny>,
    limit: usize,
    what: &str,
) -> Result<Vec<Bound<'py, PyAny>>> {
    let count = sequence_len(site, value)?;
    if count > limit {
        return Err(too_many(site, count, what, limit));
    }
    first_items(site, value, limit)
}

/// The first `n` items of `value`, which must be a list or a tuple: the
/// rest are not looked at.
pub fn first_items<'py>(
    site: &str,
    value: &Bound<'py, PyAny>,
    n: usize,
) -> Result<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.downcast::<PyList>() {
        return Ok(list.iter().take(n).collect());
    }
    if let Ok(tuple) = value.downcast::<PyTuple>() {
        return Ok(tuple.iter().take(n).collect());
    }
    Err(not_a_list(site, value))
}

/// True for a list or a tuple.
pub fn is_sequence(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>()
}

/// How many items the list or tuple `value` holds, without reading them.
fn sequence_len(site: &str, value: &Bound<'_, PyAny>) -> Result<usize> {
    if let Ok(list) = value.downcast::<PyList>() {
        return Ok(list.len());
    }
    if let Ok(tuple) = value.downcast::<PyTuple>() {
        return Ok(tuple.len());
    }
    Err(not_a_list(site, value))
}

fn not_a_list(site: &str, value: &Bound<'_, PyAny>) -> Error {
    bad(
        site,
        format_args!(
            "a value of type {} where a list was expected: {}",
            type_name(value),
            shown(value)
        ),
    )
}

/// True for a pandas DataFrame (or anything shaped like one).
pub fn is_frame(value: &Bound<'_, PyAny>) -> bool {
    value.hasattr("itertuples").unwrap_or(false) && value.hasattr("columns").unwrap_or(false)
}

/// The rows of a DataFrame as dicts: column names lower-cased with spaces
/// as `_` (`"Adj Close"` is `adj_close`), the index as `timestamp` unless a
/// column is called so. A frame of more than `limit` rows is refused (as
/// for [`items`]) before any row is read.
pub fn frame_rows<'py>(
    site: &str,
    frame: &Bound<'py, PyAny>,
    limit: usize,
    what: &str,
) -> Result<Vec<Bound<'py, PyAny>>> {
    let py = frame.py();
    let count = frame.len().map_err(|err| {
        bad(
            site,
            format_args!(
                "a DataFrame whose length cannot be read: {}",
                echo(&err.to_string())
            ),
        )
    })?;
    if count > limit {
        return Err(too_many(site, count, what, limit));
    }
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
    items(site, &rows, limit, what)
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

    /// The `UpstreamError` for field `key` not being `expected`.
    pub fn bad_field(&self, key: &str, expected: &str) -> Error {
        match self.get(key) {
            Some(value) => self.wrong(key, expected, &value),
            None => self.missing(key),
        }
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

    /// A short text (at most [`MAX_FIELD_CHARS`]), or `None` when missing.
    pub fn opt_text(&self, key: &str) -> Result<Option<String>> {
        self.opt_text_within(key, MAX_FIELD_CHARS)
    }

    /// A text of at most `max_chars` characters, or `None` when missing. A
    /// longer one is refused before it is copied.
    pub fn opt_text_within(&self, key: &str, max_chars: usize) -> Result<Option<String>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let text = value
            .downcast::<PyString>()
            .map_err(|_| self.wrong(key, "a str", &value))?;
        // A str's length is known without reading it.
        let chars = text.len().unwrap_or(usize::MAX);
        if chars > max_chars {
            return Err(bad(
                &self.site,
                format_args!(
                    "a '{key}' of {chars} characters, more than the {max_chars} it may hold"
                ),
            ));
        }
        Ok(Some(text.to_string_lossy().into_owned()))
    }

    /// A text of at most `max_chars` characters that must be there; a
    /// whole number (an id) is taken as its digits.
    pub fn text_within(&self, key: &str, max_chars: usize) -> Result<String> {
        let value = self.get(key).ok_or_else(|| self.missing(key))?;
        if let Ok(n) = value.extract::<i64>() {
            if value.is_instance_of::<pyo3::types::PyInt>() {
                return Ok(n.to_string());
            }
        }
        self.opt_text_within(key, max_chars)?
            .ok_or_else(|| self.missing(key))
    }

    /// A short text (at most [`MAX_FIELD_CHARS`]) that must be there.
    pub fn text(&self, key: &str) -> Result<String> {
        self.text_within(key, MAX_FIELD_CHARS)
    }

    /// A time (datetime in any zone, naive read as UTC; date; ISO text),
    /// or `None` when missing.
    pub fn opt_time(&self, key: &str) -> Result<Option<DateTime<Utc>>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        // An ISO text longer than any time is refused before it is parsed.
        if value.is_instance_of::<PyString>() && value.len().unwrap_or(usize::MAX) > MAX_FIELD_CHARS
        {
            return Err(self.wrong(key, "a datetime", &value));
        }
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
