//! Headers given by name and value, checked once they are needed.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{echo, Error, Result};

/// Headers collected one by one (each value marked sensitive, so it never
/// shows in debug output), remembering the first one that cannot be sent
/// so the builder or request can fail with it later instead of at once.
#[derive(Debug, Default, Clone)]
pub(super) struct Headers {
    map: HeaderMap,
    first_bad: Option<String>,
}

impl Headers {
    /// Adds `name: value`, or, when either cannot be sent, notes the name
    /// (the first such only). O(1) besides copying the two.
    pub(super) fn add(&mut self, name: &str, value: &str) {
        match parse_header(name, value) {
            Some((name, value)) => {
                self.map.append(name, value);
            }
            None => self.first_bad = self.first_bad.take().or_else(|| Some(name.to_owned())),
        }
    }

    /// The headers, or `InvalidInput` naming the first that could not be
    /// sent (not its value). O(1).
    pub(super) fn checked(&self) -> Result<&HeaderMap> {
        match &self.first_bad {
            Some(name) => Err(bad_header(name)),
            None => Ok(&self.map),
        }
    }
}

fn parse_header(name: &str, value: &str) -> Option<(HeaderName, HeaderValue)> {
    let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some((name, value))
}

/// `InvalidInput` for the header `name`, which has a name or value that
/// cannot be sent; the value is never echoed.
pub(super) fn bad_header(name: &str) -> Error {
    Error::invalid_input(format!(
        "the HTTP header {} has a name or value that cannot be sent",
        echo(name)
    ))
}
