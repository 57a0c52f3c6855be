//! How Python arguments become core values, for the argument types pyo3's
//! own conversions get wrong for Python users: times of any `tzinfo`, texts
//! with lone surrogates, integers of any size and symbol lists of any
//! iterable. A value of the right type that cannot be used is
//! `InvalidInputError`; a value of the wrong type stays `TypeError`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;
use tickersense::error::echo;

use crate::error::IntoPyErr;

fn invalid(message: String) -> PyErr {
    tickersense::Error::invalid_input(message).into_py_err()
}

/// A `str` argument. A string holding a lone surrogate (`"\ud800"`, which
/// `surrogateescape` decoding makes) is not Unicode and no symbol, URL or
/// name can hold one: `InvalidInputError`, not `UnicodeEncodeError`.
pub struct Text(pub String);

impl<'py> FromPyObject<'py> for Text {
    fn extract_bound(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        let s = obj.downcast::<PyString>()?;
        match s.to_str() {
            Ok(text) => Ok(Text(text.to_owned())),
            Err(_) => Err(invalid(format!(
                "a text argument holds a lone surrogate (shown as U+FFFD), which is not Unicode: {}",
                echo(&s.to_string_lossy())
            ))),
        }
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(text.to_owned())
    }
}

/// An optional [`Text`] as the core takes it.
pub fn opt_text(text: Option<Text>) -> Option<String> {
    text.map(|t| t.0)
}

/// The symbols of a batch call: any iterable of `str` (list, tuple, set,
/// generator, `dict.keys()`, pandas Index ...) but a lone `str`, which
/// would be read as its characters.
pub struct Symbols(pub Vec<String>);

impl<'py> FromPyObject<'py> for Symbols {
    fn extract_bound(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "symbols must be an iterable of str, not one str: pass [\"AAPL\"], not \"AAPL\"",
            ));
        }
        let items = obj.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "symbols must be an iterable of str, not {}",
                type_name(obj)
            ))
        })?;
        let mut symbols = Vec::new();
        for item in items {
            let item = item?;
            if !item.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(format!(
                    "symbols must be str, not {}",
                    type_name(&item)
                )));
            }
            symbols.push(item.extract::<Text>()?.0);
        }
        Ok(Symbols(symbols))
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// A whole-number argument, however large; checked against its range by
/// [`Int::within`], which names the argument (pyo3 alone raises
/// `OverflowError` for `-1` where it wants an unsigned number).
pub struct Int {
    /// The value, or how to show it when it does not fit in an `i64`.
    value: Result<i64, String>,
}

impl<'py> FromPyObject<'py> for Int {
    fn extract_bound(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<i64>() {
            Ok(v) => Ok(Int { value: Ok(v) }),
            Err(err) if err.is_instance_of::<PyOverflowError>(obj.py()) => {
                // Python refuses str() of an int past 4,300 digits: count
                // the digits from the bit length instead of writing them.
                let bits: u64 = obj.call_method0("bit_length")?.extract()?;
                let shown = if bits <= 128 {
                    obj.str()?.to_string()
                } else {
                    let digits = (bits as f64 * std::f64::consts::LOG10_2).floor() as u64 + 1;
                    format!("an integer of about {digits} digits")
                };
                Ok(Int { value: Err(shown) })
            }
            Err(err) => Err(err),
        }
    }
}

impl Int {
    /// The default of an argument.
    pub const fn of(value: i64) -> Self {
        Int { value: Ok(value) }
    }

    /// The value when it lies in `lo..=hi` (and fits `T`), else
    /// `InvalidInputError` "`name` must be `lo` to `hi`, not ...".
    pub fn within<T: TryFrom<i64>>(&self, name: &str, lo: i64, hi: i64) -> PyResult<T> {
        let fail = |shown: String| invalid(format!("{name} must be {lo} to {hi}, not {shown}"));
        match &self.value {
            Ok(v) if (lo..=hi).contains(v) => T::try_from(*v).map_err(|_| fail(v.to_string())),
            Ok(v) => Err(fail(v.to_string())),
            Err(shown) => Err(fail(shown.clone())),
        }
    }
}

/// A number of seconds (`timeout=`): any int or float. An int too large
/// for a float is passed on as infinity, which the core refuses by name
/// like any other unusable number (pyo3 alone raises `OverflowError`).
pub struct Seconds(pub f64);

impl<'py> FromPyObject<'py> for Seconds {
    fn extract_bound(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<f64>() {
            Ok(secs) => Ok(Seconds(secs)),
            Err(err) if err.is_instance_of::<PyOverflowError>(obj.py()) => {
                let negative = obj.lt(0)?;
                Ok(Seconds(if negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }))
            }
            Err(err) => Err(err),
        }
    }
}

/// A point in time as yfinance takes one: a `datetime` (aware in any
/// `tzinfo`: `timezone`, `zoneinfo`, pytz, dateutil, pandas `Timestamp`),
/// a `date` (its midnight), or a string `"YYYY-MM-DD"`,
/// `"YYYY-MM-DD HH:MM[:SS]"` or ISO 8601 with an offset.
///
/// A naive datetime (or a string without offset) is read as UTC. yfinance
/// reads it in the exchange's zone instead; but that zone is only known
/// once the provider has answered, and UTC is what `datetime.timestamp()`
/// of an aware UTC value and pandas' `utc=True` give, so a naive value
/// never means two different instants. Pass an aware datetime for any
/// other zone.
pub struct Time(pub DateTime<Utc>);

impl<'py> FromPyObject<'py> for Time {
    fn extract_bound(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        let datetime = py.import(intern!(py, "datetime"))?;
        if obj.is_instance(&datetime.getattr(intern!(py, "datetime"))?)? {
            let unreadable = |_| invalid(format!("cannot read {} as a time", shown(obj)));
            let offset = obj
                .call_method0(intern!(py, "utcoffset"))
                .map_err(unreadable)?;
            let utc = if offset.is_none() {
                obj.clone()
            } else {
                let zone = datetime
                    .getattr(intern!(py, "timezone"))?
                    .getattr(intern!(py, "utc"))?;
                obj.call_method1(intern!(py, "astimezone"), (zone,))
                    .map_err(unreadable)?
            };
            return fields(&utc)
                .map(Time)
                .ok_or_else(|| invalid(format!("cannot read {} as a time", shown(obj))));
        }
        if obj.is_instance(&datetime.getattr(intern!(py, "date"))?)? {
            let day = |name| obj.getattr(name)?.extract::<u32>();
            let date = NaiveDate::from_ymd_opt(
                obj.getattr(intern!(py, "year"))?.extract()?,
                day(intern!(py, "month"))?,
                day(intern!(py, "day"))?,
            );
            return date
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| Time(t.and_utc()))
                .ok_or_else(|| invalid(format!("cannot read {} as a date", shown(obj))));
        }
        if obj.is_instance_of::<PyString>() {
            let text = obj.extract::<Text>()?.0;
            return parse_time(&text).map(Time).ok_or_else(|| {
                invalid(format!(
                    "cannot read {} as a time: use \"YYYY-MM-DD\", \"YYYY-MM-DD HH:MM:SS\" or ISO 8601 with an offset",
                    echo(&text)
                ))
            });
        }
        Err(PyTypeError::new_err(format!(
            "a time must be a datetime, a date or a \"YYYY-MM-DD\" string, not {}",
            type_name(obj)
        )))
    }
}

fn shown(obj: &Bound<'_, PyAny>) -> String {
    echo(
        &obj.repr()
            .map_or_else(|_| "?".to_owned(), |r| r.to_string()),
    )
}

/// The UTC instant of a naive or UTC `datetime` (or subclass), from its fields.
fn fields(dt: &Bound<'_, PyAny>) -> Option<DateTime<Utc>> {
    let get = |name: &str| dt.getattr(name).ok()?.extract::<i64>().ok();
    let small = |name: &str| get(name).and_then(|v| u32::try_from(v).ok());
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(get("year")?).ok()?,
        small("month")?,
        small("day")?,
    )?;
    let time = date.and_hms_micro_opt(
        small("hour")?,
        small("minute")?,
        small("second")?,
        small("microsecond")?,
    )?;
    Some(time.and_utc())
}

/// `"YYYY-MM-DD"`, `"YYYY-MM-DD HH:MM[:SS[.f]]"` (also with `T`), read as
/// UTC, or RFC 3339 / ISO 8601 with an offset.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// An optional [`Time`] as the core takes it.
pub fn opt_time(time: Option<Time>) -> Option<DateTime<Utc>> {
    time.map(|t| t.0)
}
