//! The chart endpoint's answer (`/v8/finance/chart/{symbol}`) turned into a
//! [`History`] or a [`Quote`]: time zones from `meta`, daily bars stamped at
//! midnight of their exchange date, all-`null` rows kept as gaps, dividends
//! and splits from `events`.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::answer::{error_from_yahoo, find_error, malformed, sanitize_json};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    volume_from_f64, Bar, Dividend, History, Interval, Origin, Quote, Split, Symbol,
};

#[derive(Deserialize)]
struct Envelope {
    chart: Option<Chart>,
}

#[derive(Deserialize)]
struct Chart {
    result: Option<Vec<ChartResult>>,
}

#[derive(Deserialize)]
struct ChartResult {
    #[serde(default)]
    meta: Meta,
    timestamp: Option<Vec<Option<i64>>>,
    events: Option<Events>,
    indicators: Option<Indicators>,
}

/// The fields of `meta` the library reads; every one may be missing or `null`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Meta {
    currency: Option<String>,
    exchange_name: Option<String>,
    exchange_timezone_name: Option<String>,
    instrument_type: Option<String>,
    gmtoffset: Option<i64>,
    regular_market_price: Option<f64>,
    previous_close: Option<f64>,
    chart_previous_close: Option<f64>,
    regular_market_volume: Option<f64>,
    regular_market_time: Option<i64>,
}

#[derive(Deserialize)]
struct Events {
    dividends: Option<BTreeMap<String, DividendEvent>>,
    splits: Option<BTreeMap<String, SplitEvent>>,
    #[serde(rename = "capitalGains")]
    capital_gains: Option<BTreeMap<String, DividendEvent>>,
}

#[derive(Deserialize)]
struct DividendEvent {
    amount: Option<f64>,
    date: Option<i64>,
}

#[derive(Deserialize)]
struct SplitEvent {
    date: Option<i64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
}

#[derive(Deserialize)]
struct Indicators {
    #[serde(default)]
    quote: Vec<QuoteSeries>,
    #[serde(default)]
    adjclose: Vec<AdjCloseSeries>,
}

#[derive(Default, Deserialize)]
struct QuoteSeries {
    #[serde(default)]
    open: Vec<Option<f64>>,
    #[serde(default)]
    high: Vec<Option<f64>>,
    #[serde(default)]
    low: Vec<Option<f64>>,
    #[serde(default)]
    close: Vec<Option<f64>>,
    #[serde(default)]
    volume: Vec<Option<f64>>,
}

#[derive(Deserialize)]
struct AdjCloseSeries {
    #[serde(default)]
    adjclose: Vec<Option<f64>>,
}

/// The exchange's clock: its IANA zone when Yahoo names one we know, else
/// the fixed `gmtoffset`, else UTC.
#[derive(Debug, Clone, Copy)]
enum Zone {
    Named(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    fn of(meta: &Meta) -> Zone {
        if let Some(tz) = meta
            .exchange_timezone_name
            .as_deref()
            .and_then(|n| n.parse::<Tz>().ok())
        {
            return Zone::Named(tz);
        }
        let offset = meta
            .gmtoffset
            .and_then(|s| i32::try_from(s).ok())
            .and_then(FixedOffset::east_opt)
            .unwrap_or(Utc.fix());
        Zone::Fixed(offset)
    }

    /// The IANA name pandas and chrono-tz understand.
    fn name(self) -> String {
        match self {
            Zone::Named(tz) => tz.name().to_owned(),
            Zone::Fixed(off) => {
                let secs = off.local_minus_utc();
                // Etc/GMT zones have inverted signs and exist for whole hours only.
                if secs % 3600 == 0 && secs != 0 {
                    format!("Etc/GMT{:+}", -secs / 3600)
                } else {
                    "UTC".to_owned()
                }
            }
        }
    }

    fn hour_and_minute(self, t: DateTime<Utc>) -> (u32, u32) {
        use chrono::Timelike;
        match self {
            Zone::Named(tz) => {
                let l = t.with_timezone(&tz);
                (l.hour(), l.minute())
            }
            Zone::Fixed(off) => {
                let l = t.with_timezone(&off);
                (l.hour(), l.minute())
            }
        }
    }

    fn date_of(self, t: DateTime<Utc>) -> NaiveDate {
        match self {
            Zone::Named(tz) => t.with_timezone(&tz).date_naive(),
            Zone::Fixed(off) => t.with_timezone(&off).date_naive(),
        }
    }

    /// Midnight starting `date` on the exchange's clock, in UTC. Where the
    /// clocks skip midnight (a DST change at 00:00) the day starts at the first
    /// instant that exists.
    fn midnight(self, date: NaiveDate) -> Option<DateTime<Utc>> {
        let local = date.and_hms_opt(0, 0, 0)?;
        let start = |hour: u32| date.and_hms_opt(hour, 0, 0);
        match self {
            Zone::Named(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .or_else(|| start(1).and_then(|l| tz.from_local_datetime(&l).earliest()))
                .map(|t| t.with_timezone(&Utc)),
            Zone::Fixed(off) => off
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc)),
        }
    }
}

/// Turns Yahoo's instant for a bar into the library's stamp: as given for
/// intraday bars; midnight of its exchange date for daily and longer ones
/// (Yahoo stamps those at the session open, or at the last trade for a
/// session still running).
fn stamp(zone: Zone, interval: Interval, secs: i64) -> Option<DateTime<Utc>> {
    let t = DateTime::<Utc>::from_timestamp(secs, 0)?;
    if interval.is_intraday() {
        return Some(t);
    }
    // Yahoo sometimes stamps a day or week at 22:00 or 23:00 of the evening
    // before (a time-zone rule it applied wrongly): that bar belongs to the
    // next date. yfinance moves it the same way; events are never moved.
    let moved = match interval {
        Interval::D1 | Interval::Wk1 => {
            let hour = zone.hour_and_minute(t);
            match hour {
                (h @ (22 | 23), 0) => t + chrono::Duration::hours(i64::from(24 - h)),
                _ => t,
            }
        }
        _ => t,
    };
    zone.midnight(zone.date_of(moved))
}

/// Midnight of the exchange date of an event's instant (never moved).
fn event_stamp(zone: Zone, interval: Interval, secs: i64) -> Option<DateTime<Utc>> {
    let t = DateTime::<Utc>::from_timestamp(secs, 0)?;
    if interval.is_intraday() {
        Some(t)
    } else {
        zone.midnight(zone.date_of(t))
    }
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Reads a chart answer's one result, or the error Yahoo put in its place.
fn chart_result(body: &[u8], what: &str) -> Result<ChartResult> {
    let json = sanitize_json(body);
    if let Some(err) = find_error(&json) {
        return Err(error_from_yahoo(&err, what));
    }
    let envelope: Envelope =
        serde_json::from_slice(&json).map_err(|e| malformed(body, what, &e))?;
    envelope
        .chart
        .and_then(|c| c.result)
        .and_then(|r| r.into_iter().next())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Upstream,
                format!("Yahoo {what} answered without a result"),
            )
        })
}

/// Parses a chart answer into the bars of `symbol` at `interval`.
///
/// Never panics, whatever the bytes (fuzzed: `core/fuzz`). A row whose four
/// prices are all `null` is a gap ([`History::gaps`]); a row with only some
/// prices, a non-finite one, or a negative volume is treated the same, so no
/// bar is ever invented or filled with zeros. A `null` volume next to real
/// prices (Yahoo's way for some indices) reads as 0. Of two daily rows that
/// end the series on one date (Yahoo lists the running session apart) the
/// later is kept; of other rows sharing a stamp, the first. These are
/// yfinance's rules.
pub fn parse_chart(body: &[u8], symbol: &Symbol, interval: Interval) -> Result<History> {
    let result = chart_result(body, "chart")?;
    let zone = Zone::of(&result.meta);
    let mut history = History::empty(symbol.clone(), interval, super::SOURCE);
    history.currency = result.meta.currency.clone().unwrap_or_default();
    history.instrument_type = result.meta.instrument_type.clone().unwrap_or_default();
    history.timezone = zone.name();
    history.origin = Origin::Provider;

    let indicators = result.indicators;
    let (quote, adjclose) = match indicators {
        Some(i) => (
            i.quote.into_iter().next().unwrap_or_default(),
            i.adjclose.into_iter().next().map(|a| a.adjclose),
        ),
        None => (QuoteSeries::default(), None),
    };
    let at = |v: &Vec<Option<f64>>, i: usize| finite(v.get(i).copied().flatten());
    for (i, secs) in result.timestamp.unwrap_or_default().into_iter().enumerate() {
        let Some(timestamp) = secs.and_then(|s| stamp(zone, interval, s)) else {
            continue;
        };
        let prices = (
            at(&quote.open, i),
            at(&quote.high, i),
            at(&quote.low, i),
            at(&quote.close, i),
        );
        let volume = match quote.volume.get(i).copied().flatten() {
            None => Some(0),
            Some(v) => volume_from_f64(v),
        };
        match (prices, volume) {
            ((Some(open), Some(high), Some(low), Some(close)), Some(volume)) => {
                history.bars.push(Bar {
                    timestamp,
                    open,
                    high,
                    low,
                    close,
                    adj_close: adjclose.as_ref().and_then(|a| at(a, i)),
                    volume,
                });
            }
            _ => history.gaps.push(timestamp),
        }
    }
    history.bars.sort_by_key(|b| b.timestamp);
    // yfinance's rules for rows sharing a stamp: the running session that a
    // daily series lists apart at its end replaces the partial row before
    // it; anywhere else the first row wins.
    let bars = &mut history.bars;
    if interval == Interval::D1
        && bars.len() >= 2
        && bars[bars.len() - 1].timestamp == bars[bars.len() - 2].timestamp
    {
        bars.remove(bars.len() - 2);
    }
    bars.dedup_by_key(|b| b.timestamp);
    history.gaps.sort();
    history.gaps.dedup();
    let bars = &history.bars;
    history
        .gaps
        .retain(|g| bars.binary_search_by_key(g, |b| b.timestamp).is_err());

    if let Some(events) = result.events {
        let day = |secs: Option<i64>| secs.and_then(|s| event_stamp(zone, interval, s));
        let cash = |map: Option<BTreeMap<String, DividendEvent>>| {
            let mut paid: Vec<Dividend> = map
                .unwrap_or_default()
                .into_values()
                .filter_map(|d| {
                    Some(Dividend {
                        timestamp: day(d.date)?,
                        amount: finite(d.amount)?,
                    })
                })
                .collect();
            paid.sort_by_key(|d| d.timestamp);
            paid
        };
        history.dividends = cash(events.dividends);
        history.capital_gains = cash(events.capital_gains);
        history.splits = events
            .splits
            .unwrap_or_default()
            .into_values()
            .filter_map(|s| {
                let (numerator, denominator) = (finite(s.numerator)?, finite(s.denominator)?);
                (numerator > 0.0 && denominator > 0.0).then_some(())?;
                Some(Split {
                    timestamp: day(s.date)?,
                    numerator,
                    denominator,
                })
            })
            .collect();
        history.splits.sort_by_key(|s| s.timestamp);
    }
    Ok(history)
}

/// Parses a chart answer's `meta` into a quote of `symbol` (price, previous
/// close, volume, currency, exchange, time), with no market cap or P/E.
pub fn parse_quote(body: &[u8], symbol: &Symbol) -> Result<Quote> {
    let meta = chart_result(body, "quote")?.meta;
    let price = finite(meta.regular_market_price).ok_or_else(|| {
        Error::new(
            ErrorKind::Upstream,
            format!("Yahoo has no current price for {symbol}"),
        )
    })?;
    let previous_close = finite(meta.previous_close)
        .or(finite(meta.chart_previous_close))
        .unwrap_or(price);
    let fresh = Quote::new(symbol.clone(), price, previous_close, super::SOURCE);
    Ok(Quote {
        volume: meta
            .regular_market_volume
            .and_then(volume_from_f64)
            .unwrap_or(0),
        currency: meta.currency.unwrap_or_default(),
        exchange: meta.exchange_name.unwrap_or_default(),
        market_time: meta
            .regular_market_time
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .unwrap_or(fresh.market_time),
        ..fresh
    })
}

#[cfg(test)]
mod tests;
