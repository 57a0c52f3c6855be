use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Interval, Period, Symbol};

/// The latest price of a symbol with its change against the previous close
/// (the seed's `StockQuote`, plus where the numbers came from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The symbol quoted.
    pub symbol: Symbol,
    /// Last traded price.
    pub price: f64,
    /// Close of the previous session.
    pub previous_close: f64,
    /// `price - previous_close`.
    pub change: f64,
    /// `change / previous_close * 100`.
    pub change_percent: f64,
    /// Shares traded in the current (or last) session.
    pub volume: u64,
    /// Market capitalisation, when the provider knows it.
    pub market_cap: Option<f64>,
    /// Trailing price/earnings ratio, when the provider knows it.
    pub pe_ratio: Option<f64>,
    /// ISO currency code of the prices.
    pub currency: String,
    /// Exchange code, e.g. `NMS`.
    pub exchange: String,
    /// When the price was traded.
    pub market_time: DateTime<Utc>,
    /// The provider, e.g. `"sample (synthetic data)"` or `"yahoo"`.
    pub source: String,
}

/// One OHLCV bar. `timestamp` is the start of the bar; daily and longer bars
/// start at midnight in the exchange's time zone, as yfinance stamps them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// Start of the bar.
    pub timestamp: DateTime<Utc>,
    /// First price.
    pub open: f64,
    /// Highest price.
    pub high: f64,
    /// Lowest price.
    pub low: f64,
    /// Last price.
    pub close: f64,
    /// Close adjusted for splits and dividends, when known.
    pub adj_close: Option<f64>,
    /// Shares traded.
    pub volume: u64,
}

/// Where a value was served from, so callers (and the quickstart) can tell a
/// fresh fetch from a reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Fetched from the market-data provider by this call.
    Provider,
    /// Read from the cache.
    Cache,
    /// Read from the store, with at most the newest bars fetched.
    Store,
}

impl Origin {
    /// Lower-case name: `"provider"`, `"cache"` or `"store"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Origin::Provider => "provider",
            Origin::Cache => "cache",
            Origin::Store => "store",
        }
    }
}

/// A run of bars for one symbol and interval, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// The symbol.
    pub symbol: Symbol,
    /// The width of each bar.
    pub interval: Interval,
    /// Bars, oldest first, no two with the same timestamp.
    pub bars: Vec<Bar>,
    /// ISO currency code of the prices.
    pub currency: String,
    /// IANA time zone of the exchange, e.g. `America/New_York`.
    pub timezone: String,
    /// The provider the bars came from.
    pub source: String,
    /// Whether this call fetched, or reused cached or stored bars.
    pub origin: Origin,
}

/// Which stretch of time a history request covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryRange {
    /// A yfinance period counted back from now.
    Period(Period),
    /// Bars whose start lies in `[start, end)`.
    Between {
        /// First instant included.
        start: DateTime<Utc>,
        /// First instant excluded.
        end: DateTime<Utc>,
    },
}

impl HistoryRange {
    /// The `[start, end)` bounds at `now`; `None` as start means "from the beginning".
    pub fn bounds(self, now: DateTime<Utc>) -> (Option<DateTime<Utc>>, DateTime<Utc>) {
        match self {
            HistoryRange::Period(p) => (p.start(now), now),
            HistoryRange::Between { start, end } => (Some(start), end),
        }
    }
}

/// One result of a symbol search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The symbol.
    pub symbol: Symbol,
    /// Company or instrument name.
    pub name: String,
    /// Yahoo's `quoteType`: `EQUITY`, `ETF`, `INDEX`, `CRYPTOCURRENCY`, `CURRENCY`.
    pub kind: String,
    /// Exchange code.
    pub exchange: String,
}
