//! Core errors as Python exceptions: `TickersenseError` and one subclass per
//! `ErrorKind`, each carrying `.kind` (the kind's stable name, also on the
//! class), `.retry_after` (seconds or `None`) and `.cause_kind`.
//! `tickersense.TimeoutError` is also a builtin `TimeoutError`, so
//! `except TimeoutError` catches it as it catches asyncio's and socket's.

use pyo3::create_exception;
use pyo3::exceptions::{PyConnectionError, PyException, PyLookupError, PyTimeoutError};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyType};
use tickersense::ErrorKind;

create_exception!(
    tickersense,
    TickersenseError,
    PyException,
    "Base class of every tickersense error."
);
create_exception!(
    tickersense,
    InvalidInputError,
    TickersenseError,
    "The arguments cannot be used."
);
create_exception!(
    tickersense,
    NotFoundError,
    TickersenseError,
    "The thing asked for does not exist."
);
create_exception!(
    tickersense,
    UnauthorizedError,
    TickersenseError,
    "Missing or bad credentials."
);
create_exception!(
    tickersense,
    ForbiddenError,
    TickersenseError,
    "Not allowed with these credentials."
);
create_exception!(
    tickersense,
    ConflictError,
    TickersenseError,
    "The write clashes with existing data."
);
create_exception!(
    tickersense,
    RateLimitedError,
    TickersenseError,
    "Too many requests; see .retry_after."
);
create_exception!(
    tickersense,
    UnavailableError,
    TickersenseError,
    "A backend is down or a circuit is open."
);
create_exception!(
    tickersense,
    UpstreamError,
    TickersenseError,
    "An upstream provider answered badly."
);
create_exception!(
    tickersense,
    InternalError,
    TickersenseError,
    "A bug inside tickersense."
);

/// Converts a core error into the matching Python exception.
pub trait IntoPyErr {
    /// The Python exception for this error.
    fn into_py_err(self) -> PyErr;
}

impl IntoPyErr for tickersense::Error {
    fn into_py_err(self) -> PyErr {
        let message = self.message().to_owned();
        let err = match self.kind() {
            ErrorKind::InvalidInput => InvalidInputError::new_err(message),
            ErrorKind::NotFound => NotFoundError::new_err(message),
            ErrorKind::Unauthorized => UnauthorizedError::new_err(message),
            ErrorKind::Forbidden => ForbiddenError::new_err(message),
            ErrorKind::Conflict => ConflictError::new_err(message),
            ErrorKind::RateLimited => RateLimitedError::new_err(message),
            ErrorKind::Unavailable => UnavailableError::new_err(message),
            ErrorKind::Upstream => UpstreamError::new_err(message),
            ErrorKind::Timeout => Python::with_gil(|py| match timeout_error(py) {
                Ok(ty) => PyErr::from_type(ty.clone(), message),
                Err(err) => err,
            }),
            _ => InternalError::new_err(message),
        };
        Python::with_gil(|py| {
            let value = err.value(py);
            let _ = value.setattr("kind", self.kind().as_str());
            let _ = value.setattr("retry_after", self.retry_after().map(|d| d.as_secs_f64()));
            let _ = value.setattr("cause_kind", self.cause_kind().map(|k| k.as_str()));
            // An exception a user backend raised, with its traceback.
            if let Some(raised) = python_source(&self) {
                err.set_cause(py, Some(raised.clone_ref(py)));
            }
        });
        err
    }
}

/// The Python exception somewhere in `err`'s chain of sources.
fn python_source(err: &tickersense::Error) -> Option<&PyErr> {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(raised) = cause.downcast_ref::<PyErr>() {
            return Some(raised);
        }
        source = cause.source();
    }
    None
}

/// The core error for an exception user code raised in `site` (e.g.
/// `"market_data.quote()"`), carrying it as its source: a tickersense
/// exception keeps its kind (and `retry_after`), a builtin `TimeoutError`
/// is `Timeout`, `ConnectionError` `Unavailable`, `LookupError` (`KeyError`
/// ...) `NotFound`, anything else `otherwise`. The message names the site
/// and the exception, echoed truncated.
pub fn from_python(
    py: Python<'_>,
    raised: PyErr,
    site: &str,
    otherwise: ErrorKind,
) -> tickersense::Error {
    let value = raised.value(py);
    let mut retry_after = None;
    let kind = if value.is_instance_of::<TickersenseError>() {
        retry_after = value
            .getattr("retry_after")
            .and_then(|r| r.extract::<Option<f64>>())
            .ok()
            .flatten()
            .and_then(|secs| std::time::Duration::try_from_secs_f64(secs).ok());
        value
            .getattr("kind")
            .and_then(|k| k.extract::<String>())
            .ok()
            .and_then(|k| {
                ErrorKind::ALL
                    .iter()
                    .copied()
                    .find(|kind| kind.as_str() == k)
            })
            .unwrap_or(otherwise)
    } else if value.is_instance_of::<PyTimeoutError>() {
        ErrorKind::Timeout
    } else if value.is_instance_of::<PyConnectionError>() {
        ErrorKind::Unavailable
    } else if value.is_instance_of::<PyLookupError>() {
        ErrorKind::NotFound
    } else {
        otherwise
    };
    let type_name = value
        .get_type()
        .qualname()
        .map_or_else(|_| "exception".to_owned(), |n| n.to_string());
    let text = value
        .str()
        .map_or_else(|_| String::new(), |s| s.to_string_lossy().into_owned());
    let message = if text.is_empty() {
        format!("{site} raised {type_name}")
    } else {
        format!(
            "{site} raised {type_name}: {}",
            tickersense::error::echo(&text)
        )
    };
    let mut err = tickersense::Error::new(kind, message).with_source(raised);
    if let Some(after) = retry_after {
        err = err.with_retry_after(after);
    }
    err
}

// An exception raised by Python code a call ran (a progress callback) passes
// through unchanged.
impl IntoPyErr for PyErr {
    fn into_py_err(self) -> PyErr {
        self
    }
}

/// Why a call that runs Python code failed: in the core, or in that code.
pub enum CallError {
    Core(tickersense::Error),
    Python(PyErr),
}

impl From<tickersense::Error> for CallError {
    fn from(err: tickersense::Error) -> Self {
        CallError::Core(err)
    }
}

impl IntoPyErr for CallError {
    fn into_py_err(self) -> PyErr {
        match self {
            CallError::Core(err) => err.into_py_err(),
            CallError::Python(err) => err,
        }
    }
}

/// Shorthand for mapping a core `Result` in binding code.
pub fn py_result<T>(result: tickersense::Result<T>) -> PyResult<T> {
    result.map_err(IntoPyErr::into_py_err)
}

/// `tickersense.TimeoutError`: a subclass of both `TickersenseError` and
/// the builtin `TimeoutError`, which `create_exception!` (one base) cannot make.
fn timeout_error(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static TYPE: GILOnceCell<Py<PyType>> = GILOnceCell::new();
    TYPE.get_or_try_init(py, || {
        let namespace = PyDict::new(py);
        namespace.set_item("__module__", "tickersense")?;
        namespace.set_item("__doc__", "An operation exceeded its deadline.")?;
        let bases = (
            py.get_type::<TickersenseError>(),
            py.get_type::<PyTimeoutError>(),
        );
        Ok(py
            .get_type::<PyType>()
            .call1(("TimeoutError", bases, namespace))?
            .downcast_into::<PyType>()?
            .unbind())
    })
    .map(|ty| ty.bind(py))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<TickersenseError>();
    // Class-level defaults, so `NotFoundError("x").kind` works on an
    // exception made by hand (a test double, a re-raise) as on one raised
    // here. A bare TickersenseError made by hand has no kind of its own.
    base.setattr("kind", ErrorKind::Internal.as_str())?;
    base.setattr("retry_after", py.None())?;
    base.setattr("cause_kind", py.None())?;
    m.add("TickersenseError", &base)?;
    for kind in ErrorKind::ALL {
        let ty = match kind {
            ErrorKind::InvalidInput => py.get_type::<InvalidInputError>(),
            ErrorKind::NotFound => py.get_type::<NotFoundError>(),
            ErrorKind::Unauthorized => py.get_type::<UnauthorizedError>(),
            ErrorKind::Forbidden => py.get_type::<ForbiddenError>(),
            ErrorKind::Conflict => py.get_type::<ConflictError>(),
            ErrorKind::RateLimited => py.get_type::<RateLimitedError>(),
            ErrorKind::Unavailable => py.get_type::<UnavailableError>(),
            ErrorKind::Upstream => py.get_type::<UpstreamError>(),
            ErrorKind::Timeout => timeout_error(py)?.clone(),
            _ => py.get_type::<InternalError>(),
        };
        ty.setattr("kind", kind.as_str())?;
        m.add(format!("{}Error", kind.as_str()), ty)?;
    }
    Ok(())
}
