//! What the social-source tests share: quick policies, the replay server,
//! counting its requests, reading its fixtures and their times, and
//! capturing log lines.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tickersense::resilience::ResiliencePolicy;
use tickersense::Symbol;
use tickersense_replay::clock::FEEDS_AND_STOCKTWITS;
use tickersense_replay::ReplayServer;

/// Quick retries, breaker off, a 2 s timeout and `max_retry_after` of 3 s.
pub use tickersense_tests::quick_policy as quick;

/// Like [`quick`], but a 400 ms timeout, one retry and `max_retry_after` of
/// 5 s: for the StockTwits and feed tests, whose slow answers take 2 s.
pub fn impatient() -> ResiliencePolicy {
    ResiliencePolicy {
        timeout: Duration::from_millis(400),
        max_retries: 1,
        max_retry_after: Duration::from_secs(5),
        ..quick()
    }
}

pub async fn server() -> ReplayServer {
    ReplayServer::start().await.expect("replay server starts")
}

pub fn sym(s: &str) -> Symbol {
    Symbol::parse(s).expect("valid symbol")
}

/// Far enough back that every replayed post is newer.
pub fn long_ago() -> DateTime<Utc> {
    Utc::now() - chrono::Duration::days(6)
}

/// A week before now: StockTwits' and the feeds' fixtures hold posts on
/// both sides of it.
pub fn week_ago() -> DateTime<Utc> {
    Utc::now() - chrono::Duration::days(7)
}

/// A StockTwits or feed fixture's RFC 3339 time as the replay server serves
/// it, moved to the present.
pub fn at(text: &str) -> DateTime<Utc> {
    let written = DateTime::parse_from_rfc3339(text).expect("an RFC 3339 time");
    FEEDS_AND_STOCKTWITS.replay_time(written.with_timezone(&Utc))
}

/// The request targets the server saw whose path starts with `prefix`.
pub fn seen(server: &ReplayServer, prefix: &str) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with(prefix))
        .collect()
}

/// A recorded page, `fixtures/social/{platform}/{symbol}/{page}.json`.
pub fn fixture(platform: &str, symbol: &str, page: usize) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/social")
        .join(platform)
        .join(symbol)
        .join(format!("{page}.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("fixture is JSON")
}

/// The log capture the social tests read their notes and warnings with.
#[allow(unused_imports)] // Not every test file reads the log.
pub use tickersense::testkit::LogCapture as Capture;
