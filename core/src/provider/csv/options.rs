//! What a `csv://DIR` URL says.

use chrono_tz::Tz;

use crate::error::{echo, Error, Result};
use crate::url::BackendUrl;

/// The options of a CSV URL, `csv://DIR[?tz=ZONE]`:
///
/// | option | default | meaning |
/// |---|---|---|
/// | `tz` | none: each row's own offset, else UTC | the exchange's IANA zone (`America/New_York`, or `America%2FNew_York`), spelt exactly |
///
/// The folder is taken literally (no percent-decoding: folder names may
/// hold `%` or spaces). Any other option is `InvalidInput`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// The folder holding one file per symbol.
    pub dir: String,
    /// The exchange's zone, if named.
    pub zone: Option<Tz>,
}

impl CsvOptions {
    /// Every option a CSV URL takes.
    pub const KNOWN: [&'static str; 1] = ["tz"];

    /// Reads a parsed `csv://` URL. No I/O; `InvalidInput` for a missing
    /// folder, an unknown zone or an unknown option.
    pub fn from_url(url: &BackendUrl) -> Result<Self> {
        let dir = url.location().trim();
        if dir.is_empty() {
            return Err(Error::invalid_input(
                "csv:// needs a folder, e.g. csv://data/prices",
            ));
        }
        let mut options = url.options();
        let zone = options
            .take("tz")?
            .map(|name| parse_zone(&name))
            .transpose()?;
        options.finish(&Self::KNOWN)?;
        Ok(CsvOptions {
            dir: dir.to_owned(),
            zone,
        })
    }

    /// Reads `spec`, a folder optionally followed by `?tz=ZONE` (a
    /// `csv://` URL without its scheme).
    pub fn parse(spec: &str) -> Result<Self> {
        Self::from_url(&BackendUrl::parse(
            &format!("csv://{spec}"),
            "market data",
            "csv://DIR",
        )?)
    }
}

/// An IANA zone name, exactly as spelt in the database. A name that differs
/// only in case is refused too, with the right spelling offered: reading
/// `america/new_york` as New York would accept a typo anywhere else.
fn parse_zone(name: &str) -> Result<Tz> {
    let name = name.trim();
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(tz);
    }
    let hint = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(name))
        .map(|tz| format!(" (names are case-sensitive: did you mean {:?}?)", tz.name()))
        .unwrap_or_default();
    Err(Error::invalid_input(format!(
        "unknown time zone {} for csv://{hint}; use an IANA name such as America/New_York",
        echo(name)
    )))
}
