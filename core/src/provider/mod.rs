//! Market data: the [`MarketData`] trait (quote, history, search) and its
//! providers, chosen by URL through [`ProviderUrl`].
//!
//! - `sample://` — [`Sample`]: offline, deterministic, synthetic data.
//! - `yahoo://` — [`Yahoo`]: Yahoo Finance; `yahoo+http://HOST:PORT` speaks the
//!   same protocol to another base URL (replay servers, tests).
//! - `csv://DIR` — [`Csv`]: one yfinance-style CSV file per symbol.

mod csv;
mod sample;
mod tickers;
pub mod yahoo;
mod zone;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{split_scheme, unknown_scheme};
use crate::error::{redact_url, Error, Result};
use crate::model::{History, HistoryRange, Interval, Quote, SearchHit, Symbol};
use crate::resilience::ResiliencePolicy;

pub use self::csv::Csv;
pub use sample::Sample;
pub use yahoo::Yahoo;

/// A source of quotes, price history and symbol search.
///
/// Implementations validate what only they can know (which symbols exist,
/// which ranges they serve) and answer with typed errors; callers have
/// already validated the symbol, period and interval.
#[async_trait]
pub trait MarketData: Send + Sync {
    /// A short name for `source` fields and logs, e.g. `"sample (synthetic data)"`.
    fn name(&self) -> &str;

    /// The latest quote for `symbol`.
    async fn quote(&self, symbol: &Symbol) -> Result<Quote>;

    /// Bars of `interval` width covering `range`, oldest first.
    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History>;

    /// Up to `limit` instruments matching `query` by symbol or name, best first.
    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>>;

    /// True when a bar, once its period has ended, never changes, so stored
    /// bars can be topped up with the newest ones instead of fetched again.
    /// False (the default) for providers whose adjusted closes are revised
    /// by each new dividend or split, and whose answers carry events and gaps
    /// the store does not keep: every cache miss then fetches the whole range.
    fn bars_are_final(&self) -> bool {
        false
    }
}

const ACCEPTED: &str = "sample://, yahoo://, yahoo+http://HOST:PORT, csv://DIR";

/// A parsed market-data URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderUrl {
    /// `sample://`: the built-in synthetic provider.
    Sample,
    /// `yahoo://`: Yahoo Finance's public hosts.
    Yahoo,
    /// `yahoo+http://HOST:PORT` or `yahoo+https://...`: the Yahoo protocol at
    /// this base URL (kept without the `yahoo+` prefix).
    YahooAt(String),
    /// `csv://DIR`: CSV files in this folder.
    Csv(String),
}

impl ProviderUrl {
    /// Parses a market-data URL without any I/O.
    pub fn parse(url: &str) -> Result<Self> {
        let (scheme, rest) = split_scheme(url, "market data", ACCEPTED)?;
        match scheme {
            "sample" => Ok(ProviderUrl::Sample),
            "yahoo" if rest.trim_matches('/').is_empty() => Ok(ProviderUrl::Yahoo),
            "yahoo" => Err(Error::invalid_input(
                "yahoo:// takes no host; use yahoo+http://HOST:PORT for another base URL",
            )),
            "yahoo+http" | "yahoo+https" => {
                let base = url.trim().trim_start_matches("yahoo+");
                match ::url::Url::parse(base) {
                    Ok(u) if u.host_str().is_some() => Ok(ProviderUrl::YahooAt(base.to_owned())),
                    _ => Err(Error::invalid_input(format!(
                        "invalid Yahoo base URL {}; expected yahoo+http://HOST:PORT",
                        redact_url(url.trim())
                    ))),
                }
            }
            "csv" if !rest.trim().is_empty() => {
                // Options are checked here, so a bad one fails at validation.
                Csv::new(rest.trim())?;
                Ok(ProviderUrl::Csv(rest.trim().to_owned()))
            }
            "csv" => Err(Error::invalid_input(
                "csv:// needs a folder, e.g. csv://data/prices",
            )),
            other => Err(unknown_scheme("market data", other, ACCEPTED)),
        }
    }

    /// Builds the provider; HTTP providers follow `policy`. No I/O.
    pub fn connect(&self, policy: ResiliencePolicy) -> Result<Arc<dyn MarketData>> {
        Ok(match self {
            ProviderUrl::Sample => Arc::new(Sample::new()),
            ProviderUrl::Yahoo => Arc::new(Yahoo::public(policy)?),
            ProviderUrl::YahooAt(base) => Arc::new(Yahoo::at(base, policy)?),
            ProviderUrl::Csv(dir) => Arc::new(Csv::new(dir)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        assert_eq!(ProviderUrl::parse("yahoo://").unwrap(), ProviderUrl::Yahoo);
        assert_eq!(
            ProviderUrl::parse("yahoo+http://127.0.0.1:8080").unwrap(),
            ProviderUrl::YahooAt("http://127.0.0.1:8080".into())
        );
        assert_eq!(
            ProviderUrl::parse("csv://data/prices").unwrap(),
            ProviderUrl::Csv("data/prices".into())
        );
        for bad in ["yahoo://example.com", "yahoo+http://", "csv://", "ftp://x"] {
            assert_eq!(
                ProviderUrl::parse(bad).unwrap_err().kind(),
                crate::ErrorKind::InvalidInput,
                "{bad}"
            );
        }
        let err = ProviderUrl::parse("yahoo+http://bob:secret@").unwrap_err();
        assert!(!err.message().contains("secret"), "{}", err.message());
    }
}
