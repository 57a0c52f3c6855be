//! The plain objects the client resolves to, one per core model type, with
//! camelCase fields. Times are JS `Date`s (millisecond precision). Counts that
//! are `u64` in core (volumes, cache counters) are JS numbers: exact up to
//! 2^53, far above any real share volume or counter.

use chrono::{DateTime, NaiveTime, Utc};
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

/// Sentiment of one platform's posts about a symbol.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PlatformSentiment {
    /// Platform name, e.g. `reddit`, `x`, `stocktwits`, `sample`.
    pub platform: String,
    /// Mean polarity of the platform's posts, -1 (negative) to 1 (positive).
    pub sentiment_score: f64,
    /// `Math.abs(sentimentScore)`.
    pub confidence: f64,
    /// Number of posts scored.
    pub mention_count: u32,
    /// Up to ten most frequent informative terms.
    pub keywords: Vec<String>,
    /// Up to ten links to the posts scored.
    pub source_urls: Vec<String>,
}

impl From<tickersense::PlatformSentiment> for PlatformSentiment {
    fn from(p: tickersense::PlatformSentiment) -> Self {
        PlatformSentiment {
            platform: p.platform,
            sentiment_score: p.sentiment_score,
            confidence: p.confidence,
            mention_count: p.mention_count,
            keywords: p.keywords,
            source_urls: p.source_urls,
        }
    }
}

/// The current social sentiment of a symbol, with its per-platform detail.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SentimentAnalysis {
    /// The symbol analysed.
    pub symbol: String,
    /// Mention-weighted mean polarity over all platforms, -1 to 1.
    pub current_sentiment: f64,
    /// Direction against stored analyses of the last days:
    /// `"improving"`, `"stable"`, `"declining"` or `"unknown"`.
    #[napi(ts_type = "Trend")]
    pub sentiment_trend: String,
    /// Posts scored over all platforms.
    pub mention_volume: u32,
    /// When the analysis was made.
    pub analysis_timestamp: DateTime<Utc>,
    /// One entry per platform that had posts.
    pub platforms: Vec<PlatformSentiment>,
    /// False when the store was down and the analysis was not kept.
    pub stored: bool,
}

impl From<tickersense::SentimentAnalysis> for SentimentAnalysis {
    fn from(s: tickersense::SentimentAnalysis) -> Self {
        SentimentAnalysis {
            symbol: s.symbol.into(),
            current_sentiment: s.current_sentiment,
            sentiment_trend: s.sentiment_trend.as_str().to_owned(),
            mention_volume: s.mention_volume,
            analysis_timestamp: s.analysis_timestamp,
            platforms: s
                .platforms
                .into_iter()
                .map(PlatformSentiment::from)
                .collect(),
            stored: s.stored,
        }
    }
}

/// Cache counters of one namespace (e.g. `stock_quote`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct NamespaceStats {
    /// The namespace.
    pub namespace: String,
    /// Reads that found a value.
    pub hits: f64,
    /// Reads that found nothing.
    pub misses: f64,
    /// Values held now (approximate for the memory cache).
    pub entries: f64,
    /// Bytes of the values held now.
    pub bytes: f64,
    /// Backend errors, each read as a miss or a dropped write.
    pub errors: f64,
}

impl From<tickersense::cache::NamespaceStats> for NamespaceStats {
    fn from(s: tickersense::cache::NamespaceStats) -> Self {
        NamespaceStats {
            namespace: s.namespace,
            hits: s.hits as f64,
            misses: s.misses as f64,
            entries: s.entries as f64,
            bytes: s.bytes as f64,
            errors: s.errors as f64,
        }
    }
}

/// One symbol's part in the latest backfill of its interval, as kept in the
/// store.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BackfillStatus {
    /// The symbol, upper-case.
    pub symbol: String,
    /// The bar interval backfilled, e.g. `"1d"`.
    #[napi(ts_type = "Interval")]
    pub interval: String,
    /// `"pending"`, `"running"`, `"done"` or `"failed"`. `"running"` found
    /// after a run ended means the run was cut short; the next run redoes it.
    #[napi(ts_type = "BackfillState")]
    pub state: String,
    /// Bars the latest run wrote for this symbol (0 when nothing was missing).
    pub rows_written: f64,
    /// Start of the stored series once done.
    pub first_bar: Option<DateTime<Utc>>,
    /// Start of the newest stored bar once done.
    pub last_bar: Option<DateTime<Utc>>,
    /// Why the last attempt failed (error kind and message), when it did.
    pub reason: Option<String>,
    /// When this status was written.
    pub updated_at: DateTime<Utc>,
}

impl From<tickersense::BackfillStatus> for BackfillStatus {
    fn from(s: tickersense::BackfillStatus) -> Self {
        BackfillStatus {
            symbol: s.symbol.into(),
            interval: s.interval.as_str().to_owned(),
            state: s.state.as_str().to_owned(),
            rows_written: s.rows_written as f64,
            first_bar: s.first_bar,
            last_bar: s.last_bar,
            reason: s.reason,
            updated_at: s.updated_at,
        }
    }
}

/// What a backfill's `onProgress` callback is given each time a symbol
/// changes state.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BackfillProgress {
    /// The symbol that changed (`status.symbol`).
    pub symbol: String,
    /// Its new state (`status.state`).
    #[napi(ts_type = "BackfillState")]
    pub state: String,
    /// Symbols finished (done, failed, or found done already) so far.
    pub finished: u32,
    /// Symbols in the run.
    pub total: u32,
    /// Bars written so far by the whole run.
    pub rows_written: f64,
    /// The symbol's full new status.
    pub status: BackfillStatus,
}

impl From<tickersense::service::BackfillProgress> for BackfillProgress {
    fn from(p: tickersense::service::BackfillProgress) -> Self {
        BackfillProgress {
            symbol: p.status.symbol.as_str().to_owned(),
            state: p.status.state.as_str().to_owned(),
            finished: count(p.finished),
            total: count(p.total),
            rows_written: p.rows_written as f64,
            status: BackfillStatus::from(p.status),
        }
    }
}

/// How a backfill ended.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BackfillReport {
    /// The last status of every symbol, in the order asked (repeats dropped).
    pub statuses: Vec<BackfillStatus>,
    /// Bars written by this run.
    pub rows_written: f64,
    /// True when the run was stopped before every symbol finished.
    pub stopped: bool,
    /// The statuses of the symbols that failed, each with its `reason`.
    pub failed: Vec<BackfillStatus>,
    /// The entries asked for that are no symbol at all (`"not a symbol"`),
    /// in the order asked, each text once: never fetched, and the rest of
    /// the run went on.
    pub rejected: Vec<RejectedSymbol>,
}

/// An entry of a backfill's symbol list that is no valid symbol.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RejectedSymbol {
    /// Where it first was in the list asked for (0-based, repeats counted).
    pub position: u32,
    /// The text as given.
    pub symbol: String,
    /// Why it was refused: kind and message, as a failed status gives it.
    pub reason: String,
}

impl From<tickersense::service::RejectedSymbol> for RejectedSymbol {
    fn from(r: tickersense::service::RejectedSymbol) -> Self {
        RejectedSymbol {
            position: count(r.position),
            symbol: r.symbol,
            reason: r.reason,
        }
    }
}

impl From<tickersense::service::BackfillReport> for BackfillReport {
    fn from(r: tickersense::service::BackfillReport) -> Self {
        let failed = r.failed().cloned().map(BackfillStatus::from).collect();
        BackfillReport {
            statuses: r.statuses.into_iter().map(BackfillStatus::from).collect(),
            rows_written: r.rows_written as f64,
            stopped: r.stopped,
            failed,
            rejected: r.rejected.into_iter().map(RejectedSymbol::from).collect(),
        }
    }
}

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

/// Stored sentiment analyses of one symbol summed up over one UTC day.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DailySentiment {
    /// Midnight UTC starting the day.
    pub date: DateTime<Utc>,
    /// Per-platform analyses stored that day.
    pub analyses: u32,
    /// Posts those analyses scored.
    pub mentions: f64,
    /// Mention-weighted mean score, -1 to 1.
    pub score: f64,
    /// Mean confidence of the analyses.
    pub confidence: f64,
}

impl From<tickersense::DailySentiment> for DailySentiment {
    fn from(d: tickersense::DailySentiment) -> Self {
        DailySentiment {
            date: d.date.and_time(NaiveTime::MIN).and_utc(),
            analyses: d.analyses,
            mentions: d.mentions as f64,
            score: d.score,
            confidence: d.confidence,
        }
    }
}

/// A count of symbols as a JS number; no run comes near 2^32 of them.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
