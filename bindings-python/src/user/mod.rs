//! Backends users write in Python, as core's traits: a market-data object
//! ([`market`]), mention sources ([`social`]) and an analyzer
//! ([`analyzer`]). Their methods may be plain or `async def`; see
//! [`crate::runtime::call_python`] for where each runs.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

mod analyzer;
mod convert;
mod market;
mod social;

pub use analyzer::PyAnalyzer;
pub use convert::{is_frame, shown};
pub use market::PyMarketData;
pub use social::PyMentionSource;

/// The longest name a user object goes by, in characters.
const MAX_NAME_CHARS: usize = 80;

/// How errors and `repr` name a user object: its `name` attribute when it
/// is a str, else its class's name (a function's own name).
pub fn describe(object: &Bound<'_, PyAny>) -> String {
    if let Ok(name) = object.getattr("name") {
        if let Ok(name) = name.downcast::<PyString>() {
            // A name, not a value: kept short rather than quoted.
            return name
                .to_string_lossy()
                .chars()
                .take(MAX_NAME_CHARS)
                .collect();
        }
    }
    // Functions have a `__qualname__` of their own; instances only their class's.
    object
        .getattr("__qualname__")
        .or_else(|_| object.get_type().getattr("__qualname__"))
        .ok()
        .and_then(|n| n.extract::<String>().ok())
        .unwrap_or_else(|| "?".to_owned())
}

/// `TypeError` unless `object` has every one of `methods`, callable.
fn require_methods(object: &Bound<'_, PyAny>, role: &str, methods: &[&str]) -> PyResult<()> {
    let missing: Vec<&str> = methods
        .iter()
        .copied()
        .filter(|m| {
            !object
                .getattr(*m)
                .map(|method| method.is_callable())
                .unwrap_or(false)
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(PyTypeError::new_err(format!(
        "{role} must be a URL or an object with {}; {} has no {}",
        methods
            .iter()
            .map(|m| format!("{m}()"))
            .collect::<Vec<_>>()
            .join(", "),
        describe(object),
        missing
            .iter()
            .map(|m| format!("{m}()"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
}
