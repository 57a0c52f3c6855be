//! `sample://`: an offline provider of synthetic but plausible market data.
//!
//! Every series is a mean-reverting random walk in log price around a 7 %
//! yearly trend through each instrument's 2025 price level, walked one trading
//! day at a time from 2000-01-03 with a generator seeded by the symbol. The
//! same symbol therefore gives the same bars on every machine and in every
//! process, and a bar never changes once its day has passed. Weekends are
//! skipped (except for crypto); exchange holidays are not modelled. Intraday
//! bars are a Brownian bridge from each day's open to its close, seeded by
//! symbol and date; their extremes are not reconciled with the daily high and
//! low.
//!
//! The data is synthetic: every [`Quote::source`] and [`History::source`] says
//! so. Only the ~55 built-in instruments exist; others are `NotFound`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::tickers::{self, Market, Ticker};
use super::MarketData;
use crate::error::{Error, Result};
use crate::model::{
    stable_hash, Bar, History, HistoryRange, Interval, Origin, Quote, SearchHit, Symbol,
};

const SOURCE: &str = "sample (synthetic data)";
const DRIFT_PER_YEAR: f64 = 0.07;
const REVERSION_PER_YEAR: f64 = 2.0;

fn walk_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 3).unwrap_or_default()
}

fn level_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()
}

/// The offline synthetic provider behind `sample://`. Cheap to make and to
/// clone; every call walks the days since 2000 (about 1.5 ms, see
/// `benches/RESULTS.md`), and an intraday one also the minutes asked for.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    _private: (),
}

impl Sample {
    /// A new sample provider.
    pub fn new() -> Self {
        Sample::default()
    }

    fn ticker(symbol: &Symbol) -> Result<&'static Ticker> {
        tickers::find(symbol.as_str()).ok_or_else(|| {
            Error::not_found(format!(
                "{symbol} is not one of the {} instruments the sample:// provider knows; search() lists them",
                tickers::TICKERS.len()
            ))
        })
    }

    /// History as of `now`: the testable core of [`MarketData::history`].
    pub fn history_at(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
        now: DateTime<Utc>,
    ) -> Result<History> {
        let ticker = Self::ticker(symbol)?;
        let (start, end) = range.bounds(now);
        range.check_lookback(interval, now)?;
        let end = end.min(now);
        let mut days = daily_series(ticker, now);
        // A day period is the last sessions that have opened, whatever the
        // calendar says; any other range selects bars by their stamps.
        let start = match range {
            HistoryRange::Period(period) => match period.sessions() {
                Some(n) => {
                    days.drain(..days.len().saturating_sub(n));
                    None
                }
                None => start,
            },
            HistoryRange::Between { .. } => start,
        };
        let in_range = |ts: DateTime<Utc>| start.is_none_or(|s| ts >= s) && ts < end;
        days.retain(|d| in_range(d.bar.timestamp));
        let bars = match interval {
            Interval::D1 => days.iter().map(|d| d.bar).collect(),
            Interval::D5 => aggregate(&days, |d| d.index / 5),
            Interval::Wk1 => aggregate(&days, |d| {
                let week = d.date.iso_week();
                i64::from(week.year()) * 100 + i64::from(week.week())
            }),
            Interval::Mo1 => aggregate(&days, |d| {
                i64::from(d.date.year()) * 100 + i64::from(d.date.month())
            }),
            Interval::Mo3 => aggregate(&days, |d| {
                i64::from(d.date.year()) * 10 + i64::from(d.date.month0() / 3)
            }),
            intraday => {
                let minutes = intraday.minutes().unwrap_or(1);
                days.iter()
                    .flat_map(|d| intraday_bars(ticker, d, minutes))
                    .filter(|b| in_range(b.timestamp))
                    .collect()
            }
        };
        Ok(History {
            symbol: symbol.clone(),
            interval,
            bars,
            currency: currency(ticker).to_owned(),
            timezone: ticker.market.tz().name().to_owned(),
            instrument_type: ticker.kind.to_owned(),
            source: SOURCE.to_owned(),
            origin: Origin::Provider,
            dividends: Vec::new(),
            splits: Vec::new(),
            capital_gains: Vec::new(),
            gaps: Vec::new(),
            fetched_at: now,
            stale: false,
        })
    }

    /// The quote as of `now`: the testable core of [`MarketData::quote`].
    pub fn quote_at(&self, symbol: &Symbol, now: DateTime<Utc>) -> Result<Quote> {
        let ticker = Self::ticker(symbol)?;
        let days = daily_series(ticker, now);
        let (Some(last), Some(prev)) = (
            days.last(),
            days.len().checked_sub(2).and_then(|i| days.get(i)),
        ) else {
            return Err(Error::internal("sample series has fewer than two days"));
        };
        let (open, close) = ticker.market.session_utc(last.date);
        let market_time = if now >= open && now < close {
            now
        } else {
            close
        };
        Ok(Quote {
            volume: last.bar.volume,
            currency: currency(ticker).to_owned(),
            exchange: ticker.exchange.to_owned(),
            market_time,
            fetched_at: now,
            ..Quote::new(symbol.clone(), last.bar.close, prev.bar.close, SOURCE)
        })
    }
}

#[async_trait::async_trait]
impl MarketData for Sample {
    fn name(&self) -> &str {
        SOURCE
    }

    /// Synthetic bars have no adjustments and no events: stored ones stay right.
    fn bars_are_final(&self) -> bool {
        true
    }

    async fn quote(&self, symbol: &Symbol) -> Result<Quote> {
        self.quote_at(symbol, Utc::now())
    }

    async fn history(
        &self,
        symbol: &Symbol,
        range: HistoryRange,
        interval: Interval,
    ) -> Result<History> {
        self.history_at(symbol, range, interval, Utc::now())
    }

    async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let q = query.trim().to_lowercase();
        // Rank: exact symbol, symbol prefix, name prefix, a word of the name, any substring.
        let rank = |t: &Ticker| {
            let sym = t.symbol.to_lowercase();
            let name = t.name.to_lowercase();
            if sym == q {
                Some(0)
            } else if sym.starts_with(&q) {
                Some(1)
            } else if name.starts_with(&q) {
                Some(2)
            } else if name
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&q))
            {
                Some(3)
            } else if sym.contains(&q) || name.contains(&q) {
                Some(4)
            } else {
                None
            }
        };
        let mut hits: Vec<(u8, &Ticker)> = tickers::TICKERS
            .iter()
            .filter_map(|t| rank(t).map(|r| (r, t)))
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.symbol.cmp(b.1.symbol)));
        hits.into_iter()
            .take(limit)
            .map(|(_, t)| {
                Ok(SearchHit {
                    symbol: Symbol::parse(t.symbol)?,
                    name: t.name.to_owned(),
                    kind: t.kind.to_owned(),
                    exchange: t.exchange.to_owned(),
                })
            })
            .collect()
    }
}

impl Market {
    fn tz(self) -> Tz {
        match self {
            Market::UsEquity => chrono_tz::America::New_York,
            Market::Currency => chrono_tz::Europe::London,
            Market::Crypto => chrono_tz::UTC,
        }
    }

    fn trades_on(self, date: NaiveDate) -> bool {
        self == Market::Crypto || date.weekday().number_from_monday() <= 5
    }

    /// Local opening time and length in minutes of one session.
    fn session(self) -> (NaiveTime, u32) {
        match self {
            Market::UsEquity => (NaiveTime::from_hms_opt(9, 30, 0).unwrap_or_default(), 390),
            Market::Currency | Market::Crypto => (NaiveTime::MIN, 1440),
        }
    }

    fn local_to_utc(self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let naive = date.and_time(time);
        match self.tz().from_local_datetime(&naive).earliest() {
            Some(local) => local.with_timezone(&Utc),
            // A time skipped by a DST jump: read it as UTC rather than fail.
            None => naive.and_utc(),
        }
    }

    fn session_utc(self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let (open, minutes) = self.session();
        let open = self.local_to_utc(date, open);
        (open, open + Duration::minutes(i64::from(minutes)))
    }

    fn days_per_year(self) -> f64 {
        if self == Market::Crypto {
            365.0
        } else {
            252.0
        }
    }
}

fn currency(t: &Ticker) -> &'static str {
    match t.market {
        // "EURUSD=X" is quoted in USD, "USDJPY=X" in JPY.
        Market::Currency => t.symbol.get(3..6).unwrap_or("USD"),
        _ => "USD",
    }
}

fn price_decimals(t: &Ticker) -> i32 {
    match (t.market, currency(t)) {
        (Market::Currency, "JPY") => 3,
        (Market::Currency, _) => 5,
        _ => 2,
    }
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

struct DayBar {
    date: NaiveDate,
    /// Trading-day number since the start of the walk.
    index: i64,
    bar: Bar,
}

/// Every session of `t` that has opened by `now`, oldest first.
fn daily_series(t: &Ticker, now: DateTime<Utc>) -> Vec<DayBar> {
    let market = t.market;
    let mut rng = ChaCha8Rng::seed_from_u64(stable_hash(t.symbol, 0));
    let dt = 1.0 / market.days_per_year();
    let step_sd = t.volatility * dt.sqrt();
    let decimals = price_decimals(t);
    let last_date = now.with_timezone(&market.tz()).date_naive();
    let mut out = Vec::with_capacity(7000);
    let mut deviation = 0.0_f64;
    let mut prev_close: Option<f64> = None;
    let mut date = walk_start();
    while date <= last_date {
        // Only the newest day can lie before its session's open.
        if market.trades_on(date) && (date < last_date || market.session_utc(date).0 <= now) {
            let z: [f64; 5] = std::array::from_fn(|_| rng.sample(StandardNormal));
            deviation = deviation * (1.0 - REVERSION_PER_YEAR * dt) + step_sd * z[0];
            let years = (date - level_date()).num_days() as f64 / 365.25;
            let close = (t.level.ln() + DRIFT_PER_YEAR * years + deviation).exp();
            let open = prev_close.map_or(close, |p| p * (0.15 * step_sd * z[1]).exp());
            let high = open.max(close) * (0.4 * step_sd * z[2].abs()).exp();
            let low = open.min(close) * (-0.4 * step_sd * z[3].abs()).exp();
            let move_size = prev_close.map_or(0.0, |p| (close / p).ln().abs());
            let volume = t.daily_volume * (0.25 * z[4]).exp() * (1.0 + 8.0 * move_size);
            let close = round_to(close, decimals);
            out.push(DayBar {
                date,
                index: out.len() as i64,
                bar: Bar {
                    timestamp: market.local_to_utc(date, NaiveTime::MIN),
                    open: round_to(open, decimals),
                    high: round_to(high, decimals),
                    low: round_to(low, decimals),
                    close,
                    adj_close: Some(close),
                    volume: volume.round() as u64,
                },
            });
            prev_close = Some(close);
        }
        date = date.succ_opt().unwrap_or(date);
        if date == NaiveDate::MAX {
            break;
        }
    }
    out
}

/// Merges consecutive days that share `group` into one bar stamped at the first day.
fn aggregate(days: &[DayBar], group: impl Fn(&DayBar) -> i64) -> Vec<Bar> {
    let mut out: Vec<Bar> = Vec::new();
    let mut current: Option<i64> = None;
    for d in days {
        let g = group(d);
        match out.last_mut() {
            Some(bar) if current == Some(g) => {
                bar.high = bar.high.max(d.bar.high);
                bar.low = bar.low.min(d.bar.low);
                bar.close = d.bar.close;
                bar.adj_close = d.bar.adj_close;
                bar.volume += d.bar.volume;
            }
            _ => {
                out.push(d.bar);
                current = Some(g);
            }
        }
    }
    out
}

/// The session of `day` cut into bars of `width` minutes.
fn intraday_bars(t: &Ticker, day: &DayBar, width: u32) -> Vec<Bar> {
    let (open_time, n) = t.market.session();
    let session_open = t.market.local_to_utc(day.date, open_time);
    let mut rng =
        ChaCha8Rng::seed_from_u64(stable_hash(t.symbol, day.date.num_days_from_ce() as u64));
    let decimals = price_decimals(t);
    let n_f = f64::from(n);
    let minute_sd = t.volatility * (1.0 / t.market.days_per_year()).sqrt() / n_f.sqrt();
    // A Brownian bridge pinned at zero at both ends, laid over the straight
    // log-line from the day's open to its close.
    let mut walk = Vec::with_capacity(n as usize + 1);
    walk.push(0.0_f64);
    for _ in 0..n {
        let z: f64 = rng.sample(StandardNormal);
        walk.push(walk.last().copied().unwrap_or(0.0) + minute_sd * z);
    }
    let w_end = walk.last().copied().unwrap_or(0.0);
    let (o, c) = (day.bar.open, day.bar.close);
    let price = |k: usize| {
        let frac = k as f64 / n_f;
        o * (c / o).powf(frac) * (walk[k] - frac * w_end).exp()
    };
    let mut bars = Vec::with_capacity((n / width + 1) as usize);
    let mut k = 0usize;
    while k < n as usize {
        let end = (k + width as usize).min(n as usize);
        let prices: Vec<f64> = (k..=end).map(price).collect();
        let high = prices.iter().copied().fold(f64::MIN, f64::max);
        let low = prices.iter().copied().fold(f64::MAX, f64::min);
        // Volume follows the usual U shape: busy at the open and the close.
        let mid = (k + end) as f64 / 2.0 / n_f - 0.5;
        let share = (end - k) as f64 / n_f * (0.6 + 4.8 * mid * mid);
        let close = round_to(prices[prices.len() - 1], decimals);
        bars.push(Bar {
            timestamp: session_open + Duration::minutes(k as i64),
            open: round_to(prices[0], decimals),
            high: round_to(high, decimals),
            low: round_to(low, decimals),
            close,
            adj_close: Some(close),
            volume: (day.bar.volume as f64 * share).round() as u64,
        });
        k = end;
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Period;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    #[test]
    fn daily_bars_are_deterministic_consistent_and_skip_weekends() {
        let p = Sample::new();
        let now = at("2025-06-18T20:00:00Z");
        let a = p
            .history_at(
                &sym("AAPL"),
                HistoryRange::Period(Period::Mo1),
                Interval::D1,
                now,
            )
            .unwrap();
        let b = p
            .history_at(
                &sym("AAPL"),
                HistoryRange::Period(Period::Mo1),
                Interval::D1,
                now,
            )
            .unwrap();
        assert_eq!(a, b);
        assert!((20..=23).contains(&a.bars.len()), "{}", a.bars.len());
        let ny = chrono_tz::America::New_York;
        for bar in &a.bars {
            let local = bar.timestamp.with_timezone(&ny);
            assert_eq!(
                local.time(),
                NaiveTime::MIN,
                "daily bars start at local midnight"
            );
            assert!(local.weekday().number_from_monday() <= 5);
            assert!(bar.low <= bar.open.min(bar.close) && bar.high >= bar.open.max(bar.close));
            assert!(bar.volume > 0);
        }
        assert!(a.bars.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
        assert!(a.source.contains("synthetic"));
        // A bar does not change when asked later.
        let later = p
            .history_at(
                &sym("AAPL"),
                HistoryRange::Period(Period::Y1),
                Interval::D1,
                at("2025-09-01T20:00:00Z"),
            )
            .unwrap();
        assert!(later.bars.iter().any(|b| b == &a.bars[0]));
    }

    #[test]
    fn prices_stay_near_their_level_and_differ_by_symbol() {
        let p = Sample::new();
        let now = at("2025-01-10T21:00:00Z");
        let aapl = p.quote_at(&sym("AAPL"), now).unwrap();
        let btc = p.quote_at(&sym("BTC-USD"), now).unwrap();
        assert!(
            aapl.price > 245.0 * 0.5 && aapl.price < 245.0 * 2.0,
            "{}",
            aapl.price
        );
        assert!(
            btc.price > 94000.0 * 0.4 && btc.price < 94000.0 * 2.5,
            "{}",
            btc.price
        );
        assert!((aapl.change - (aapl.price - aapl.previous_close)).abs() < 1e-9);
        let hist = p
            .history_at(
                &sym("AAPL"),
                HistoryRange::Period(Period::D5),
                Interval::D1,
                now,
            )
            .unwrap();
        assert_eq!(
            hist.bars.last().unwrap().close,
            aapl.price,
            "quote matches the last bar"
        );
    }

    #[test]
    fn intraday_and_aggregated_intervals() {
        let p = Sample::new();
        let now = at("2025-06-18T20:00:00Z");
        let h = p
            .history_at(
                &sym("MSFT"),
                HistoryRange::Period(Period::D1),
                Interval::M5,
                now,
            )
            .unwrap();
        assert_eq!(h.bars.len(), 78, "one full session of 5-minute bars");
        let w = p
            .history_at(
                &sym("MSFT"),
                HistoryRange::Period(Period::Y1),
                Interval::Wk1,
                now,
            )
            .unwrap();
        assert!((50..=54).contains(&w.bars.len()), "{}", w.bars.len());
        let err = p
            .history_at(
                &sym("MSFT"),
                HistoryRange::Period(Period::Mo1),
                Interval::M1,
                now,
            )
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        let fx = p
            .history_at(
                &sym("EURUSD=X"),
                HistoryRange::Period(Period::Mo1),
                Interval::D1,
                now,
            )
            .unwrap();
        assert_eq!(fx.currency, "USD");
        assert!(fx.bars[0].close < 2.0);
    }

    #[test]
    fn day_periods_count_sessions_not_calendar_days() {
        let p = Sample::new();
        let days = |symbol: &str, period: Period, interval: Interval, now: &str| {
            let h = p
                .history_at(
                    &sym(symbol),
                    HistoryRange::Period(period),
                    interval,
                    at(now),
                )
                .unwrap();
            let ny = chrono_tz::America::New_York;
            let mut dates: Vec<String> = h
                .bars
                .iter()
                .map(|b| b.timestamp.with_timezone(&ny).date_naive().to_string())
                .collect();
            dates.dedup();
            (h.bars.len(), dates)
        };
        // Tuesday 2026-12-01 07:50 UTC: New York has not opened yet.
        let tuesday_early = "2026-12-01T07:50:00Z";
        assert_eq!(
            days("AAPL", Period::D1, Interval::D1, tuesday_early),
            (1, vec!["2026-11-30".to_owned()])
        );
        let (n, dates) = days("AAPL", Period::D5, Interval::D1, tuesday_early);
        assert_eq!(n, 5);
        assert_eq!(
            dates,
            [
                "2026-11-24",
                "2026-11-25",
                "2026-11-26",
                "2026-11-27",
                "2026-11-30"
            ]
        );
        // Intraday bars of a day period: the whole last session.
        assert_eq!(
            days("AAPL", Period::D1, Interval::M5, tuesday_early),
            (78, vec!["2026-11-30".to_owned()])
        );
        // Once Tuesday's session opens it is the last one.
        let (n, dates) = days("AAPL", Period::D1, Interval::D1, "2026-12-01T15:00:00Z");
        assert_eq!((n, dates[0].as_str()), (1, "2026-12-01"));
        let (n, _) = days("AAPL", Period::D1, Interval::M5, "2026-12-01T15:00:00Z");
        assert_eq!(n, 6, "14:30 to 15:00 UTC: six 5-minute bars have begun");
        // On a Sunday the last five sessions are Monday to Friday.
        let (n, dates) = days("AAPL", Period::D5, Interval::D1, "2026-11-29T12:00:00Z");
        assert_eq!((n, dates[0].as_str()), (5, "2026-11-23"));
        // Crypto trades every day: 5d is five calendar days.
        let (n, _) = days("BTC-USD", Period::D5, Interval::D1, tuesday_early);
        assert_eq!(n, 5);
        // Calendar periods still count back from now.
        let (n, _) = days("AAPL", Period::Mo1, Interval::D1, tuesday_early);
        assert!((20..=23).contains(&n), "{n}");
    }

    #[test]
    fn unknown_symbols_are_not_found() {
        let err = Sample::new()
            .quote_at(&sym("ZZZZ"), Utc::now())
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn search_ranks_symbol_matches_first() {
        let p = Sample::new();
        let hits = p.search("apple", 10).await.unwrap();
        assert_eq!(hits[0].symbol.as_str(), "AAPL");
        let hits = p.search("GOOG", 10).await.unwrap();
        assert_eq!(hits[0].symbol.as_str(), "GOOG");
        assert_eq!(hits[1].symbol.as_str(), "GOOGL");
        assert!(p.search("zzzzqqq", 10).await.unwrap().is_empty());
        assert_eq!(p.search("a", 3).await.unwrap().len(), 3);
    }
}
