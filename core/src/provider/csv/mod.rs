//! `csv://DIR`: price history a team already has, as the CSV files yfinance
//! writes (`Ticker.history(...).to_csv()` or `download(...).to_csv()`), one
//! file per symbol: `DIR/AAPL.csv` holds daily bars, `DIR/AAPL.5m.csv` bars of
//! another interval. `csv://DIR?tz=America/New_York` says which zone dates
//! without an offset are in (UTC otherwise).
//!
//! Columns are found by name: `Date` or `Datetime`, `Open`, `High`, `Low`,
//! `Close`, and optionally `Adj Close`, `Volume`, `Dividends`, `Stock Splits`.
//! The three-line header of yfinance's newer `download` (`Price` / `Ticker` /
//! `Date` rows) is understood too. A row with an empty price is a gap.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::MarketData;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    volume_from_f64, Bar, Dividend, History, HistoryRange, Interval, Quote, SearchHit, Split,
    Symbol,
};

const SOURCE: &str = "csv";

/// The CSV provider behind `csv://DIR`. Reads the file on every call (no
/// caching of its own: the service's cache is in front of it).
#[derive(Debug, Clone)]
pub struct Csv {
    dir: PathBuf,
    zone: Tz,
}

impl Csv {
    /// A provider over the folder `spec`: a path, optionally followed by
    /// `?tz=ZONE` for dates written without an offset.
    pub fn new(spec: &str) -> Self {
        let (dir, query) = spec.split_once('?').unwrap_or((spec, ""));
        let zone = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("tz="))
            .and_then(|z| z.parse::<Tz>().ok())
            .unwrap_or(Tz::UTC);
        Csv {
            dir: PathBuf::from(dir),
            zone,
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

fn read_file(path: &Path, symbol: Symbol, interval: Interval, zone: Tz) -> Result<History> {
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

/// Parses yfinance-style CSV text into a history. Bad rows are errors that
/// name their line; nothing is guessed.
pub(crate) fn parse_csv(
    bytes: &[u8],
    symbol: Symbol,
    interval: Interval,
    zone: Tz,
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
    history.timezone = zone.name().to_owned();
    for (line, record) in records.enumerate() {
        let line = line + 2;
        let record = record.map_err(|e| Error::invalid_input(format!("line {line}: {e}")))?;
        let cell = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        // The "Ticker" and "Date" rows of the multi-line header.
        if matches!(cell(columns.time), "Ticker" | "Date" | "Datetime") {
            continue;
        }
        let bad = |what: &str| Error::invalid_input(format!("line {line}: {what}"));
        let timestamp = parse_time(cell(columns.time), zone, interval)
            .ok_or_else(|| bad(&format!("{:?} is not a date or time", cell(columns.time))))?;
        let number = |i: usize| -> Result<Option<f64>> {
            match cell(i) {
                "" | "nan" | "NaN" => Ok(None),
                text => text
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Some)
                    .ok_or_else(|| bad(&format!("{text:?} is not a number"))),
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
        let volume = match optional(columns.volume)? {
            None => 0,
            Some(v) => volume_from_f64(v)
                .ok_or_else(|| bad(&format!("volume {v} is negative or too large")))?,
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

/// `2024-11-01`, `2024-11-01 09:30:00-04:00`, `2024-11-01T09:30:00Z` or
/// `2024-11-01 09:30:00` (in `zone`). Daily and longer bars are stamped at
/// midnight of their date in `zone`, as the other providers stamp them.
fn parse_time(text: &str, zone: Tz, interval: Interval) -> Option<DateTime<Utc>> {
    let local = |naive: NaiveDateTime| {
        zone.from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let instant = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%:z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
                .ok()
                .and_then(local)
        })
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| local(d.and_hms_opt(0, 0, 0)?))
        })?;
    if interval.is_intraday() {
        return Some(instant);
    }
    local(
        instant
            .with_timezone(&zone)
            .date_naive()
            .and_hms_opt(0, 0, 0)?,
    )
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
