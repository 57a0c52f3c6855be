//! The chart endpoint's answer (`/v8/finance/chart/{symbol}`) turned into a
//! [`History`] or a [`Quote`]: time zones from `meta`, daily bars stamped at
//! midnight of their exchange date, all-`null` rows kept as gaps, dividends
//! and splits from `events`.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::answer::{error_from_yahoo, find_error, malformed, sanitize_json};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    checked_instant, volume_from_f64, BadVolume, Bar, Dividend, History, Interval, Origin, Quote,
    Split, Symbol,
};
use crate::provider::zone::Zone;

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
fn zone_of(meta: &Meta) -> Zone {
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

/// Yahoo's seconds since 1970 as an instant, or `Upstream` when no market
/// traded then ([`checked_instant`]: a stamp such as 8210266869600 is a
/// broken answer, not a date to compute with).
fn instant(secs: i64, what: &str) -> Result<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .and_then(checked_instant)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Upstream,
                format!("Yahoo {what} answered a timestamp out of range ({secs})"),
            )
        })
}

/// Turns Yahoo's instant for a bar into the library's stamp: as given for
/// intraday bars; midnight of its exchange date for daily and longer ones
/// (Yahoo stamps those at the session open, or at the last trade for a
/// session still running). `None` only where the zone has no midnight nor
/// 01:00 that day; an instant out of range is an error.
fn stamp(zone: Zone, interval: Interval, secs: i64) -> Result<Option<DateTime<Utc>>> {
    let t = instant(secs, "chart")?;
    if interval.is_intraday() {
        return Ok(Some(t));
    }
    // Yahoo sometimes stamps a day or week at 22:00 or 23:00 of the evening
    // before (a time-zone rule it applied wrongly): that bar belongs to the
    // next date. yfinance moves it the same way; events are never moved.
    let moved = match (interval, zone.hour_and_minute(t)) {
        (Interval::D1 | Interval::Wk1, (h @ (22 | 23), 0)) => t
            .checked_add_signed(chrono::Duration::hours(i64::from(24 - h)))
            .unwrap_or(t),
        _ => t,
    };
    Ok(zone.midnight(zone.date_of(moved)))
}

/// Midnight of the exchange date of an event's instant (never moved).
fn event_stamp(zone: Zone, interval: Interval, secs: i64) -> Result<Option<DateTime<Utc>>> {
    let t = instant(secs, "chart")?;
    if interval.is_intraday() {
        Ok(Some(t))
    } else {
        Ok(zone.midnight(zone.date_of(t)))
    }
}

/// A volume of the answer: `Ok(None)` when it is no count (a gap, as a
/// missing price is), `Upstream` when it is more than any store can hold.
fn volume(v: f64, what: &str) -> Result<Option<u64>> {
    match volume_from_f64(v) {
        Ok(count) => Ok(Some(count)),
        Err(BadVolume::NotACount) => Ok(None),
        Err(BadVolume::TooLarge) => Err(Error::new(
            ErrorKind::Upstream,
            format!("Yahoo {what} answered a volume too large to be real ({v:e})"),
        )),
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
/// yfinance's rules. A timestamp outside the years 1800 to 9999, or a
/// volume above [`MAX_VOLUME`](crate::model::MAX_VOLUME), fails the whole
/// answer as `Upstream`: such an answer is broken, and dropping the row
/// would hide it.
pub fn parse_chart(body: &[u8], symbol: &Symbol, interval: Interval) -> Result<History> {
    let result = chart_result(body, "chart")?;
    let zone = zone_of(&result.meta);
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
        let Some(secs) = secs else { continue };
        let Some(timestamp) = stamp(zone, interval, secs)? else {
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
            Some(v) => volume(v, "chart")?,
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
        let day = |secs: Option<i64>| -> Result<Option<DateTime<Utc>>> {
            secs.map_or(Ok(None), |s| event_stamp(zone, interval, s))
        };
        let cash = |map: Option<BTreeMap<String, DividendEvent>>| -> Result<Vec<Dividend>> {
            let mut paid = Vec::new();
            for d in map.unwrap_or_default().into_values() {
                if let (Some(timestamp), Some(amount)) = (day(d.date)?, finite(d.amount)) {
                    paid.push(Dividend { timestamp, amount });
                }
            }
            paid.sort_by_key(|d| d.timestamp);
            Ok(paid)
        };
        history.dividends = cash(events.dividends)?;
        history.capital_gains = cash(events.capital_gains)?;
        for s in events.splits.unwrap_or_default().into_values() {
            let (Some(numerator), Some(denominator)) = (finite(s.numerator), finite(s.denominator))
            else {
                continue;
            };
            if let (true, Some(timestamp)) = (numerator > 0.0 && denominator > 0.0, day(s.date)?) {
                history.splits.push(Split {
                    timestamp,
                    numerator,
                    denominator,
                });
            }
        }
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
    let volume = match meta.regular_market_volume {
        Some(v) => volume(v, "quote")?.unwrap_or(0),
        None => 0,
    };
    let market_time = meta
        .regular_market_time
        .map(|s| instant(s, "quote"))
        .transpose()?;
    let fresh = Quote::new(symbol.clone(), price, previous_close, super::SOURCE);
    Ok(Quote {
        volume,
        currency: meta.currency.unwrap_or_default(),
        exchange: meta.exchange_name.unwrap_or_default(),
        market_time: market_time.unwrap_or(fresh.market_time),
        ..fresh
    })
}

#[cfg(test)]
mod tests;
