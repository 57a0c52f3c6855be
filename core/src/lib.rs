//! # tickersense
//!
//! Quotes, price history, symbol search and social-media sentiment for
//! stock-and-sentiment applications, with caching and storage, in one crate
//! that Python and Node bind thinly.
//!
//! Start with [`Tickersense`]: every backend is chosen by a URL in
//! [`Config`] (`sqlite://tickersense.db`, `redis://127.0.0.1:6379/0`,
//! `sample://`, ...), each with its own options (`?pool=16`), and the
//! defaults need nothing installed.
//!
//! Cargo features choose the backends compiled in, all on by default:
//! `sqlite` and `postgres` (stores, through sqlx), `redis` (the Redis and
//! tiered caches), `yahoo` (the HTTP providers, through reqwest). Without
//! any, the crate still has the model, the analyzers, the memory cache and
//! store, `sample://` and `csv://`; a URL naming a backend left out is
//! `InvalidInput` saying which feature to enable.
//!
//! ```no_run
//! # async fn demo() -> tickersense::Result<()> {
//! use tickersense::{Interval, Period, Tickersense};
//! let ts = Tickersense::new(tickersense::Config::default())?;
//! let history = ts.history("MSFT", Period::Mo1, Interval::D1).await?;
//! let mood = ts.sentiment("MSFT").await?;
//! println!("{} bars, sentiment {:+.3} ({})", history.bars.len(), mood.current_sentiment, mood.sentiment_trend.as_str());
//! # Ok(()) }
//! ```
//!
//! Errors are one [`Error`] type with a stable [`ErrorKind`].

pub mod cache;
mod client;
pub mod config;
pub mod error;
#[cfg(feature = "server")]
pub mod http;
#[cfg(feature = "jobs")]
pub mod jobs;
pub mod model;
pub mod provider;
pub mod resilience;
pub mod sentiment;
pub mod service;
pub mod social;
pub mod store;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod url;

pub use client::{
    BackendHealth, BackendRole, BackendStatus, ServiceRef, Tickersense, TickersenseBuilder,
};
pub use config::{Config, ConfigOverrides};
pub use error::{Error, ErrorKind, Result};
pub use model::{
    AnalyzerAgreement, AuthorLabel, BackfillState, BackfillStatus, Bar, DailySentiment, Dividend,
    History, HistoryRange, Interval, LabelAgreement, Origin, Period, PlatformSentiment, Post,
    PostQuery, PostScores, Quote, Score, SearchHit, SentimentAgreement, SentimentAnalysis,
    SentimentRecord, SourceState, SourceStatus, Split, StoredPost, Symbol, Trend, TrendReport,
};
pub use model::{Credentials, NewUser, User, UserId, WatchlistItem};
