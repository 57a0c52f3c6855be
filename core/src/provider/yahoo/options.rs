//! What a `yahoo://` or `yahoo+http://HOST:PORT` URL says.

use crate::error::{Error, Result};
use crate::url::{BackendUrl, RedactedUrl};

/// The options of a Yahoo URL: `yahoo://` (Yahoo Finance's public hosts)
/// or `yahoo+http://HOST:PORT` / `yahoo+https://...` (the same protocol at
/// another base URL: replay servers, tests).
///
/// | option | default | meaning |
/// |---|---|---|
/// | `max_body` | [`ResiliencePolicy::max_body_bytes`](crate::resilience::ResiliencePolicy::max_body_bytes) (32 MiB) | largest answer read, in bytes (above 0) |
///
/// Any other option is `InvalidInput`. Its `Debug` form hides a password
/// in the base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct YahooOptions {
    /// The base URL, without the `yahoo+` prefix and the options; `None`
    /// for Yahoo's own hosts.
    pub base: Option<String>,
    /// `?max_body=BYTES`: the largest answer read, in place of the policy's.
    pub max_body_bytes: Option<usize>,
}

impl YahooOptions {
    /// Every option a Yahoo URL takes.
    pub const KNOWN: [&'static str; 1] = ["max_body"];

    /// Reads a parsed `yahoo://` or `yahoo+http(s)://` URL. No I/O;
    /// `InvalidInput` for a host after `yahoo://`, an unknown option or a
    /// bad value.
    pub fn from_url(url: &BackendUrl) -> Result<Self> {
        if url.base().is_none() && !url.location().trim_matches('/').is_empty() {
            return Err(Error::invalid_input(
                "yahoo:// takes no host; use yahoo+http://HOST:PORT for another base URL",
            ));
        }
        let mut options = url.options();
        let max_body_bytes =
            options.take_parsed("max_body", "a number of bytes above 0", |n: &usize| *n > 0)?;
        options.finish(&Self::KNOWN)?;
        Ok(YahooOptions {
            base: url.base().map(str::to_owned),
            max_body_bytes,
        })
    }
}

impl std::fmt::Debug for YahooOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YahooOptions")
            .field("base", &self.base.as_deref().map(RedactedUrl))
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
