//! `csv://DIR`: price history a team already has, as the CSV files yfinance
//! writes (`Ticker.history(...).to_csv()` or `download(...).to_csv()`), one
//! file per symbol: `DIR/AAPL.csv` holds daily bars, `DIR/AAPL.5m.csv` bars of
//! another interval. `csv://DIR?tz=America/New_York` names the exchange's
//! zone (an IANA name, spelt exactly: `america/new_york` is refused; the
//! value may be percent-encoded, `America%2FNew_York`); it is the one option
//! ([`CsvOptions`]), and the folder is taken literally.
//!
//! Times keep the UTC offset yfinance writes (`2026-11-02 00:00:00+09:00` is
//! 2026-11-01T15:00Z). Daily and longer bars are stamped at midnight of the
//! date as written, on the exchange's clock, as the Yahoo provider stamps
//! them, so the same series read from a file and from Yahoo lands on the
//! same stamps in a store. The clock is the `tz=` zone; without one, the
//! offset written on the row; for a row without an offset, UTC.
//!
//! Columns are found by name: `Date` or `Datetime`, `Open`, `High`, `Low`,
//! `Close`, and optionally `Adj Close`, `Volume`, `Dividends`, `Stock Splits`.
//! The three-line header of yfinance's newer `download` (`Price` / `Ticker` /
//! `Date` rows) is understood too. A row with an empty price is a gap; a
//! negative price, a high below the low or an impossible volume is an error
//! naming its line.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

mod options;

pub use options::CsvOptions;

use super::zone::Zone;
use super::MarketData;
use crate::error::{echo, Error, ErrorKind, Result};
use crate::model::{
    checked_instant, volume_from_f64, BadVolume, Bar, Dividend, History, HistoryRange, Interval,
    Quote, SearchHit, Split, Symbol,
};

const SOURCE: &str = "csv";

/// The CSV provider behind `csv://DIR`. Reads the file on every call (no
/// caching of its own: the service's cache is in front of it).
#[derive(Debug, Clone)]
pub struct Csv {
    dir: PathBuf,
    zone: Option<Tz>,
}

impl Csv {
    /// A provider over the folder `spec`: a path, optionally followed by
    /// `?tz=ZONE`, the exchange's IANA zone ([`CsvOptions`]). No I/O: a
    /// missing folder shows at the first call. `InvalidInput` for an
    /// unknown zone (names are case-sensitive, as the IANA database and
    /// pandas have them) or an unknown option.
    pub fn new(spec: &str) -> Result<Self> {
        Ok(Self::with_options(&CsvOptions::parse(spec)?))
    }

    /// A provider over the folder and zone `options` name. No I/O.
    pub fn with_options(options: &CsvOptions) -> Self {
        Csv {
            dir: PathBuf::from(&options.dir),
            zone: options.zone,
        }
    }

    fn file(&self, symbol: &Symbol, interval: Interval) -> PathBuf {
        let name = match interval {
            Interval::D1 => format!("{symbol}.csv"),
            other => format!("{symbol}.{other}.csv"),
        };
        self.dir.join(name)
    }

    /// Every bar of the file for `symbol` at `interval`.
    async fn read(&self, symbol: &Symbol, interval: Interval) -> Result<History> {
        let path = self.file(symbol, interval);
        let (symbol, zone) = (symbol.clone(), self.zone);
        tokio::task::spawn_blocking(move || read_file(&path, symbol, interval, zone))
            .await
            .map_err(|e| Error::internal("CSV reader stopped").with_source(e))?
    }
}

fn read_file(path: &Path, symbol: Symbol, interval: Interval, zone: Option<Tz>) -> Result<History> {
    let shown = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::not_found(format!(
            "no {interval} prices for {symbol}: {shown} does not exist"
        )),
        _ => Error::unavailable(format!("cannot read {shown}")).with_source(e),
    })?;
    parse_csv(&bytes, symbol, interval, zone)
        .map_err(|e| Error::new(e.kind(), format!("{shown}: {}", e.message())))
}

/// Column positions, found by header name.
struct Columns {
    time: usize,
    open: usize,
    high: usize,
    low: usize,
    close: usize,
    adj_close: Option<usize>,
    volume: Option<usize>,
    dividends: Option<usize>,
    splits: Option<usize>,
}

impl Columns {
    fn find(header: &csv::StringRecord) -> Result<Columns> {
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let need = |name: &str| {
            at(name).ok_or_else(|| Error::invalid_input(format!("no {name:?} column")))
        };
        Ok(Columns {
            // The multi-line download header puts "Price" where the time goes.
            time: at("Date")
                .or_else(|| at("Datetime"))
                .or_else(|| at("Price"))
                .ok_or_else(|| Error::invalid_input("no \"Date\" or \"Datetime\" column"))?,
            open: need("Open")?,
            high: need("High")?,
            low: need("Low")?,
            close: need("Close")?,
            adj_close: at("Adj Close"),
            volume: at("Volume"),
            dividends: at("Dividends"),
            splits: at("Stock Splits"),
        })
    }
}

/// Parses yfinance-style CSV text into a history; `zone` is the exchange's
/// (see the module's docs for the clock used without one). Bad rows are
/// errors that name their line; nothing is guessed.
pub(crate) fn parse_csv(
    bytes: &[u8],
    symbol: Symbol,
    interval: Interval,
    zone: Option<Tz>,
) -> Result<History> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = records
        .next()
        .transpose()
        .map_err(|e| Error::invalid_input(format!("unreadable CSV: {e}")))?
        .ok_or_else(|| Error::invalid_input("empty file"))?;
    let columns = Columns::find(&header)?;
    let mut history = History::empty(symbol, interval, SOURCE);
    // The offsets written, when no zone is given: one offset names the clock.
    let mut offsets = Offsets::None;
    for (line, record) in records.enumerate() {
        let line = line + 2;
        let record = record.map_err(|e| Error::invalid_input(format!("line {line}: {e}")))?;
        let cell = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        // The "Ticker" and "Date" rows of the multi-line header.
        if matches!(cell(columns.time), "Ticker" | "Date" | "Datetime") {
            continue;
        }
        let bad = |what: &str| Error::invalid_input(format!("line {line}: {what}"));
        let text = cell(columns.time);
        let written =
            read_time(text).ok_or_else(|| bad(&format!("{} is not a date or time", echo(text))))?;
        if let Written::Instant(t) = written {
            offsets.see(*t.offset());
        }
        let timestamp = stamp(written, zone, interval)
            .ok_or_else(|| bad(&format!("{} is out of range", echo(text))))?;
        let number = |i: usize| -> Result<Option<f64>> {
            match cell(i) {
                "" | "nan" | "NaN" => Ok(None),
                text => text
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Some)
                    .ok_or_else(|| bad(&format!("{} is not a number", echo(text)))),
            }
        };
        let optional = |i: Option<usize>| i.map_or(Ok(None), number);
        if let Some(amount) = optional(columns.dividends)?.filter(|a| *a != 0.0) {
            history.dividends.push(Dividend { timestamp, amount });
        }
        if let Some(ratio) = optional(columns.splits)?.filter(|r| *r > 0.0) {
            history.splits.push(Split {
                timestamp,
                numerator: ratio,
                denominator: 1.0,
            });
        }
        let prices = (
            number(columns.open)?,
            number(columns.high)?,
            number(columns.low)?,
            number(columns.close)?,
        );
        let ((Some(open), Some(high), Some(low), Some(close)),) = (prices,) else {
            history.gaps.push(timestamp);
            continue;
        };
        if [open, high, low, close].iter().any(|p| *p < 0.0) {
            return Err(bad("a price is negative"));
        }
        if high < low {
            return Err(bad(&format!("the high {high} is below the low {low}")));
        }
        let volume = match optional(columns.volume)?.map(|v| (v, volume_from_f64(v))) {
            None => 0,
            Some((_, Ok(count))) => count,
            Some((v, Err(BadVolume::NotACount))) => {
                return Err(bad(&format!("volume {v} is negative")))
            }
            Some((v, Err(BadVolume::TooLarge))) => {
                return Err(bad(&format!("volume {v:e} is too large to be real")))
            }
        };
        history.bars.push(Bar {
            timestamp,
            open,
            high,
            low,
            close,
            adj_close: optional(columns.adj_close)?,
            volume,
        });
    }
    history.timezone = match (zone, offsets) {
        (Some(tz), _) => tz.name().to_owned(),
        (None, Offsets::One(off)) => Zone::Fixed(off).name(),
        (None, _) => "UTC".to_owned(),
    };
    history.bars.sort_by_key(|b| b.timestamp);
    if let Some(pair) = history
        .bars
        .windows(2)
        .find(|w| w[0].timestamp == w[1].timestamp)
    {
        return Err(Error::invalid_input(format!(
            "two rows for {}",
            pair[0].timestamp
        )));
    }
    Ok(history)
}

/// The offsets seen on the rows of a file.
#[derive(Clone, Copy)]
enum Offsets {
    None,
    One(FixedOffset),
    Several,
}

impl Offsets {
    fn see(&mut self, off: FixedOffset) {
        *self = match *self {
            Offsets::None => Offsets::One(off),
            Offsets::One(seen) if seen == off => Offsets::One(seen),
            _ => Offsets::Several,
        };
    }
}

/// A time as a row writes it.
#[derive(Clone, Copy)]
enum Written {
    /// With its UTC offset: `2024-11-01 09:30:00-04:00`, `2024-11-01T13:30:00Z`.
    Instant(DateTime<FixedOffset>),
    /// Without one: `2024-11-01 09:30:00`, or `2024-11-01` (its midnight).
    Local(NaiveDateTime),
}

fn read_time(text: &str) -> Option<Written> {
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%:z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .map(Written::Instant)
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
                .ok()
                .or_else(|| {
                    NaiveDate::parse_from_str(text, "%Y-%m-%d")
                        .ok()?
                        .and_hms_opt(0, 0, 0)
                })
                .map(Written::Local)
        })
}

/// The stamp of a row written as `written`: intraday, the instant (a time
/// without an offset is on `zone`'s clock, else UTC); daily and longer,
/// midnight of the date as written on the exchange's clock: `zone`, else
/// the row's own offset, else UTC. `None` out of [`checked_instant`]'s range.
fn stamp(written: Written, zone: Option<Tz>, interval: Interval) -> Option<DateTime<Utc>> {
    // Checked before any arithmetic: dates near chrono's limits overflow it.
    match written {
        Written::Instant(t) => checked_instant(t.with_timezone(&Utc))?,
        Written::Local(naive) => checked_instant(naive.and_utc())?,
    };
    let clock = match (zone, written) {
        (Some(tz), _) => Zone::Named(tz),
        (None, Written::Instant(t)) => Zone::Fixed(*t.offset()),
        (None, Written::Local(_)) => Zone::Named(Tz::UTC),
    };
    let t = match (interval.is_intraday(), written) {
        (true, Written::Instant(t)) => t.with_timezone(&Utc),
        (true, Written::Local(naive)) => match clock {
            Zone::Named(tz) => tz
                .from_local_datetime(&naive)
                .earliest()?
                .with_timezone(&Utc),
            Zone::Fixed(off) => off
                .from_local_datetime(&naive)
                .single()?
                .with_timezone(&Utc),
        },
        (false, Written::Instant(t)) => clock.midnight(t.date_naive())?,
        (false, Written::Local(naive)) => clock.midnight(naive.date())?,
    };
    checked_instant(t)
}

#[async_trait]
impl MarketData for Csv {
    fn name(&self) -> &str {
        SOURCE
    }

    /// The last row's close, against the row before it.
    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        let history = self.read(symbol, Interval::D1).await?;
        let [.., previous, last] = history.bars.as_slice() else {
            return Err(Error::not_found(format!(
                "{symbol}.csv has fewer than two bars"
            )));
        };
        Ok(Quote {
            volume: last.volume,
            currency: history.currency,
            market_time: last.timestamp,
            ..Quote::new(symbol.clone(), last.close, previous.close, SOURCE)
        })
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        let mut history = self.read(symbol, interval).await?;
        let (start, end) = range.bounds(Utc::now());
        history.retain_between(start.unwrap_or(DateTime::<Utc>::MIN_UTC), end);
        Ok(history)
    }

    /// Symbols whose file name contains `query`, case-insensitively.
    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let dir = self.dir.clone();
        let needle = query.trim().to_ascii_uppercase();
        tokio::task::spawn_blocking(move || {
            let entries = std::fs::read_dir(&dir).map_err(|e| {
                Error::new(ErrorKind::Unavailable, "cannot list the CSV folder").with_source(e)
            })?;
            let mut hits: Vec<SearchHit> = entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|name| {
                    let stem = name.strip_suffix(".csv")?;
                    // `AAPL.5m.csv` is another interval of AAPL, not a symbol.
                    let other_interval = stem
                        .rsplit_once('.')
                        .is_some_and(|(_, tail)| tail.parse::<Interval>().is_ok());
                    (!other_interval)
                        .then(|| Symbol::parse(stem).ok())
                        .flatten()
                })
                .filter(|s| s.as_str().contains(&needle))
                .map(|symbol| SearchHit {
                    name: symbol.as_str().to_owned(),
                    symbol,
                    kind: String::new(),
                    exchange: String::new(),
                })
                .collect();
            hits.sort_by(|a, b| a.symbol.cmp(&b.symbol));
            hits.truncate(limit);
            Ok(hits)
        })
        .await
        .map_err(|e| Error::internal("CSV search stopped").with_source(e))?
    }
}

#[cfg(test)]
mod tests;
