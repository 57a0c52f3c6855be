//! Plain data types shared by every module and binding: symbols, periods,
//! quotes, bars, search hits, posts and sentiment figures.
//!
//! All are cheap to clone, `serde`-serialisable, and validated where they are
//! parsed, so code holding one can trust it.

mod market;
mod period;
mod sentiment;
mod symbol;

pub use market::{
    volume_from_f64, Bar, Dividend, History, HistoryRange, Origin, Quote, SearchHit, Split,
};
pub use period::{intraday_lookback, Interval, Period};
pub use sentiment::{
    DailySentiment, PlatformSentiment, Post, Score, SentimentAnalysis, SentimentRecord, Trend,
};
pub(crate) use symbol::stable_hash;
pub use symbol::Symbol;
