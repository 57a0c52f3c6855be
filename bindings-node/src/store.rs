//! What the store holds, as plain objects: one per
//! [`tickersense::store::StoredSeries`]. Times are JS `Date`s; bar counts,
//! `u64` in core, are JS numbers (exact up to 2^53).

use chrono::{DateTime, Utc};
use napi_derive::napi;

/// One stored price series and how far it reaches.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct StoredSeries {
    /// The symbol, upper-case.
    pub symbol: String,
    /// The bar interval, e.g. `"1d"`.
    #[napi(ts_type = "Interval")]
    pub interval: String,
    /// Bars stored.
    pub bars: f64,
    /// Start of the oldest stored bar.
    pub first_bar: Option<DateTime<Utc>>,
    /// Start of the newest stored bar.
    pub last_bar: Option<DateTime<Utc>>,
    /// First instant fetched from the provider; absent when fetched from the
    /// very beginning or when no fetch is recorded (see `coveredTo`).
    pub covered_from: Option<DateTime<Utc>>,
    /// The instant the last fetch reached; absent when no fetch is recorded.
    pub covered_to: Option<DateTime<Utc>>,
}

impl From<tickersense::store::StoredSeries> for StoredSeries {
    fn from(s: tickersense::store::StoredSeries) -> Self {
        StoredSeries {
            symbol: s.symbol.into(),
            interval: s.interval.as_str().to_owned(),
            bars: s.bars as f64,
            first_bar: s.first_bar,
            last_bar: s.last_bar,
            covered_from: s.coverage.and_then(|c| c.from),
            covered_to: s.coverage.map(|c| c.to),
        }
    }
}
