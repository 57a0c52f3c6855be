//! Market data: the [`MarketData`] trait (quote, history, search) and its
//! providers, chosen by URL through [`ProviderUrl`].
//!
//! - `sample://` — [`Sample`]: offline, deterministic, synthetic data.
//! - `yahoo://` — [`Yahoo`]: Yahoo Finance; `yahoo+http://HOST:PORT` speaks the
//!   same protocol to another base URL (replay servers, tests). Either takes
//!   `?max_body=BYTES`, the largest answer read (32 MiB by default).
//! - `csv://DIR` — [`Csv`]: one yfinance-style CSV file per symbol;
//!   `?tz=ZONE` names the exchange's IANA zone.

mod csv;
mod sample;
mod tickers;
pub mod yahoo;
mod zone;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{nothing_after, split_scheme, unknown_scheme};
use crate::error::{echo, redact_url, Error, RedactedUrl, Result};
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

/// A parsed market-data URL. Its `Debug` form hides any password, as
/// [`redact_url`] does.
#[derive(Clone, PartialEq, Eq)]
pub enum ProviderUrl {
    /// `sample://`: the built-in synthetic provider.
    Sample,
    /// `yahoo://` (Yahoo Finance's public hosts) or `yahoo+http://HOST:PORT`,
    /// `yahoo+https://...` (the Yahoo protocol at another base URL), each
    /// optionally with `?max_body=BYTES`.
    Yahoo {
        /// The base URL, without the `yahoo+` prefix and the options; `None`
        /// for Yahoo's own hosts.
        base: Option<String>,
        /// `?max_body=BYTES`: the largest answer read, in place of
        /// [`ResiliencePolicy::max_body_bytes`].
        max_body_bytes: Option<usize>,
    },
    /// `csv://DIR`, optionally `?tz=ZONE`: CSV files in this folder.
    Csv(String),
}

impl std::fmt::Debug for ProviderUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProviderUrl::Sample => f.write_str("Sample"),
            ProviderUrl::Yahoo {
                base,
                max_body_bytes,
            } => f
                .debug_struct("Yahoo")
                .field("base", &base.as_deref().map(RedactedUrl))
                .field("max_body_bytes", max_body_bytes)
                .finish(),
            ProviderUrl::Csv(dir) => f.debug_tuple("Csv").field(dir).finish(),
        }
    }
}

impl ProviderUrl {
    /// Parses a market-data URL without any I/O.
    pub fn parse(url: &str) -> Result<Self> {
        let (scheme, rest) = split_scheme(url, "market data", ACCEPTED)?;
        match scheme {
            "sample" => {
                nothing_after("market data source", scheme, rest).map(|()| ProviderUrl::Sample)
            }
            "yahoo" => {
                let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
                if !host.trim_matches('/').is_empty() {
                    return Err(Error::invalid_input(
                        "yahoo:// takes no host; use yahoo+http://HOST:PORT for another base URL",
                    ));
                }
                let pairs = ::url::form_urlencoded::parse(query.as_bytes());
                Ok(ProviderUrl::Yahoo {
                    base: None,
                    max_body_bytes: yahoo_options(pairs)?,
                })
            }
            "yahoo+http" | "yahoo+https" => {
                let given = url.trim().trim_start_matches("yahoo+");
                let mut base = match ::url::Url::parse(given) {
                    Ok(u) if u.host_str().is_some() => u,
                    _ => {
                        return Err(Error::invalid_input(format!(
                            "invalid Yahoo base URL {}; expected yahoo+http://HOST:PORT",
                            echo(&redact_url(url.trim()))
                        )))
                    }
                };
                let max_body_bytes = yahoo_options(base.query_pairs())?;
                base.set_query(None);
                Ok(ProviderUrl::Yahoo {
                    base: Some(base.as_str().trim_end_matches('/').to_owned()),
                    max_body_bytes,
                })
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

    /// Builds the provider; HTTP providers follow `policy`, with the URL's
    /// own options in place of the policy's. No I/O.
    pub fn connect(&self, mut policy: ResiliencePolicy) -> Result<Arc<dyn MarketData>> {
        Ok(match self {
            ProviderUrl::Sample => Arc::new(Sample::new()),
            ProviderUrl::Yahoo {
                base,
                max_body_bytes,
            } => {
                if let Some(limit) = *max_body_bytes {
                    policy.max_body_bytes = limit;
                }
                match base {
                    None => Arc::new(Yahoo::public(policy)?),
                    Some(base) => Arc::new(Yahoo::at(base, policy)?),
                }
            }
            ProviderUrl::Csv(dir) => Arc::new(Csv::new(dir)?),
        })
    }
}

/// The options of a Yahoo URL: `max_body=BYTES` (a whole number above 0);
/// any other is `InvalidInput`, so a misspelt option is not silently ignored.
fn yahoo_options<'a>(
    pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> Result<Option<usize>> {
    let mut max_body = None;
    for (key, value) in pairs {
        match &*key {
            "max_body" => {
                let bytes = value.trim().parse::<usize>().ok().filter(|n| *n > 0);
                max_body = Some(bytes.ok_or_else(|| {
                    Error::invalid_input(format!(
                        "max_body must be a number of bytes above 0, not {}",
                        echo(&value)
                    ))
                })?);
            }
            other => {
                return Err(Error::invalid_input(format!(
                    "unknown Yahoo URL option {}; the one option is max_body=BYTES",
                    echo(other)
                )))
            }
        }
    }
    Ok(max_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        assert_eq!(
            ProviderUrl::parse("yahoo://").unwrap(),
            ProviderUrl::Yahoo {
                base: None,
                max_body_bytes: None
            }
        );
        assert_eq!(
            ProviderUrl::parse("yahoo+http://127.0.0.1:8080").unwrap(),
            ProviderUrl::Yahoo {
                base: Some("http://127.0.0.1:8080".into()),
                max_body_bytes: None
            }
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

    #[test]
    fn yahoo_urls_take_max_body_and_nothing_else() {
        assert_eq!(
            ProviderUrl::parse("yahoo://?max_body=1048576").unwrap(),
            ProviderUrl::Yahoo {
                base: None,
                max_body_bytes: Some(1 << 20)
            }
        );
        assert_eq!(
            ProviderUrl::parse("yahoo+http://127.0.0.1:8080/?max_body=4096").unwrap(),
            ProviderUrl::Yahoo {
                base: Some("http://127.0.0.1:8080".into()),
                max_body_bytes: Some(4096)
            }
        );
        for bad in [
            "yahoo://?max_body=0",
            "yahoo://?max_body=lots",
            "yahoo://?maxbody=10",
            "yahoo+http://127.0.0.1:8080?max_body=-1",
            "yahoo+http://127.0.0.1:8080?crumb=x",
        ] {
            assert_eq!(
                ProviderUrl::parse(bad).unwrap_err().kind(),
                crate::ErrorKind::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_hides_passwords() {
        let url = ProviderUrl::parse("yahoo+http://bob:hunter2@127.0.0.1:8080").unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("127.0.0.1:8080"), "{shown}");
    }
}
