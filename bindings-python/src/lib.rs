//! Python bindings for tickersense: the native module `tickersense._native`.
//!
//! Each file mirrors a core module and only converts: arguments in, core
//! call, result out, errors mapped by [`error`].

// PyO3's macros expand to unsafe code; the crate holds none of its own.
#![allow(unsafe_code)]

mod args;
mod cache;
mod client;
mod config;
mod error;
mod model;
mod runtime;
mod sentiment;
mod service;
mod store;
mod testkit;
mod user;

use pyo3::prelude::*;

/// The native module behind `import tickersense`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    model::register(m)?;
    cache::register(m)?;
    store::register(m)?;
    service::register(m)?;
    client::register(m)?;
    sentiment::register(m)?;
    testkit::register(m)?;
    runtime::register(m)?;
    Ok(())
}
