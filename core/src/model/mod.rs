//! Plain data types shared by every module and binding: symbols, periods,
//! quotes, bars, search hits, posts, sentiment figures, users and watchlists.
//!
//! All are cheap to clone, `serde`-serialisable, and validated where they are
//! parsed, so code holding one can trust it. The two that carry a password
//! hash ([`NewUser`], [`Credentials`]) are the exception: not serialisable,
//! and their `Debug` hides the hash.

mod backfill;
pub mod limits;
mod market;
mod period;
mod sentiment;
mod symbol;
mod user;

pub use backfill::{BackfillState, BackfillStatus};
pub use market::{
    checked_instant, volume_from_f64, BadVolume, Bar, Dividend, History, HistoryRange, Origin,
    Quote, SearchHit, Split, MAX_VOLUME,
};
pub use period::{intraday_lookback, Interval, Period, DEFAULT_INTERVAL, DEFAULT_PERIOD};
pub use sentiment::{
    AnalyzerAgreement, AuthorLabel, DailySentiment, LabelAgreement, PlatformSentiment, Post,
    PostQuery, PostScores, Score, SentimentAgreement, SentimentAnalysis, SentimentRecord,
    SourceState, SourceStatus, StoredPost, Trend, TrendReport, MAX_POSTS_READ,
};
pub(crate) use symbol::stable_hash;
pub use symbol::Symbol;
pub(crate) use user::{check_password_hash, normalize_name};
pub use user::{normalize_email, Credentials, NewUser, User, UserId, WatchlistItem};
