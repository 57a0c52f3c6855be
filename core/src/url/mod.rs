//! Backend URLs, read once: the scheme, an optional `+http://HOST:PORT` base
//! override, the location after `://` and the query options, percent-decoded
//! ([`BackendUrl`]); the way a backend takes its own options and refuses the
//! rest ([`Options`]); option values that are durations
//! ([`parse_duration`], shown by [`format_duration`]); how a URL is shown without its secrets
//! ([`redact_url`], [`RedactedUrl`]); and a URL parsed together with the
//! backend it names ([`Parsed`], for each family a [`BackendKind`]).
//!
//! This module sits at the bottom of the crate: it knows no backend and no
//! configuration, only [`crate::error`]. Each backend reads its own options
//! through it, and the configuration holds what the backends parsed.

mod backend;
mod duration;
mod options;
mod parsed;
mod redact;
#[cfg(test)]
mod tests;

pub use backend::BackendUrl;
pub use duration::{format_duration, parse_duration};
pub use options::Options;
pub use parsed::{BackendKind, Parsed};
pub use redact::{redact_secrets, redact_url, RedactedUrl};
