//! Market data: the [`MarketData`] trait (quote, history, search) and its
//! providers, chosen by URL through [`ProviderUrl`].
//!
//! - `sample://` — [`Sample`]: offline, deterministic, synthetic data. Takes
//!   no options.
//! - `yahoo://` — `Yahoo` (feature `yahoo`): Yahoo Finance;
//!   `yahoo+http://HOST:PORT` speaks the same protocol to another base URL
//!   (replay servers, tests). Options (`YahooOptions`): `?max_body=BYTES`,
//!   the largest answer read (32 MiB by default).
//! - `csv://DIR` — [`Csv`]: one yfinance-style CSV file per symbol. Options
//!   ([`CsvOptions`]): `?tz=ZONE` names the exchange's IANA zone.
//!
//! An option a provider does not read is `InvalidInput` naming the ones it
//! does.

mod csv;
mod sample;
mod tickers;
mod url;
#[cfg(feature = "yahoo")]
pub mod yahoo;
mod zone;

use async_trait::async_trait;

use crate::error::Result;
use crate::model::{History, HistoryRange, Interval, Quote, SearchHit, Symbol};

pub use self::csv::{Csv, CsvOptions};
pub use sample::Sample;
pub use url::{ProviderBackend, ProviderUrl};
#[cfg(feature = "yahoo")]
pub use yahoo::{Yahoo, YahooOptions};

/// A source of quotes, price history and symbol search.
///
/// Implementations validate what only they can know (which symbols exist,
/// which ranges they serve) and answer with typed errors; callers have
/// already validated the symbol, period and interval.
#[async_trait]
pub trait MarketData: Send + Sync {
    /// A short name for `source` fields and logs, e.g. `"sample (synthetic data)"`.
    fn name(&self) -> &str;

    /// The latest quote for `symbol`. One request to an HTTP provider;
    /// a file read for CSV.
    async fn quote(&self, symbol: &Symbol) -> Result<Quote>;

    /// Bars of `interval` width covering `range`, oldest first. One
    /// request (or file read), O(bars).
    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History>;

    /// Up to `limit` instruments matching `query` by symbol or name, best first.
    /// One request to an HTTP provider.
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

/// `history`'s bars as [`MarketData::history`] promises them: oldest
/// first, one bar a timestamp. For adapters over providers the library
/// does not own (the bindings' Python and JS providers, the client's guard
/// around a Rust one). Two bars at one instant are `Upstream`, naming
/// `what` gave them. One sort.
pub fn keep_history_promise(history: &mut crate::model::History, what: &str) -> crate::Result<()> {
    history.bars.sort_by_key(|b| b.timestamp);
    match history
        .bars
        .windows(2)
        .find(|w| w[0].timestamp == w[1].timestamp)
    {
        Some(twice) => Err(crate::Error::new(
            crate::ErrorKind::Upstream,
            format!("{what} gave two bars starting at {}", twice[0].timestamp),
        )),
        None => Ok(()),
    }
}
