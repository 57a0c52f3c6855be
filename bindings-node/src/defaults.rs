//! Every default the binding applies, each read from the core constant that
//! owns it, so a default changed in core changes here too (and the test of
//! `index.d.ts` then asks for the docs to follow).

use tickersense::{Interval, Period};

pub use tickersense::service::{
    DEFAULT_BACKFILL_CONCURRENCY, DEFAULT_BACKFILL_PERIOD, DEFAULT_HISTORY_CONCURRENCY,
    DEFAULT_SEARCH_LIMIT,
};

/// Days of stored sentiment `sentimentDaily` sums up when none are asked for.
// Core's `DEFAULT_SENTIMENT_DAYS` replaces this literal once it exists.
pub const DEFAULT_SENTIMENT_DAYS: u32 = 30;

/// The interval of bars when none is asked for.
pub fn interval() -> Interval {
    // Core's `DEFAULT_INTERVAL` replaces this once it exists.
    Interval::default()
}

/// The period of `history` and `historyMany` when neither it nor `start` is given.
pub fn period() -> Period {
    // Core's `DEFAULT_PERIOD` replaces this once it exists.
    Period::default()
}

/// The defaults as the docs of `index.d.ts` state them, by name, for the
/// test that holds the docs to them.
pub fn by_name() -> Vec<(&'static str, String)> {
    let policy = tickersense::resilience::ResiliencePolicy::default();
    vec![
        ("searchLimit", DEFAULT_SEARCH_LIMIT.to_string()),
        ("sentimentDays", DEFAULT_SENTIMENT_DAYS.to_string()),
        (
            "historyConcurrency",
            DEFAULT_HISTORY_CONCURRENCY.to_string(),
        ),
        (
            "backfillConcurrency",
            DEFAULT_BACKFILL_CONCURRENCY.to_string(),
        ),
        ("period", period().as_str().to_owned()),
        (
            "backfillPeriod",
            DEFAULT_BACKFILL_PERIOD.as_str().to_owned(),
        ),
        ("interval", interval().as_str().to_owned()),
        ("timeout", policy.timeout.as_secs_f64().to_string()),
        ("retries", policy.max_retries.to_string()),
    ]
}
