//! Every default the binding applies, each read from the core constant that
//! owns it, so a default changed in core changes here too (and the test of
//! `index.d.ts` then asks for the docs to follow).

pub use tickersense::service::{
    DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD, DEFAULT_HISTORY_CONCURRENCY,
    DEFAULT_INTERVAL, DEFAULT_PERIOD, DEFAULT_SEARCH_LIMIT, DEFAULT_SENTIMENT_DAYS,
};

/// The look-back of `mentions`, in days: the window an analysis reads.
pub const DEFAULT_MENTION_DAYS: u32 = tickersense::service::MENTION_WINDOW_DAYS as u32;
/// The posts `mentions` asks of each source: as many as an analysis asks.
pub const DEFAULT_MENTION_LIMIT: usize = tickersense::service::POSTS_PER_SOURCE;

/// The defaults as the docs of `index.d.ts` state them, by name, for the
/// test that holds the docs to them.
pub fn by_name() -> Vec<(&'static str, String)> {
    let policy = tickersense::resilience::ResiliencePolicy::default();
    vec![
        ("searchLimit", DEFAULT_SEARCH_LIMIT.to_string()),
        ("sentimentDays", DEFAULT_SENTIMENT_DAYS.to_string()),
        ("mentionDays", DEFAULT_MENTION_DAYS.to_string()),
        ("mentionLimit", DEFAULT_MENTION_LIMIT.to_string()),
        (
            "historyConcurrency",
            DEFAULT_HISTORY_CONCURRENCY.to_string(),
        ),
        (
            "backfillConcurrency",
            DEFAULT_BACKFILL_CONCURRENCY.to_string(),
        ),
        ("period", DEFAULT_PERIOD.as_str().to_owned()),
        (
            "backfillPeriod",
            DEFAULT_BACKFILL_PERIOD.as_str().to_owned(),
        ),
        ("interval", DEFAULT_INTERVAL.as_str().to_owned()),
        ("timeout", policy.timeout.as_secs_f64().to_string()),
        ("retries", policy.max_retries.to_string()),
    ]
}
