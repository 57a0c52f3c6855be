//! The seed's services as plain structs over the traits: each holds `Arc`s of
//! its backends and is cheap to clone.

mod backfill;
mod flight;
mod sentiment;
mod stock;

pub use backfill::{
    checked_concurrency, Backfill, BackfillProgress, BackfillReport, BackfillRequest, ProgressFn,
    RejectedSymbol, DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD,
    MAX_BACKFILL_CONCURRENCY, MAX_CONCURRENCY,
};
pub use sentiment::{
    SentimentService, DEFAULT_SENTIMENT_DAYS, DEFAULT_SOURCE_DEADLINE, MAX_SCORED_POSTS,
    MAX_SENTIMENT_DAYS, MENTION_WINDOW_DAYS, MIN_TREND_POSTS, OFF_WORKERS_BYTES, OFF_WORKERS_TEXTS,
    POSTS_PER_SOURCE, TREND_BAND,
};
pub use stock::{
    checked_search_limit, StockService, DEFAULT_HISTORY_CONCURRENCY, DEFAULT_SEARCH_LIMIT,
    MAX_QUERY_LEN, MAX_SEARCH_LIMIT, STORE_SOURCE,
};

pub use crate::model::{DEFAULT_INTERVAL, DEFAULT_PERIOD};
