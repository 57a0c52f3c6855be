//! Core errors as Python exceptions: `TickersenseError` and one subclass per
//! `ErrorKind`, each instance carrying `.kind` (the kind's stable name) and
//! `.retry_after` (seconds or `None`).

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
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
    TimeoutError,
    TickersenseError,
    "An operation exceeded its deadline."
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
            ErrorKind::Timeout => TimeoutError::new_err(message),
            _ => InternalError::new_err(message),
        };
        Python::with_gil(|py| {
            let value = err.value(py);
            let _ = value.setattr("kind", self.kind().as_str());
            let _ = value.setattr("retry_after", self.retry_after().map(|d| d.as_secs_f64()));
            let _ = value.setattr("cause_kind", self.cause_kind().map(|k| k.as_str()));
        });
        err
    }
}

// An exception raised by Python code a call ran (a progress callback) passes
// through unchanged.
impl IntoPyErr for PyErr {
    fn into_py_err(self) -> PyErr {
        self
    }
}

/// Shorthand for mapping a core `Result` in binding code.
pub fn py_result<T>(result: tickersense::Result<T>) -> PyResult<T> {
    result.map_err(IntoPyErr::into_py_err)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("TickersenseError", py.get_type::<TickersenseError>())?;
    m.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("UnauthorizedError", py.get_type::<UnauthorizedError>())?;
    m.add("ForbiddenError", py.get_type::<ForbiddenError>())?;
    m.add("ConflictError", py.get_type::<ConflictError>())?;
    m.add("RateLimitedError", py.get_type::<RateLimitedError>())?;
    m.add("UnavailableError", py.get_type::<UnavailableError>())?;
    m.add("UpstreamError", py.get_type::<UpstreamError>())?;
    m.add("TimeoutError", py.get_type::<TimeoutError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}
