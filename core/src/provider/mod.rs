//! Market data: the [`MarketData`] trait (quote, history, search) and its
//! providers, chosen by URL through [`ProviderUrl`].
//!
//! - `sample://` — [`Sample`]: offline, deterministic, synthetic data.

mod sample;
mod tickers;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{split_scheme, unknown_scheme};
use crate::error::Result;
use crate::model::{History, HistoryRange, Interval, Quote, SearchHit, Symbol};

pub use sample::Sample;

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
}

const ACCEPTED: &str = "sample://";

/// A parsed market-data URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderUrl {
    /// `sample://`: the built-in synthetic provider.
    Sample,
}

impl ProviderUrl {
    /// Parses a market-data URL without any I/O.
    pub fn parse(url: &str) -> Result<Self> {
        let (scheme, _) = split_scheme(url, "market data", ACCEPTED)?;
        match scheme {
            "sample" => Ok(ProviderUrl::Sample),
            other => Err(unknown_scheme("market data", other, ACCEPTED)),
        }
    }

    /// Builds the provider.
    pub fn connect(&self) -> Result<Arc<dyn MarketData>> {
        match self {
            ProviderUrl::Sample => Ok(Arc::new(Sample::new())),
        }
    }
}
