//! The clients' constructor arguments as core's `ConfigOverrides` (core
//! `config`), and how a client shows its configuration.

use pyo3::prelude::*;
use tickersense::resilience::checked_timeout;
use tickersense::{Config, ConfigOverrides};

use crate::args::{opt_text, Int, Seconds, Text};
use crate::error::py_result;
use crate::runtime::guarded;

/// What `Client(...)` and `AsyncClient(...)` were given.
pub struct Options {
    overrides: ConfigOverrides,
    timeout: Option<Seconds>,
    retries: Option<Int>,
}

impl Options {
    /// The arguments as given; nothing is checked until [`Options::resolve`].
    pub fn new(
        store: Option<Text>,
        cache: Option<Text>,
        market_data: Option<Text>,
        social: Option<Text>,
        analyzer: Option<Text>,
        timeout: Option<Seconds>,
        retries: Option<Int>,
    ) -> Self {
        Options {
            overrides: ConfigOverrides {
                store: opt_text(store),
                cache: opt_text(cache),
                market_data: opt_text(market_data),
                social: opt_text(social),
                analyzer: opt_text(analyzer),
            },
            timeout,
            retries,
        }
    }

    /// The configuration: these arguments over `TICKERSENSE_*` over the
    /// defaults. Reads the environment; no I/O beyond that.
    pub fn resolve(self) -> PyResult<Config> {
        let mut config = guarded(|| Config::resolve(self.overrides))?;
        if let Some(Seconds(secs)) = self.timeout {
            config.resilience.timeout = py_result(checked_timeout(secs))?;
        }
        if let Some(retries) = self.retries {
            config.resilience.max_retries = retries.within("retries", 0, i64::from(u32::MAX))?;
        }
        Ok(config)
    }
}

/// `Client(store=..., ...)` with every URL's password hidden.
pub fn repr(class: &str, config: &Config) -> String {
    use tickersense::error::redact_url;
    format!(
        "{class}(store={:?}, cache={:?}, market_data={:?}, social={:?}, analyzer={:?})",
        redact_url(&config.store),
        redact_url(&config.cache),
        redact_url(&config.market_data),
        redact_url(&config.social),
        config.analyzer
    )
}
