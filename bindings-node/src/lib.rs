//! Node bindings (napi-rs) for tickersense.
//!
//! Each module mirrors a core module and only converts: `client` wraps
//! [`tickersense::Tickersense`], `model` holds the plain JS objects the client
//! returns, `sentiment` exposes the analyzers of [`tickersense::sentiment`]
//! (`Vader`, `TextBlobAnalyzer`), and `error` turns [`tickersense::Error`]
//! into a JS `Error` whose `code` is the error kind's name.

pub mod client;
pub mod error;
pub mod model;
pub mod sentiment;
