//! The market data a client resolves to, one plain object per type of core's
//! `model::market` ([`tickersense::Quote`], [`tickersense::Bar`],
//! [`tickersense::History`], ...), with camelCase fields. Times are JS
//! `Date`s (millisecond precision); volumes, `u64` in core, are JS numbers:
//! exact up to 2^53, far above any real share volume.

use chrono::{DateTime, Utc};
use napi_derive::napi;

use crate::error::ErrorInfo;

/// The latest price of a symbol with its change against the previous close.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Quote {
    /// The symbol quoted, upper-case.
    pub symbol: String,
    /// Last traded price.
    pub price: f64,
    /// Close of the previous session.
    pub previous_close: f64,
    /// `price - previousClose`.
    pub change: f64,
    /// `change / previousClose * 100`.
    pub change_percent: f64,
    /// Shares traded in the current (or last) session (a `u64` in Rust; as a
    /// JS number it is exact up to `Number.MAX_SAFE_INTEGER`).
    pub volume: f64,
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
    pub fetched_at: DateTime<Utc>,
    /// True when the provider failed and this is the last quote it gave
    /// (served from the cache instead of an error); `fetchedAt` tells its age.
    pub stale: bool,
}

impl From<tickersense::Quote> for Quote {
    fn from(q: tickersense::Quote) -> Self {
        Quote {
            symbol: q.symbol.into(),
            price: q.price,
            previous_close: q.previous_close,
            change: q.change,
            change_percent: q.change_percent,
            volume: q.volume as f64,
            market_cap: q.market_cap,
            pe_ratio: q.pe_ratio,
            currency: q.currency,
            exchange: q.exchange,
            market_time: q.market_time,
            source: q.source,
            fetched_at: q.fetched_at,
            stale: q.stale,
        }
    }
}

/// One OHLCV bar; `timestamp` is the start of the bar.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Bar {
    /// Start of the bar (midnight in the exchange's time zone for daily and longer bars).
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
    /// Shares traded (a `u64` in Rust; as a JS number it is exact up to
    /// `Number.MAX_SAFE_INTEGER`).
    pub volume: f64,
}

impl From<tickersense::Bar> for Bar {
    fn from(b: tickersense::Bar) -> Self {
        Bar {
            timestamp: b.timestamp,
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
            adj_close: b.adj_close,
            volume: b.volume as f64,
        }
    }
}

/// A run of bars for one symbol and interval, oldest first.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct History {
    /// The symbol, upper-case.
    pub symbol: String,
    /// The width of each bar, e.g. `"1d"`.
    #[napi(ts_type = "Interval")]
    pub interval: String,
    /// Bars, oldest first, no two with the same timestamp.
    pub bars: Vec<Bar>,
    /// ISO currency code of the prices.
    pub currency: String,
    /// IANA time zone of the exchange, e.g. `America/New_York`.
    pub timezone: String,
    /// Yahoo's instrument type (`EQUITY`, `ETF`, `MUTUALFUND`, `INDEX`,
    /// `CURRENCY`, `CRYPTOCURRENCY`), or empty when the provider does not say.
    pub instrument_type: String,
    /// The provider the bars came from.
    pub source: String,
    /// Where this call got the bars: `"provider"`, `"cache"` or `"store"`.
    #[napi(ts_type = "Origin")]
    pub origin: String,
    /// Cash dividends whose ex-date lies in the range, oldest first.
    pub dividends: Vec<Dividend>,
    /// Stock splits whose date lies in the range, oldest first.
    pub splits: Vec<Split>,
    /// Capital gains distributed by funds in the range, oldest first.
    pub capital_gains: Vec<Dividend>,
    /// Start times of bars the provider listed without any price, oldest
    /// first. They are not in `bars`: a gap is never filled in.
    pub gaps: Vec<DateTime<Utc>>,
    /// When the provider gave these bars (for bars read from the store: when
    /// the newest of them was fetched).
    pub fetched_at: DateTime<Utc>,
    /// True when the provider failed and these are the last bars it gave for
    /// the same request (served instead of an error); `fetchedAt` tells their age.
    pub stale: bool,
}

impl From<tickersense::History> for History {
    fn from(h: tickersense::History) -> Self {
        History {
            symbol: h.symbol.into(),
            interval: h.interval.as_str().to_owned(),
            bars: h.bars.into_iter().map(Bar::from).collect(),
            currency: h.currency,
            timezone: h.timezone,
            instrument_type: h.instrument_type,
            source: h.source,
            origin: h.origin.as_str().to_owned(),
            dividends: h.dividends.into_iter().map(Dividend::from).collect(),
            splits: h.splits.into_iter().map(Split::from).collect(),
            capital_gains: h.capital_gains.into_iter().map(Dividend::from).collect(),
            gaps: h.gaps,
            fetched_at: h.fetched_at,
            stale: h.stale,
        }
    }
}

/// A cash dividend: `amount` per share in the history's currency, going
/// ex-dividend on the day of the bar stamped `timestamp`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Dividend {
    /// Start of the ex-dividend day's bar (as the bars are stamped).
    pub timestamp: DateTime<Utc>,
    /// Amount per share.
    pub amount: f64,
}

impl From<tickersense::Dividend> for Dividend {
    fn from(d: tickersense::Dividend) -> Self {
        Dividend {
            timestamp: d.timestamp,
            amount: d.amount,
        }
    }
}

/// A stock split of `numerator` new shares for `denominator` old ones (a
/// 10-for-1 split is 10/1; a 1-for-20 reverse split is 1/20).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Split {
    /// Start of the split day's bar (as the bars are stamped).
    pub timestamp: DateTime<Utc>,
    /// New shares.
    pub numerator: f64,
    /// Old shares.
    pub denominator: f64,
}

impl From<tickersense::Split> for Split {
    fn from(s: tickersense::Split) -> Self {
        Split {
            timestamp: s.timestamp,
            numerator: s.numerator,
            denominator: s.denominator,
        }
    }
}

/// One symbol's outcome in `historyMany`: exactly one of `history` and
/// `error` is present.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct HistoryResult {
    /// The symbol as asked for (upper-cased when it is valid).
    pub symbol: String,
    /// Its bars, when fetching them worked.
    pub history: Option<History>,
    /// Why fetching them failed: `code` is the error kind, as on a rejected
    /// call's `Error`.
    pub error: Option<ErrorInfo>,
}

impl From<(String, tickersense::Result<tickersense::History>)> for HistoryResult {
    fn from((symbol, result): (String, tickersense::Result<tickersense::History>)) -> Self {
        match result {
            Ok(history) => HistoryResult {
                symbol,
                history: Some(History::from(history)),
                error: None,
            },
            Err(err) => HistoryResult {
                symbol,
                history: None,
                error: Some(ErrorInfo::from(err)),
            },
        }
    }
}

/// One result of a symbol search.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SearchHit {
    /// The symbol.
    pub symbol: String,
    /// Company or instrument name.
    pub name: String,
    /// Yahoo's `quoteType`: `EQUITY`, `ETF`, `INDEX`, `CRYPTOCURRENCY`, `CURRENCY`.
    pub kind: String,
    /// Exchange code.
    pub exchange: String,
}

impl From<tickersense::SearchHit> for SearchHit {
    fn from(h: tickersense::SearchHit) -> Self {
        SearchHit {
            symbol: h.symbol.into(),
            name: h.name,
            kind: h.kind,
            exchange: h.exchange,
        }
    }
}
