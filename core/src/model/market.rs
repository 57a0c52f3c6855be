use chrono::{DateTime, Datelike, Utc};
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
    /// When the provider gave this quote.
    #[serde(default = "unix_epoch")]
    pub fetched_at: DateTime<Utc>,
    /// True when the provider failed and this is the last quote it gave
    /// (stale-on-error); `fetched_at` tells its age.
    #[serde(default)]
    pub stale: bool,
}

fn unix_epoch() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

impl Quote {
    /// A quote of `price` against `previous_close` from `source`, fetched
    /// now: change and change percent computed (0 % against a zero close),
    /// volume 0, no market cap or P/E, currency and exchange empty,
    /// `market_time` now. Set the rest with struct update syntax.
    pub fn new(symbol: Symbol, price: f64, previous_close: f64, source: &str) -> Quote {
        let change = price - previous_close;
        let now = Utc::now();
        Quote {
            symbol,
            price,
            previous_close,
            change,
            change_percent: if previous_close != 0.0 {
                change / previous_close * 100.0
            } else {
                0.0
            },
            volume: 0,
            market_cap: None,
            pe_ratio: None,
            currency: String::new(),
            exchange: String::new(),
            market_time: now,
            source: source.to_owned(),
            fetched_at: now,
            stale: false,
        }
    }

    /// Time since the provider gave this quote, as of `now` (zero if `now` is earlier).
    pub fn age(&self, now: DateTime<Utc>) -> std::time::Duration {
        (now - self.fetched_at).to_std().unwrap_or_default()
    }
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

/// The largest share count a bar or quote may carry: `i64::MAX`, the most
/// every store keeps exactly (SQLite and PostgreSQL hold signed 64-bit
/// integers). A provider answering more is answering nonsense.
pub const MAX_VOLUME: u64 = i64::MAX as u64;

/// Why a float read as a share count is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadVolume {
    /// Not a number, infinite or negative: no count at all.
    NotACount,
    /// Finite and positive but above [`MAX_VOLUME`].
    TooLarge,
}

/// A share count read as a float (JSON, CSV), rounded to the nearest share;
/// an error unless finite, not negative and at most [`MAX_VOLUME`], so a
/// count is never saturated into a wrong one.
pub fn volume_from_f64(v: f64) -> Result<u64, BadVolume> {
    // 2^63 is the first float above i64::MAX; every float below it rounds
    // to a count that fits.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !v.is_finite() || v < 0.0 {
        Err(BadVolume::NotACount)
    } else if v >= LIMIT {
        Err(BadVolume::TooLarge)
    } else {
        Ok(v.round() as u64)
    }
}

/// `t` when it lies in the years 1800 to 9999, the instants a bar can
/// start at: before are no markets, after is past what Python's `datetime`
/// and JavaScript's `Date` can show. Parsers of provider answers and files
/// check every stamp with it, so no date arithmetic on a stray stamp
/// overflows and no binding meets a date it cannot convert.
pub fn checked_instant(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (1800..=9999).contains(&t.year()).then_some(t)
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
    /// Yahoo's `instrumentType` (`EQUITY`, `ETF`, `MUTUALFUND`, `INDEX`,
    /// `CURRENCY`, `CRYPTOCURRENCY`), or empty when the provider does not say.
    #[serde(default)]
    pub instrument_type: String,
    /// The provider the bars came from.
    pub source: String,
    /// Whether this call fetched, or reused cached or stored bars.
    pub origin: Origin,
    /// Cash dividends whose ex-date lies in the range, oldest first.
    #[serde(default)]
    pub dividends: Vec<Dividend>,
    /// Stock splits whose date lies in the range, oldest first.
    #[serde(default)]
    pub splits: Vec<Split>,
    /// Capital gains distributed by funds (ETFs, mutual funds) in the range,
    /// oldest first, in the same shape as dividends.
    #[serde(default)]
    pub capital_gains: Vec<Dividend>,
    /// Start times of bars the provider listed without any price (Yahoo's
    /// all-`null` rows), oldest first. They are not in `bars`: a gap is
    /// never filled with zeros or copied prices.
    #[serde(default)]
    pub gaps: Vec<DateTime<Utc>>,
    /// When the provider gave these bars (for bars read from the store: when
    /// the newest of them was fetched).
    #[serde(default = "unix_epoch")]
    pub fetched_at: DateTime<Utc>,
    /// True when the provider failed and these are the last bars it gave
    /// for the same request (stale-on-error); `fetched_at` tells their age.
    #[serde(default)]
    pub stale: bool,
}

impl History {
    /// An empty history of `symbol` at `interval`, from `source`, fetched now.
    pub fn empty(symbol: Symbol, interval: Interval, source: impl Into<String>) -> Self {
        History {
            symbol,
            interval,
            bars: Vec::new(),
            currency: String::new(),
            timezone: "UTC".to_owned(),
            instrument_type: String::new(),
            source: source.into(),
            origin: Origin::Provider,
            dividends: Vec::new(),
            splits: Vec::new(),
            capital_gains: Vec::new(),
            gaps: Vec::new(),
            fetched_at: Utc::now(),
            stale: false,
        }
    }

    /// Keeps only the bars, gaps, dividends and splits stamped in `[start, end)`.
    pub fn retain_between(&mut self, start: DateTime<Utc>, end: DateTime<Utc>) {
        let inside = |t: DateTime<Utc>| t >= start && t < end;
        self.bars.retain(|b| inside(b.timestamp));
        self.gaps.retain(|t| inside(*t));
        self.dividends.retain(|d| inside(d.timestamp));
        self.splits.retain(|s| inside(s.timestamp));
        self.capital_gains.retain(|d| inside(d.timestamp));
    }

    /// Time since the provider gave these bars, as of `now`.
    pub fn age(&self, now: DateTime<Utc>) -> std::time::Duration {
        (now - self.fetched_at).to_std().unwrap_or_default()
    }
}

/// A cash dividend: `amount` per share in the history's currency, going
/// ex-dividend on the day of the bar stamped `timestamp`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Dividend {
    /// Start of the ex-dividend day's bar (as the bars are stamped).
    pub timestamp: DateTime<Utc>,
    /// Amount per share.
    pub amount: f64,
}

/// A stock split of `numerator` new shares for `denominator` old ones
/// (a 10-for-1 split is 10/1; a 1-for-20 reverse split is 1/20).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Split {
    /// Start of the split day's bar (as the bars are stamped).
    pub timestamp: DateTime<Utc>,
    /// New shares.
    pub numerator: f64,
    /// Old shares.
    pub denominator: f64,
}

impl Split {
    /// `numerator / denominator`, as yfinance's "Stock Splits" column shows it.
    pub fn ratio(&self) -> f64 {
        self.numerator / self.denominator
    }
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

    /// The range yfinance's `history(period, start, end)` means: the period
    /// counted back from now when neither bound is given; from `start` to
    /// `end` (or now) when `start` is; the period counted back from `end`
    /// when only `end` is (from 1900 for `max`).
    pub fn resolve(
        period: Period,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> HistoryRange {
        match (start, end) {
            (None, None) => HistoryRange::Period(period),
            (Some(start), end) => HistoryRange::Between {
                start,
                end: end.unwrap_or(now),
            },
            (None, Some(end)) => HistoryRange::Between {
                start: period.start(end).unwrap_or_else(|| {
                    // Yahoo's oldest series (indices) start in the 1920s.
                    DateTime::from_timestamp(-2_208_988_800, 0).unwrap_or(DateTime::UNIX_EPOCH)
                }),
                end,
            },
        }
    }

    /// The range a binding's `history(period, start, end)` arguments ask
    /// for: `period` in yfinance's spelling (default `1mo`), then
    /// [`HistoryRange::resolve`] at the current time.
    pub fn from_args(
        period: Option<&str>,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> crate::Result<HistoryRange> {
        let period = period.map_or(Ok(Period::default()), str::parse::<Period>)?;
        Ok(HistoryRange::resolve(period, start, end, Utc::now()))
    }

    /// Checks the range against how far back bars of `interval` exist
    /// ([`intraday_lookback`](super::intraday_lookback): 1m 7 days, 1h 730,
    /// other intraday 60), as yfinance does before asking: `InvalidInput`
    /// naming the limit.
    pub fn check_lookback(self, interval: Interval, now: DateTime<Utc>) -> crate::Result<()> {
        let Some(limit) = super::intraday_lookback(interval) else {
            return Ok(());
        };
        let (start, _) = self.bounds(now);
        // A minute of slack: "1mo" of 1h bars asked at 23:59:59.9 is fine.
        if start.is_none_or(|s| s < now - limit - chrono::Duration::minutes(1)) {
            return Err(crate::Error::invalid_input(format!(
                "{interval} bars are only available for the last {} days; ask for a shorter period or a later start",
                limit.num_days()
            )));
        }
        Ok(())
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
